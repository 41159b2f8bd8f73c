/* server.c: the h2o adapter: listening sockets, one event loop per thread, turning an h2o
 * request into a job (app/dispatch.h) and the job's response back into h2o's, the page cache's
 * hits and the theme's assets answered on the loop, and connections refused over
 * http.max_conns_per_ip. The only file that knows h2o. */
#include "http/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <h2o.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/dispatch.h"
#include "app/lifecycle.h"
#include "app/workers.h"
#include "cache/page_cache.h"
#include "web/address.h"
#include "web/byte_range.h"
#include "web/conn_limit.h"
#include "util/alloc.h"
#include "util/log.h"

/* One event loop thread: its own listening socket (SO_REUSEPORT) and h2o context. */
struct loop_thread {
    pthread_t thread;
    h2o_evloop_t *loop;
    h2o_context_t context;
    h2o_accept_ctx_t accept_context;
    int listen_fd;
    h2o_socket_t *listener;         /* NULL once stopping */
    h2o_multithread_queue_t *queue; /* finished jobs come back through it */
    h2o_multithread_receiver_t receiver;
    size_t in_flight;             /* jobs handed to workers, not yet back */
    h2o_timeout_t refusal_linger; /* how long a refused connection is drained */
};

struct job_ref;

/* A request handed to a worker. Owned by the loop thread that made it, except while a worker
 * runs it; `req` is touched only on the loop thread. */
struct job {
    struct app_job work;               /* the request and its response, without h2o */
    h2o_multithread_message_t message; /* link for the return trip */
    struct loop_thread *owner;
    h2o_req_t *req;      /* NULL when the client went away meanwhile */
    struct job_ref *ref; /* in req's pool; tells the job when req is freed */
};

struct job_ref {
    struct job *job; /* NULL once the job no longer cares */
};

struct static_asset {
    char *path;       /* URL path, "/theme/style.css" */
    const char *type; /* Content-Type */
    buf body;
};

/* Process-wide server state, set up before the threads start and read-only after. */
static struct {
    h2o_globalconf_t config;
    struct static_asset assets[16];
    size_t asset_count;
    const char *listen;          /* see http_server_options */
    const char *trusted_proxies; /* see http_server_options */
    struct loop_thread *loops;
    int loop_count;
} server;

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 409:
        return "Conflict";
    case 206:
        return "Partial Content";
    case 416:
        return "Range Not Satisfiable";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

/* What every response says about itself to browsers: no sniffing, no framing, scripts only from
 * this site (the theme has no inline script; JSON-LD is data, not script), styles may be inline
 * (the print page and email carry theirs), images from anywhere over https (imported articles),
 * forms only to this site, and referrers cut to the origin across sites. Frames only from the
 * two video players embed.js loads when a reader clicks an embed card (youtube-nocookie.com,
 * player.vimeo.com). */
static void add_security_headers(h2o_req_t *req, const char *own_policy)
{
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"), 0,
                          NULL, H2O_STRLIT("nosniff"));
    if (own_policy) /* a media file's (site/media_file.c: a sandbox for SVG) */
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("content-security-policy"),
                              0, NULL, own_policy, strlen(own_policy));
    else
        h2o_add_header_by_str(
            &req->pool, &req->res.headers, H2O_STRLIT("content-security-policy"), 0, NULL,
            H2O_STRLIT("default-src 'self'; script-src 'self'; style-src 'self' "
                       "'unsafe-inline'; img-src 'self' https: data:; "
                       "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
                       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("referrer-policy"), 0, NULL,
                          H2O_STRLIT("strict-origin-when-cross-origin"));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-frame-options"), 0, NULL,
                          H2O_STRLIT("DENY"));
}

static void add_header(h2o_req_t *req, const h2o_token_t *token, const char *value)
{
    size_t n = strlen(value);
    h2o_iovec_t copy = h2o_strdup(&req->pool, value, n);
    h2o_add_header(&req->pool, &req->res.headers, token, NULL, copy.base, copy.len);
}

/* Whether the client takes an encoding, by its Accept-Encoding header ("q=0" refuses). */
static bool accepts(h2o_req_t *req, const char *encoding)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT_ENCODING, -1);
    if (i < 0)
        return false;
    strview header = {req->headers.entries[i].value.base, req->headers.entries[i].value.len};
    size_t want = strlen(encoding);
    for (size_t at = 0; at < header.len;) {
        size_t end = at;
        while (end < header.len && header.ptr[end] != ',')
            end++;
        strview item = {header.ptr + at, end - at};
        at = end + 1;
        while (item.len && item.ptr[0] == ' ')
            item.ptr++, item.len--;
        size_t name = 0;
        while (name < item.len && item.ptr[name] != ';' && item.ptr[name] != ' ')
            name++;
        if (!(name == want && strncasecmp(item.ptr, encoding, want) == 0) &&
            !(name == 1 && item.ptr[0] == '*'))
            continue;
        /* its parameters: ";q=0", ";q=0.000" refuse. The value is read inside the item (the
         * header is not NUL-terminated): q is at most 1 with three decimals, so it is zero
         * exactly when no digit of it is another than 0. */
        bool refused = false;
        for (size_t p = name; p < item.len;) {
            while (p < item.len && (item.ptr[p] == ';' || item.ptr[p] == ' '))
                p++;
            size_t key = p;
            while (p < item.len && item.ptr[p] != '=' && item.ptr[p] != ';' && item.ptr[p] != ' ')
                p++;
            bool is_q = p - key == 1 && (item.ptr[key] == 'q' || item.ptr[key] == 'Q');
            while (p < item.len && item.ptr[p] == ' ')
                p++;
            if (p >= item.len || item.ptr[p] != '=')
                continue;
            p++;
            while (p < item.len && item.ptr[p] == ' ')
                p++;
            bool positive = false;
            for (; p < item.len && item.ptr[p] != ';'; p++)
                if (item.ptr[p] >= '1' && item.ptr[p] <= '9')
                    positive = true;
                else if (item.ptr[p] != '0' && item.ptr[p] != '.' && item.ptr[p] != ' ')
                    break; /* not a number: a q the client did not mean as a weight */
            if (is_q)
                refused = !positive;
            while (p < item.len && item.ptr[p] != ';')
                p++;
        }
        return !refused;
    }
    return false;
}

/* Picks the variant the client takes (brotli, then gzip, else the identity body) and says so
 * in Content-Encoding; a body with variants varies by Accept-Encoding. */
static strview pick_variant(h2o_req_t *req, strview identity, strview gzip, strview brotli,
                            const char **suffix)
{
    *suffix = "";
    if (!gzip.len && !brotli.len)
        return identity;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL,
                   H2O_STRLIT("Accept-Encoding"));
    if (brotli.len && accepts(req, "br")) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL,
                       H2O_STRLIT("br"));
        *suffix = "-br";
        return brotli;
    }
    if (gzip.len && accepts(req, "gzip")) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL,
                       H2O_STRLIT("gzip"));
        *suffix = "-gz";
        return gzip;
    }
    return identity;
}

/* The validators of a cached page: ETag (its body's hash, one per encoding) and Last-Modified
 * (when it was made). Answers 304 when the client's copy is current; returns whether it did. */
static bool answer_validators(h2o_req_t *req, uint64_t hash, const char *own_etag,
                              long long made_at, const char *suffix)
{
    char etag[160];
    int n = own_etag && strlen(own_etag) < sizeof(etag) - 8
                ? snprintf(etag, sizeof(etag), "\"%s%s\"", own_etag, suffix)
                : snprintf(etag, sizeof(etag), "\"%016llx%s\"", (unsigned long long)hash, suffix);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ETAG, NULL,
                   h2o_strdup(&req->pool, etag, (size_t)n).base, (size_t)n);
    if (made_at > 0) {
        char *date = h2o_mem_alloc_pool(&req->pool, H2O_TIMESTR_RFC1123_LEN + 1);
        struct tm tm;
        time_t t = (time_t)made_at;
        gmtime_r(&t, &tm);
        h2o_time2str_rfc1123(date, &tm);
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LAST_MODIFIED, NULL, date,
                       H2O_TIMESTR_RFC1123_LEN);
    }
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    bool current;
    if (i >= 0) { /* If-None-Match wins over If-Modified-Since (RFC 9110) */
        h2o_iovec_t v = req->headers.entries[i].value;
        current = h2o_strstr(v.base, v.len, etag, (size_t)n) != SIZE_MAX ||
                  h2o_memis(v.base, v.len, H2O_STRLIT("*"));
    } else {
        i = h2o_find_header(&req->headers, H2O_TOKEN_IF_MODIFIED_SINCE, -1);
        struct tm since = {0};
        char text[64];
        size_t len = i >= 0 ? req->headers.entries[i].value.len : 0;
        current = false;
        if (i >= 0 && len < sizeof(text) && made_at > 0) {
            memcpy(text, req->headers.entries[i].value.base, len);
            text[len] = '\0';
            if (strptime(text, "%a, %d %b %Y %H:%M:%S GMT", &since))
                current = (long long)timegm(&since) >= made_at;
        }
    }
    if (!current)
        return false;
    req->res.status = 304;
    req->res.reason = reason_phrase(304);
    req->res.content_length = 0;
    h2o_send_inline(req, "", 0);
    return true;
}

static bool is_head(h2o_req_t *req)
{
    return h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
}

/* Sends `body` as the whole response. When `kept`, the bytes stay where they are until h2o is
 * done with the request (something in its pool holds them) and are sent without a copy; else
 * they are copied into the pool. */
static void send_body(h2o_req_t *req, strview body, bool kept)
{
    req->res.content_length = body.len; /* else h2o 2.2.5 sends chunked */
    if (!kept) {
        h2o_send_inline(req, body.ptr ? body.ptr : "", body.len);
        return;
    }
    static h2o_generator_t generator = {NULL, NULL};
    h2o_start_response(req, &generator);
    h2o_iovec_t bytes = h2o_iovec_init(body.ptr, body.len);
    bool head = is_head(req);
    h2o_send(req, head ? NULL : &bytes, head ? 0 : 1, H2O_SEND_STATE_FINAL);
}

/* The part of a body of `size` bytes that a 200 of a response taking ranges sends: all of it,
 * or the one range a GET asks for (web/byte_range.h; then 206 and Content-Range). A Range with
 * If-Range naming another version than the response's ETag gets the whole (RFC 9110 13.1.5).
 * Returns false after answering 416 itself. Several ranges get the whole body (allowed). */
static bool pick_range(h2o_req_t *req, uint64_t size, uint64_t *offset, uint64_t *length)
{
    *offset = 0;
    *length = size;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ACCEPT_RANGES, NULL,
                   H2O_STRLIT("bytes"));
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_RANGE, -1);
    if (i < 0 || req->res.status != 200 || is_head(req)) /* Range is GET's only */
        return true;
    ssize_t if_range = h2o_find_header(&req->headers, H2O_TOKEN_IF_RANGE, -1);
    if (if_range >= 0) {
        ssize_t etag = h2o_find_header(&req->res.headers, H2O_TOKEN_ETAG, -1);
        h2o_iovec_t want = req->headers.entries[if_range].value;
        if (etag < 0 || !h2o_memis(want.base, want.len, req->res.headers.entries[etag].value.base,
                                   req->res.headers.entries[etag].value.len))
            return true;
    }
    h2o_iovec_t v = req->headers.entries[i].value;
    uint64_t first, last;
    char *content_range = h2o_mem_alloc_pool(&req->pool, 64);
    switch (byte_range_parse(v.base, v.len, size, &first, &last)) {
    case BYTE_RANGE_WHOLE:
        return true;
    case BYTE_RANGE_PART:
        req->res.status = 206;
        req->res.reason = reason_phrase(206);
        snprintf(content_range, 64, "bytes %llu-%llu/%llu", (unsigned long long)first,
                 (unsigned long long)last, (unsigned long long)size);
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_RANGE, NULL, content_range,
                       strlen(content_range));
        *offset = first;
        *length = last - first + 1;
        return true;
    case BYTE_RANGE_UNSATISFIABLE:
        break;
    }
    req->res.status = 416;
    req->res.reason = reason_phrase(416);
    snprintf(content_range, 64, "bytes */%llu", (unsigned long long)size);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_RANGE, NULL, content_range,
                   strlen(content_range));
    req->res.content_length = 0;
    h2o_send_inline(req, "", 0);
    return false;
}

/* A region of an open file (the media disk cache's, cache/media_disk.h), read a chunk at a time
 * as the client takes it: a video is never in memory whole. The fd closes with the request's
 * pool, whatever happens to the connection. */
#define FILE_CHUNK (64 * 1024)

struct file_sender {
    h2o_generator_t super; /* first: h2o hands this back */
    int fd;
    uint64_t offset, left;
    char *chunk; /* FILE_CHUNK bytes, in the request's pool */
};

static void file_sender_close(void *data)
{
    struct file_sender *sender = data;
    if (sender->fd > 0)
        close(sender->fd);
}

static void file_sender_proceed(h2o_generator_t *generator, h2o_req_t *req)
{
    struct file_sender *sender = (struct file_sender *)generator;
    size_t want = sender->left < FILE_CHUNK ? (size_t)sender->left : FILE_CHUNK;
    ssize_t got;
    while ((got = pread(sender->fd, sender->chunk, want, (off_t)sender->offset)) < 0 &&
           errno == EINTR)
        ;
    if (got <= 0) { /* the file shrank under us: the response cannot be finished */
        req->http1_is_persistent = 0;
        h2o_send(req, NULL, 0, H2O_SEND_STATE_ERROR);
        return;
    }
    sender->offset += (uint64_t)got;
    sender->left -= (uint64_t)got;
    h2o_iovec_t bytes = h2o_iovec_init(sender->chunk, (size_t)got);
    h2o_send(req, &bytes, 1, sender->left ? H2O_SEND_STATE_IN_PROGRESS : H2O_SEND_STATE_FINAL);
}

/* Takes `fd` over: from here it closes with the request, whatever is sent (a 304, a 416). */
static struct file_sender *hold_file(h2o_req_t *req, int fd)
{
    struct file_sender *sender =
        h2o_mem_alloc_shared(&req->pool, sizeof(*sender), file_sender_close);
    *sender = (struct file_sender){.super = {file_sender_proceed, NULL}, .fd = fd};
    return sender;
}

/* Sends `length` bytes of the held file, as the whole response or the range asked for. */
static void send_file(h2o_req_t *req, struct file_sender *sender, uint64_t length)
{
    if (!pick_range(req, length, &sender->offset, &sender->left))
        return;
    req->res.content_length = sender->left;
    if (is_head(req) || sender->left == 0) {
        static h2o_generator_t nothing = {NULL, NULL};
        h2o_start_response(req, &nothing);
        h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
        return;
    }
    sender->chunk = h2o_mem_alloc_pool(&req->pool, FILE_CHUNK);
    h2o_start_response(req, &sender->super);
    file_sender_proceed(&sender->super, req);
}

/* send_body for a response taking ranges: all of `body`, or the range asked for. */
static void send_body_ranged(h2o_req_t *req, strview body, bool kept)
{
    uint64_t offset, length;
    if (pick_range(req, body.len, &offset, &length))
        send_body(req, (strview){body.ptr + offset, (size_t)length}, kept);
}

static void release_held_page(void *data)
{
    page_cache_release(*(const struct cached_page **)data);
}

/* A rendered response's bytes, moved out of its job: the job's arena is freed at once, these
 * when h2o has sent them. A 700 KB page is not copied again. */
struct sent_bytes {
    buf body, gzip, brotli;
};

static void release_sent_bytes(void *data)
{
    struct sent_bytes *sent = data;
    buf_free(&sent->body);
    buf_free(&sent->gzip);
    buf_free(&sent->brotli);
}

/* `cache_route`: the request was one the cache could have answered, and it did not. `kept`: as
 * for send_body, for the body and both variants. */
static void send_response(h2o_req_t *req, const struct web_response *res, bool cache_route,
                          const struct app_validators *validators, strview gzip, strview brotli,
                          bool kept)
{
    req->res.status = res->status ? res->status : 200;
    req->res.reason = reason_phrase(req->res.status);
    add_header(req, H2O_TOKEN_CONTENT_TYPE,
               res->content_type ? res->content_type : "text/html; charset=utf-8");
    if (res->location)
        add_header(req, H2O_TOKEN_LOCATION, res->location);
    add_header(req, H2O_TOKEN_CACHE_CONTROL, res->cache_control ? res->cache_control : "no-cache");
    if (res->content_disposition)
        add_header(req, H2O_TOKEN_CONTENT_DISPOSITION, res->content_disposition);
    for (size_t i = 0; i < res->set_cookie_count; i++)
        add_header(req, H2O_TOKEN_SET_COOKIE, res->set_cookie[i]);
    if (res->retry_after > 0) {
        char seconds[16];
        snprintf(seconds, sizeof(seconds), "%d", res->retry_after);
        add_header(req, H2O_TOKEN_RETRY_AFTER, seconds);
    }
    if (res->cacheable || cache_route)
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-gazette-cache"), 0, NULL,
                              H2O_STRLIT("miss"));
    add_security_headers(req, res->content_security_policy);
    struct file_sender *file = res->file_fd > 0 ? hold_file(req, res->file_fd) : NULL;
    const char *suffix;
    strview body =
        pick_variant(req, (strview){res->body.ptr, res->body.len}, gzip, brotli, &suffix);
    /* a media file has its own validators even when not cached (a large one, from disk) */
    if (validators || res->etag) {
        uint64_t hash = validators ? validators->hash : 0;
        long long made_at = res->last_modified ? res->last_modified
                            : validators       ? validators->made_at
                                               : 0;
        if (answer_validators(req, hash, res->etag, made_at, suffix))
            return;
    }
    if (file)
        send_file(req, file, (uint64_t)res->file_length);
    else if (res->ranges)
        send_body_ranged(req, body, kept);
    else
        send_body(req, body, kept);
}

static void job_free(struct job *job)
{
    app_job_release(&job->work);
    free(job);
}

/* On the worker that ran it: back to the loop that owns the request. */
static void on_job_done(struct app_job *work)
{
    struct job *job = H2O_STRUCT_FROM_MEMBER(struct job, work, work);
    h2o_multithread_send_message(&job->owner->receiver, &job->message);
}

/* --- the loop side --- */

static void on_request_disposed(void *data)
{
    struct job_ref *ref = data;
    if (ref->job)
        ref->job->req = NULL;
}

static void on_jobs_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    struct loop_thread *lt = H2O_STRUCT_FROM_MEMBER(struct loop_thread, receiver, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *message =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&message->link);
        struct job *job = H2O_STRUCT_FROM_MEMBER(struct job, message, message);
        if (job->req) {
            struct app_job *w = &job->work;
            job->ref->job = NULL;
            struct sent_bytes *sent =
                h2o_mem_alloc_shared(&job->req->pool, sizeof(*sent), release_sent_bytes);
            *sent = (struct sent_bytes){w->response.body, w->gzip, w->brotli};
            send_response(job->req, &w->response, w->plan.shared,
                          w->validators.made_at ? &w->validators : NULL,
                          (strview){w->gzip.ptr, w->gzip.len},
                          (strview){w->brotli.ptr, w->brotli.len}, true);
            w->response.body = w->gzip = w->brotli = (buf){0}; /* `sent` owns them now */
            w->response.file_fd = 0; /* and the request's pool the file (hold_file) */
        }
        lt->in_flight--;
        job_free(job);
    }
}

/* A header's value, or {NULL, 0} when the request has none. */
static strview header_view(h2o_req_t *req, const h2o_token_t *token)
{
    ssize_t i = h2o_find_header(&req->headers, token, -1);
    if (i < 0)
        return (strview){NULL, 0};
    return (strview){req->headers.entries[i].value.base, req->headers.entries[i].value.len};
}

static strview header_view_named(h2o_req_t *req, const char *name)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);
    if (i < 0)
        return (strview){NULL, 0};
    return (strview){req->headers.entries[i].value.base, req->headers.entries[i].value.len};
}

/* The reader's address, and whether the request came through a trusted proxy: the peer's
 * address, or, when the peer is one of http.trusted_proxies, the last address of
 * X-Forwarded-For (the one that proxy added; earlier ones are the client's to invent). */
/* Written to `host`; "" when the peer's address cannot be read. */
static strview client_address(h2o_req_t *req, char host[NI_MAXHOST], bool *via_trusted_proxy)
{
    *via_trusted_proxy = false;
    struct sockaddr_storage address;
    socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&address);
    size_t n = h2o_socket_getnumerichost((struct sockaddr *)&address, len, host);
    if (n == SIZE_MAX)
        return (strview){"", 0};
    host[n] = '\0';
    if (!web_address_listed(server.trusted_proxies, host))
        return (strview){host, n};
    *via_trusted_proxy = true;
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-forwarded-for"), -1);
    if (i >= 0) {
        h2o_iovec_t v = req->headers.entries[i].value;
        size_t start = v.len;
        while (start > 0 && v.base[start - 1] != ',')
            start--;
        char forwarded[INET6_ADDRSTRLEN + 1]; /* fits in host, which it replaces */
        size_t end = v.len;
        while (start < end && v.base[start] == ' ')
            start++;
        while (end > start && v.base[end - 1] == ' ')
            end--;
        unsigned char parsed[sizeof(struct in6_addr)];
        if (end - start < sizeof(forwarded)) {
            memcpy(forwarded, v.base + start, end - start);
            forwarded[end - start] = '\0';
            if (inet_pton(AF_INET, forwarded, parsed) == 1 ||
                inet_pton(AF_INET6, forwarded, parsed) == 1) {
                memcpy(host, forwarded, end - start + 1);
                return (strview){host, end - start};
            }
        }
    }
    return (strview){host, n};
}

static bool serve_asset(h2o_req_t *req, strview path)
{
    for (size_t i = 0; i < server.asset_count; i++) {
        const struct static_asset *asset = &server.assets[i];
        if (!strview_equal_cstr(path, asset->path))
            continue;
        req->res.status = 200;
        req->res.reason = "OK";
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, asset->type,
                       strlen(asset->type));
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                       H2O_STRLIT("public, max-age=3600"));
        req->res.content_length = asset->body.len;
        h2o_send_inline(req, asset->body.ptr, asset->body.len);
        return true;
    }
    return false;
}

static bool serve_cached(h2o_req_t *req, strview key)
{
    const struct cached_page *page = page_cache_get(key);
    if (!page)
        return false;
    req->res.status = page->status;
    req->res.reason = reason_phrase(page->status);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, page->content_type,
                   strlen(page->content_type));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   page->cache_control, strlen(page->cache_control));
    if (page->content_disposition)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_DISPOSITION, NULL,
                       page->content_disposition, strlen(page->content_disposition));
    add_security_headers(req, NULL);
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-gazette-cache"), 0, NULL,
                          H2O_STRLIT("hit"));
    const char *suffix;
    strview body = pick_variant(req, page->body, page->gzip, page->brotli, &suffix);
    if (answer_validators(req, page->hash, page->etag, page->made_at, suffix)) {
        page_cache_release(page);
        return true;
    }
    const struct cached_page **hold =
        h2o_mem_alloc_shared(&req->pool, sizeof(*hold), release_held_page);
    *hold = page;
    if (page->ranges)
        send_body_ranged(req, body, true);
    else
        send_body(req, body, true);
    return true;
}

static void send_simple(h2o_req_t *req, int status, const char *message)
{
    struct web_response res = {.status = status, .content_type = "text/plain; charset=utf-8"};
    buf_printf(&res.body, "%s\n", message);
    send_response(req, &res, false, NULL, (strview){NULL, 0}, (strview){NULL, 0}, false);
    buf_free(&res.body);
}

static int on_request(h2o_handler_t *handler, h2o_req_t *req)
{
    (void)handler;
    struct loop_thread *lt = H2O_STRUCT_FROM_MEMBER(struct loop_thread, context, req->conn->ctx);
    size_t path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    strview path = {req->path.base, path_len};
    strview method = {req->method.base, req->method.len};
    bool is_get = strview_equal_cstr(method, "GET") || strview_equal_cstr(method, "HEAD");
    if (is_get && strview_starts_with(path, "/theme/") && serve_asset(req, path))
        return 0;
    strview query = {"", 0};
    if (req->query_at != SIZE_MAX)
        query = (strview){req->path.base + req->query_at + 1, req->path.len - req->query_at - 1};
    ssize_t cookie = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, -1);
    strview cookies = {"", 0};
    if (cookie >= 0)
        cookies = (strview){req->headers.entries[cookie].value.base,
                            req->headers.entries[cookie].value.len};
    struct app_plan plan;
    app_plan_request(method, path, query, cookies, req->entity.base != NULL,
                     (strview){req->entity.base, req->entity.len}, &plan);
    char *key_bytes = NULL;
    strview key = {NULL, 0};
    if (plan.shared) {
        key_bytes = h2o_mem_alloc_pool(&req->pool, path.len + 1 + query.len);
        key = (strview){key_bytes, app_cache_key(plan.route, path, query, key_bytes)};
        if (serve_cached(req, key))
            return 0;
    }
    if (plan.refusal) {
        send_simple(req, plan.refusal, plan.refusal_text);
        return 0;
    }

    struct app_incoming incoming = {
        .method = method,
        .path = path,
        .query = query,
        .body = {req->entity.base, req->entity.len},
        .has_body = req->entity.base != NULL,
        .host = {req->authority.base, req->authority.len}, /* h2o keeps Host here */
        .origin = header_view_named(req, "origin"),
        .referer = header_view(req, H2O_TOKEN_REFERER),
        .cookie = header_view(req, H2O_TOKEN_COOKIE),
        .content_type = header_view(req, H2O_TOKEN_CONTENT_TYPE),
        .user_agent = header_view(req, H2O_TOKEN_USER_AGENT),
    };
    char client[NI_MAXHOST];
    bool via_trusted_proxy;
    incoming.client_ip = client_address(req, client, &via_trusted_proxy);
    /* only a trusted proxy says how the client came: anyone else could claim https */
    ssize_t proto = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-forwarded-proto"), -1);
    incoming.https = via_trusted_proxy && proto >= 0 &&
                     h2o_lcstris(req->headers.entries[proto].value.base,
                                 req->headers.entries[proto].value.len, H2O_STRLIT("https"));
    struct job *job = xcalloc(1, sizeof(*job));
    job->owner = lt;
    app_job_init(&job->work, &plan, &incoming, key);

    if (plan.route->on_loop) {
        app_dispatch(&job->work, NULL, app_theme(), (long long)time(NULL));
        send_response(req, &job->work.response, false, NULL, (strview){NULL, 0}, (strview){NULL, 0},
                      false);
        job_free(job);
        return 0;
    }
    job->req = req;
    job->ref = h2o_mem_alloc_shared(&req->pool, sizeof(*job->ref), on_request_disposed);
    job->ref->job = job;
    job->work.done = on_job_done;
    lt->in_flight++;
    app_job_submit(&job->work);
    return 0;
}

static void on_counted_close(void *data)
{
    conn_limit_leave(data);
    free(data);
}

/* A connection refused with 429. Closing it at once, with the client's request still unread,
 * makes the kernel answer with a reset that can destroy the 429 before the client reads it;
 * so our side is shut after the 429 and what the client sends is read and dropped until it
 * closes, for a second at most. */
struct refusal {
    h2o_timeout_entry_t linger;
    h2o_socket_t *sock;
};

#define REFUSAL_LINGER_MS 1000

static void refusal_close(struct refusal *refusal)
{
    h2o_timeout_unlink(&refusal->linger);
    h2o_socket_close(refusal->sock);
    free(refusal);
}

static void on_refusal_linger_over(h2o_timeout_entry_t *entry)
{
    refusal_close(H2O_STRUCT_FROM_MEMBER(struct refusal, linger, entry));
}

static void on_refusal_read(h2o_socket_t *sock, const char *error)
{
    if (error) { /* the client closed (or reset): done */
        refusal_close(sock->data);
        return;
    }
    h2o_buffer_consume(&sock->input, sock->input->size);
}

static void on_refusal_sent(h2o_socket_t *sock, const char *error)
{
    struct refusal *refusal = sock->data;
    if (error) {
        refusal_close(refusal);
        return;
    }
    shutdown(h2o_socket_get_fd(sock), SHUT_WR);
    h2o_socket_read_start(sock, on_refusal_read);
}

/* Counts the connection against http.max_conns_per_ip (trusted proxies are not counted: every
 * reader behind them shares their address); one over the limit is answered 429 and closed. */
static void on_accept(h2o_socket_t *listener, const char *error)
{
    if (error)
        return;
    struct loop_thread *lt = listener->data;
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (!sock)
        return;
    struct sockaddr_storage address;
    socklen_t len = h2o_socket_getpeername(sock, (struct sockaddr *)&address);
    char host[NI_MAXHOST];
    size_t n = h2o_socket_getnumerichost((struct sockaddr *)&address, len, host);
    if (n != SIZE_MAX) {
        host[n] = '\0';
        if (!web_address_listed(server.trusted_proxies, host)) {
            if (!conn_limit_enter(host)) {
                static const char answer[] =
                    "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; "
                    "charset=utf-8\r\nContent-Length: 58\r\nConnection: close\r\n\r\n"
                    "Too many connections from your address; close some first.\n";
                struct refusal *r = xcalloc(1, sizeof(*r));
                r->sock = sock;
                r->linger.cb = on_refusal_linger_over;
                sock->data = r;
                h2o_timeout_link(lt->loop, &lt->refusal_linger, &r->linger);
                h2o_iovec_t body = h2o_iovec_init(answer, sizeof(answer) - 1);
                h2o_socket_write(sock, &body, 1, on_refusal_sent);
                return;
            }
            sock->on_close.cb = on_counted_close;
            sock->on_close.data = xstrdup(host);
        }
    }
    h2o_accept(&lt->accept_context, sock);
}

static void *loop_main(void *arg)
{
    struct loop_thread *lt = arg;
    lt->loop = h2o_evloop_create();
    h2o_context_init(&lt->context, lt->loop, &server.config);
    lt->accept_context.ctx = &lt->context;
    lt->accept_context.hosts = server.config.hosts;
    h2o_timeout_init(lt->loop, &lt->refusal_linger, REFUSAL_LINGER_MS);
    lt->queue = h2o_multithread_create_queue(lt->loop);
    h2o_multithread_register_receiver(lt->queue, &lt->receiver, on_jobs_done);
    lt->listener = h2o_evloop_socket_create(lt->loop, lt->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    lt->listener->data = lt;
    h2o_socket_read_start(lt->listener, on_accept);

    while (!app_stop_requested() || lt->in_flight > 0) {
        if (app_stop_requested() && lt->listener) {
            h2o_socket_read_stop(lt->listener);
            h2o_socket_close(lt->listener);
            lt->listener = NULL;
        }
        h2o_evloop_run(lt->loop, 100);
        /* A loop busy with many connections would otherwise run until the kernel preempts it,
         * and then every connection it holds waits a whole time slice of other threads (its
         * clients', on a machine serving its own load test). Yielding after each round of
         * events keeps those waits short: the article page's p99 at 50 connections went from
         * 6.6 ms to 4.3 ms (median of 5 runs beside nginx at 3.8 ms), the throughput up. */
        sched_yield();
    }
    /* let the last responses reach their sockets */
    for (int i = 0; i < 3; i++)
        h2o_evloop_run(lt->loop, 20);
    if (lt->listener) {
        h2o_socket_read_stop(lt->listener);
        h2o_socket_close(lt->listener);
    }
    return NULL;
}

static int open_listener(const char *address_text, buf *error)
{
    char host[256];
    const char *colon = strrchr(address_text, ':');
    if (!colon || (size_t)(colon - address_text) >= sizeof(host)) {
        buf_printf(error, "--listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:8080", address_text);
        return -1;
    }
    memcpy(host, address_text, (size_t)(colon - address_text));
    host[colon - address_text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) {
        buf_printf(error, "--listen %s: the port must be 1 to 65535", address_text);
        return -1;
    }
    struct sockaddr_storage address = {0};
    socklen_t address_len;
    int family;
    size_t host_len = strlen(host);
    if (host[0] == '[' && host_len > 2 && host[host_len - 1] == ']') {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address;
        host[host_len - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
            goto bad_address;
        in6->sin6_family = family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        address_len = sizeof(*in6);
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)&address;
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
            goto bad_address;
        in->sin_family = family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        address_len = sizeof(*in);
    }
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
        bind(fd, (struct sockaddr *)&address, address_len) != 0 || listen(fd, SOMAXCONN) != 0) {
        buf_printf(error, "cannot listen on %s: %s", address_text, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
bad_address:
    buf_printf(error, "--listen %s: not a numeric IPv4 or [IPv6] address", address_text);
    return -1;
}

static const char *asset_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (dot && strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    return NULL;
}

/* Loads the theme's CSS and JS into memory: the loop answers them without touching disk. */
static int load_assets(const char *dir, buf *error)
{
    DIR *d = opendir(dir);
    if (!d) {
        buf_printf(error, "%s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *entry;
    while ((entry = readdir(d)) &&
           server.asset_count < sizeof(server.assets) / sizeof(server.assets[0])) {
        const char *type = asset_type(entry->d_name);
        if (!type || entry->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        struct static_asset *asset = &server.assets[server.asset_count++];
        asset->type = type;
        buf url = {0};
        buf_printf(&url, "/theme/%s", entry->d_name);
        asset->path = buf_detach(&url);
        char chunk[8192];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            buf_append(&asset->body, chunk, n);
        fclose(f);
    }
    closedir(d);
    return 0;
}

int http_listen(const struct http_server_options *o, buf *error)
{
    server.listen = o->listen;
    server.trusted_proxies = o->trusted_proxies ? o->trusted_proxies : "";
    conn_limit_init(o->max_conns_per_ip);
    if (load_assets(o->assets_dir, error) != 0)
        return -1;

    h2o_config_init(&server.config);
    server.config.server_name = h2o_iovec_init(H2O_STRLIT("gazette"));
    server.config.max_request_entity_size = o->max_body;
    server.config.http1.req_timeout = (uint64_t)o->timeout_s * 1000;
    server.config.http1.upgrade_to_http2 = 0; /* HTTP/2 belongs to the proxy in front */
    h2o_hostconf_t *host =
        h2o_config_register_host(&server.config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pathconf = h2o_config_register_path(host, "/", 0);
    h2o_handler_t *handler = h2o_create_handler(pathconf, sizeof(*handler));
    handler->on_req = on_request;
    if (o->access_log) {
        h2o_access_log_filehandle_t *log = h2o_access_log_open_handle(
            strcmp(o->access_log, "-") == 0 ? "/dev/stdout" : o->access_log, NULL,
            H2O_LOGCONF_ESCAPE_APACHE);
        if (!log) {
            buf_printf(error, "cannot open the access log %s", o->access_log);
            return -1;
        }
        h2o_access_log_register(pathconf, log);
    }

    server.loop_count = o->loops > 0 ? o->loops : 1;
    server.loops = xcalloc((size_t)server.loop_count, sizeof(*server.loops));
    for (int i = 0; i < server.loop_count; i++) {
        server.loops[i].listen_fd = open_listener(o->listen, error);
        if (server.loops[i].listen_fd < 0)
            return -1;
    }
    return 0;
}

void http_serve(void)
{
    for (int i = 0; i < server.loop_count; i++)
        pthread_create(&server.loops[i].thread, NULL, loop_main, &server.loops[i]);
    const struct app_options *app = app_options();
    log_info("serving http://%s/ (%d loop threads, %d workers, database %s)", server.listen,
             server.loop_count, app->workers, app->db_location);
    for (int i = 0; i < server.loop_count; i++)
        pthread_join(server.loops[i].thread, NULL);
}

void http_close(void)
{
    conn_limit_free();
}
