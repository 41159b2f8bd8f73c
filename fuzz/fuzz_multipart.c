/* fuzz_multipart.c: multipart/form-data bodies (web/multipart.h, GMime underneath): the input
 * is a Content-Type header value up to the first newline, then the body. Besides crashes, leaks
 * and UB: a refusal has a message and leaves nothing; an accepted form keeps every limit (parts,
 * files, field and name sizes), its values are C strings of their stated length, its files lie
 * in memory of their stated length; and reading without the files gives the same fields and
 * the same file names. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "util/arena.h"
#include "util/buf.h"
#include "web/multipart.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

static void check_form(const struct web_multipart *m, size_t body_len)
{
    FUZZ_CHECK(m->form.count <= WEB_MULTIPART_MAX_PARTS, "%zu fields", m->form.count);
    FUZZ_CHECK(m->file_count <= WEB_MULTIPART_MAX_FILES, "%zu files", m->file_count);
    FUZZ_CHECK(m->form.count + m->file_count <= WEB_MULTIPART_MAX_PARTS, "%zu parts",
               m->form.count + m->file_count);
    for (size_t i = 0; i < m->form.count; i++) {
        const struct web_field *f = &m->form.fields[i];
        size_t name = strlen(f->name);
        FUZZ_CHECK(name > 0 && name <= WEB_MULTIPART_MAX_NAME, "field name of %zu bytes", name);
        FUZZ_CHECK(strlen(f->value) == f->value_len, "value_len %zu, strlen %zu", f->value_len,
                   strlen(f->value));
        FUZZ_CHECK(f->value_len <= WEB_MULTIPART_MAX_FIELD, "a value of %zu bytes", f->value_len);
    }
    for (size_t i = 0; i < m->file_count; i++) {
        const struct web_multipart_file *f = &m->files[i];
        FUZZ_CHECK(*f->field && strlen(f->field) <= WEB_MULTIPART_MAX_NAME, "file field \"%s\"",
                   f->field);
        FUZZ_CHECK(strlen(f->filename) <= WEB_MULTIPART_MAX_FILENAME, "a filename of %zu bytes",
                   strlen(f->filename));
        /* decoding (base64, quoted-printable) only shrinks; identity keeps the length */
        FUZZ_CHECK(f->length <= body_len, "a file of %zu bytes from a body of %zu", f->length,
                   body_len);
        volatile unsigned char sum = 0; /* every byte readable (ASan sees a short buffer) */
        for (size_t k = 0; f->bytes && k < f->length; k++)
            sum ^= f->bytes[k];
        (void)sum;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    const char *type_bytes;
    size_t type_len = fuzz_take_until(&in, '\n', &type_bytes);
    arena a = {0};
    char *type = arena_strndup(&a, type_bytes, type_len);
    /* the body in memory of its exact size, so a read past it shows */
    char *body = malloc(in.len ? in.len : 1);
    if (in.len)
        memcpy(body, in.data, in.len);
    struct web_multipart *full = calloc(1, sizeof(*full));
    struct web_multipart *fields = calloc(1, sizeof(*fields));
    buf error = {0}, error2 = {0};
    int rc = web_multipart_parse(&a, type, (strview){body, in.len}, true, full, &error);
    int rc2 = web_multipart_parse(&a, type, (strview){body, in.len}, false, fields, &error2);
    FUZZ_CHECK(rc == rc2, "with files %d, without %d", rc, rc2);
    if (rc != 0) {
        FUZZ_CHECK(error.len > 0, "a refusal without a message");
        FUZZ_CHECK(full->form.count == 0 && full->file_count == 0, "a refusal left %zu fields",
                   full->form.count);
    } else {
        FUZZ_CHECK(error.len == 0, "accepted with a message: %s", buf_cstr(&error));
        check_form(full, in.len);
        check_form(fields, in.len);
        FUZZ_CHECK(full->form.count == fields->form.count, "%zu fields, then %zu", full->form.count,
                   fields->form.count);
        for (size_t i = 0; i < full->form.count; i++)
            FUZZ_CHECK(strcmp(full->form.fields[i].name, fields->form.fields[i].name) == 0 &&
                           strcmp(full->form.fields[i].value, fields->form.fields[i].value) == 0,
                       "field %zu differs", i);
        FUZZ_CHECK(full->file_count == fields->file_count, "%zu files, then %zu", full->file_count,
                   fields->file_count);
        for (size_t i = 0; i < full->file_count; i++) {
            FUZZ_CHECK(strcmp(full->files[i].filename, fields->files[i].filename) == 0,
                       "file %zu's name differs", i);
            FUZZ_CHECK(fields->files[i].bytes == NULL, "bytes read without with_files");
            FUZZ_CHECK(full->files[i].bytes != NULL, "no bytes with with_files");
        }
    }
    buf_free(&error);
    buf_free(&error2);
    free(full);
    free(fields);
    free(body);
    arena_free(&a);
    return 0;
}
