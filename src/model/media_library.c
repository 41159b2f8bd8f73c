/* media_library.c: the admin library's reads and writes (media_library.h). */
#include "model/media_library.h"

#include "model/audit.h"
#include "model/user.h"

enum model_result media_library_page(store *s, arena *a, const struct store_media_filter *filter,
                                     struct store_media **media, size_t *count, long long *total)
{
    if (store_media_count(s, filter, total) != STORE_OK ||
        store_media_list(s, a, filter, media, count) != STORE_OK)
        return MODEL_STORE_ERROR;
    return MODEL_OK;
}

enum model_result media_library_get(store *s, arena *a, long long id, struct store_media *out)
{
    if (id <= 0)
        return MODEL_NOT_FOUND;
    switch (store_media_get(s, a, id, out)) {
    case STORE_OK:
        return MODEL_OK;
    case STORE_NOT_FOUND:
        return MODEL_NOT_FOUND;
    default:
        return MODEL_STORE_ERROR;
    }
}

bool media_library_may_change(const struct store_user *user, const struct store_media *media)
{
    return user && (user_may_moderate(user) || media->author_id == user->id);
}

/* Ends a one-write action: its audit entry joins the write's transaction. */
static enum model_result commit_audited(store *s, int write_rc, const struct store_audit *audit)
{
    if (write_rc == STORE_OK && audit)
        audit_record(s, audit);
    if (write_rc != STORE_OK || store_commit(s) != STORE_OK) {
        store_rollback(s);
        return write_rc == STORE_NOT_FOUND ? MODEL_NOT_FOUND : MODEL_STORE_ERROR;
    }
    return MODEL_OK;
}

enum model_result media_library_update(store *s, const struct store_media *media,
                                       const struct store_audit *audit)
{
    if (store_begin(s) != STORE_OK)
        return MODEL_STORE_ERROR;
    return commit_audited(s, store_media_update(s, media), audit);
}

enum model_result media_library_delete(store *s, long long id, const struct store_audit *audit)
{
    if (store_begin(s) != STORE_OK)
        return MODEL_STORE_ERROR;
    return commit_audited(s, store_media_delete(s, id), audit);
}
