/* test_menu.c: what a WordPress import keeps beside posts, on both stores: menus and the
 * navigation made of them, the pages' order, custom fields, local dates in date filters,
 * comments trashed and restored with their post, terms given their parent later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <string.h>
#include <time.h>

#include "model/comment.h"
#include "model/menu.h"
#include "model/post.h"
#include "store/store.h"

static int setup(void **state)
{
    return temp_fixture_setup(state, "menu");
}

/* A post inserted as the import does; returns its id. */
static long long add_post(store *s, enum post_type type, const char *slug, const char *title,
                          enum post_status status, long long published_at, long long utc_offset,
                          long long menu_order)
{
    char path[128];
    snprintf(path, sizeof(path), "/%s/", slug);
    struct store_post p = {.type = type,
                           .status = status,
                           .slug = slug,
                           .path = path,
                           .title = title,
                           .body_html = "<p>x</p>",
                           .published_at = published_at,
                           .modified_at = published_at,
                           .utc_offset = utc_offset,
                           .format = type == POST_TYPE_POST ? "aside" : "",
                           .menu_order = menu_order};
    long long id = 0;
    assert_int_equal(store_post_insert(s, &p, &id), STORE_OK);
    return id;
}

static long long add_term(store *s, const char *slug, const char *name, long long parent)
{
    struct store_term t = {.taxonomy = "category", .slug = slug, .name = name, .parent_id = parent};
    long long id = 0;
    assert_int_equal(store_term_insert(s, &t, &id), STORE_OK);
    return id;
}

static long long add_item(store *s, const char *menu, long long parent, long long position,
                          const char *title, long long post_id, long long term_id, const char *url)
{
    struct store_menu_item m = {.menu = menu,
                                .parent_id = parent,
                                .position = position,
                                .title = title,
                                .post_id = post_id,
                                .term_id = term_id,
                                .url = url};
    long long id = 0;
    assert_int_equal(store_menu_item_insert(s, &m, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static void test_menu_nav_resolves_and_nests(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    long long page =
        add_post(s, POST_TYPE_PAGE, "about", "About us", POST_STATUS_PUBLISH, 1700000000, 0, 0);
    long long draft =
        add_post(s, POST_TYPE_PAGE, "secret", "Secret", POST_STATUS_DRAFT, 1700000000, 0, 0);
    long long top = add_term(s, "top", "Top", 0);
    long long leaf = add_term(s, "leaf", "Leaf", top);
    long long home = add_item(s, "main", 0, 1, "Home", 0, 0, "/");
    long long about = add_item(s, "main", 0, 2, "", page, 0, "");
    long long cat = add_item(s, "main", about, 3, "", 0, leaf, "");
    add_item(s, "main", cat, 4, "Far", 0, 0, "https://example.org/");
    long long hidden = add_item(s, "main", 0, 5, "Hidden", draft, 0, ""); /* a draft: left out */
    add_item(s, "main", hidden, 6, "Orphan", 0, 0, "/orphan/");           /* moves to the top */
    add_item(s, "other", 0, 1, "Elsewhere", 0, 0, "/x/");
    (void)home;
    temp_store_set(s, "site.menu", "main");

    struct menu_link *links;
    size_t n;
    assert_int_equal(menu_site_nav(s, &f->a, &links, &n), STORE_OK);
    assert_int_equal(n, 5);
    assert_string_equal(links[0].title, "Home");
    assert_string_equal(links[0].url, "/");
    assert_true(links[0].parent == MENU_TOP);
    assert_string_equal(links[1].title, "About us"); /* an empty title takes the page's */
    assert_string_equal(links[1].url, "/about/");
    assert_string_equal(links[2].title, "Leaf");
    assert_string_equal(links[2].url, "/category/top/leaf/");
    assert_int_equal(links[2].parent, 1);
    assert_string_equal(links[3].title, "Far");
    assert_int_equal(links[3].parent, 2);
    assert_string_equal(links[4].title, "Orphan");
    assert_true(links[4].parent == MENU_TOP);

    /* replacing a menu removes its items only */
    assert_int_equal(store_menu_clear(s, "main"), STORE_OK);
    struct store_menu_item *items;
    assert_int_equal(store_menu_items(s, &f->a, "main", &items, &n), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_menu_items(s, &f->a, "other", &items, &n), STORE_OK);
    assert_int_equal(n, 1);
}

/* 40 levels, each the child of the one before: the navigation stops nesting at 16, so that a
 * page renders whatever an import held */
static void test_menu_depth_is_bounded(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    long long parent = 0;
    for (int i = 0; i < 40; i++)
        parent = add_item(s, "deep", parent, i, "Level", 0, 0, "#");
    temp_store_set(s, "site.menu", "deep");
    struct menu_link *links;
    size_t n;
    assert_int_equal(menu_site_nav(s, &f->a, &links, &n), STORE_OK);
    assert_int_equal(n, 40);
    int deepest = 0;
    for (size_t i = 0; i < n; i++) {
        int depth = 1;
        for (size_t at = i; links[at].parent != MENU_TOP; at = links[at].parent) {
            assert_true(links[at].parent < at);
            depth++;
        }
        if (depth > deepest)
            deepest = depth;
    }
    assert_int_equal(deepest, 16);
}

static void test_pages_in_menu_order_without_a_menu(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    add_post(s, POST_TYPE_PAGE, "b", "Bravo", POST_STATUS_PUBLISH, 1700000000, 0, 2);
    add_post(s, POST_TYPE_PAGE, "a", "Alpha", POST_STATUS_PUBLISH, 1700000000, 0, 3);
    add_post(s, POST_TYPE_PAGE, "z", "Zulu", POST_STATUS_PUBLISH, 1700000000, 0, 1);
    add_post(s, POST_TYPE_PAGE, "d", "Draft", POST_STATUS_DRAFT, 1700000000, 0, 0);
    add_post(s, POST_TYPE_POST, "p", "A post", POST_STATUS_PUBLISH, 1700000000, 0, 0);
    temp_store_set(s, "site.menu", "no-such-menu");
    struct menu_link *links;
    size_t n;
    assert_int_equal(menu_site_nav(s, &f->a, &links, &n), STORE_OK);
    assert_int_equal(n, 3);
    assert_string_equal(links[0].title, "Zulu");
    assert_string_equal(links[1].title, "Bravo");
    assert_string_equal(links[2].title, "Alpha");
}

static void test_custom_fields_and_post_extras(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    long long id =
        add_post(s, POST_TYPE_POST, "p", "P", POST_STATUS_PUBLISH, 1700000000, -5 * 3600, 7);
    assert_int_equal(store_custom_field_add(s, id, "mood", "<b>calm</b>"), STORE_OK);
    assert_int_equal(store_custom_field_add(s, id, "listening", "Nocturnes"), STORE_OK);
    struct store_custom_field *fields;
    size_t n;
    assert_int_equal(store_custom_fields(s, &f->a, id, &fields, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(fields[0].name, "mood");
    assert_string_equal(fields[0].value, "<b>calm</b>");
    assert_string_equal(fields[1].name, "listening");
    struct store_post p;
    assert_int_equal(store_post_get(s, &f->a, id, &p), STORE_OK);
    assert_int_equal(p.utc_offset, -5 * 3600);
    assert_string_equal(p.format, "aside");
    assert_int_equal(p.menu_order, 7);
}

/* 2023-01-16 03:30 UTC is 2023-01-15 22:30 in New York (UTC-5): a date filter reads the local
 * day, and so does the permalink. */
static void test_date_filters_read_the_local_day(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    const long long jan16_0330 = 1673839800, jan15 = 1673740800, jan16 = jan15 + 86400;
    add_post(s, POST_TYPE_POST, "evening", "Evening", POST_STATUS_PUBLISH, jan16_0330, -5 * 3600,
             0);
    struct store_post_filter day15 = {
        .type = POST_TYPE_POST, .status = POST_STATUS_PUBLISH, .from = jan15, .until = jan16};
    struct store_post_filter day16 = day15;
    day16.from = jan16;
    day16.until = jan16 + 86400;
    struct store_post *posts;
    size_t n;
    assert_int_equal(store_post_list(s, &f->a, &day15, &posts, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_list(s, &f->a, &day16, &posts, &n), STORE_OK);
    assert_int_equal(n, 0);
    long long count = -1;
    assert_int_equal(store_post_count(s, &day15, &count), STORE_OK);
    assert_int_equal(count, 1);
    struct store_post p = {.slug = "x", .published_at = jan16_0330, .utc_offset = -5 * 3600};
    assert_string_equal(post_permalink(&f->a, "/%year%/%monthnum%/%day%/%postname%/", &p),
                        "/2023/01/15/x/");
}

static void test_comments_come_back_with_their_post(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    long long post = add_post(s, POST_TYPE_POST, "p", "P", POST_STATUS_PUBLISH, 1700000000, 0, 0);
    enum comment_status before[] = {COMMENT_STATUS_APPROVED, COMMENT_STATUS_PENDING,
                                    COMMENT_STATUS_SPAM, COMMENT_STATUS_TRASH};
    long long ids[4];
    for (int i = 0; i < 4; i++) {
        struct store_comment c = {.post_id = post,
                                  .author = "R",
                                  .email = "r@example.invalid",
                                  .body_html = "<p>x</p>",
                                  .status = before[i],
                                  .created_at = 1700000000 + i};
        assert_int_equal(comment_insert_placed(s, &f->a, &c, &ids[i]), STORE_OK);
    }
    assert_int_equal(post_set_trashed(s, post, true, NULL), MODEL_OK);
    struct store_comment c;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(store_comment_get(s, &f->a, ids[i], &c), STORE_OK);
        assert_int_equal(c.status, COMMENT_STATUS_TRASH);
    }
    assert_int_equal(post_set_trashed(s, post, false, NULL), MODEL_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(store_comment_get(s, &f->a, ids[i], &c), STORE_OK);
        assert_int_equal(c.status, before[i]);
    }
    /* an imported post-trashed comment: trash now, approved when its post comes back */
    assert_int_equal(store_comment_set_trashed_with_post(s, ids[0], COMMENT_STATUS_APPROVED),
                     STORE_OK);
    assert_int_equal(store_comment_get(s, &f->a, ids[0], &c), STORE_OK);
    assert_int_equal(c.status, COMMENT_STATUS_TRASH);
    assert_int_equal(post_set_trashed(s, post, false, NULL), MODEL_OK);
    assert_int_equal(store_comment_get(s, &f->a, ids[0], &c), STORE_OK);
    assert_int_equal(c.status, COMMENT_STATUS_APPROVED);
    /* a moderator's decision on a comment of a trashed post stays when the post comes back */
    assert_int_equal(post_set_trashed(s, post, true, NULL), MODEL_OK);
    assert_int_equal(store_comment_set_status(s, ids[1], COMMENT_STATUS_SPAM), STORE_OK);
    assert_int_equal(post_set_trashed(s, post, false, NULL), MODEL_OK);
    assert_int_equal(store_comment_get(s, &f->a, ids[1], &c), STORE_OK);
    assert_int_equal(c.status, COMMENT_STATUS_SPAM);
    assert_int_equal(store_comment_get(s, &f->a, ids[0], &c), STORE_OK);
    assert_int_equal(c.status, COMMENT_STATUS_APPROVED);
}

static void test_term_update_gives_a_parent(void **state)
{
    struct temp_fixture *f = *state;
    store *s = f->s;
    long long top = add_term(s, "top", "top", 0);
    long long mid = add_term(s, "mid", "mid", 0);
    long long leaf = add_term(s, "leaf", "Leaf", mid);
    struct store_term t = {.id = mid, .name = "Middle", .description = "", .parent_id = top};
    assert_int_equal(store_term_update(s, &t), STORE_OK);
    struct store_term got;
    assert_int_equal(store_term_get(s, &f->a, leaf, &got), STORE_OK);
    const char *path;
    assert_int_equal(post_term_path(s, &f->a, &got, &path), STORE_OK);
    assert_string_equal(path, "/category/top/mid/leaf/");
    assert_int_equal(store_term_get(s, &f->a, mid, &got), STORE_OK);
    assert_string_equal(got.name, "Middle");
    t.id = 999999;
    assert_int_equal(store_term_update(s, &t), STORE_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_menu_nav_resolves_and_nests, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_menu_depth_is_bounded, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pages_in_menu_order_without_a_menu, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_custom_fields_and_post_extras, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_date_filters_read_the_local_day, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_comments_come_back_with_their_post, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_term_update_gives_a_parent, setup,
                                        temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
