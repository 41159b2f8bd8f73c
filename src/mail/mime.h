/* mime.h: builds one RFC 5322 message, multipart/alternative with a text and an HTML part. */
#ifndef GAZETTE_MAIL_MIME_H
#define GAZETTE_MAIL_MIME_H

#include <stdbool.h>

#include "util/arena.h"
#include "util/buf.h"

/* What one email says. Every string is borrowed, NUL-terminated UTF-8 and read only during
 * mail_build. Addresses are expected to have passed mail_address_valid. */
struct mail_message {
    const char *from_name;    /* display name of From; NULL or "" for a bare address */
    const char *from_address; /* envelope-style address of the sender (the site's mail.from) */
    const char *reply_to;     /* address for Reply-To; NULL/"" (or not valid) for none */
    const char *to;           /* the one recipient's address */
    const char *subject;      /* any UTF-8; encoded and folded as needed */
    const char *text_body;    /* the text/plain alternative; NULL is empty */
    const char *html_body;    /* the text/html alternative; NULL is empty */
    long long date;           /* Unix seconds, written in UTC (+0000) */
    const char *message_id;   /* "<...@domain>" from mail_message_id; NULL/"" leaves it out */
};

/* Appends the whole message (headers, blank line, body) to `out`, CRLF line endings, no line
 * over 998 bytes and header lines kept to 78 where the data allows. Never fails; what cannot be
 * written safely is dropped rather than refused: CR, LF and other control characters in the
 * name and subject become one space (so input can never start a header of its own), bytes that
 * could break an address header are left out of From/To, and a Reply-To that does not pass
 * mail_address_valid is omitted. Line breaks in the bodies (LF or CRLF) become CRLF, the
 * canonical form of MIME text; every other byte survives quoted-printable exactly. */
void mail_build(const struct mail_message *m, buf *out);

/* A fresh "<32-hex-random@domain>" in `a` (libsodium randombytes_buf). A domain with nothing
 * usable in it (NULL, "", only odd bytes) gives "@localhost". Aborts only if libsodium cannot
 * initialise. Thread-safe. */
char *mail_message_id(arena *a, const char *domain);

/* A plain, deliberately simple check, not RFC 5321 in full: local@domain.tld in printable
 * ASCII, at most 254 bytes (local part at most 64), one '@', a domain of dot-separated
 * non-empty labels of letters, digits and '-' with at least one dot, and none of space,
 * control characters (CR and LF above all: header injection), <>()[]:;\", or commas.
 * NULL is not valid. */
bool mail_address_valid(const char *address);

/* `address` as the outbox counts and sends it, in `a`: white space trimmed from both ends and
 * ASCII letters lower-cased in the whole address. The domain is case-insensitive anyway; the
 * local part is treated so too (as every common mail server does) because the hourly limit per
 * recipient must not be escaped by writing Victim@ and VICTIM@. Other bytes are kept, so the
 * result still goes through mail_address_valid. NULL gives "". */
char *mail_address_normalize(arena *a, const char *address);

#endif
