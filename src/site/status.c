/* status.c: /healthz, answered on the event loop without touching the store, and /metrics,
 * for admins and the addresses of metrics.allow. */
#include <stdio.h>
#include <string.h>

#include "cache/page_cache.h"
#include "web/address.h"
#include "web/conn_limit.h"
#include "model/settings.h"
#include "model/user.h"
#include "site/common.h"
#include "site/site.h"

void site_healthz(struct handler_context *context, const struct web_request *req,
                  struct web_response *res)
{
    (void)context, (void)req;
    res->content_type = "text/plain; charset=utf-8";
    res->cache_control = "no-store";
    buf_puts(&res->body, "ok\n");
}

/* Prometheus text format: the page cache's counters and size, and the connections counted
 * against http.max_conns_per_ip. They tell how busy the site is and what addresses it limits:
 * for signed-in admins and the scraper's addresses (metrics.allow), not for everyone. */
void site_metrics(struct handler_context *context, const struct web_request *req,
                  struct web_response *res)
{
    if (user_role_of(context->user) < USER_ADMIN &&
        !web_address_listed(settings_get(context->store, req->arena, SETTING_METRICS_ALLOW),
                            req->client_ip)) {
        site_error(context, req, res, 403, "Forbidden",
                   "The metrics are for admins (sign in at /admin/login) and for the addresses "
                   "listed in the setting metrics.allow; yours is not one of them.");
        res->cache_control = "no-store";
        return;
    }
    struct page_cache_stats st;
    page_cache_stats(&st);
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    res->cache_control = "no-store";
    buf_printf(&res->body,
               "# HELP gazette_cache_hits_total Pages answered from the page cache.\n"
               "# TYPE gazette_cache_hits_total counter\n"
               "gazette_cache_hits_total %llu\n"
               "# HELP gazette_cache_misses_total Cacheable requests the cache could not answer.\n"
               "# TYPE gazette_cache_misses_total counter\n"
               "gazette_cache_misses_total %llu\n"
               "# HELP gazette_cache_evictions_total Pages dropped to stay within cache.max_mb.\n"
               "# TYPE gazette_cache_evictions_total counter\n"
               "gazette_cache_evictions_total %llu\n"
               "# HELP gazette_cache_invalidations_total Writes that dropped stale pages.\n"
               "# TYPE gazette_cache_invalidations_total counter\n"
               "gazette_cache_invalidations_total %llu\n"
               "# HELP gazette_cache_pages Pages in the cache.\n"
               "# TYPE gazette_cache_pages gauge\n"
               "gazette_cache_pages %zu\n"
               "# HELP gazette_cache_bytes Bytes the cache holds (bodies and variants).\n"
               "# TYPE gazette_cache_bytes gauge\n"
               "gazette_cache_bytes %zu\n",
               (unsigned long long)st.hits, (unsigned long long)st.misses,
               (unsigned long long)st.evictions, (unsigned long long)st.invalidations, st.pages,
               st.bytes);
    struct conn_limit_stats conns;
    conn_limit_stats(&conns);
    buf_printf(&res->body,
               "# HELP gazette_connections_counted Open connections counted against "
               "http.max_conns_per_ip (0 when it is 0).\n"
               "# TYPE gazette_connections_counted gauge\n"
               "gazette_connections_counted %lld\n"
               "# HELP gazette_connections_refused_total Connections answered 429 for "
               "http.max_conns_per_ip.\n"
               "# TYPE gazette_connections_refused_total counter\n"
               "gazette_connections_refused_total %lld\n",
               conns.counted, conns.refused);
}
