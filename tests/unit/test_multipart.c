/* test_multipart.c: multipart/form-data bodies as curl and browsers send them, and the ones
 * web_multipart_parse refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "web/multipart.h"

/* Parses `len` bytes from an exact-size heap copy (a read past the end shows under ASan). */
static int parse(arena *a, const char *type, const char *body, size_t len, bool with_files,
                 struct web_multipart *out, buf *error)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    int rc = web_multipart_parse(a, type, (strview){copy, len}, with_files, out, error);
    free(copy);
    return rc;
}

static struct web_multipart *new_result(void)
{
    struct web_multipart *m = calloc(1, sizeof(*m));
    assert_non_null(m);
    return m;
}

/* What `curl -F csrf=tok -F alt='A red door' -F file=@door.jpg` sends. */
static void test_curl_body(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    struct web_multipart *m = new_result();
    static const char body[] =
        "--------------------------d74496d66958873e\r\n"
        "Content-Disposition: form-data; name=\"csrf\"\r\n"
        "\r\n"
        "tok\r\n"
        "--------------------------d74496d66958873e\r\n"
        "Content-Disposition: form-data; name=\"alt\"\r\n"
        "\r\n"
        "A red door\r\n"
        "--------------------------d74496d66958873e\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"door.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n"
        "\r\n"
        "\xff\xd8\xff\xe0JFIF\r\n"
        "--------------------------d74496d66958873e--\r\n";
    assert_int_equal(parse(&a,
                           "multipart/form-data; boundary=------------------------d74496d66958873e",
                           body, sizeof(body) - 1, true, m, &error),
                     0);
    assert_int_equal(m->form.count, 2);
    assert_string_equal(web_form_get(&m->form, "csrf"), "tok");
    assert_string_equal(web_form_get(&m->form, "alt"), "A red door");
    assert_int_equal(m->file_count, 1);
    assert_string_equal(m->files[0].field, "file");
    assert_string_equal(m->files[0].filename, "door.jpg");
    assert_string_equal(m->files[0].content_type, "image/jpeg");
    assert_int_equal(m->files[0].length, 8);
    assert_memory_equal(m->files[0].bytes, "\xff\xd8\xff\xe0JFIF", 8);
    free(m);
    buf_free(&error);
    arena_free(&a);
}

/* A browser's form: a WebKit boundary, a textarea with CRLF line ends, a quoted name with the
 * quote percent-encoded (as the HTML standard says), a checkbox, an empty file input. */
static void test_browser_body(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    struct web_multipart *m = new_result();
    static const char body[] =
        "------WebKitFormBoundaryq8ZkX2nT1vR7aLmP\r\n"
        "Content-Disposition: form-data; name=\"caption\"\r\n"
        "\r\n"
        "first line\r\nsecond line\r\n"
        "------WebKitFormBoundaryq8ZkX2nT1vR7aLmP\r\n"
        "Content-Disposition: form-data; name=\"decorative\"\r\n"
        "\r\n"
        "1\r\n"
        "------WebKitFormBoundaryq8ZkX2nT1vR7aLmP\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"say %22cheese%22.png\"\r\n"
        "Content-Type: image/png\r\n"
        "\r\n"
        "\x89PNG\r\n"
        "------WebKitFormBoundaryq8ZkX2nT1vR7aLmP\r\n"
        "Content-Disposition: form-data; name=\"other\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\r\n"
        "------WebKitFormBoundaryq8ZkX2nT1vR7aLmP--\r\n";
    assert_int_equal(parse(&a,
                           "multipart/form-data; boundary=----WebKitFormBoundaryq8ZkX2nT1vR7aLmP",
                           body, sizeof(body) - 1, true, m, &error),
                     0);
    assert_string_equal(web_form_get(&m->form, "caption"), "first line\r\nsecond line");
    assert_string_equal(web_form_get(&m->form, "decorative"), "1");
    assert_int_equal(m->file_count, 2);
    assert_string_equal(m->files[0].filename, "say %22cheese%22.png");
    assert_int_equal(m->files[0].length, 4);
    assert_string_equal(m->files[1].field, "other");
    assert_string_equal(m->files[1].filename, "");
    assert_int_equal(m->files[1].length, 0); /* the empty file input */
    free(m);
    buf_free(&error);
    arena_free(&a);
}

/* File names: a backslash-escaped quote (curl), raw UTF-8 (browsers), RFC 5987's filename*. */
static void test_filenames(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    struct web_multipart *m = new_result();
    static const char body[] =
        "--b\r\n"
        "Content-Disposition: form-data; name=\"a\"; filename=\"say \\\"hi\\\".jpg\"\r\n"
        "\r\n"
        "x\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"b\"; filename=\"caf\xc3\xa9 \xe4\xba\xac.jpg\"\r\n"
        "\r\n"
        "y\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"c\"; filename*=UTF-8''%C3%BCber%20den.jpg\r\n"
        "\r\n"
        "z\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"d\"; filename=\"../../etc/passwd\"\r\n"
        "\r\n"
        "w\r\n"
        "--b--\r\n";
    assert_int_equal(
        parse(&a, "multipart/form-data; boundary=b", body, sizeof(body) - 1, true, m, &error), 0);
    assert_int_equal(m->file_count, 4);
    assert_string_equal(m->files[0].filename, "say \"hi\".jpg");
    assert_string_equal(m->files[1].filename, "caf\xc3\xa9 \xe4\xba\xac.jpg");
    assert_string_equal(m->files[2].filename, "\xc3\xbc"
                                              "ber den.jpg");
    /* kept as sent: the caller never makes a path of it */
    assert_string_equal(m->files[3].filename, "../../etc/passwd");
    assert_string_equal(m->files[3].content_type, "text/plain"); /* MIME's default */
    free(m);
    buf_free(&error);
    arena_free(&a);
}

/* Binary content: NUL bytes, CR and LF alone, and the boundary's text inside a line. */
static void test_binary_content(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    struct web_multipart *m = new_result();
    static const char content[] = "\0\x01\r\0\n--XyZzY\0--XyZzY--\r\nx--XyZzY\r\n\xff\0";
    size_t content_len = sizeof(content) - 1;
    buf body = {0};
    buf_puts(&body, "--XyZzY\r\nContent-Disposition: form-data; name=\"file\"; "
                    "filename=\"blob.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    buf_append(&body, content, content_len);
    buf_puts(&body, "\r\n--XyZzY--\r\n");
    assert_int_equal(
        parse(&a, "multipart/form-data; boundary=XyZzY", body.ptr, body.len, true, m, &error), 0);
    assert_int_equal(m->file_count, 1);
    assert_int_equal(m->files[0].length, content_len);
    assert_memory_equal(m->files[0].bytes, content, content_len);
    /* without files: the same name and length, no bytes read */
    struct web_multipart *fields = new_result();
    assert_int_equal(
        parse(&a, "multipart/form-data; boundary=XyZzY", body.ptr, body.len, false, fields, &error),
        0);
    assert_int_equal(fields->file_count, 1);
    assert_null(fields->files[0].bytes);
    assert_string_equal(fields->files[0].filename, "blob.bin");
    free(fields);
    buf_free(&body);
    free(m);
    buf_free(&error);
    arena_free(&a);
}

/* A NUL in a text field cuts the value there (as an urlencoded form's %00 does). */
static void test_nul_in_field(void **state)
{
    (void)state;
    arena a = {0};
    buf error = {0};
    struct web_multipart *m = new_result();
    static const char body[] = "--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n"
                               "ab\0cd\r\n--b--\r\n";
    assert_int_equal(
        parse(&a, "multipart/form-data; boundary=b", body, sizeof(body) - 1, true, m, &error), 0);
    assert_string_equal(web_form_get(&m->form, "t"), "ab");
    assert_int_equal(m->form.fields[0].value_len, 2);
    free(m);
    buf_free(&error);
    arena_free(&a);
}

/* Each refusal, with the sentence that names it. */
static void expect_refused(const char *type, const char *body, size_t len, const char *words)
{
    arena a = {0};
    buf error = {0};
    struct web_multipart *m = new_result();
    assert_int_equal(parse(&a, type, body, len, true, m, &error), -1);
    if (!strstr(buf_cstr(&error), words))
        fail_msg("message \"%s\" does not say \"%s\"", buf_cstr(&error), words);
    assert_int_equal(m->form.count, 0);
    assert_int_equal(m->file_count, 0);
    free(m);
    buf_free(&error);
    arena_free(&a);
}

static void test_refusals(void **state)
{
    (void)state;
    static const char one[] =
        "--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n--b--\r\n";
    expect_refused("multipart/form-data", one, sizeof(one) - 1, "no boundary");
    expect_refused("multipart/form-data; boundary=", one, sizeof(one) - 1, "no boundary");
    expect_refused("application/x-www-form-urlencoded", "a=b", 3, "multipart/form-data");
    expect_refused("multipart/mixed; boundary=b", one, sizeof(one) - 1, "multipart/form-data");
    expect_refused("multipart/form-data; boundary=b\r\nContent-Transfer-Encoding: base64", one,
                   sizeof(one) - 1, "control character");
    static const char cut[] = "--b\r\nContent-Disposition: form-data; name=\"f\"; "
                              "filename=\"a.jpg\"\r\n\r\n\xff\xd8\xff";
    expect_refused("multipart/form-data; boundary=b", cut, sizeof(cut) - 1, "closing boundary");
    expect_refused("multipart/form-data; boundary=other", one, sizeof(one) - 1, "closing boundary");
    static const char nested[] =
        "--b\r\nContent-Disposition: form-data; name=\"files\"\r\n"
        "Content-Type: multipart/mixed; boundary=c\r\n\r\n"
        "--c\r\nContent-Disposition: file; filename=\"a.txt\"\r\n\r\nA\r\n--c--\r\n"
        "\r\n--b--\r\n";
    expect_refused("multipart/form-data; boundary=b", nested, sizeof(nested) - 1, "nested");
    static const char nameless[] = "--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--\r\n";
    expect_refused("multipart/form-data; boundary=b", nameless, sizeof(nameless) - 1,
                   "with a name");
    static const char undisposed[] = "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--\r\n";
    expect_refused("multipart/form-data; boundary=b", undisposed, sizeof(undisposed) - 1,
                   "with a name");

    buf many = {0};
    for (int i = 0; i <= WEB_MULTIPART_MAX_PARTS; i++)
        buf_printf(&many, "--b\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
    buf_puts(&many, "--b--\r\n");
    expect_refused("multipart/form-data; boundary=b", many.ptr, many.len, "more than 32 parts");
    buf_free(&many);

    buf files = {0};
    for (int i = 0; i <= WEB_MULTIPART_MAX_FILES; i++)
        buf_printf(
            &files,
            "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"%d\"\r\n\r\nv\r\n", i);
    buf_puts(&files, "--b--\r\n");
    expect_refused("multipart/form-data; boundary=b", files.ptr, files.len, "more than 4 files");
    buf_free(&files);

    buf big = {0};
    buf_puts(&big, "--b\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n");
    for (int i = 0; i <= WEB_MULTIPART_MAX_FIELD; i++)
        buf_putc(&big, 'x');
    buf_puts(&big, "\r\n--b--\r\n");
    expect_refused("multipart/form-data; boundary=b", big.ptr, big.len,
                   "\"alt\" is longer than 64 KiB");
    buf_free(&big);
}

static void test_is_form_data(void **state)
{
    (void)state;
    assert_true(web_multipart_is_form_data("multipart/form-data; boundary=x"));
    assert_true(web_multipart_is_form_data("Multipart/Form-Data;boundary=x"));
    assert_true(web_multipart_is_form_data("multipart/form-data"));
    assert_false(web_multipart_is_form_data("multipart/form-database"));
    assert_false(web_multipart_is_form_data("application/x-www-form-urlencoded"));
    assert_false(web_multipart_is_form_data(""));
    assert_false(web_multipart_is_form_data(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curl_body),    cmocka_unit_test(test_browser_body),
        cmocka_unit_test(test_filenames),    cmocka_unit_test(test_binary_content),
        cmocka_unit_test(test_nul_in_field), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_is_form_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
