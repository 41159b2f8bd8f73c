/* audit.h: the audit log's writes: who did what to which thing, inside the action's transaction. */
#ifndef GAZETTE_MODEL_AUDIT_H
#define GAZETTE_MODEL_AUDIT_H

#include "store/store.h"

/* Adds `entry` (its detail "" when NULL). A failure is logged, not returned: a lost audit line
 * must not undo or refuse the action it records. */
void audit_record(store *s, const struct store_audit *entry);

#endif
