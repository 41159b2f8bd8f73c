/* outbox.h: the durable mail outbox: queueing an article email (with its limits) and delivering
 * due messages over SMTP, retrying temporary failures with backoff. */
#ifndef GAZETTE_MAIL_OUTBOX_H
#define GAZETTE_MAIL_OUTBOX_H

#include <stdbool.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* An article email a reader asked for. Borrowed strings. Nothing a visitor typed goes into a
 * header but `reply_to` (an address, validated): From is the site (site.title, mail.from),
 * and the name the visitor gave belongs in the bodies, marked as theirs. */
struct outbox_request {
    long long post_id;
    const char *recipient; /* one address, as typed: normalised here (mail_address_normalize) */
    const char *reply_to;  /* the sender's own address, or "" */
    const char *subject;   /* the article's title */
    const char *text_body, *html_body;
    const char *client_ip;
    long long now;
};

enum outbox_outcome {
    OUTBOX_QUEUED,
    OUTBOX_NOT_CONFIGURED, /* mail_configured is false */
    OUTBOX_LIMITED,        /* an hourly limit: `error` says which */
    OUTBOX_FAILED,         /* the store failed, or the recipient is not an address: `error` */
};

/* Whether this site sends article emails: mail.smtp_url is set, mail.from is a valid address
 * and site.url is an http:// or https:// address (an email's links must be absolute, and they
 * are made from site.url only, never from a request's Host). The one test for the Email link
 * on article pages and for PERMALINK/email/; strings read into `a`. A store that cannot be
 * read counts as not configured. */
bool mail_configured(store *s, arena *a);

/* Builds the message and commits it to the outbox, if the per-client and per-recipient hourly
 * limits allow, counting on the normalised recipient. The count and the insert are one write
 * transaction holding store_mail_lock_limits, so sends at the same time, on any thread,
 * process or node, cannot together pass a limit. The message is sent later by
 * outbox_deliver. `*id` is the new message's id when queued. */
enum outbox_outcome outbox_enqueue(store *s, arena *a, const struct outbox_request *request,
                                   long long *id, buf *error);

/* One delivery pass: puts messages claimed long ago back in the queue (a sender that died
 * mid-delivery), then claims and sends every due message. Temporary failures are retried with
 * a growing delay (1 min, 2, 4, … at most an hour) and given up after a day; permanent ones
 * are marked failed at once. Returns how many messages it tried. */
int outbox_deliver(store *s, long long now);

#endif
