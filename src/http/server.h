/* server.h: the h2o adapter: event loops answering on loopback or a network address, which
 * hand every request that needs more than memory to the app's workers (app/workers.h). The
 * process around it is app/lifecycle.h's: `gazette serve` calls app_open, http_listen,
 * app_start, http_serve, then app_close and http_close. */
#ifndef GAZETTE_HTTP_SERVER_H
#define GAZETTE_HTTP_SERVER_H

#include <stddef.h>

#include "util/buf.h"

struct http_server_options {
    const char *listen;     /* "ADDR:PORT", IPv4 or [IPv6] */
    const char *assets_dir; /* the theme's CSS and JS, answered from memory */
    const char *access_log; /* a file path, "-" for standard output, or NULL for none */
    int loops;              /* event-loop threads (one per core by default) */
    int timeout_s;          /* request-header deadline and keep-alive idle timeout */
    size_t max_body;        /* largest request body, bytes */
    /* peers whose X-Forwarded-For names the client (space- or comma-separated addresses, e.g.
     * "127.0.0.1 ::1" behind a local nginx); "" trusts nobody: the peer is the client */
    const char *trusted_proxies;
    int max_conns_per_ip; /* open connections one address may hold (trusted proxies: no limit);
                             0: no limit */
};

/* Loads the assets, configures h2o and opens one listening socket per loop (SO_REUSEPORT).
 * Nothing is accepted until http_serve. 0, or -1 with a message in `error` (address in use,
 * the access log or the assets cannot be opened); then call http_close. */
int http_listen(const struct http_server_options *options, buf *error);

/* Runs the loops until SIGTERM or SIGINT (app_stop_requested): then each closes its listener,
 * sends the responses of the jobs in flight, and returns. Call after app_start. */
void http_serve(void);

/* Frees what http_listen set up that outlives the loops. */
void http_close(void);

#endif
