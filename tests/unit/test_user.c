/* test_user.c: unit tests of accounts: roles, permissions, password hashing, logins, and the
 * account changes (add, set password, disable) with their sessions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/user.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NOW 1700000000LL /* 2023-11-14 22:13:20 UTC */
#define DAY 86400LL

/* Every argon2id hash costs ~50-100 ms: the tests below make seven in all. */
#define PASSWORD "correct-horse"   /* 13 bytes */
#define PASSWORD_MIN "0123456789"  /* exactly USER_PASSWORD_MIN bytes */
#define PASSWORD_SHORT "012345678" /* one byte short */
#define PASSWORD_OTHER "battery-staple"

static int setup(void **state)
{
    return temp_fixture_setup(state, "user");
}

static struct store_user find_user(struct temp_fixture *f, const char *login)
{
    struct store_user user;
    int rc = store_user_find_login(f->s, &f->a, login, &user);
    if (rc != STORE_OK)
        fail_msg("store_user_find_login(\"%s\") = %d", login, rc);
    return user;
}

static void add_session(struct temp_fixture *f, const char *token_hash, long long user_id)
{
    struct store_session session = {.token_hash = token_hash,
                                    .user_id = user_id,
                                    .csrf = "csrf",
                                    .created_at = NOW - 60,
                                    .expires_at = NOW + DAY};
    assert_int_equal(store_session_insert(f->s, &session), STORE_OK);
}

static int find_session(struct temp_fixture *f, const char *token_hash)
{
    struct store_session session;
    struct store_user user;
    return store_session_find(f->s, &f->a, token_hash, NOW, &session, &user);
}

/* ---- roles ---- */

static void test_role_round_trip(void **state)
{
    (void)state;
    assert_int_equal(user_role_parse("author"), USER_AUTHOR);
    assert_int_equal(user_role_parse("editor"), USER_EDITOR);
    assert_int_equal(user_role_parse("admin"), USER_ADMIN);
    assert_string_equal(user_role_name(USER_AUTHOR), "author");
    assert_string_equal(user_role_name(USER_EDITOR), "editor");
    assert_string_equal(user_role_name(USER_ADMIN), "admin");
    assert_string_equal(user_role_name(USER_NOBODY), "");
    for (int r = USER_AUTHOR; r <= USER_ADMIN; r++)
        assert_int_equal(user_role_parse(user_role_name((enum user_role)r)), r);
    /* roles are ordered by power */
    assert_true(USER_NOBODY < USER_AUTHOR && USER_AUTHOR < USER_EDITOR && USER_EDITOR < USER_ADMIN);
}

static void test_role_unknown(void **state)
{
    (void)state;
    assert_int_equal(user_role_parse(NULL), USER_NOBODY);
    assert_int_equal(user_role_parse(""), USER_NOBODY);
    assert_int_equal(user_role_parse("Admin"), USER_NOBODY); /* exact, case-sensitive */
    assert_int_equal(user_role_parse("administrator"), USER_NOBODY);
    assert_int_equal(user_role_parse("admi"), USER_NOBODY);
    assert_int_equal(user_role_parse("subscriber"), USER_NOBODY);
    assert_int_equal(user_role_parse("editor "), USER_NOBODY);
}

static void test_role_of(void **state)
{
    (void)state;
    assert_int_equal(user_role_of(NULL), USER_NOBODY);
    struct store_user user = {.id = 1, .login = "ed", .role = USER_EDITOR};
    assert_int_equal(user_role_of(&user), USER_EDITOR);
    user.disabled = true;
    assert_int_equal(user_role_of(&user), USER_NOBODY);
    struct store_user admin = {.id = 2, .login = "root", .role = USER_ADMIN};
    assert_int_equal(user_role_of(&admin), USER_ADMIN);
    admin.disabled = true;
    assert_int_equal(user_role_of(&admin), USER_NOBODY);
    struct store_user odd = {.id = 3, .login = "odd", .role = USER_NOBODY};
    assert_int_equal(user_role_of(&odd), USER_NOBODY);
}

/* ---- permissions ---- */

static void test_permissions(void **state)
{
    (void)state;
    const struct store_user author = {.id = 10, .login = "ann", .role = USER_AUTHOR};
    const struct store_user other_author = {.id = 11, .login = "bob", .role = USER_AUTHOR};
    const struct store_user editor = {.id = 12, .login = "eve", .role = USER_EDITOR};
    const struct store_user admin = {.id = 13, .login = "root", .role = USER_ADMIN};
    const struct store_user disabled_editor = {
        .id = 14, .login = "gone", .role = USER_EDITOR, .disabled = true};
    const struct store_user disabled_author = {
        .id = 10, .login = "ann", .role = USER_AUTHOR, .disabled = true};
    const struct store_post by_ann = {.id = 1, .author_id = 10, .status = POST_STATUS_PUBLISH};
    const struct store_post by_bob = {.id = 2, .author_id = 11, .status = POST_STATUS_PUBLISH};
    const struct store_post orphan = {.id = 3, .author_id = 0, .status = POST_STATUS_PUBLISH};

    /* an author: own posts only */
    assert_true(user_may_edit_post(&author, &by_ann));
    assert_false(user_may_edit_post(&author, &by_bob));
    assert_false(user_may_edit_post(&author, &orphan));
    assert_true(user_may_see_comments_of(&author, &by_ann));
    assert_false(user_may_see_comments_of(&author, &by_bob));
    assert_false(user_may_moderate(&author));
    assert_true(user_may_edit_post(&other_author, &by_bob));
    assert_false(user_may_edit_post(&other_author, &by_ann));

    /* editors and admins: any post, and moderation */
    const struct store_user *powerful[] = {&editor, &admin};
    for (size_t i = 0; i < 2; i++) {
        assert_true(user_may_edit_post(powerful[i], &by_ann));
        assert_true(user_may_edit_post(powerful[i], &by_bob));
        assert_true(user_may_edit_post(powerful[i], &orphan));
        assert_true(user_may_see_comments_of(powerful[i], &by_bob));
        assert_true(user_may_moderate(powerful[i]));
    }

    /* a disabled account may nothing, not even on its own post */
    assert_false(user_may_edit_post(&disabled_editor, &by_ann));
    assert_false(user_may_see_comments_of(&disabled_editor, &by_ann));
    assert_false(user_may_moderate(&disabled_editor));
    assert_false(user_may_edit_post(&disabled_author, &by_ann));
    assert_false(user_may_see_comments_of(&disabled_author, &by_ann));

    /* nobody signed in */
    assert_false(user_may_edit_post(NULL, &by_ann));
    assert_false(user_may_edit_post(NULL, &orphan));
    assert_false(user_may_see_comments_of(NULL, &by_ann));
    assert_false(user_may_moderate(NULL));
}

/* ---- passwords ---- */

static void test_password_hash_and_verify(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    char *hash = user_password_hash(&a, PASSWORD_MIN, &error); /* hash 1 */
    assert_non_null(hash);
    assert_int_equal(error.len, 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_null(strstr(hash, PASSWORD_MIN)); /* not the password itself */

    struct store_user user = {.id = 1, .login = "ann", .role = USER_AUTHOR, .password_hash = hash};
    assert_true(user_password_ok(&user, PASSWORD_MIN));
    assert_false(user_password_ok(&user, "0123456788"));
    assert_false(user_password_ok(&user, "01234567890")); /* a byte more */
    assert_false(user_password_ok(&user, ""));

    /* no hash: nothing signs in */
    struct store_user none = {.id = 2, .login = "bob", .role = USER_AUTHOR, .password_hash = ""};
    assert_false(user_password_ok(&none, ""));
    assert_false(user_password_ok(&none, PASSWORD_MIN));
    none.password_hash = NULL;
    assert_false(user_password_ok(&none, PASSWORD_MIN));
    buf_free(&error);
    arena_free(&a);
}

static void test_password_limits(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    assert_null(user_password_hash(&a, PASSWORD_SHORT, &error));
    assert_non_null(strstr(buf_cstr(&error), "10 to 512"));
    buf_reset(&error);
    assert_null(user_password_hash(&a, "", &error));
    assert_true(error.len > 0);
    buf_reset(&error);

    char long_password[USER_PASSWORD_MAX + 2];
    memset(long_password, 'p', USER_PASSWORD_MAX + 1);
    long_password[USER_PASSWORD_MAX + 1] = '\0'; /* 513 bytes */
    assert_null(user_password_hash(&a, long_password, &error));
    assert_non_null(strstr(buf_cstr(&error), "10 to 512"));
    /* a password too long never matches (and is never hashed to find out) */
    struct store_user user = {.id = 1,
                              .login = "ann",
                              .role = USER_AUTHOR,
                              .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y"};
    assert_false(user_password_ok(&user, long_password));
    buf_free(&error);
    arena_free(&a);
}

/* ---- logins ---- */

static void test_login_valid(void **state)
{
    (void)state;
    assert_true(user_login_valid("ann"));
    assert_true(user_login_valid("a"));
    assert_true(user_login_valid("j.doe_99-x"));
    assert_true(user_login_valid("0"));
    assert_true(user_login_valid("..."));

    char login[USER_LOGIN_MAX + 2];
    memset(login, 'a', USER_LOGIN_MAX);
    login[USER_LOGIN_MAX] = '\0';
    assert_true(user_login_valid(login)); /* 60 */
    login[USER_LOGIN_MAX] = 'a';
    login[USER_LOGIN_MAX + 1] = '\0';
    assert_false(user_login_valid(login)); /* 61 */

    assert_false(user_login_valid(""));
    assert_false(user_login_valid("Ann"));
    assert_false(user_login_valid("ANN"));
    assert_false(user_login_valid("ann smith"));
    assert_false(user_login_valid(" ann"));
    assert_false(user_login_valid("ann/admin"));
    assert_false(user_login_valid("../etc"));
    assert_false(user_login_valid("ann@example.org"));
    assert_false(user_login_valid("jos\xC3\xA9"));              /* josé */
    assert_false(user_login_valid("\xE6\x97\xA5\xE6\x9C\xAC")); /* 日本 */
    assert_false(user_login_valid("ann\t"));
    assert_false(user_login_valid("a+b"));
}

/* ---- account changes ---- */

static void test_add_without_password(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "ann", USER_AUTHOR, NULL, &error), STORE_OK);
    assert_int_equal(error.len, 0);
    struct store_user user = find_user(f, "ann");
    assert_true(user.id > 0);
    assert_int_equal(user.role, USER_AUTHOR);
    assert_string_equal(user.display_name, "ann"); /* the login until someone names it */
    assert_true(user.disabled);
    assert_string_equal(user.password_hash, "");
    assert_int_equal(user_role_of(&user), USER_NOBODY);
    assert_false(user_password_ok(&user, ""));
    buf_free(&error);
}

/* WordPress's user_nicename: the login through sanitize_user and sanitize_title, unique by
 * "-2", "-3", … ("j.doe" gives "j-doe"); the author archive finds the user by it. */
static void test_add_gives_nicename(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "j.doe", USER_AUTHOR, NULL, &error), STORE_OK);
    assert_int_equal(user_add(f->s, &f->a, "j-doe", USER_AUTHOR, NULL, &error), STORE_OK);
    assert_int_equal(user_add(f->s, &f->a, "j_doe", USER_AUTHOR, NULL, &error), STORE_OK);
    assert_string_equal(find_user(f, "j.doe").nicename, "j-doe");
    assert_string_equal(find_user(f, "j-doe").nicename, "j-doe-2");
    assert_string_equal(find_user(f, "j_doe").nicename, "j_doe");
    struct store_user by_nicename;
    assert_int_equal(store_user_find_nicename(f->s, &f->a, "j-doe-2", &by_nicename), STORE_OK);
    assert_string_equal(by_nicename.login, "j-doe");
    assert_int_equal(store_user_find_nicename(f->s, &f->a, "j.doe", &by_nicename), STORE_NOT_FOUND);
    /* a third with the same nicename, and a login WordPress's sanitize_user leaves nothing of */
    assert_int_equal(user_add(f->s, &f->a, "j..doe", USER_AUTHOR, NULL, &error), STORE_OK);
    assert_string_equal(find_user(f, "j..doe").nicename, "j-doe-3");
    const char *nicename;
    assert_int_equal(user_unique_nicename(f->s, &f->a, "\xCE\xA9", &nicename), STORE_OK);
    assert_string_equal(nicename, "%cf%89"); /* Ω: its title slug, lowercased ω */
    assert_int_equal(user_unique_nicename(f->s, &f->a, "!!!", &nicename), STORE_OK);
    assert_string_equal(nicename, "user");
    buf_free(&error);
}

static void test_add_with_password(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "eve", USER_EDITOR, PASSWORD, &error), /* hash 2 */
                     STORE_OK);
    assert_int_equal(error.len, 0);
    struct store_user user = find_user(f, "eve");
    assert_int_equal(user.role, USER_EDITOR);
    assert_false(user.disabled);
    assert_int_equal(user_role_of(&user), USER_EDITOR);
    assert_true(user_password_ok(&user, PASSWORD));
    assert_false(user_password_ok(&user, PASSWORD_OTHER));
    buf_free(&error);
}

static void test_add_refused(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "Bad Login", USER_AUTHOR, NULL, &error), STORE_ERROR);
    assert_non_null(strstr(buf_cstr(&error), "Bad Login"));
    buf_reset(&error);
    assert_int_equal(user_add(f->s, &f->a, "ann", USER_NOBODY, NULL, &error), STORE_ERROR);
    assert_true(error.len > 0);
    buf_reset(&error);
    assert_int_equal(user_add(f->s, &f->a, "ann", USER_AUTHOR, PASSWORD_SHORT, &error),
                     STORE_ERROR);
    assert_non_null(strstr(buf_cstr(&error), "10 to 512"));
    struct store_user user;
    assert_int_equal(store_user_find_login(f->s, &f->a, "ann", &user), STORE_NOT_FOUND);
    assert_int_equal(store_user_find_login(f->s, &f->a, "Bad Login", &user), STORE_NOT_FOUND);
    buf_free(&error);
}

static void test_add_existing_imported(void **state)
{
    struct temp_fixture *f = *state;
    /* an author imported from WordPress: named, disabled, no password */
    struct store_user imported = {.login = "jdoe",
                                  .display_name = "Jane Doe",
                                  .email = "jane@example.org",
                                  .role = USER_AUTHOR,
                                  .disabled = true,
                                  .password_hash = ""};
    long long id = 0;
    assert_int_equal(store_user_insert(f->s, &imported, &id), STORE_OK);

    buf error = {0};
    /* a role alone: still disabled */
    assert_int_equal(user_add(f->s, &f->a, "jdoe", USER_EDITOR, NULL, &error), STORE_OK);
    struct store_user user = find_user(f, "jdoe");
    assert_int_equal(user.id, id);
    assert_int_equal(user.role, USER_EDITOR);
    assert_true(user.disabled);
    assert_string_equal(user.display_name, "Jane Doe");

    /* with a password: enabled */
    assert_int_equal(user_add(f->s, &f->a, "jdoe", USER_ADMIN, PASSWORD, &error), /* hash 3 */
                     STORE_OK);
    assert_int_equal(error.len, 0);
    user = find_user(f, "jdoe");
    assert_int_equal(user.id, id); /* the same account, not a second one */
    assert_string_equal(user.display_name, "Jane Doe");
    assert_string_equal(user.email, "jane@example.org");
    assert_int_equal(user.role, USER_ADMIN);
    assert_false(user.disabled);
    assert_int_equal(user_role_of(&user), USER_ADMIN);
    assert_true(user_password_ok(&user, PASSWORD));

    struct store_user *users;
    size_t count;
    assert_int_equal(store_user_list(f->s, &f->a, &users, &count), STORE_OK);
    assert_int_equal(count, 1);
    buf_free(&error);
}

static void test_set_password(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "ann", USER_AUTHOR, NULL, &error), STORE_OK);
    struct store_user user = find_user(f, "ann");
    assert_true(user.disabled);
    add_session(f, "s1", user.id);
    add_session(f, "s2", user.id);
    assert_int_equal(find_session(f, "s1"), STORE_NOT_FOUND); /* disabled: no session counts */

    /* refused: nothing changes */
    assert_int_equal(user_set_password(f->s, &f->a, "ann", PASSWORD_SHORT, &error), STORE_ERROR);
    assert_non_null(strstr(buf_cstr(&error), "10 to 512"));
    buf_reset(&error);
    user = find_user(f, "ann");
    assert_true(user.disabled);
    assert_string_equal(user.password_hash, "");

    /* the longest password accepted */
    char longest[USER_PASSWORD_MAX + 1];
    memset(longest, 'q', USER_PASSWORD_MAX);
    longest[USER_PASSWORD_MAX] = '\0';
    assert_int_equal(user_set_password(f->s, &f->a, "ann", longest, &error), /* hash 4 */
                     STORE_OK);
    assert_int_equal(error.len, 0);
    user = find_user(f, "ann");
    assert_false(user.disabled);
    assert_int_equal(user_role_of(&user), USER_AUTHOR);
    assert_true(user_password_ok(&user, longest));
    longest[0] = 'Q';
    assert_false(user_password_ok(&user, longest));

    /* the sessions were deleted, not only hidden while disabled */
    assert_int_equal(find_session(f, "s1"), STORE_NOT_FOUND);
    assert_int_equal(find_session(f, "s2"), STORE_NOT_FOUND);

    /* a new session now counts; setting the password again signs it out */
    add_session(f, "s3", user.id);
    assert_int_equal(find_session(f, "s3"), STORE_OK);
    assert_int_equal(user_set_password(f->s, &f->a, "ann", PASSWORD_OTHER, &error), /* hash 5 */
                     STORE_OK);
    assert_int_equal(find_session(f, "s3"), STORE_NOT_FOUND);
    user = find_user(f, "ann");
    assert_true(user_password_ok(&user, PASSWORD_OTHER));
    assert_false(user_password_ok(&user, longest));
    buf_free(&error);
}

static void test_disable_keeps_other_sessions(void **state)
{
    struct temp_fixture *f = *state;
    struct store_user ann = {.login = "ann",
                             .display_name = "Ann",
                             .email = "",
                             .role = USER_AUTHOR,
                             .password_hash = "x"};
    struct store_user bob = {.login = "bob",
                             .display_name = "Bob",
                             .email = "",
                             .role = USER_EDITOR,
                             .password_hash = "x"};
    long long ann_id, bob_id;
    assert_int_equal(store_user_insert(f->s, &ann, &ann_id), STORE_OK);
    assert_int_equal(store_user_insert(f->s, &bob, &bob_id), STORE_OK);
    add_session(f, "ann-1", ann_id);
    add_session(f, "bob-1", bob_id);
    buf error = {0};
    assert_int_equal(user_disable(f->s, &f->a, "ann", &error), STORE_OK);
    assert_int_equal(find_session(f, "bob-1"), STORE_OK);
    buf_free(&error);
}

static void test_disable(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "eve", USER_EDITOR, PASSWORD, &error), /* hash 6 */
                     STORE_OK);
    struct store_user user = find_user(f, "eve");
    add_session(f, "e1", user.id);
    assert_int_equal(find_session(f, "e1"), STORE_OK);

    assert_int_equal(user_disable(f->s, &f->a, "eve", &error), STORE_OK);
    assert_int_equal(error.len, 0);
    user = find_user(f, "eve");
    assert_true(user.disabled);
    assert_int_equal(user.role, USER_EDITOR); /* the role stays for when it comes back */
    assert_int_equal(user_role_of(&user), USER_NOBODY);
    assert_false(user_may_moderate(&user));
    assert_int_equal(find_session(f, "e1"), STORE_NOT_FOUND);

    /* enabled again behind the model's back: the session is still gone (deleted, not hidden) */
    user.disabled = false;
    assert_int_equal(store_user_update(f->s, &user), STORE_OK);
    assert_int_equal(find_session(f, "e1"), STORE_NOT_FOUND);

    /* disabling twice is fine */
    assert_int_equal(user_disable(f->s, &f->a, "eve", &error), STORE_OK);
    assert_true(find_user(f, "eve").disabled);
    buf_free(&error);
}

static void test_unknown_login(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(user_disable(f->s, &f->a, "ghost", &error), STORE_NOT_FOUND);
    assert_non_null(strstr(buf_cstr(&error), "ghost"));
    buf_reset(&error);
    assert_int_equal(user_set_password(f->s, &f->a, "ghost", PASSWORD, &error), /* hash 7 */
                     STORE_NOT_FOUND);
    assert_non_null(strstr(buf_cstr(&error), "ghost"));
    struct store_user user;
    assert_int_equal(store_user_find_login(f->s, &f->a, "ghost", &user), STORE_NOT_FOUND);
    /* the store is usable afterwards: no transaction left open */
    buf_reset(&error);
    assert_int_equal(user_add(f->s, &f->a, "ann", USER_AUTHOR, NULL, &error), STORE_OK);
    assert_int_equal(find_user(f, "ann").disabled, true);
    buf_free(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_round_trip),
        cmocka_unit_test(test_role_unknown),
        cmocka_unit_test(test_role_of),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_password_hash_and_verify),
        cmocka_unit_test(test_password_limits),
        cmocka_unit_test(test_login_valid),
        cmocka_unit_test_setup_teardown(test_add_without_password, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_add_with_password, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_add_refused, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_add_existing_imported, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_set_password, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_disable_keeps_other_sessions, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_disable, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_login, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_add_gives_nicename, setup, temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
