/* smtp.c: one SMTP transaction through libcurl, its failure sorted into retry or give up. */
#include "mail/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mime.h"

#define SMTP_DEFAULT_TIMEOUT_S 60
#define SMTP_REPLY_MAX 200 /* bytes of the server's last reply kept for the error message */

static pthread_once_t smtp_init_once = PTHREAD_ONCE_INIT;

static void smtp_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("gazette: curl_global_init failed (mail)\n", stderr);
        abort();
    }
}

void mail_init(void)
{
    pthread_once(&smtp_init_once, smtp_global_init);
}

/* The message being uploaded; owned by mail_smtp_send's caller, read by the callback. */
struct smtp_upload {
    const char *data; /* the whole message */
    size_t len;       /* its length */
    size_t offset;    /* bytes handed to libcurl so far */
};

static size_t smtp_read(char *dest, size_t size, size_t count, void *userdata)
{
    struct smtp_upload *u = userdata;
    size_t n = size * count;
    if (n > u->len - u->offset)
        n = u->len - u->offset;
    memcpy(dest, u->data + u->offset, n);
    u->offset += n;
    return n;
}

/* libcurl hands SMTP server replies to the header callback; the last 4xx/5xx line is kept so
 * an error can say what the server said ("550 no such user"), not only curl's summary. (The
 * very last reply is usually "221 Bye" to curl's QUIT, which says nothing.) */
static size_t smtp_reply(char *data, size_t size, size_t count, void *userdata)
{
    buf *reply = userdata;
    size_t n = size * count, len = n;
    if (n == 0 || (data[0] != '4' && data[0] != '5'))
        return n;
    while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
        len--;
    buf_reset(reply);
    for (size_t i = 0; i < len && i < SMTP_REPLY_MAX; i++)
        buf_putc(reply, (unsigned char)data[i] < 0x20 ? ' ' : data[i]);
    return n;
}

/* 4xx says "later", 5xx says "never" (RFC 5321 4.2.1); without a reply the curl code decides:
 * a URL that cannot work and refused credentials need a person, everything else (refused
 * connection, timeout, DNS, TLS, a dropped line) may pass. */
static enum smtp_outcome smtp_classify(CURLcode rc, long reply_code)
{
    if (reply_code >= 400 && reply_code < 500)
        return SMTP_TEMPORARY;
    if (reply_code >= 500 && reply_code < 600)
        return SMTP_PERMANENT;
    switch (rc) {
    case CURLE_LOGIN_DENIED:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
        return SMTP_PERMANENT;
    default:
        return SMTP_TEMPORARY;
    }
}

static enum smtp_outcome smtp_refuse(buf *error, const char *reason)
{
    if (error) {
        buf_reset(error);
        buf_puts(error, reason);
    }
    return SMTP_PERMANENT;
}

enum smtp_outcome mail_smtp_send(const struct smtp_config *c, const char *from_address,
                                 const char *to_address, const char *message, size_t len,
                                 buf *error)
{
    /* Checked here too: an address is spoken on the SMTP command line, so CR or LF in it would
     * be command injection, whatever the caller validated. */
    if (!mail_address_valid(from_address))
        return smtp_refuse(error, "invalid sender address");
    if (!mail_address_valid(to_address))
        return smtp_refuse(error, "invalid recipient address");
    if (!c->url || !c->url[0])
        return smtp_refuse(error, "no SMTP URL configured");
    mail_init();

    enum smtp_outcome outcome = SMTP_TEMPORARY;
    char curl_error[CURL_ERROR_SIZE] = "";
    buf from = {0}, to = {0}, reply = {0};
    struct curl_slist *recipients = NULL;
    struct smtp_upload upload = {message, len, 0};
    CURL *curl = curl_easy_init();
    if (!curl) {
        if (error) {
            buf_reset(error);
            buf_puts(error, "curl_easy_init failed");
        }
        goto out;
    }
    buf_printf(&from, "<%s>", from_address);
    buf_printf(&to, "<%s>", to_address);
    recipients = curl_slist_append(NULL, to.ptr);
    if (!recipients) {
        if (error) {
            buf_reset(error);
            buf_puts(error, "out of memory in curl_slist_append");
        }
        goto out;
    }
    long timeout = c->timeout_s > 0 ? c->timeout_s : SMTP_DEFAULT_TIMEOUT_S;
    curl_easy_setopt(curl, CURLOPT_URL, c->url);
    /* Only mail protocols: a settings typo must not turn into a file:// or http:// upload. */
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.ptr);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, smtp_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, smtp_reply);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* sender threads: no SIGALRM for DNS */
    /* smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS throughout. */
    if (strncmp(c->url, "smtp://", 7) == 0)
        curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (c->user && c->user[0]) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password ? c->password : "");
    }

    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        outcome = SMTP_SENT;
        goto out;
    }
    long reply_code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply_code);
    outcome = smtp_classify(rc, reply_code);
    if (error) {
        buf_reset(error);
        buf_puts(error, curl_error[0] ? curl_error : curl_easy_strerror(rc));
        if (reply.len)
            buf_printf(error, " (server said: %s)", reply.ptr);
        else if (reply_code)
            buf_printf(error, " (reply %ld)", reply_code);
    }

out:
    curl_slist_free_all(recipients);
    if (curl)
        curl_easy_cleanup(curl);
    buf_free(&from);
    buf_free(&to);
    buf_free(&reply);
    return outcome;
}
