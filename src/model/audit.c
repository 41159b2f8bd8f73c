/* audit.c: the audit log's writes. */
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
