/* conn_limit.h: open connections per client address (http.max_conns_per_ip), so that one
 * address cannot hold every connection the server has. Thread-safe: every loop shares it. */
#ifndef GAZETTE_WEB_CONN_LIMIT_H
#define GAZETTE_WEB_CONN_LIMIT_H

#include <stdbool.h>

/* Sets the limit (0: none). Call before the loops start. */
void conn_limit_init(int max_per_address);

/* Counts a new connection from `address`; false (and not counted) when the address already
 * has the maximum open. */
bool conn_limit_enter(const char *address);

/* A connection counted by conn_limit_enter closed. */
void conn_limit_leave(const char *address);

/* Connections counted now (while a limit is set; 0 without one), and refused since start. */
struct conn_limit_stats {
    long long counted, refused;
};
void conn_limit_stats(struct conn_limit_stats *stats);

/* Frees the table (after the loops stopped). */
void conn_limit_free(void);

#endif
