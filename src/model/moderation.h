/* moderation.h: what moderators do to comments: change status, delete, edit with history,
 * reply from the queue. Each is one transaction. */
#ifndef GAZETTE_MODEL_MODERATION_H
#define GAZETTE_MODEL_MODERATION_H

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define MODERATION_INVALID (-2)     /* the moderator's input is not acceptable: see the message */
#define MODERATION_HAS_REPLIES (-3) /* a comment with replies is not deleted: trash it instead */

enum moderation_action {
    MODERATE_APPROVE,
    MODERATE_UNAPPROVE,
    MODERATE_SPAM,
    MODERATE_TRASH,
    MODERATE_DELETE,
    MODERATE_NONE, /* not an action */
};

/* "approve", "unapprove", "spam", "trash", "delete" → the action, else MODERATE_NONE. */
enum moderation_action moderation_action_parse(const char *name);
const char *moderation_action_name(enum moderation_action action);

/* Applies `action` to comment `id`. Returns STORE_OK, or STORE_NOT_FOUND, MODERATION_HAS_REPLIES
 * (a delete of a comment that has replies) or STORE_ERROR with a message in `error`. */
int moderation_apply(store *s, long long id, enum moderation_action action, buf *error);

/* A moderator's action on comments `ids` (one or a bulk selection), all or nothing in one
 * transaction, with an audit entry for each ("comment.ACTION", "comment ID"; who, when and the
 * detail from `audit`). Returns like moderation_apply for the first that fails; nothing is
 * changed then. */
int moderation_apply_all(store *s, arena *a, const long long *ids, size_t count,
                         enum moderation_action action, const struct store_audit *audit,
                         buf *error);

/* Replaces a comment's author, email, URL and text (Markdown), keeping the previous version
 * in its history (by `editor_id`). Returns STORE_OK, STORE_NOT_FOUND, MODERATION_INVALID or
 * STORE_ERROR, with a message in `error`. */
struct moderation_edit {
    const char *author, *email, *url, *text;
    long long editor_id, now;
};
int moderation_edit(store *s, arena *a, long long id, const struct moderation_edit *edit,
                    buf *error);

/* A moderator's reply (approved at once) under comment `parent_id`, which gets approved too
 * (as WordPress does). The reply attaches no deeper than comments.max_depth. Returns like
 * moderation_edit. */
int moderation_reply(store *s, arena *a, long long parent_id, const struct store_user *user,
                     const char *text, long long now, long long *id, buf *error);

/* A page of the moderation queue: the count of comments per status (every tab) and page `page`
 * (from 1) of the comments with `status`, newest first, `per_page` a page; `own` non-zero: only
 * comments on that author's posts. Two queries; a store result. */
int moderation_queue(store *s, arena *a, enum comment_status status, long long own, long long page,
                     int per_page, struct store_comment_counts *counts,
                     struct store_comment **comments, size_t *count);

/* The earlier versions of comment `id` that moderation_edit kept, newest first: a store
 * result. */
int moderation_edit_history(store *s, arena *a, long long id, struct store_comment_edit **edits,
                            size_t *count);

#endif
