/* outbox.h: the durable mail outbox: queueing an article email (with its limits) and delivering
 * due messages over SMTP, retrying temporary failures with backoff. */
#ifndef GAZETTE_MAIL_OUTBOX_H
#define GAZETTE_MAIL_OUTBOX_H

#include <stdbool.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* An article email a reader asked for. Borrowed strings. */
struct outbox_request {
    long long post_id;
    const char *recipient;   /* one address */
    const char *sender_name; /* who sends it, as they typed it ("" for none) */
    const char *reply_to;    /* the sender's address, or "" */
    const char *subject;
    const char *text_body, *html_body;
    const char *client_ip;
    long long now;
};

enum outbox_outcome {
    OUTBOX_QUEUED,
    OUTBOX_NOT_CONFIGURED, /* mail.smtp_url or mail.from unset */
    OUTBOX_LIMITED,        /* an hourly limit: `error` says which */
    OUTBOX_FAILED,         /* the store failed: `error` says why */
};

/* Builds the message and commits it to the outbox, after checking the per-client and
 * per-recipient hourly limits. The message is sent later by outbox_deliver. */
enum outbox_outcome outbox_enqueue(store *s, arena *a, const struct outbox_request *request,
                                   long long *id, buf *error);

/* One delivery pass: puts messages claimed long ago back in the queue (a sender that died
 * mid-delivery), then claims and sends every due message. Temporary failures are retried with
 * a growing delay (1 min, 2, 4, … at most an hour) and given up after a day; permanent ones
 * are marked failed at once. Returns how many messages it tried. */
int outbox_deliver(store *s, long long now);

#endif
