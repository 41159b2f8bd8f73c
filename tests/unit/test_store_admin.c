/* test_store_admin.c: unit tests of the store's administration operations (users, sessions,
 * failed logins, the audit log, post edits and revisions, scheduled posts, comment moderation)
 * on a real SQLite store, and on PostgreSQL too when GAZETTE_TEST_POSTGRES names a server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NOW 1700000000LL /* 2023-11-14 22:13:20 UTC */
#define HOUR 3600LL
#define DAY 86400LL

/* A fresh store with two users (an admin and an author) and one published post by each. */
struct fixture {
    char dir[TEMP_STORE_DIR];          /* SQLite: the mkdtemp directory, removed by teardown */
    char path[TEMP_STORE_PATH];        /* SQLite: the database file in it */
    char name[TEMP_STORE_NAME];        /* PostgreSQL: the database, dropped by teardown */
    bool postgres;                     /* which of the two */
    store *s;                          /* owned, closed by teardown */
    arena a;                           /* records read back, freed by teardown */
    long long admin, author;           /* user ids */
    long long admin_post, author_post; /* post ids */
};

static long long insert_user(struct fixture *f, const char *login, enum user_role role)
{
    struct store_user user = {
        .login = login,
        .display_name = arena_printf(&f->a, "The %s", login),
        .email = arena_printf(&f->a, "%s@example.org", login),
        .role = role,
        .password_hash = "hash",
    };
    long long id = 0;
    assert_int_equal(store_user_insert(f->s, &user, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static long long insert_post(struct fixture *f, const char *slug, const char *title,
                             enum post_status status, long long author_id, long long published_at,
                             const char *body_text)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = status,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = title,
        .body_html = arena_printf(&f->a, "<p>%s</p>", body_text),
        .body_text = body_text,
        .guid = arena_printf(&f->a, "urn:%s", slug),
        .author_id = author_id,
        .published_at = published_at,
        .modified_at = published_at,
        .comments_open = true,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static long long insert_comment(struct fixture *f, long long post_id, long long parent_id,
                                enum comment_status status, enum comment_type type, const char *ip,
                                long long created_at)
{
    struct store_comment c = {
        .post_id = post_id,
        .parent_id = parent_id,
        .depth = parent_id ? 2 : 1,
        .author = "Reader",
        .email = "reader@example.org",
        .ip = ip,
        .body_html = "<p>hello</p>",
        .body_source = "hello",
        .status = status,
        .type = type,
        .created_at = created_at,
    };
    long long id = 0;
    assert_int_equal(store_comment_insert(f->s, &c, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static void populate(struct fixture *f)
{
    f->admin = insert_user(f, "root", USER_ADMIN);
    f->author = insert_user(f, "writer", USER_AUTHOR);
    f->admin_post = insert_post(f, "first", "First words", POST_STATUS_PUBLISH, f->admin,
                                NOW - 2 * DAY, "alpha bravo");
    f->author_post = insert_post(f, "second", "Second words", POST_STATUS_PUBLISH, f->author,
                                 NOW - DAY, "charlie delta");
}

static int setup_sqlite(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->s = temp_store_open(f->dir, f->path, "store-admin");
    assert_string_equal(store_kind(f->s), "sqlite");
    populate(f);
    *state = f;
    return 0;
}

static int setup_postgres(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->postgres = true;
    f->s = temp_store_open_postgres(f->name);
    assert_non_null(f->s);
    assert_string_equal(store_kind(f->s), "postgresql");
    populate(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(&f->a);
    if (f->postgres)
        temp_store_remove_postgres(f->s, f->name);
    else
        temp_store_remove(f->s, f->dir, f->path);
    free(f);
    return 0;
}

/* --- users --- */

static void test_user_get_and_update(void **state)
{
    struct fixture *f = *state;
    struct store_user user;
    assert_int_equal(store_user_get(f->s, &f->a, f->author, &user), STORE_OK);
    assert_string_equal(user.login, "writer");
    assert_int_equal(user.role, USER_AUTHOR);
    assert_false(user.disabled);

    user.display_name = "Renamed";
    user.email = "new@example.org";
    user.role = USER_EDITOR;
    user.disabled = true;
    user.password_hash = "other";
    user.login = "ignored";
    assert_int_equal(store_user_update(f->s, &user), STORE_OK);
    struct store_user back;
    assert_int_equal(store_user_get(f->s, &f->a, f->author, &back), STORE_OK);
    assert_string_equal(back.login, "writer"); /* the login is not written */
    assert_string_equal(back.display_name, "Renamed");
    assert_string_equal(back.email, "new@example.org");
    assert_int_equal(back.role, USER_EDITOR);
    assert_true(back.disabled);
    assert_string_equal(back.password_hash, "other");

    assert_int_equal(store_user_get(f->s, &f->a, 9999, &back), STORE_NOT_FOUND);
    user.id = 9999;
    assert_int_equal(store_user_update(f->s, &user), STORE_NOT_FOUND);
}

/* --- sessions --- */

static void add_session(struct fixture *f, const char *token_hash, long long user_id,
                        long long expires_at)
{
    struct store_session session = {
        .token_hash = token_hash,
        .user_id = user_id,
        .csrf = arena_printf(&f->a, "csrf-%s", token_hash),
        .created_at = NOW - HOUR,
        .expires_at = expires_at,
    };
    assert_int_equal(store_session_insert(f->s, &session), STORE_OK);
}

static int find_session(struct fixture *f, const char *token_hash, long long now)
{
    struct store_session session;
    struct store_user user;
    return store_session_find(f->s, &f->a, token_hash, now, &session, &user);
}

/* WordPress's user and term IDs (the import's) find their rows: /?author=ID, /?cat=ID. */
static void test_wp_ids(void **state)
{
    struct fixture *f = *state;
    struct store_user user = {
        .login = "imported", .display_name = "Imported", .role = USER_AUTHOR, .wp_id = 42};
    long long user_id;
    assert_int_equal(store_user_insert(f->s, &user, &user_id), STORE_OK);
    struct store_user found;
    assert_int_equal(store_user_find_wp_id(f->s, &f->a, 42, &found), STORE_OK);
    assert_int_equal(found.id, user_id);
    assert_int_equal(found.wp_id, 42);
    assert_int_equal(store_user_find_wp_id(f->s, &f->a, 43, &found), STORE_NOT_FOUND);
    assert_int_equal(store_user_get(f->s, &f->a, f->author, &found), STORE_OK);
    assert_int_equal(found.wp_id, 0); /* none */
    user.login = "other";
    assert_int_not_equal(store_user_insert(f->s, &user, NULL), STORE_OK); /* unique */

    struct store_term term = {
        .taxonomy = "category", .slug = "news", .name = "News", .description = "", .wp_id = 7};
    long long term_id;
    assert_int_equal(store_term_insert(f->s, &term, &term_id), STORE_OK);
    struct store_term t = {.taxonomy = "post_tag", .slug = "plain", .name = "Plain"};
    assert_int_equal(store_term_insert(f->s, &t, NULL), STORE_OK);
    t.slug = "plain-2"; /* two terms without a WordPress ID */
    assert_int_equal(store_term_insert(f->s, &t, NULL), STORE_OK);
    struct store_term back;
    assert_int_equal(store_term_find_wp_id(f->s, &f->a, "category", 7, &back), STORE_OK);
    assert_int_equal(back.id, term_id);
    assert_int_equal(back.wp_id, 7);
    assert_int_equal(store_term_find_wp_id(f->s, &f->a, "post_tag", 7, &back), STORE_NOT_FOUND);
    assert_int_equal(store_term_find(f->s, &f->a, "post_tag", "plain", &back), STORE_OK);
    assert_int_equal(back.wp_id, 0);
}

static void test_session_find(void **state)
{
    struct fixture *f = *state;
    add_session(f, "aaaa", f->admin, NOW + DAY);
    struct store_session session;
    struct store_user user;
    assert_int_equal(store_session_find(f->s, &f->a, "aaaa", NOW, &session, &user), STORE_OK);
    assert_string_equal(session.token_hash, "aaaa");
    assert_int_equal(session.user_id, f->admin);
    assert_string_equal(session.csrf, "csrf-aaaa");
    assert_int_equal(session.created_at, NOW - HOUR);
    assert_int_equal(session.expires_at, NOW + DAY);
    assert_int_equal(user.id, f->admin);
    assert_string_equal(user.login, "root");
    assert_int_equal(user.role, USER_ADMIN);
    assert_string_equal(user.password_hash, "hash");

    assert_int_equal(find_session(f, "bbbb", NOW), STORE_NOT_FOUND);
    /* expired: at expires_at the session is over */
    assert_int_equal(find_session(f, "aaaa", NOW + DAY - 1), STORE_OK);
    assert_int_equal(find_session(f, "aaaa", NOW + DAY), STORE_NOT_FOUND);
    assert_int_equal(find_session(f, "aaaa", NOW + 2 * DAY), STORE_NOT_FOUND);
}

static void test_session_disabled_user(void **state)
{
    struct fixture *f = *state;
    add_session(f, "cccc", f->author, NOW + DAY);
    assert_int_equal(find_session(f, "cccc", NOW), STORE_OK);
    struct store_user user;
    assert_int_equal(store_user_get(f->s, &f->a, f->author, &user), STORE_OK);
    user.disabled = true;
    assert_int_equal(store_user_update(f->s, &user), STORE_OK);
    assert_int_equal(find_session(f, "cccc", NOW), STORE_NOT_FOUND);
    user.disabled = false;
    assert_int_equal(store_user_update(f->s, &user), STORE_OK);
    assert_int_equal(find_session(f, "cccc", NOW), STORE_OK);
}

static void test_session_delete_and_purge(void **state)
{
    struct fixture *f = *state;
    add_session(f, "a1", f->admin, NOW + DAY);
    add_session(f, "a2", f->admin, NOW - 1); /* expired */
    add_session(f, "w1", f->author, NOW + DAY);
    add_session(f, "w2", f->author, NOW + HOUR);

    assert_int_equal(store_session_delete(f->s, "a1"), STORE_OK);
    assert_int_equal(find_session(f, "a1", NOW), STORE_NOT_FOUND);
    assert_int_equal(store_session_delete(f->s, "a1"), STORE_OK); /* already gone: fine */

    assert_int_equal(store_session_purge(f->s, NOW), STORE_OK);
    assert_int_equal(find_session(f, "a2", NOW - 10), STORE_NOT_FOUND); /* purged for good */
    assert_int_equal(find_session(f, "w2", NOW), STORE_OK);

    assert_int_equal(store_session_delete_user(f->s, f->author), STORE_OK);
    assert_int_equal(find_session(f, "w1", NOW), STORE_NOT_FOUND);
    assert_int_equal(find_session(f, "w2", NOW), STORE_NOT_FOUND);

    /* a session of an unknown user is refused by the foreign key */
    struct store_session orphan = {.token_hash = "zz", .user_id = 9999, .csrf = "x"};
    assert_int_equal(store_session_insert(f->s, &orphan), STORE_ERROR);
}

/* --- failed logins --- */

static void test_login_failures(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_login_failure_add(f->s, "192.0.2.1", "root", NOW - 2 * HOUR), STORE_OK);
    assert_int_equal(store_login_failure_add(f->s, "192.0.2.1", "root", NOW - 60), STORE_OK);
    assert_int_equal(store_login_failure_add(f->s, "192.0.2.1", "writer", NOW - 30), STORE_OK);
    assert_int_equal(store_login_failure_add(f->s, "192.0.2.9", "root", NOW - 10), STORE_OK);

    long long by_ip = -1, by_login = -1;
    assert_int_equal(store_login_failures(f->s, "192.0.2.1", "root", NOW - HOUR, &by_ip, &by_login),
                     STORE_OK);
    assert_int_equal(by_ip, 2);
    assert_int_equal(by_login, 2);
    assert_int_equal(
        store_login_failures(f->s, "192.0.2.1", "root", NOW - 3 * HOUR, &by_ip, &by_login),
        STORE_OK);
    assert_int_equal(by_ip, 3);
    assert_int_equal(by_login, 3);
    /* `since` counts */
    assert_int_equal(store_login_failures(f->s, "192.0.2.9", "nobody", NOW - 10, &by_ip, &by_login),
                     STORE_OK);
    assert_int_equal(by_ip, 1);
    assert_int_equal(by_login, 0);

    assert_int_equal(store_login_failures_clear(f->s, "root"), STORE_OK);
    assert_int_equal(store_login_failures(f->s, "192.0.2.1", "root", 0, &by_ip, &by_login),
                     STORE_OK);
    assert_int_equal(by_ip, 1); /* the failure for "writer" stays */
    assert_int_equal(by_login, 0);
}

/* Removing one refused attempt leaves the others; post password tries count per address and
 * post. */
static void test_attempt_rows(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_login_failure_add(f->s, "192.0.2.1", "root", NOW), STORE_OK);
    assert_int_equal(store_login_failure_remove(f->s, "192.0.2.1", "root", NOW), STORE_OK);
    assert_int_equal(store_login_failure_remove(f->s, "192.0.2.1", "root", NOW - 1), STORE_OK);
    long long by_ip = -1, by_login = -1;
    assert_int_equal(store_login_failures(f->s, "192.0.2.1", "root", 0, &by_ip, &by_login),
                     STORE_OK);
    assert_int_equal(by_login, 2);

    assert_int_equal(store_post_password_failure_add(f->s, "192.0.2.1", 7, NOW - HOUR), STORE_OK);
    assert_int_equal(store_post_password_failure_add(f->s, "192.0.2.1", 7, NOW), STORE_OK);
    assert_int_equal(store_post_password_failure_add(f->s, "192.0.2.1", 7, NOW), STORE_OK);
    assert_int_equal(store_post_password_failure_add(f->s, "192.0.2.1", 8, NOW), STORE_OK);
    assert_int_equal(store_post_password_failure_add(f->s, "192.0.2.2", 7, NOW), STORE_OK);
    long long count = -1;
    assert_int_equal(store_post_password_failures(f->s, "192.0.2.1", 7, NOW - 600, &count),
                     STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(store_post_password_failure_remove(f->s, "192.0.2.1", 7, NOW), STORE_OK);
    assert_int_equal(store_post_password_failures(f->s, "192.0.2.1", 7, 0, &count), STORE_OK);
    assert_int_equal(count, 2);
    /* failed sign-ins are another table: the address's tries at posts are not among them */
    assert_int_equal(store_login_failures(f->s, "192.0.2.1", "root", 0, &by_ip, &by_login),
                     STORE_OK);
    assert_int_equal(by_ip, 2);
}

/* The first-time rule's lookup: name exactly and email in any case, approved only; and the
 * account of an email. */
static void test_comment_author_and_account_email(void **state)
{
    struct fixture *f = *state;
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT,
                   "198.51.100.1", NOW);
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_PENDING, COMMENT_TYPE_COMMENT,
                   "198.51.100.1", NOW);
    bool known = false;
    assert_int_equal(store_comment_author_approved(f->s, "Reader", "READER@example.org", &known),
                     STORE_OK);
    assert_true(known);
    assert_int_equal(store_comment_author_approved(f->s, "reader", "reader@example.org", &known),
                     STORE_OK);
    assert_false(known);
    assert_int_equal(store_comment_author_approved(f->s, "Reader", "other@example.org", &known),
                     STORE_OK);
    assert_false(known);

    struct store_user user;
    assert_int_equal(store_user_find_email(f->s, &f->a, "Writer@Example.ORG", &user), STORE_OK);
    assert_string_equal(user.login, "writer");
    assert_int_equal(store_user_find_email(f->s, &f->a, "nobody@example.org", &user),
                     STORE_NOT_FOUND);
    assert_int_equal(store_user_find_email(f->s, &f->a, "", &user), STORE_NOT_FOUND);
}

/* --- the audit log --- */

static void test_audit_log(void **state)
{
    struct fixture *f = *state;
    struct store_audit entries_in[] = {
        {.user_id = f->admin, .at = NOW - 30, .action = "post.edit", .target = "post 1"},
        {.user_id = 0, .at = NOW - 20, .action = "mail.send", .target = "outbox", .detail = NULL},
        {.user_id = f->author,
         .at = NOW - 10,
         .action = "comment.approve",
         .target = "comment 12",
         .detail = "from the queue"},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(store_audit_insert(f->s, &entries_in[i]), STORE_OK);

    struct store_audit *entries;
    size_t count;
    assert_int_equal(store_audit_list(f->s, &f->a, 0, 0, &entries, &count), STORE_OK);
    assert_int_equal(count, 3);
    assert_string_equal(entries[0].action, "comment.approve");
    assert_string_equal(entries[0].target, "comment 12");
    assert_string_equal(entries[0].detail, "from the queue");
    assert_string_equal(entries[0].user_login, "writer");
    assert_int_equal(entries[0].user_id, f->author);
    assert_int_equal(entries[0].at, NOW - 10);
    assert_true(entries[0].id > 0);
    assert_string_equal(entries[1].action, "mail.send");
    assert_string_equal(entries[1].user_login, ""); /* no user */
    assert_int_equal(entries[1].user_id, 0);
    assert_string_equal(entries[1].detail, "");
    assert_string_equal(entries[2].user_login, "root");

    assert_int_equal(store_audit_list(f->s, &f->a, 1, 1, &entries, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(entries[0].action, "mail.send");
    assert_int_equal(store_audit_list(f->s, &f->a, 10, 3, &entries, &count), STORE_OK);
    assert_int_equal(count, 0);
}

/* --- posts --- */

/* How many published posts a one-word search finds. */
static long long search_count(struct fixture *f, const char *word)
{
    const char *words[] = {word};
    struct store_search_group group = {.words = words, .word_count = 1};
    struct store_search_hit *hits;
    size_t count;
    long long total = -1;
    assert_int_equal(store_search(f->s, &f->a, &group, 1, 10, 0, &hits, &count, &total), STORE_OK);
    assert_int_equal((long long)count, total);
    return total;
}

static void test_post_update(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(search_count(f, "bravo"), 1);
    assert_int_equal(search_count(f, "zulu"), 0);

    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, f->admin_post, &post), STORE_OK);
    post.status = POST_STATUS_DRAFT;
    post.slug = "first-edited";
    post.path = "/first-edited/";
    post.title = "Edited headline";
    post.excerpt = "An excerpt";
    post.body_html = "<p>yankee zulu</p>";
    post.body_source = "yankee zulu";
    post.body_text = "yankee zulu";
    post.password = "";
    post.author_id = f->author;
    post.published_at = NOW - HOUR;
    post.modified_at = NOW;
    post.comments_open = false;
    post.sticky = true;
    post.wp_id = 77;            /* not written */
    post.guid = "changed";      /* not written */
    post.type = POST_TYPE_PAGE; /* not written */
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);

    struct store_post back;
    assert_int_equal(store_post_get(f->s, &f->a, f->admin_post, &back), STORE_OK);
    assert_int_equal(back.status, POST_STATUS_DRAFT);
    assert_string_equal(back.slug, "first-edited");
    assert_string_equal(back.path, "/first-edited/");
    assert_string_equal(back.title, "Edited headline");
    assert_string_equal(back.excerpt, "An excerpt");
    assert_string_equal(back.body_html, "<p>yankee zulu</p>");
    assert_string_equal(back.body_source, "yankee zulu");
    assert_string_equal(back.body_text, "yankee zulu");
    assert_int_equal(back.author_id, f->author);
    assert_string_equal(back.author_login, "writer");
    assert_int_equal(back.published_at, NOW - HOUR);
    assert_int_equal(back.modified_at, NOW);
    assert_false(back.comments_open);
    assert_true(back.sticky);
    assert_int_equal(back.wp_id, 0);
    assert_string_equal(back.guid, "urn:first");
    assert_int_equal(back.type, POST_TYPE_POST);
    assert_int_equal(store_post_find_path(f->s, &f->a, "/first/", &back), STORE_NOT_FOUND);

    /* a draft is not searched; published again, the new words are found and the old not */
    assert_int_equal(search_count(f, "zulu"), 0);
    post.status = POST_STATUS_PUBLISH;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    assert_int_equal(search_count(f, "zulu"), 1);
    assert_int_equal(search_count(f, "yankee"), 1);
    assert_int_equal(search_count(f, "headline"), 1);
    assert_int_equal(search_count(f, "bravo"), 0);
    assert_int_equal(search_count(f, "alpha"), 0);
    assert_int_equal(search_count(f, "charlie"), 1); /* the other post is untouched */

    /* a NULL body_text is written as "", like an insert */
    post.body_text = NULL;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    assert_int_equal(search_count(f, "zulu"), 0);

    post.id = 9999;
    assert_int_equal(store_post_update(f->s, &post), STORE_NOT_FOUND);
    /* a path taken by another post is refused */
    post.id = f->admin_post;
    post.path = "/second/";
    assert_int_equal(store_post_update(f->s, &post), STORE_ERROR);
}

static void test_post_term_clear(void **state)
{
    struct fixture *f = *state;
    struct store_term term = {.taxonomy = "post_tag", .slug = "t", .name = "T"};
    long long term_id = 0, other_id = 0;
    assert_int_equal(store_term_insert(f->s, &term, &term_id), STORE_OK);
    term.slug = "u";
    term.name = "U";
    assert_int_equal(store_term_insert(f->s, &term, &other_id), STORE_OK);
    assert_int_equal(store_post_term_add(f->s, f->admin_post, term_id), STORE_OK);
    assert_int_equal(store_post_term_add(f->s, f->admin_post, other_id), STORE_OK);
    assert_int_equal(store_post_term_add(f->s, f->author_post, term_id), STORE_OK);

    assert_int_equal(store_post_term_clear(f->s, f->admin_post), STORE_OK);
    struct store_term *terms;
    size_t count;
    assert_int_equal(store_post_terms(f->s, &f->a, f->admin_post, &terms, &count), STORE_OK);
    assert_int_equal(count, 0);
    assert_int_equal(store_post_terms(f->s, &f->a, f->author_post, &terms, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_post_term_clear(f->s, f->admin_post), STORE_OK); /* none: fine */
}

static void test_post_publish_due(void **state)
{
    struct fixture *f = *state;
    long long due = insert_post(f, "due", "Due", POST_STATUS_FUTURE, f->admin, NOW - 60, "x");
    long long exact = insert_post(f, "exact", "Exact", POST_STATUS_FUTURE, f->admin, NOW, "x");
    long long later = insert_post(f, "later", "Later", POST_STATUS_FUTURE, f->admin, NOW + 60, "x");
    long long draft =
        insert_post(f, "old-draft", "Draft", POST_STATUS_DRAFT, f->admin, NOW - DAY, "x");

    long long published = -1;
    assert_int_equal(store_post_publish_due(f->s, NOW, &published), STORE_OK);
    assert_int_equal(published, 2);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, due, &post), STORE_OK);
    assert_int_equal(post.status, POST_STATUS_PUBLISH);
    assert_int_equal(store_post_get(f->s, &f->a, exact, &post), STORE_OK);
    assert_int_equal(post.status, POST_STATUS_PUBLISH);
    assert_int_equal(store_post_get(f->s, &f->a, later, &post), STORE_OK);
    assert_int_equal(post.status, POST_STATUS_FUTURE);
    assert_int_equal(store_post_get(f->s, &f->a, draft, &post), STORE_OK);
    assert_int_equal(post.status, POST_STATUS_DRAFT);

    assert_int_equal(store_post_publish_due(f->s, NOW, &published), STORE_OK);
    assert_int_equal(published, 0);
    assert_int_equal(store_post_publish_due(f->s, NOW + 60, &published), STORE_OK);
    assert_int_equal(published, 1);
}

static void test_post_list_admin_filters(void **state)
{
    struct fixture *f = *state;
    insert_post(f, "pct", "Growth of 100% in a year", POST_STATUS_DRAFT, f->admin, NOW - 3 * DAY,
                "x");
    insert_post(f, "pct2", "Growth of 100 percent", POST_STATUS_PUBLISH, f->author, NOW - 4 * DAY,
                "x");
    insert_post(f, "under", "snake_case names", POST_STATUS_PUBLISH, f->admin, NOW - 5 * DAY, "x");
    insert_post(f, "under2", "snakeXcase names", POST_STATUS_PUBLISH, f->admin, NOW - 6 * DAY, "x");
    insert_post(f, "slash", "back\\slash", POST_STATUS_PUBLISH, f->admin, NOW - 7 * DAY, "x");

    struct store_post *posts;
    size_t count;
    long long total;
    struct store_post_filter filter = {.title_contains = "100%"};
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(posts[0].slug, "pct");
    assert_int_equal(store_post_count(f->s, &filter, &total), STORE_OK);
    assert_int_equal(total, 1);

    filter.title_contains = "KE_C"; /* _ is a character, not a wildcard; any case */
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(posts[0].slug, "under");

    filter.title_contains = "k\\s";
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(posts[0].slug, "slash");

    filter.title_contains = "growth";
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(store_post_count(f->s, &filter, &total), STORE_OK);
    assert_int_equal(total, 2);
    /* with the other filters, on the listing readers see too */
    filter.type = POST_TYPE_POST;
    filter.status = POST_STATUS_PUBLISH;
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(posts[0].slug, "pct2");
    filter.author_id = f->admin;
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 0);
    assert_int_equal(store_post_count(f->s, &filter, &total), STORE_OK);
    assert_int_equal(total, 0);

    filter = (struct store_post_filter){.title_contains = ""}; /* "": any */
    assert_int_equal(store_post_count(f->s, &filter, &total), STORE_OK);
    assert_int_equal(total, 7);
    filter.title_contains = "nowhere";
    assert_int_equal(store_post_count(f->s, &filter, &total), STORE_OK);
    assert_int_equal(total, 0);
}

static void test_post_list_by_modified(void **state)
{
    struct fixture *f = *state;
    long long sticky =
        insert_post(f, "sticky", "Sticky", POST_STATUS_PUBLISH, f->admin, NOW - 9 * DAY, "x");
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, sticky, &post), STORE_OK);
    post.sticky = true;
    post.modified_at = NOW - 10 * DAY;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    /* the oldest post, modified last */
    assert_int_equal(store_post_get(f->s, &f->a, f->admin_post, &post), STORE_OK);
    post.modified_at = NOW;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);

    struct store_post *posts;
    size_t count;
    struct store_post_filter front = {.type = POST_TYPE_POST, .status = POST_STATUS_PUBLISH};
    assert_int_equal(store_post_list(f->s, &f->a, &front, &posts, &count), STORE_OK);
    assert_int_equal(count, 3);
    assert_int_equal(posts[0].id, sticky); /* the front page: sticky first */
    assert_int_equal(posts[1].id, f->author_post);

    struct store_post_filter admin = {
        .type = POST_TYPE_POST, .status = POST_STATUS_PUBLISH, .by_modified = true};
    assert_int_equal(store_post_list(f->s, &f->a, &admin, &posts, &count), STORE_OK);
    assert_int_equal(count, 3);
    assert_int_equal(posts[0].id, f->admin_post);
    assert_int_equal(posts[1].id, f->author_post);
    assert_int_equal(posts[2].id, sticky); /* no sticky rule */

    admin = (struct store_post_filter){.by_modified = true, .limit = 1, .offset = 1};
    assert_int_equal(store_post_list(f->s, &f->a, &admin, &posts, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(posts[0].id, f->author_post);
}

/* --- revisions --- */

static void test_revisions(void **state)
{
    struct fixture *f = *state;
    for (int i = 1; i <= 5; i++) {
        struct store_revision r = {
            .post_id = f->admin_post,
            .user_id = i == 5 ? 0 : f->admin,
            .saved_at = NOW + i,
            .title = arena_printf(&f->a, "Title %d", i),
            .slug = "first",
            .excerpt = NULL,
            .body_source = "src",
            .body_html = arena_printf(&f->a, "<p>%d</p>", i),
        };
        assert_int_equal(store_revision_insert(f->s, &r, 3), STORE_OK);
    }
    struct store_revision other = {.post_id = f->author_post,
                                   .user_id = f->author,
                                   .saved_at = NOW,
                                   .title = "Other",
                                   .slug = "second",
                                   .body_html = "<p>o</p>"};
    assert_int_equal(store_revision_insert(f->s, &other, 3), STORE_OK);

    struct store_revision *revisions;
    size_t count;
    assert_int_equal(store_revision_list(f->s, &f->a, f->admin_post, &revisions, &count), STORE_OK);
    assert_int_equal(count, 3);
    assert_string_equal(revisions[0].title, "Title 5");
    assert_string_equal(revisions[0].user_login, ""); /* no user */
    assert_int_equal(revisions[0].user_id, 0);
    assert_string_equal(revisions[1].title, "Title 4");
    assert_string_equal(revisions[1].user_login, "root");
    assert_int_equal(revisions[1].user_id, f->admin);
    assert_string_equal(revisions[2].title, "Title 3");
    assert_string_equal(revisions[2].excerpt, "");
    assert_string_equal(revisions[2].body_source, "src");
    assert_string_equal(revisions[2].body_html, "<p>3</p>");
    assert_int_equal(revisions[2].saved_at, NOW + 3);
    assert_int_equal(revisions[2].post_id, f->admin_post);

    struct store_revision one;
    assert_int_equal(store_revision_get(f->s, &f->a, revisions[1].id, &one), STORE_OK);
    assert_string_equal(one.title, "Title 4");
    assert_string_equal(one.slug, "first");
    assert_string_equal(one.user_login, "root");
    assert_int_equal(store_revision_get(f->s, &f->a, revisions[1].id + 1000, &one),
                     STORE_NOT_FOUND);

    /* the other post's revision was not trimmed away */
    assert_int_equal(store_revision_list(f->s, &f->a, f->author_post, &revisions, &count),
                     STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(revisions[0].user_login, "writer");

    /* keep 1: only the newest */
    other.saved_at = NOW + 1;
    other.title = "Other 2";
    assert_int_equal(store_revision_insert(f->s, &other, 1), STORE_OK);
    assert_int_equal(store_revision_list(f->s, &f->a, f->author_post, &revisions, &count),
                     STORE_OK);
    assert_int_equal(count, 1);
    assert_string_equal(revisions[0].title, "Other 2");
}

/* --- comments --- */

static void test_comment_count_ip(void **state)
{
    struct fixture *f = *state;
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT,
                   "198.51.100.1", NOW - 2 * HOUR);
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_SPAM, COMMENT_TYPE_COMMENT, "198.51.100.1",
                   NOW - 60);
    insert_comment(f, f->author_post, 0, COMMENT_STATUS_PENDING, COMMENT_TYPE_PINGBACK,
                   "198.51.100.1", NOW - 30);
    insert_comment(f, f->author_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT,
                   "198.51.100.2", NOW - 30);
    long long count = -1;
    assert_int_equal(store_comment_count_ip(f->s, "198.51.100.1", NOW - HOUR, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(store_comment_count_ip(f->s, "198.51.100.1", 0, &count), STORE_OK);
    assert_int_equal(count, 3);
    assert_int_equal(store_comment_count_ip(f->s, "198.51.100.1", NOW - 30, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_comment_count_ip(f->s, "203.0.113.1", 0, &count), STORE_OK);
    assert_int_equal(count, 0);
}

/* A page's thread: what a page shows, in display order, and nothing a page must not show (a
 * commenter's email, address or browser). */
static void test_comment_thread_fields(void **state)
{
    struct fixture *f = *state;
    long long top = insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED,
                                   COMMENT_TYPE_COMMENT, "198.51.100.7", NOW - 60);
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_PINGBACK, "",
                   NOW - 50); /* not a comment */
    struct store_comment parent;
    assert_int_equal(store_comment_get(f->s, &f->a, top, &parent), STORE_OK);
    struct store_comment reply = {
        .post_id = f->admin_post,
        .parent_id = top,
        .depth = 2,
        .author = "Replier",
        .email = "replier@example.org",
        .url = "https://example.org/replier",
        .ip = "198.51.100.8",
        .user_agent = "Test/1.0",
        .body_html = "<p>yes</p>",
        .body_source = "yes",
        .status = COMMENT_STATUS_PENDING,
        .type = COMMENT_TYPE_COMMENT,
        .held_by = "first comment",
        .created_at = NOW - 30,
    };
    long long reply_id = 0;
    assert_int_equal(store_comment_add(f->s, &reply, parent.path, &reply_id), STORE_OK);

    struct store_comment *comments;
    size_t count = 0;
    assert_int_equal(
        store_comment_thread(f->s, &f->a, f->admin_post, COMMENT_STATUS_ANY, &comments, &count),
        STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(comments[0].id, top);
    assert_int_equal(comments[0].parent_id, 0);
    assert_int_equal(comments[0].depth, 1);
    assert_int_equal(comments[0].status, COMMENT_STATUS_APPROVED);
    const struct store_comment *r = &comments[1];
    assert_int_equal(r->id, reply_id);
    assert_int_equal(r->post_id, f->admin_post);
    assert_int_equal(r->parent_id, top);
    assert_int_equal(r->depth, 2);
    assert_string_equal(r->author, "Replier");
    assert_string_equal(r->url, "https://example.org/replier");
    assert_string_equal(r->body_html, "<p>yes</p>");
    assert_int_equal(r->status, COMMENT_STATUS_PENDING);
    assert_int_equal(r->type, COMMENT_TYPE_COMMENT);
    assert_int_equal(r->created_at, NOW - 30);
    assert_string_equal(r->email, "");
    assert_string_equal(r->ip, "");
    assert_string_equal(r->user_agent, "");
    assert_string_equal(r->body_source, "");
    assert_string_equal(r->held_by, "");

    assert_int_equal(store_comment_thread(f->s, &f->a, f->admin_post, COMMENT_STATUS_APPROVED,
                                          &comments, &count),
                     STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(comments[0].id, top);
}

static void test_comment_counts(void **state)
{
    struct fixture *f = *state;
    struct store_comment_counts counts;
    assert_int_equal(store_comment_counts(f->s, 0, &counts), STORE_OK);
    assert_int_equal(counts.pending + counts.approved + counts.spam + counts.trash, 0);

    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_PENDING, COMMENT_TYPE_COMMENT, "", NOW);
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_PENDING, COMMENT_TYPE_COMMENT, "", NOW);
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT, "", NOW);
    insert_comment(f, f->admin_post, 0, COMMENT_STATUS_PENDING, COMMENT_TYPE_PINGBACK, "",
                   NOW); /* not a comment */
    insert_comment(f, f->author_post, 0, COMMENT_STATUS_PENDING, COMMENT_TYPE_COMMENT, "", NOW);
    insert_comment(f, f->author_post, 0, COMMENT_STATUS_SPAM, COMMENT_TYPE_COMMENT, "", NOW);
    insert_comment(f, f->author_post, 0, COMMENT_STATUS_TRASH, COMMENT_TYPE_COMMENT, "", NOW);
    insert_comment(f, f->author_post, 0, COMMENT_STATUS_TRASH, COMMENT_TYPE_TRACKBACK, "",
                   NOW); /* not a comment */

    assert_int_equal(store_comment_counts(f->s, 0, &counts), STORE_OK);
    assert_int_equal(counts.pending, 3);
    assert_int_equal(counts.approved, 1);
    assert_int_equal(counts.spam, 1);
    assert_int_equal(counts.trash, 1);
    assert_int_equal(store_comment_counts(f->s, f->author, &counts), STORE_OK);
    assert_int_equal(counts.pending, 1);
    assert_int_equal(counts.approved, 0);
    assert_int_equal(counts.spam, 1);
    assert_int_equal(counts.trash, 1);
    assert_int_equal(store_comment_counts(f->s, f->admin, &counts), STORE_OK);
    assert_int_equal(counts.pending, 2);
    assert_int_equal(counts.approved, 1);
    assert_int_equal(counts.spam, 0);
    assert_int_equal(counts.trash, 0);
    assert_int_equal(store_comment_counts(f->s, 9999, &counts), STORE_OK);
    assert_int_equal(counts.pending + counts.approved + counts.spam + counts.trash, 0);
}

static void test_comment_list_filters(void **state)
{
    struct fixture *f = *state;
    long long ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = insert_comment(f, i < 3 ? f->admin_post : f->author_post, 0,
                                COMMENT_STATUS_PENDING, COMMENT_TYPE_COMMENT, "", NOW + i);
    struct store_comment *comments;
    size_t count;
    struct store_comment_filter filter = {.limit = 2, .offset = 1};
    assert_int_equal(store_comment_list(f->s, &f->a, &filter, &comments, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(comments[0].id, ids[3]);
    assert_int_equal(comments[1].id, ids[2]);

    filter = (struct store_comment_filter){.post_author_id = f->author};
    assert_int_equal(store_comment_list(f->s, &f->a, &filter, &comments, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(comments[0].id, ids[4]);
    assert_int_equal(comments[1].id, ids[3]);

    filter = (struct store_comment_filter){.post_author_id = f->admin, .offset = 2};
    assert_int_equal(store_comment_list(f->s, &f->a, &filter, &comments, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(comments[0].id, ids[0]);
}

static void test_comment_update(void **state)
{
    struct fixture *f = *state;
    long long id = insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED,
                                  COMMENT_TYPE_COMMENT, "192.0.2.5", NOW);
    struct store_comment c;
    assert_int_equal(store_comment_get(f->s, &f->a, id, &c), STORE_OK);
    c.author = "Edited";
    c.email = "edited@example.org";
    c.url = "https://example.org/";
    c.body_source = "*fixed*";
    c.body_html = "<p><em>fixed</em></p>";
    c.status = COMMENT_STATUS_SPAM; /* not written */
    c.ip = "0.0.0.0";               /* not written */
    assert_int_equal(store_comment_update(f->s, &c), STORE_OK);
    struct store_comment back;
    assert_int_equal(store_comment_get(f->s, &f->a, id, &back), STORE_OK);
    assert_string_equal(back.author, "Edited");
    assert_string_equal(back.email, "edited@example.org");
    assert_string_equal(back.url, "https://example.org/");
    assert_string_equal(back.body_source, "*fixed*");
    assert_string_equal(back.body_html, "<p><em>fixed</em></p>");
    assert_int_equal(back.status, COMMENT_STATUS_APPROVED);
    assert_string_equal(back.ip, "192.0.2.5");

    c.url = NULL;
    assert_int_equal(store_comment_update(f->s, &c), STORE_OK);
    assert_int_equal(store_comment_get(f->s, &f->a, id, &back), STORE_OK);
    assert_string_equal(back.url, "");

    c.id = 9999;
    assert_int_equal(store_comment_update(f->s, &c), STORE_NOT_FOUND);
}

static void test_comment_delete(void **state)
{
    struct fixture *f = *state;
    long long parent =
        insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT, "", NOW);
    long long reply = insert_comment(f, f->admin_post, parent, COMMENT_STATUS_APPROVED,
                                     COMMENT_TYPE_COMMENT, "", NOW + 1);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, f->admin_post, &post), STORE_OK);
    assert_int_equal(post.approved_comments, 2);

    /* its reply refers to it (model/moderation.c says why it stays) */
    assert_int_equal(store_comment_delete(f->s, parent), STORE_CONFLICT);
    bool has_replies = false;
    assert_int_equal(store_comment_has_replies(f->s, parent, &has_replies), STORE_OK);
    assert_true(has_replies);
    struct store_comment c;
    assert_int_equal(store_comment_get(f->s, &f->a, parent, &c), STORE_OK);

    /* its edits go with it */
    struct store_comment_edit edit = {.comment_id = reply,
                                      .user_id = f->admin,
                                      .edited_at = NOW,
                                      .author = "Reader",
                                      .email = "reader@example.org",
                                      .body_html = "<p>old</p>"};
    assert_int_equal(store_comment_edit_insert(f->s, &edit), STORE_OK);
    assert_int_equal(store_comment_delete(f->s, reply), STORE_OK);
    assert_int_equal(store_comment_get(f->s, &f->a, reply, &c), STORE_NOT_FOUND);
    struct store_comment_edit *edits;
    size_t count;
    assert_int_equal(store_comment_edit_list(f->s, &f->a, reply, &edits, &count), STORE_OK);
    assert_int_equal(count, 0);

    assert_int_equal(store_comment_delete(f->s, parent), STORE_OK);
    assert_int_equal(store_comment_get(f->s, &f->a, parent, &c), STORE_NOT_FOUND);
    assert_int_equal(store_post_get(f->s, &f->a, f->admin_post, &post), STORE_OK);
    assert_int_equal(post.approved_comments, 0);
    assert_int_equal(store_comment_delete(f->s, parent), STORE_NOT_FOUND);
}

static void test_comment_edits(void **state)
{
    struct fixture *f = *state;
    long long id =
        insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT, "", NOW);
    long long other =
        insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT, "", NOW);
    for (int i = 1; i <= 3; i++) {
        struct store_comment_edit edit = {
            .comment_id = i == 3 ? other : id,
            .user_id = i == 2 ? 0 : f->admin,
            .edited_at = NOW + i,
            .author = arena_printf(&f->a, "Author %d", i),
            .email = "e@example.org",
            .url = i == 1 ? "https://one.example/" : NULL,
            .body_source = i == 1 ? "one" : NULL,
            .body_html = arena_printf(&f->a, "<p>%d</p>", i),
        };
        assert_int_equal(store_comment_edit_insert(f->s, &edit), STORE_OK);
    }
    struct store_comment_edit *edits;
    size_t count;
    assert_int_equal(store_comment_edit_list(f->s, &f->a, id, &edits, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_string_equal(edits[0].author, "Author 2");
    assert_string_equal(edits[0].user_login, "");
    assert_int_equal(edits[0].user_id, 0);
    assert_string_equal(edits[0].url, "");
    assert_string_equal(edits[0].body_source, "");
    assert_string_equal(edits[1].author, "Author 1");
    assert_string_equal(edits[1].user_login, "root");
    assert_string_equal(edits[1].email, "e@example.org");
    assert_string_equal(edits[1].url, "https://one.example/");
    assert_string_equal(edits[1].body_source, "one");
    assert_string_equal(edits[1].body_html, "<p>1</p>");
    assert_int_equal(edits[1].edited_at, NOW + 1);
    assert_int_equal(edits[1].comment_id, id);
    assert_true(edits[1].id > 0);
}

/* --- gazette copy --replace --- */

static void test_clear_with_admin_rows(void **state)
{
    struct fixture *f = *state;
    add_session(f, "s1", f->admin, NOW + DAY);
    assert_int_equal(store_login_failure_add(f->s, "192.0.2.1", "root", NOW), STORE_OK);
    struct store_audit entry = {.user_id = f->admin, .at = NOW, .action = "a", .target = "t"};
    assert_int_equal(store_audit_insert(f->s, &entry), STORE_OK);
    struct store_revision r = {.post_id = f->admin_post,
                               .user_id = f->admin,
                               .saved_at = NOW,
                               .title = "T",
                               .slug = "first",
                               .body_html = "<p></p>"};
    assert_int_equal(store_revision_insert(f->s, &r, 5), STORE_OK);
    long long id =
        insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT, "", NOW);
    struct store_comment_edit edit = {.comment_id = id,
                                      .user_id = f->admin,
                                      .edited_at = NOW,
                                      .author = "A",
                                      .email = "e",
                                      .body_html = "<p></p>"};
    assert_int_equal(store_comment_edit_insert(f->s, &edit), STORE_OK);

    /* as gazette copy does */
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_clear(f->s), STORE_OK);
    assert_int_equal(store_defer_constraints(f->s), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);

    struct store_counts counts;
    assert_int_equal(store_counts(f->s, &counts), STORE_OK);
    assert_int_equal(counts.users + counts.posts + counts.comments + counts.settings, 0);
    struct store_audit *entries;
    size_t count;
    assert_int_equal(store_audit_list(f->s, &f->a, 0, 0, &entries, &count), STORE_OK);
    assert_int_equal(count, 0);
    long long by_ip = -1, by_login = -1;
    assert_int_equal(store_login_failures(f->s, "192.0.2.1", "root", 0, &by_ip, &by_login),
                     STORE_OK);
    assert_int_equal(by_ip + by_login, 0);
    struct store_revision *revisions;
    assert_int_equal(store_revision_list(f->s, &f->a, f->admin_post, &revisions, &count), STORE_OK);
    assert_int_equal(count, 0);
}

/* --- gazette copy: every table, verified by count and checksum --- */

/* A row in every table gazette copy moves, with NULLs, booleans both ways and UTF-8. */
static void populate_every_table(struct fixture *f)
{
    assert_int_equal(store_setting_set(f->s, "site.title", "Ὅμηρος 東京 😀"), STORE_OK);
    struct store_term parent = {.taxonomy = "category", .slug = "news", .name = "News"};
    long long parent_id = 0, child_id = 0;
    assert_int_equal(store_term_insert(f->s, &parent, &parent_id), STORE_OK);
    struct store_term child = {.taxonomy = "category",
                               .slug = "world",
                               .name = "عالم",
                               .description = "",
                               .parent_id = parent_id};
    assert_int_equal(store_term_insert(f->s, &child, &child_id), STORE_OK);
    assert_int_equal(store_post_term_add(f->s, f->admin_post, child_id), STORE_OK);
    long long top = insert_comment(f, f->admin_post, 0, COMMENT_STATUS_APPROVED,
                                   COMMENT_TYPE_COMMENT, "192.0.2.7", NOW);
    insert_comment(f, f->admin_post, top, COMMENT_STATUS_PENDING, COMMENT_TYPE_COMMENT, "", NOW);
    struct store_mail mail = {.post_id = f->admin_post,
                              .created_at = NOW,
                              .status = MAIL_STATUS_QUEUED,
                              .sender = "site@example.org",
                              .recipient = "friend@example.org",
                              .client_ip = "192.0.2.8",
                              .message = "Subject: hi\r\n\r\nשלום\r\n",
                              .next_attempt_at = NOW};
    long long mail_id = 0;
    assert_int_equal(store_mail_insert(f->s, &mail, &mail_id), STORE_OK);
    add_session(f, "token", f->admin, NOW + DAY);
    assert_int_equal(store_login_failure_add(f->s, "192.0.2.1", "root", NOW), STORE_OK);
    assert_int_equal(store_post_password_failure_add(f->s, "192.0.2.2", f->admin_post, NOW),
                     STORE_OK);
    struct store_audit entry = {.user_id = f->admin,
                                .at = NOW,
                                .action = "post.save",
                                .target = "post 1",
                                .detail = "中文"};
    assert_int_equal(store_audit_insert(f->s, &entry), STORE_OK);
    struct store_audit anonymous = {.at = NOW + 1, .action = "login.fail", .target = "root"};
    assert_int_equal(store_audit_insert(f->s, &anonymous), STORE_OK);
    struct store_revision r = {.post_id = f->admin_post,
                               .user_id = f->admin,
                               .saved_at = NOW,
                               .title = "Before",
                               .slug = "first",
                               .body_html = "<p>before</p>"};
    assert_int_equal(store_revision_insert(f->s, &r, 5), STORE_OK);
    struct store_comment_edit edit = {.comment_id = top,
                                      .user_id = f->admin,
                                      .edited_at = NOW,
                                      .author = "A",
                                      .email = "e@example.org",
                                      .body_html = "<p>was</p>"};
    assert_int_equal(store_comment_edit_insert(f->s, &edit), STORE_OK);
    /* a media with more files than the copy reads at once, their bytes with NULs and every
     * byte value (one file empty), featured by the post, which comes first in the copy */
    struct store_media media = {.wp_id = 9,
                                .post_id = f->admin_post,
                                .author_id = f->admin,
                                .file = "2024/01/ü.jpg",
                                .slug = "u",
                                .page_path = "",
                                .title = "Ünïcode",
                                .created_at = NOW};
    long long media_id = 0;
    assert_int_equal(store_media_insert(f->s, &media, &media_id), STORE_OK);
    static unsigned char bytes[600];
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(i * 7);
    for (int i = 0; i < 7; i++) {
        struct store_media_file file = {.media_id = media_id,
                                        .path = arena_printf(&f->a, "2024/01/ü-%d.jpg", i),
                                        .size = i ? "medium" : "full",
                                        .mime = "image/jpeg",
                                        .width = 100 * i,
                                        .bytes = i == 3 ? 0 : (long long)sizeof(bytes) - i,
                                        .etag = "abc",
                                        .data = bytes + i};
        assert_int_equal(store_media_file_put(f->s, &file, NULL), STORE_OK);
    }
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, f->admin_post, &post), STORE_OK);
    post.featured_media_id = media_id;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
}

/* Copies f's store into `to` as gazette copy does. */
static int copy_into(store *to, store *from, arena *a)
{
    assert_int_equal(store_begin_bulk(to), STORE_OK);
    assert_int_equal(store_clear(to), STORE_OK);
    assert_int_equal(store_defer_constraints(to), STORE_OK);
    int rc = store_copy_from(to, from, a);
    if (rc == STORE_OK)
        assert_int_equal(store_commit(to), STORE_OK);
    else
        store_rollback(to);
    return rc;
}

/* Whether two stores' sums are the same, table by table. */
static bool same_sums(struct fixture *f, store *x, store *y)
{
    struct store_table_sum *a, *b;
    size_t n, m;
    assert_int_equal(store_table_sums(x, &f->a, &a, &n), STORE_OK);
    assert_int_equal(store_table_sums(y, &f->a, &b, &m), STORE_OK);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].table, b[i].table) != 0 || a[i].rows != b[i].rows ||
            strcmp(a[i].checksum, b[i].checksum) != 0)
            return false;
    return true;
}

/* Every table with rows is copied, to the same engine and to the other one when a PostgreSQL
 * server is at hand (SQLite -> PostgreSQL, PostgreSQL -> SQLite), and verified by its sums; a
 * changed row or a missing one shows in them; a table the copy does not know stops it. */
static void test_copy_every_table(void **state)
{
    struct fixture *f = *state;
    populate_every_table(f);
    struct store_table_sum *sums;
    size_t count;
    assert_int_equal(store_table_sums(f->s, &f->a, &sums, &count), STORE_OK);
    static const char *const filled[] = {"settings",
                                         "users",
                                         "terms",
                                         "posts",
                                         "post_terms",
                                         "comments",
                                         "outbox",
                                         "sessions",
                                         "login_failures",
                                         "audit_log",
                                         "post_revisions",
                                         "comment_edits",
                                         "post_password_failures",
                                         "media",
                                         "media_files"};
    for (size_t k = 0; k < sizeof(filled) / sizeof(filled[0]); k++) {
        bool found = false;
        for (size_t i = 0; i < count; i++)
            if (strcmp(sums[i].table, filled[k]) == 0) {
                found = true;
                assert_true(sums[i].rows > 0);
            }
        if (!found)
            fail_msg("store_table_sums lists no %s", filled[k]);
    }

    for (int other = 0; other < 2; other++) {
        bool postgres = other ? !f->postgres : f->postgres;
        char dir[TEMP_STORE_DIR] = "", path[TEMP_STORE_PATH], name[TEMP_STORE_NAME];
        store *to;
        if (postgres) {
            to = temp_store_open_postgres(name);
            if (!to)
                continue; /* no PostgreSQL server for the cross-engine copy */
        } else {
            to = temp_store_open(dir, path, "copy-target");
        }
        assert_int_equal(copy_into(to, f->s, &f->a), STORE_OK);
        if (!same_sums(f, f->s, to))
            fail_msg("the copy (%s -> %s) differs", store_kind(f->s), store_kind(to));
        /* the bytes themselves, and the featured image */
        for (int i = 0; i < 7; i++) {
            const char *file = arena_printf(&f->a, "2024/01/ü-%d.jpg", i);
            const unsigned char *x, *y;
            size_t nx, ny;
            assert_int_equal(store_media_file_data(f->s, &f->a, file, &x, &nx), STORE_OK);
            assert_int_equal(store_media_file_data(to, &f->a, file, &y, &ny), STORE_OK);
            assert_int_equal(nx, i == 3 ? 0 : 600 - i);
            assert_int_equal(ny, nx);
            assert_memory_equal(x, y, nx);
        }
        struct store_post copied;
        assert_int_equal(store_post_get(to, &f->a, f->admin_post, &copied), STORE_OK);
        assert_true(copied.featured_media_id > 0);
        /* the copy's ids go on after the copied ones */
        struct store_user late = {.login = "late",
                                  .display_name = "Late",
                                  .email = "",
                                  .role = USER_AUTHOR,
                                  .password_hash = ""};
        long long id = 0;
        assert_int_equal(store_user_insert(to, &late, &id), STORE_OK);
        assert_true(id > f->author);
        assert_false(same_sums(f, f->s, to));                   /* a row more */
        assert_int_equal(copy_into(to, f->s, &f->a), STORE_OK); /* --replace */
        assert_true(same_sums(f, f->s, to));
        assert_int_equal(store_setting_set(to, "site.title", "Changed"), STORE_OK);
        assert_false(same_sums(f, f->s, to)); /* the same count, another text */
        assert_int_equal(copy_into(to, f->s, &f->a), STORE_OK);
        struct store_media_file file;
        assert_int_equal(store_media_file_find(to, &f->a, "2024/01/ü-1.jpg", &file), STORE_OK);
        unsigned char other[599] = {1}; /* as many bytes, others */
        file.data = other;
        assert_int_equal(store_media_file_put(to, &file, NULL), STORE_OK);
        assert_false(same_sums(f, f->s, to)); /* the same count, other bytes */
        if (postgres)
            temp_store_remove_postgres(to, name);
        else
            temp_store_remove(to, dir, path);
    }

    if (!f->postgres) { /* a table no one told the copy about: nothing is written */
        sqlite3 *db;
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "CREATE TABLE mystery (x TEXT)", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        char dir[TEMP_STORE_DIR], path[TEMP_STORE_PATH];
        store *to = temp_store_open(dir, path, "copy-unknown");
        assert_int_equal(copy_into(to, f->s, &f->a), STORE_ERROR);
        assert_non_null(strstr(store_error(to), "mystery"));
        struct store_counts counts;
        assert_int_equal(store_counts(to, &counts), STORE_OK);
        assert_int_equal(counts.users + counts.posts, 0);
        assert_int_equal(store_table_sums(f->s, &f->a, &sums, &count), STORE_ERROR);
        temp_store_remove(to, dir, path);
    }
}

/* A transaction goes on past a failed statement (a caller that deems it optional, as the audit
 * entry of an admin action), then commits: whatever the engine makes of it, store_commit says
 * what is on disk. SQLite keeps the good write and commits; PostgreSQL has aborted the whole
 * transaction, so its commit must fail rather than report a rollback as success. */
static void test_commit_after_a_failed_statement(void **state)
{
    struct fixture *f = *state;
    struct store_user twin = {.login = "root", /* taken: the insert fails */
                              .display_name = "Twin",
                              .email = "twin@example.org",
                              .role = USER_AUTHOR,
                              .password_hash = ""};
    long long id = 0;
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_setting_set(f->s, "site.title", "Written"), STORE_OK);
    assert_int_equal(store_user_insert(f->s, &twin, &id), STORE_ERROR);
    int committed = store_commit(f->s);
    const char *title = NULL;
    int found = store_setting_get(f->s, &f->a, "site.title", &title);
    assert_int_not_equal(found, STORE_ERROR);
    bool written = found == STORE_OK && strcmp(title, "Written") == 0;
    assert_true(written == (committed == STORE_OK));
    assert_int_equal(committed, f->postgres ? STORE_ERROR : STORE_OK);
}

/* PostgreSQL only (SQLite has no connection to lose): the server ends the connection in the
 * middle of a transaction. The statements after that fail, even once a new connection could be
 * made (it would run them outside any transaction, and the COMMIT would then "succeed"), the
 * commit fails, nothing of the transaction is stored, and the next transaction reconnects. */
static void test_connection_lost_in_transaction(void **state)
{
    struct fixture *f = *state;
    if (!f->postgres)
        return;
    struct store_comment c = {.post_id = f->admin_post,
                              .depth = 1,
                              .author = "Reader",
                              .email = "reader@example.org",
                              .body_html = "<p>lost</p>",
                              .status = COMMENT_STATUS_APPROVED,
                              .type = COMMENT_TYPE_COMMENT,
                              .created_at = NOW};
    long long id = 0;
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_comment_insert(f->s, &c, &id), STORE_OK);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'"
             " AND pid <> pg_backend_pid()",
             f->name);
    temp_store_postgres_exec(getenv(TEMP_STORE_POSTGRES_ENV), sql);
    /* the first statement after it meets the closed connection; the next ones must not
     * reconnect, also after the second the store waits between reconnection attempts */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(store_comment_insert(f->s, &c, &id), STORE_ERROR);
        usleep(400 * 1000);
    }
    assert_non_null(strstr(store_error(f->s), "lost during a transaction"));
    assert_int_equal(store_commit(f->s), STORE_ERROR);

    struct store_comment *comments;
    size_t count = 99;
    assert_int_equal(
        store_comment_thread(f->s, &f->a, f->admin_post, COMMENT_STATUS_ANY, &comments, &count),
        STORE_OK);
    assert_int_equal(count, 0);
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_comment_insert(f->s, &c, &id), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_int_equal(
        store_comment_thread(f->s, &f->a, f->admin_post, COMMENT_STATUS_ANY, &comments, &count),
        STORE_OK);
    assert_int_equal(count, 1);
}

#define TESTS(setup)                                                                               \
    cmocka_unit_test_setup_teardown(test_user_get_and_update, setup, teardown),                    \
        cmocka_unit_test_setup_teardown(test_wp_ids, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_session_find, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_session_disabled_user, setup, teardown),              \
        cmocka_unit_test_setup_teardown(test_session_delete_and_purge, setup, teardown),           \
        cmocka_unit_test_setup_teardown(test_login_failures, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_attempt_rows, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_comment_author_and_account_email, setup, teardown),   \
        cmocka_unit_test_setup_teardown(test_audit_log, setup, teardown),                          \
        cmocka_unit_test_setup_teardown(test_post_update, setup, teardown),                        \
        cmocka_unit_test_setup_teardown(test_post_term_clear, setup, teardown),                    \
        cmocka_unit_test_setup_teardown(test_post_publish_due, setup, teardown),                   \
        cmocka_unit_test_setup_teardown(test_post_list_admin_filters, setup, teardown),            \
        cmocka_unit_test_setup_teardown(test_post_list_by_modified, setup, teardown),              \
        cmocka_unit_test_setup_teardown(test_revisions, setup, teardown),                          \
        cmocka_unit_test_setup_teardown(test_comment_count_ip, setup, teardown),                   \
        cmocka_unit_test_setup_teardown(test_comment_thread_fields, setup, teardown),              \
        cmocka_unit_test_setup_teardown(test_comment_counts, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_comment_list_filters, setup, teardown),               \
        cmocka_unit_test_setup_teardown(test_comment_update, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_comment_delete, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_comment_edits, setup, teardown),                      \
        cmocka_unit_test_setup_teardown(test_clear_with_admin_rows, setup, teardown),              \
        cmocka_unit_test_setup_teardown(test_copy_every_table, setup, teardown),                   \
        cmocka_unit_test_setup_teardown(test_commit_after_a_failed_statement, setup, teardown),    \
        cmocka_unit_test_setup_teardown(test_connection_lost_in_transaction, setup, teardown)

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {TESTS(setup_sqlite)};
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
    const char *server = getenv(TEMP_STORE_POSTGRES_ENV);
    if (server && *server) {
        const struct CMUnitTest postgres_tests[] = {TESTS(setup_postgres)};
        failed += cmocka_run_group_tests_name("postgresql", postgres_tests, NULL, NULL);
    }
    return failed;
}
