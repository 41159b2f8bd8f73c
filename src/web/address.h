/* address.h: lists of client addresses, as the settings http.trusted_proxies and metrics.allow
 * are written. Read by the HTTP adapter (who is the client) and by /metrics (who may look). */
#ifndef GAZETTE_WEB_ADDRESS_H
#define GAZETTE_WEB_ADDRESS_H

#include <stdbool.h>

/* Whether `address` (numeric) is one of `list` (addresses separated by spaces, commas or
 * lines). */
bool web_address_listed(const char *list, const char *address);

#endif
