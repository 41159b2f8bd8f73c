/* multipart.c: multipart/form-data read with GMime. GMime parses MIME entities, not HTTP
 * bodies, so the body is given to it as the entity it is: its Content-Type header, a blank
 * line, then the body. */
#include "web/multipart.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>

/* g_mime_init sets up GMime's process-wide tables (charsets, iconv cache) and must run once
 * before any parse: pthread_once on first use, so the server, the CLI, the unit tests and the
 * fuzzer need no start-up step of their own. GMime is never shut down (process lifetime). */
static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
    g_mime_init();
}

bool web_multipart_is_form_data(const char *content_type)
{
    static const char type[] = "multipart/form-data";
    if (!content_type)
        return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    size_t n = sizeof(type) - 1;
    return strncasecmp(content_type, type, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ' ||
            content_type[n] == '\t');
}

/* What the parser told us while reading: only a missing closing boundary matters here (a body
 * cut short would otherwise give its last file cut short, with no error). */
struct parse_warnings {
    bool truncated;
};

static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
    (void)offset;
    (void)item;
    struct parse_warnings *warnings = data;
    if (code == GMIME_WARN_TRUNCATED_MESSAGE || code == GMIME_WARN_MALFORMED_MULTIPART)
        warnings->truncated = true;
}

/* The decoded content of a part, in `a` (NUL after it, not counted). */
static unsigned char *part_content(arena *a, GMimePart *part, size_t *length)
{
    GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
    *length = 0;
    if (!wrapper) {
        unsigned char *empty = arena_alloc(a, 1);
        empty[0] = 0;
        return empty;
    }
    GMimeStream *decoded = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(wrapper, decoded);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(decoded));
    unsigned char *copy = arena_alloc(a, bytes->len + 1);
    if (bytes->len)
        memcpy(copy, bytes->data, bytes->len);
    copy[bytes->len] = 0;
    *length = bytes->len;
    g_object_unref(decoded);
    return copy;
}

/* The length of a part's content as sent (before any transfer decoding). */
static size_t part_raw_length(GMimePart *part)
{
    GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
    GMimeStream *stream = wrapper ? g_mime_data_wrapper_get_stream(wrapper) : NULL;
    gint64 n = stream ? g_mime_stream_length(stream) : 0;
    return n > 0 ? (size_t)n : 0;
}

/* Reads one part into `out`; 0, or -1 with a message. */
static int read_part(arena *a, GMimeObject *object, bool with_files, struct web_multipart *out,
                     buf *error)
{
    if (GMIME_IS_MULTIPART(object) || !GMIME_IS_PART(object)) {
        buf_printf(error, "A part of the form holds other parts (a nested multipart or a "
                          "message): send one file per field.");
        return -1;
    }
    GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(object);
    const char *kind = disposition ? g_mime_content_disposition_get_disposition(disposition) : NULL;
    const char *name =
        disposition ? g_mime_content_disposition_get_parameter(disposition, "name") : NULL;
    if (!kind || g_ascii_strcasecmp(kind, "form-data") != 0 || !name || !*name) {
        buf_printf(error, "A part of the form has no Content-Disposition: form-data with a name.");
        return -1;
    }
    if (strlen(name) > WEB_MULTIPART_MAX_NAME) {
        buf_printf(error, "A field name of the form is longer than %d bytes.",
                   WEB_MULTIPART_MAX_NAME);
        return -1;
    }
    GMimePart *part = GMIME_PART(object);
    const char *filename = g_mime_content_disposition_get_parameter(disposition, "filename");
    if (!filename) { /* a text field */
        if (out->form.count >= WEB_FORM_MAX_FIELDS) {
            buf_printf(error, "The form has more than %d fields.", WEB_FORM_MAX_FIELDS);
            return -1;
        }
        if (part_raw_length(part) > 4 * (size_t)WEB_MULTIPART_MAX_FIELD) {
            buf_printf(error, "The field \"%.100s\" is longer than %d KiB.", name,
                       WEB_MULTIPART_MAX_FIELD / 1024);
            return -1;
        }
        size_t length;
        char *value = (char *)part_content(a, part, &length);
        if (length > WEB_MULTIPART_MAX_FIELD) {
            buf_printf(error, "The field \"%.100s\" is longer than %d KiB.", name,
                       WEB_MULTIPART_MAX_FIELD / 1024);
            return -1;
        }
        struct web_field *field = &out->form.fields[out->form.count++];
        field->name = arena_strdup(a, name);
        field->value = value;
        field->value_len = strnlen(value, length); /* a NUL ends it: C strings downstream */
        return 0;
    }
    if (out->file_count >= WEB_MULTIPART_MAX_FILES) {
        buf_printf(error, "The form has more than %d files.", WEB_MULTIPART_MAX_FILES);
        return -1;
    }
    if (strlen(filename) > WEB_MULTIPART_MAX_FILENAME) {
        buf_printf(error, "A file's name is longer than %d bytes.", WEB_MULTIPART_MAX_FILENAME);
        return -1;
    }
    struct web_multipart_file *file = &out->files[out->file_count++];
    file->field = arena_strdup(a, name);
    file->filename = arena_strdup(a, filename);
    GMimeContentType *type = g_mime_object_get_content_type(object);
    char *mime = type ? g_mime_content_type_get_mime_type(type) : NULL;
    file->content_type = arena_strdup(a, mime ? mime : "");
    g_free(mime);
    if (with_files)
        file->bytes = part_content(a, part, &file->length);
    else {
        file->bytes = NULL;
        file->length = part_raw_length(part);
    }
    return 0;
}

/* The request's Content-Type as the header of the entity GMime reads: refused when it could
 * add a header of its own (a line break) or is not multipart/form-data with a boundary. */
static int check_content_type(GMimeParserOptions *options, const char *content_type, buf *error)
{
    if (!web_multipart_is_form_data(content_type)) {
        buf_printf(error, "The form must be sent as multipart/form-data.");
        return -1;
    }
    if (strlen(content_type) > WEB_MULTIPART_MAX_CONTENT_TYPE) {
        buf_printf(error, "The Content-Type header is longer than %d bytes.",
                   WEB_MULTIPART_MAX_CONTENT_TYPE);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)content_type; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            buf_printf(error, "The Content-Type header holds a control character.");
            return -1;
        }
    GMimeContentType *type = g_mime_content_type_parse(options, content_type);
    const char *boundary = type ? g_mime_content_type_get_parameter(type, "boundary") : NULL;
    size_t boundary_length = boundary ? strlen(boundary) : 0;
    if (type)
        g_object_unref(type);
    if (boundary_length == 0 || boundary_length > 70) { /* RFC 2046: 1 to 70 characters */
        buf_printf(error, "The multipart/form-data Content-Type has no boundary (or one longer "
                          "than 70 characters).");
        return -1;
    }
    return 0;
}

int web_multipart_parse(arena *a, const char *content_type, strview body, bool with_files,
                        struct web_multipart *out, buf *error)
{
    pthread_once(&gmime_once, gmime_start);
    out->form.count = 0;
    out->file_count = 0;
    struct parse_warnings warnings = {false};
    GMimeParserOptions *options = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(options, on_warning, &warnings);
    GMimeStream *entity = NULL;
    GMimeParser *parser = NULL;
    GMimeObject *root = NULL;
    int rc = -1;
    if (check_content_type(options, content_type, error) != 0)
        goto out;

    entity = g_mime_stream_mem_new();
    static const char header[] = "Content-Type: ";
    g_mime_stream_write(entity, header, sizeof(header) - 1);
    g_mime_stream_write_string(entity, content_type);
    g_mime_stream_write(entity, "\r\n\r\n", 4);
    if (body.len)
        g_mime_stream_write(entity, body.ptr, body.len);
    g_mime_stream_reset(entity);
    parser = g_mime_parser_new_with_stream(entity);
    root = g_mime_parser_construct_part(parser, options);
    if (!root || !GMIME_IS_MULTIPART(root)) {
        buf_printf(error, "The body is not a multipart/form-data form.");
        goto out;
    }
    GMimeMultipart *multipart = GMIME_MULTIPART(root);
    int count = g_mime_multipart_get_count(multipart);
    if (warnings.truncated || count == 0) {
        buf_printf(error, "The form ends before its closing boundary (the upload was cut short, "
                          "or the body does not use the boundary of its Content-Type).");
        goto out;
    }
    if (count > WEB_MULTIPART_MAX_PARTS) {
        buf_printf(error, "The form has more than %d parts.", WEB_MULTIPART_MAX_PARTS);
        goto out;
    }
    for (int i = 0; i < count; i++)
        if (read_part(a, g_mime_multipart_get_part(multipart, i), with_files, out, error) != 0)
            goto out;
    rc = 0;
out:
    if (root)
        g_object_unref(root);
    if (parser)
        g_object_unref(parser);
    if (entity)
        g_object_unref(entity);
    g_mime_parser_options_free(options);
    if (rc != 0) {
        out->form.count = 0;
        out->file_count = 0;
    }
    return rc;
}
