/* audit.h: the audit log: who did what to which thing, written inside the action's transaction,
 * and read a page at a time. */
#ifndef GAZETTE_MODEL_AUDIT_H
#define GAZETTE_MODEL_AUDIT_H

#include "store/store.h"

/* Adds `entry` (its detail "" when NULL). A failure is logged, not returned: a lost audit line
 * must not undo or refuse the action it records. */
void audit_record(store *s, const struct store_audit *entry);

/* `limit` entries from the `offset`-th, newest first: a store result, strings in `a`. */
int audit_list(store *s, arena *a, int limit, int offset, struct store_audit **entries,
               size_t *count);

#endif
