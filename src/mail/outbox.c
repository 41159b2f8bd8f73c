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

bool mail_configured(store *s, arena *a)
{
    const char *url = settings_get(s, a, SETTING_SITE_URL);
    bool absolute =
        (strncmp(url, "http://", 7) == 0 && url[7]) || (strncmp(url, "https://", 8) == 0 && url[8]);
    return *settings_get(s, a, SETTING_MAIL_SMTP_URL) &&
           mail_address_valid(settings_get(s, a, SETTING_MAIL_FROM)) && absolute;
}

/* The limits' check and the insert, as one store_write (it may run twice: see store_write_fn). */
struct enqueue_write {
    const struct store_mail *mail;
    long long since;         /* the hour counted */
    long long per_client;    /* mail.limit_per_ip_hour; 0 = no limit */
    long long per_recipient; /* mail.limit_per_recipient_hour; 0 = no limit */
    enum { WITHIN_LIMITS, CLIENT_LIMITED, RECIPIENT_LIMITED } verdict;
    long long id; /* the new message's, when queued */
};

static int enqueue_transaction(store *tx, void *arg)
{
    struct enqueue_write *w = arg;
    const struct store_mail *m = w->mail;
    long long by_client, by_recipient;
    w->verdict = WITHIN_LIMITS;
    if (store_mail_lock_limits(tx) != STORE_OK ||
        store_mail_recent(tx, m->client_ip, m->recipient, w->since, &by_client, &by_recipient) !=
            STORE_OK)
        return STORE_ERROR;
    if (w->per_client > 0 && by_client >= w->per_client)
        w->verdict = CLIENT_LIMITED;
    else if (w->per_recipient > 0 && by_recipient >= w->per_recipient)
        w->verdict = RECIPIENT_LIMITED;
    if (w->verdict != WITHIN_LIMITS)
        return STORE_OK; /* nothing written */
    return store_mail_insert(tx, m, &w->id);
}

enum outbox_outcome outbox_enqueue(store *s, arena *a, const struct outbox_request *request,
                                   long long *id, buf *error)
{
    if (!mail_configured(s, a)) {
        buf_puts(error, "This site is not set up to send email.");
        return OUTBOX_NOT_CONFIGURED;
    }
    const char *recipient = mail_address_normalize(a, request->recipient);
    if (!mail_address_valid(recipient)) {
        buf_puts(error, "The recipient is not one valid email address.");
        return OUTBOX_FAILED;
    }
    const char *from = settings_get(s, a, SETTING_MAIL_FROM);
    const char *domain = strchr(from, '@') + 1;
    struct mail_message m = {
        .from_name = settings_get(s, a, SETTING_SITE_TITLE), /* the site, never the visitor */
        .from_address = from,
        .reply_to = request->reply_to,
        .to = recipient,
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
        .recipient = recipient,
        .client_ip = request->client_ip,
        .message = buf_cstr(&message),
        .next_attempt_at = request->now,
    };
    struct enqueue_write w = {
        .mail = &mail,
        .since = request->now - 3600,
        .per_client = settings_get_int(s, a, SETTING_MAIL_LIMIT_PER_IP_HOUR),
        .per_recipient = settings_get_int(s, a, SETTING_MAIL_LIMIT_PER_RECIPIENT_HOUR),
    };
    int rc = store_write(s, enqueue_transaction, &w);
    buf_free(&message);
    if (rc != STORE_OK) {
        buf_printf(error, "%s", store_error(s));
        return OUTBOX_FAILED;
    }
    if (w.verdict == CLIENT_LIMITED) {
        buf_printf(error,
                   "You have reached this site's limit of %lld articles an hour from one address. "
                   "Please try again later.",
                   w.per_client);
        return OUTBOX_LIMITED;
    }
    if (w.verdict == RECIPIENT_LIMITED) {
        buf_puts(error, "That address has been sent enough articles from this site for one hour. "
                        "Please try again later.");
        return OUTBOX_LIMITED;
    }
    *id = w.id;
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
        .url = settings_get(s, &a, SETTING_MAIL_SMTP_URL),
        .user = settings_get(s, &a, SETTING_MAIL_USER),
        .password = settings_get(s, &a, SETTING_MAIL_PASSWORD),
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
        enum mail_status status = MAIL_STATUS_SENT;
        long long next = now, sent_at = 0;
        if (outcome == SMTP_SENT)
            sent_at = now;
        else if (outcome == SMTP_TEMPORARY && now - m->created_at < GIVE_UP_SECONDS) {
            status = MAIL_STATUS_QUEUED;
            next = now + backoff(attempts);
        } else
            status = MAIL_STATUS_FAILED;
        if (outcome != SMTP_SENT)
            log_error("mail %lld to %s: %s (%s)", m->id, m->recipient, buf_cstr(&error),
                      status == MAIL_STATUS_QUEUED ? "will retry" : "given up");
        if (store_mail_finish(s, m->id, status, attempts, next, sent_at, buf_cstr(&error)) !=
            STORE_OK)
            log_error("mail %lld: recording the attempt: %s", m->id, store_error(s));
        buf_free(&error);
    }
out:
    arena_free(&a);
    return tried;
}
