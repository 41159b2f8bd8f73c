/* smtp.h: hands one built message to an SMTP server with libcurl and says whether to retry. */
#ifndef GAZETTE_MAIL_SMTP_H
#define GAZETTE_MAIL_SMTP_H

#include <stddef.h>

#include "util/buf.h"

/* Where and how to deliver; borrowed strings, read only during mail_smtp_send. */
struct smtp_config {
    const char *url;      /* smtp://host:port (STARTTLS when offered) or smtps://host:port */
    const char *user;     /* login name; NULL or "" for no AUTH */
    const char *password; /* used only with user; NULL is "" */
    long timeout_s;       /* whole transaction, connect included; <= 0 means 60 */
};

/* What the outbox should do with the message next. */
enum smtp_outcome {
    SMTP_SENT,      /* the server accepted it (250 after DATA) */
    SMTP_TEMPORARY, /* try again later: no connection, timeout, DNS, TLS, a 4xx reply */
    SMTP_PERMANENT, /* give up: a 5xx reply, login denied, a bad URL or address */
};

/* Initialises libcurl (curl_global_init(CURL_GLOBAL_DEFAULT)) exactly once, guarded by
 * pthread_once. The server's start calls it before any thread sends mail, because
 * curl_global_init is not thread-safe against other libraries' use of curl or OpenSSL;
 * mail_smtp_send calls it too, as a safety net for single-threaded callers (CLI, tests).
 * Aborts if libcurl cannot initialise. */
void mail_init(void);

/* Sends the `len` bytes at `message` (a whole RFC 5322 message with CRLF line endings, as
 * mail_build makes; libcurl does the dot-stuffing) from `from_address` to the one recipient
 * `to_address`. Blocking, at most about c->timeout_s seconds; safe to call from several
 * threads at once (each call has its own connection; no signals are used). Addresses that
 * fail mail_address_valid are refused as SMTP_PERMANENT without connecting. On anything but
 * SMTP_SENT, `error` (if not NULL) is reset and given a one-line reason including the server's
 * last reply when there was one; on success it is left as it was. */
enum smtp_outcome mail_smtp_send(const struct smtp_config *c, const char *from_address,
                                 const char *to_address, const char *message, size_t len,
                                 buf *error);

#endif
