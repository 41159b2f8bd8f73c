/* outbox.c: queueing article emails and delivering the outbox. */
#include "mail/outbox.h"

#include <string.h>

#include "mail/mime.h"
#include "mail/smtp.h"
#include "model/settings.h"
#include "util/log.h"

#define CLAIM_STALE_SECONDS 600 /* a delivery claimed this long ago died with its sender */
#define GIVE_UP_SECONDS 86400   /* temporary failures are retried for a day */
#define MAX_BACKOFF_SECONDS 3600

enum outbox_outcome outbox_enqueue(store *s, arena *a, const struct outbox_request *request,
                                   long long *id, buf *error)
{
    const char *smtp_url = settings_get(s, a, "mail.smtp_url");
    const char *from = settings_get(s, a, "mail.from");
    if (!*smtp_url || !mail_address_valid(from)) {
        buf_puts(error, "This site is not set up to send email.");
        return OUTBOX_NOT_CONFIGURED;
    }
    long long per_client = settings_get_int(s, a, "mail.limit_per_ip_hour");
    long long per_recipient = settings_get_int(s, a, "mail.limit_per_recipient_hour");
    long long by_client, by_recipient;
    if (store_mail_recent(s, request->client_ip, request->recipient, request->now - 3600,
                          &by_client, &by_recipient) != STORE_OK) {
        buf_printf(error, "%s", store_error(s));
        return OUTBOX_FAILED;
    }
    if (per_client > 0 && by_client >= per_client) { /* 0: no limit */
        buf_printf(error,
                   "You have reached this site's limit of %lld articles an hour from one address. "
                   "Please try again later.",
                   per_client);
        return OUTBOX_LIMITED;
    }
    if (per_recipient > 0 && by_recipient >= per_recipient) {
        buf_puts(error, "That address has been sent enough articles from this site for one hour. "
                        "Please try again later.");
        return OUTBOX_LIMITED;
    }
    const char *domain = strchr(from, '@') + 1;
    const char *site_title = settings_get(s, a, "site.title");
    struct mail_message m = {
        .from_name = *request->sender_name
                         ? arena_printf(a, "%s via %s", request->sender_name, site_title)
                         : site_title,
        .from_address = from,
        .reply_to = request->reply_to,
        .to = request->recipient,
        .subject = request->subject,
        .text_body = request->text_body,
        .html_body = request->html_body,
        .date = request->now,
        .message_id = mail_message_id(a, domain),
    };
    buf message = {0};
    mail_build(&m, &message);
    struct store_mail mail = {
        .post_id = request->post_id,
        .created_at = request->now,
        .sender = from,
        .recipient = request->recipient,
        .client_ip = request->client_ip,
        .message = buf_cstr(&message),
        .next_attempt_at = request->now,
    };
    int rc = store_mail_insert(s, &mail, id);
    buf_free(&message);
    if (rc != STORE_OK) {
        buf_printf(error, "%s", store_error(s));
        return OUTBOX_FAILED;
    }
    return OUTBOX_QUEUED;
}

static long long backoff(int attempts)
{
    long long delay = 60;
    for (int i = 1; i < attempts && delay < MAX_BACKOFF_SECONDS; i++)
        delay *= 2;
    return delay < MAX_BACKOFF_SECONDS ? delay : MAX_BACKOFF_SECONDS;
}

int outbox_deliver(store *s, long long now)
{
    arena a = {0};
    int tried = 0;
    if (store_mail_release(s, now - CLAIM_STALE_SECONDS) != STORE_OK)
        goto out;
    struct smtp_config config = {
        .url = settings_get(s, &a, "mail.smtp_url"),
        .user = settings_get(s, &a, "mail.user"),
        .password = settings_get(s, &a, "mail.password"),
        .timeout_s = 30,
    };
    if (!*config.url)
        goto out;
    struct store_mail *due;
    size_t count;
    if (store_mail_due(s, &a, now, 20, &due, &count) != STORE_OK)
        goto out;
    for (size_t i = 0; i < count; i++) {
        const struct store_mail *m = &due[i];
        bool claimed;
        if (store_mail_claim(s, m->id, now, &claimed) != STORE_OK)
            break;
        if (!claimed)
            continue; /* another node took it */
        tried++;
        buf error = {0};
        enum smtp_outcome outcome = mail_smtp_send(&config, m->sender, m->recipient, m->message,
                                                   strlen(m->message), &error);
        int attempts = m->attempts + 1;
        const char *status = "sent";
        long long next = now, sent_at = 0;
        if (outcome == SMTP_SENT)
            sent_at = now;
        else if (outcome == SMTP_TEMPORARY && now - m->created_at < GIVE_UP_SECONDS) {
            status = "queued";
            next = now + backoff(attempts);
        } else
            status = "failed";
        if (outcome != SMTP_SENT)
            log_error("mail %lld to %s: %s (%s)", m->id, m->recipient, buf_cstr(&error),
                      strcmp(status, "queued") == 0 ? "will retry" : "given up");
        if (store_mail_finish(s, m->id, status, attempts, next, sent_at, buf_cstr(&error)) !=
            STORE_OK)
            log_error("mail %lld: recording the attempt: %s", m->id, store_error(s));
        buf_free(&error);
    }
out:
    arena_free(&a);
    return tried;
}
