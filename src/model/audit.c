/* audit.c: the audit log's writes and pages. */
#include "model/audit.h"

#include "util/log.h"

void audit_record(store *s, const struct store_audit *entry)
{
    struct store_audit row = *entry;
    if (!row.detail)
        row.detail = "";
    if (store_audit_insert(s, &row) != STORE_OK)
        log_error("audit log: %s: %s", row.action, store_error(s));
}

int audit_list(store *s, arena *a, int limit, int offset, struct store_audit **entries,
               size_t *count)
{
    return store_audit_list(s, a, limit, offset, entries, count);
}
