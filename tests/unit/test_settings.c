/* test_settings.c: unit tests of the settings table: defaults, validation, presets, the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/settings.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* A fresh SQLite store in its own temporary directory; one per test. */
static int setup(void **state)
{
    return temp_fixture_setup(state, "settings");
}

/* Every key the header's settings table documents (settings.c's table, spelled out here). */
static const char *const all_keys[] = {
    "http.max_conns_per_ip",
    "http.trusted_proxies",
    "admin.session_hours",
    "admin.login_limit_account",
    "admin.login_limit_ip",
    "site.title",
    "site.description",
    "site.url",
    "site.permalink",
    "site.language",
    "site.utc_offset",
    "site.menu",
    "site.posts_per_page",
    "comments.moderation",
    "comments.close_after_days",
    "comments.max_depth",
    "comments.per_page",
    "comments.max_kb",
    "comments.honeypot",
    "comments.min_seconds",
    "comments.per_ip_10min",
    "comments.max_links",
    "comments.hold_words",
    "comments.block_words",
    "posts.password_limit_ip",
    "metrics.allow",
    "http.threads",
    "http.workers",
    "http.timeout_s",
    "http.max_body_kb",
    "cache.max_mb",
    "media.max_mb",
    "media.max_megapixels",
    "media.thumbnail_size",
    "media.medium_size",
    "media.large_size",
    "media.webp",
    "media.cache_mb",
    "print.paper",
    "feed.items",
    "feed.full_text",
    "cache.control_pages",
    "cache.control_feeds",
    "mail.smtp_url",
    "mail.from",
    "mail.user",
    "mail.password",
    "mail.limit_per_ip_hour",
    "mail.limit_per_recipient_hour",
};

static void test_table_is_complete(void **state)
{
    (void)state;
    size_t n = 0;
    for (const struct setting_spec *spec = settings_table; spec->key; spec++) {
        assert_non_null(spec->default_value);
        assert_non_null(spec->valid);
        assert_non_null(spec->help);
        assert_true(*spec->help);
        assert_ptr_equal(settings_find(spec->key), spec);
        /* each default passes its own rule */
        buf error = {0};
        assert_int_equal(settings_check(spec->key, spec->default_value, &error), 0);
        assert_int_equal(error.len, 0);
        buf_free(&error);
        n++;
    }
    assert_int_equal(n, sizeof(all_keys) / sizeof(all_keys[0]));
    for (size_t i = 0; i < n; i++)
        assert_non_null(settings_find(all_keys[i]));
    assert_null(settings_find("site"));
    assert_null(settings_find("site.title.x"));
    assert_null(settings_find(""));
    assert_null(settings_find("SITE.TITLE"));
}

/* The "size" rule: WIDTHxHEIGHT, digits only, each side at most 10000, not both 0. */
static void test_size_rule(void **state)
{
    (void)state;
    int w = -1, h = -1;
    assert_true(settings_size_parse("150x150", &w, &h));
    assert_int_equal(w, 150);
    assert_int_equal(h, 150);
    assert_true(settings_size_parse("768x0", &w, &h));
    assert_int_equal(w, 768);
    assert_int_equal(h, 0);
    assert_true(settings_size_parse("0x10000", &w, &h));
    assert_int_equal(h, 10000);
    const char *bad[] = {"", "x", "0x0", "150", "150x", "x150", "150X150", "+1x2", "1x-2",
                         " 1x2", "1x2 ", "10001x1", "1x10001", "123456x1", "1.5x2", "1x2x3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(settings_size_parse(bad[i], &w, &h));
    buf error = {0};
    assert_int_equal(settings_check("media.medium_size", "300x0", &error), 0);
    assert_int_not_equal(settings_check("media.medium_size", "big", &error), 0);
    assert_non_null(strstr(error.ptr, "WIDTHxHEIGHT"));
    buf_free(&error);
}

static void test_defaults(void **state)
{
    struct temp_fixture *f = *state;
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_TITLE), "gazette");
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_DESCRIPTION), "");
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_PERMALINK),
                        "/%year%/%monthnum%/%day%/%postname%/");
    assert_string_equal(settings_get(f->s, &f->a, SETTING_COMMENTS_MODERATION), "first-time");
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_SITE_POSTS_PER_PAGE), 10);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_COMMENTS_CLOSE_AFTER_DAYS), 0);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_COMMENTS_MAX_DEPTH), 6);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_COMMENTS_MAX_KB), 64);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_HTTP_MAX_BODY_KB), 1024);
    /* an unknown key no longer compiles; by name it is not found, and each name's row is its
     * enum's */
    assert_null(settings_find("no.such.key"));
    assert_ptr_equal(settings_find("comments.max_kb"), &settings_table[SETTING_COMMENTS_MAX_KB]);
}

static void test_set_get_round_trip(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(settings_set(f->s, SETTING_SITE_TITLE, "My Blog \xE2\x80\x94 notes", &error),
                     0);
    assert_int_equal(settings_set(f->s, SETTING_COMMENTS_MODERATION, "none", &error), 0);
    assert_int_equal(settings_set(f->s, SETTING_COMMENTS_MAX_DEPTH, "1", &error), 0);
    assert_int_equal(settings_set(f->s, SETTING_COMMENTS_MAX_KB, "1024", &error), 0);
    assert_int_equal(settings_set(f->s, SETTING_SITE_DESCRIPTION, "", &error), 0);
    assert_int_equal(error.len, 0);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_TITLE),
                        "My Blog \xE2\x80\x94 notes");
    assert_string_equal(settings_get(f->s, &f->a, SETTING_COMMENTS_MODERATION), "none");
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_COMMENTS_MAX_DEPTH), 1);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_COMMENTS_MAX_KB), 1024);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_DESCRIPTION), "");
    /* a second set replaces the value */
    assert_int_equal(settings_set(f->s, SETTING_COMMENTS_MODERATION, "all", &error), 0);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_COMMENTS_MODERATION), "all");
    /* the value is in the store itself, under its key */
    const char *raw = NULL;
    assert_int_equal(store_setting_get(f->s, &f->a, "comments.moderation", &raw), STORE_OK);
    assert_string_equal(raw, "all");
    /* the other settings keep their defaults */
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_SITE_POSTS_PER_PAGE), 10);
    buf_free(&error);
}

static void test_invalid_choice_refused(void **state)
{
    struct temp_fixture *f = *state;
    const char *bad[] = {"sometimes", "", "None", "all ", "first", "all|none"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf error = {0};
        assert_int_equal(settings_set(f->s, SETTING_COMMENTS_MODERATION, bad[i], &error), -2);
        assert_string_equal(buf_cstr(&error),
                            "comments.moderation takes one of: all|first-time|none");
        buf_free(&error);
    }
    /* nothing was stored */
    const char *raw = NULL;
    assert_int_equal(store_setting_get(f->s, &f->a, "comments.moderation", &raw), STORE_NOT_FOUND);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_COMMENTS_MODERATION), "first-time");
    /* each valid choice is accepted */
    const char *good[] = {"all", "first-time", "none"};
    for (size_t i = 0; i < 3; i++) {
        buf error = {0};
        assert_int_equal(settings_check("comments.moderation", good[i], &error), 0);
        assert_int_equal(error.len, 0);
    }
}

static void test_invalid_int_refused(void **state)
{
    struct temp_fixture *f = *state;
    const char *bad[] = {"0", "21", "-1", "", "abc", "3x", "3.5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf error = {0};
        assert_int_equal(settings_set(f->s, SETTING_COMMENTS_MAX_DEPTH, bad[i], &error), -2);
        assert_string_equal(buf_cstr(&error),
                            "comments.max_depth takes a whole number from 1 to 20");
        buf_free(&error);
    }
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_COMMENTS_MAX_DEPTH), 6);
    buf error = {0};
    assert_int_equal(settings_check("comments.max_depth", "1", &error), 0);
    assert_int_equal(settings_check("comments.max_depth", "20", &error), 0);
    assert_int_equal(settings_check("comments.close_after_days", "100000", &error), 0);
    assert_int_equal(error.len, 0);
    assert_int_equal(settings_check("comments.close_after_days", "100001", &error), -2);
    assert_string_equal(buf_cstr(&error),
                        "comments.close_after_days takes a whole number from 0 to 100000");
    buf_reset(&error);
    assert_int_equal(settings_check("http.max_body_kb", "1048577", &error), -2);
    assert_string_equal(buf_cstr(&error),
                        "http.max_body_kb takes a whole number from 1 to 1048576");
    buf_free(&error);
}

static void test_text_limit(void **state)
{
    struct temp_fixture *f = *state;
    char long_text[1002];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[1001] = '\0'; /* 1001 bytes */
    buf error = {0};
    assert_int_equal(settings_set(f->s, SETTING_SITE_TITLE, long_text, &error), -2);
    assert_string_equal(buf_cstr(&error),
                        "site.title takes one line of text (UTF-8) of at most 1000 bytes");
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_TITLE), "gazette");
    buf_reset(&error); /* one line: a line break could end a header a setting reaches */
    assert_int_equal(
        settings_set(f->s, SETTING_CACHE_CONTROL_PAGES, "no-cache\r\nSet-Cookie: x=1", &error), -2);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_CACHE_CONTROL_PAGES), "no-cache");
    buf_reset(&error);
    long_text[1000] = '\0'; /* 1000 bytes: the limit itself */
    assert_int_equal(settings_set(f->s, SETTING_SITE_TITLE, long_text, &error), 0);
    assert_int_equal(strlen(settings_get(f->s, &f->a, SETTING_SITE_TITLE)), 1000);
    buf_free(&error);
}

static void test_unknown_key_lists_keys(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(settings_set_named(f->s, "comments.nope", "1", &error), -2);
    const char *message = buf_cstr(&error);
    const char *prefix = "unknown setting 'comments.nope'; valid keys:";
    assert_memory_equal(message, prefix, strlen(prefix));
    for (size_t i = 0; i < sizeof(all_keys) / sizeof(all_keys[0]); i++) {
        char word[64];
        snprintf(word, sizeof(word), " %s", all_keys[i]);
        const char *hit = strstr(message, word);
        if (!hit)
            fail_msg("'%s' does not list %s", message, all_keys[i]);
        char after = hit[strlen(word)];
        assert_true(after == ' ' || after == '\0'); /* whole words, not prefixes */
    }
    const char *raw = NULL;
    assert_int_equal(store_setting_get(f->s, &f->a, "comments.nope", &raw), STORE_NOT_FOUND);
    buf_reset(&error);
    assert_int_equal(settings_check("", "x", &error), -2);
    assert_memory_equal(buf_cstr(&error), "unknown setting ''; valid keys: site.title", 42);
    buf_reset(&error);
    settings_describe_valid("comments.max_kb", &error);
    assert_string_equal(buf_cstr(&error), "comments.max_kb takes a whole number from 1 to 1024");
    buf_reset(&error);
    settings_describe_valid("site.title", &error);
    assert_string_equal(buf_cstr(&error),
                        "site.title takes one line of text (UTF-8) of at most 1000 bytes");
    buf_free(&error);
}

/* Presets last for the process, so this test uses keys no other test reads. */
static void test_presets(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    /* invalid presets are refused like settings_set */
    assert_int_equal(settings_preset("http.timeout_s", "0", &error), -2);
    assert_string_equal(buf_cstr(&error), "http.timeout_s takes a whole number from 1 to 3600");
    buf_reset(&error);
    assert_int_equal(settings_preset("http.nope", "1", &error), -2);
    assert_memory_equal(buf_cstr(&error), "unknown setting 'http.nope'", 27);
    buf_reset(&error);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_HTTP_TIMEOUT_S), 10);

    /* a preset is used when the store has no value */
    assert_int_equal(settings_preset("http.timeout_s", "30", &error), 0);
    assert_int_equal(settings_preset("site.url", "https://example.org", &error), 0);
    assert_int_equal(error.len, 0);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_HTTP_TIMEOUT_S), 30);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_URL), "https://example.org");

    /* a stored value wins over the preset */
    assert_int_equal(settings_set(f->s, SETTING_HTTP_TIMEOUT_S, "45", &error), 0);
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_HTTP_TIMEOUT_S), 45);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_URL), "https://example.org");
    buf_free(&error);
}

/* Presets apply to every store of the process, also one opened later. */
static void test_preset_in_fresh_store(void **state)
{
    struct temp_fixture *f = *state;
    assert_int_equal(settings_get_int(f->s, &f->a, SETTING_HTTP_TIMEOUT_S), 30);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_URL), "https://example.org");
    buf error = {0};
    assert_int_equal(settings_set(f->s, SETTING_SITE_URL, "", &error), 0); /* stored "" wins too */
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_URL), "");
    buf_free(&error);
}

static void test_preset_twice(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    assert_int_equal(settings_preset("site.url", "https://example.net", &error), 0);
    assert_string_equal(settings_get(f->s, &f->a, SETTING_SITE_URL), "https://example.net");
    buf_free(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_size_rule),
        cmocka_unit_test_setup_teardown(test_defaults, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_set_get_round_trip, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_choice_refused, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_int_refused, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_text_limit, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_lists_keys, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_presets, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_preset_in_fresh_store, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_preset_twice, setup, temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
