/* slug.h: WordPress's forms of slugs and permalink paths: the one canonical form gazette stores
 * and writes (WordPress's lowercase percent-encoding of UTF-8), the slug WordPress makes from a
 * title (sanitize_title) and the nicename it makes from a login. */
#ifndef GAZETTE_UTIL_SLUG_H
#define GAZETTE_UTIL_SLUG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define SLUG_MAX 200    /* bytes of a slug, as WordPress's utf8_uri_encode(…, 200) */
#define NICENAME_MAX 50 /* characters of a login a nicename is made from (wp_insert_user) */

/* The canonical form of a slug or a path given in any form WordPress accepts: every byte of 0x80
 * and above percent-encoded in lowercase hex ("%d8%a7"), an escape already there lowercased;
 * nothing else changes (no escape is decoded, '/' stays, so does the case of letters). Raw
 * UTF-8, "%D8%A7" and "%d8%a7" all give "%d8%a7". slug_from_title's slugs are canonical. In
 * `a`. */
char *slug_canonical(arena *a, const char *text);

/* The value of a hexadecimal digit (either case) of a %XX escape, or -1 for any other byte. */
int hex_digit_value(unsigned char c);

/* `text` with its ASCII letters in lower case (escapes too): WordPress finds a slug whatever the
 * case of its letters (MySQL compares them so), and its canonical redirect sends there. In
 * `a`. */
char *slug_ascii_lower(arena *a, const char *text);

/* Whether `text` is its own canonical form. */
bool slug_is_canonical(const char *text);

/* The slug WordPress makes from a title (sanitize_title in its "save" context): Latin accents
 * removed (remove_accents), tags stripped, lowercased (Greek, Cyrillic, Armenian and Latin
 * letters), non-ASCII percent-encoded in lowercase up to SLUG_MAX bytes without splitting a
 * character, typographic quotes and marks dropped, spaces, dots and dashes made one '-', other
 * ASCII punctuation dropped. "" when nothing is left. In `a`. */
char *slug_from_title(arena *a, const char *title);

/* `slug` as a person reads it (WordPress's editor shows it decoded): its escapes decoded, when
 * that is UTF-8 and slug_from_title gives `slug` back from it (so that saving it unchanged keeps
 * the slug); else `slug` itself. In `a`. */
char *slug_readable(arena *a, const char *slug);

/* The nicename WordPress gives the user `login` (sanitize_title of the first NICENAME_MAX
 * characters of sanitize_user(login, strict)): "j.doe" gives "j-doe". "" when nothing is left
 * (a login of no Latin letter or digit). In `a`. */
char *slug_nicename(arena *a, const char *login);

#endif
