/* multipart.h: multipart/form-data bodies (RFC 7578: a form with a file input), read with GMime:
 * the text fields as a web_form (so web_form_get and the CSRF check read them as they read an
 * urlencoded form) and the files with the name the client gave them, bounded in count and
 * size. */
#ifndef GAZETTE_WEB_MULTIPART_H
#define GAZETTE_WEB_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"
#include "web/form.h"

#define WEB_MULTIPART_MAX_PARTS 32          /* a form of ours has ~8 */
#define WEB_MULTIPART_MAX_FILES 4           /* file parts kept; more is refused */
#define WEB_MULTIPART_MAX_FIELD (64 * 1024) /* bytes of one text field's value */
#define WEB_MULTIPART_MAX_NAME 200          /* bytes of a field name */
#define WEB_MULTIPART_MAX_FILENAME 1000     /* bytes of a file's name as sent */
#define WEB_MULTIPART_MAX_CONTENT_TYPE 1000 /* bytes of the request's Content-Type header */

/* One file of the form. */
struct web_multipart_file {
    const char *field;          /* the form field's name ("file") */
    const char *filename;       /* as the client sent it, decoded ("" when it sent none): shown
                                   and used for a title, never trusted as a path */
    const char *content_type;   /* as the client sent it ("" when none): the client's guess only */
    const unsigned char *bytes; /* in the arena; NULL when not read (with_files false) */
    size_t length;
};

struct web_multipart {
    struct web_form form; /* the text fields, in order; a value is cut at a NUL byte */
    struct web_multipart_file files[WEB_MULTIPART_MAX_FILES];
    size_t file_count;
};

/* Whether a Content-Type header value names multipart/form-data (any case, any parameters). */
bool web_multipart_is_form_data(const char *content_type);

/* Reads `body`, sent with the Content-Type header `content_type`, into `out` (strings and bytes
 * in `a`; `body` itself is not kept). with_files false reads the text fields only (each file's
 * name and length are still given, its bytes are not copied). 0, or -1 with a sentence for the
 * client in `error` (answer 400): not multipart/form-data, no boundary, a part without a
 * form-data name, a part that is itself multipart, more than WEB_MULTIPART_MAX_PARTS parts or
 * WEB_MULTIPART_MAX_FILES files, a field or name over its limit, a body without the closing
 * boundary. Safe from any thread (GMime is set up once, on first use). */
int web_multipart_parse(arena *a, const char *content_type, strview body, bool with_files,
                        struct web_multipart *out, buf *error);

#endif
