/* server.h: the HTTP server: h2o event loops answering on loopback or a network address,
 * with a worker pool for everything that touches the store. */
#ifndef GAZETTE_HTTP_SERVER_H
#define GAZETTE_HTTP_SERVER_H

#include <stddef.h>

#include "util/buf.h"

struct http_server_options {
    const char *db_location; /* each worker opens its own store connection here */
    const char *listen;      /* "ADDR:PORT", IPv4 or [IPv6] */
    const char *theme_dir;   /* templates and static assets */
    const char *access_log;  /* a file path, "-" for standard output, or NULL for none */
    int loops;               /* event-loop threads (one per core by default) */
    int workers;             /* worker threads */
    int timeout_s;           /* request-header deadline and keep-alive idle timeout */
    size_t max_body;         /* largest request body, bytes */
    size_t cache_bytes;      /* page cache bound */
    /* peers whose X-Forwarded-For names the client (space- or comma-separated addresses, e.g.
     * "127.0.0.1 ::1" behind a local nginx); "" trusts nobody: the peer is the client */
    const char *trusted_proxies;
    int max_conns_per_ip; /* open connections one address may hold (trusted proxies: no limit);
                             0: no limit */
};

/* Serves until SIGTERM or SIGINT, then stops accepting, finishes the requests in flight and
 * returns 0. Returns -1 with a message in `error` when it cannot start (address in use, the
 * database or theme cannot be opened). */
int http_serve(const struct http_server_options *options, buf *error);

#endif
