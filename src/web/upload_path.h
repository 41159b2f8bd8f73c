/* upload_path.h: the path under /wp-content/uploads/ that a request names, in the form the
 * store keeps files at ("2013/01/café.jpg": percent-decoded UTF-8), or a refusal. A pure
 * function of its text, for site/media_file.c. */
#ifndef GAZETTE_WEB_UPLOAD_PATH_H
#define GAZETTE_WEB_UPLOAD_PATH_H

#include "util/arena.h"

#define UPLOAD_PATH_MAX 1024 /* bytes of the request's path after the prefix, as sent */

/* `sent` is the request path after "/wp-content/uploads/", percent-encoded as sent. Returns the
 * decoded path in `a`, or NULL for one no file can have: longer than UPLOAD_PATH_MAX, a bad
 * escape, an escaped '/', '\' or NUL (%2f, %5c, %00), a control character, text that is not
 * UTF-8, an empty segment ("a//b", a leading or trailing '/'), or a "." or ".." segment in any
 * spelling (%2e%2e). */
const char *upload_path_decode(arena *a, const char *sent);

#endif
