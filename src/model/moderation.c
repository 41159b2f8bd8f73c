/* moderation.c: status changes, deletion, edits with history and replies by moderators. */
#include "model/moderation.h"

#include <string.h>

#include "model/audit.h"
#include "model/comment.h"
#include "model/settings.h"
#include "markup/markdown.h"

static const char *const names[] = {"approve", "unapprove", "spam", "trash", "delete"};
static const enum comment_status statuses[] = {COMMENT_STATUS_APPROVED, COMMENT_STATUS_PENDING,
                                               COMMENT_STATUS_SPAM, COMMENT_STATUS_TRASH};

enum moderation_action moderation_action_parse(const char *name)
{
    for (int i = 0; name && i < MODERATE_NONE; i++)
        if (strcmp(name, names[i]) == 0)
            return (enum moderation_action)i;
    return MODERATE_NONE;
}

const char *moderation_action_name(enum moderation_action action)
{
    return action < MODERATE_NONE ? names[action] : "";
}

static int failed(store *s, buf *error)
{
    buf_printf(error, "%s", store_error(s));
    store_rollback(s);
    return STORE_ERROR;
}

/* A comment with replies stays, whatever their status: deleting it would orphan them (the
 * moderator trashes it instead). The store refuses it too (STORE_CONFLICT), should a reply
 * come between the check and the delete. */
static int delete_comment(store *s, long long id, buf *error)
{
    bool has_replies = false;
    int rc = store_comment_has_replies(s, id, &has_replies);
    if (rc == STORE_OK && !has_replies)
        rc = store_comment_delete(s, id);
    if (has_replies || rc == STORE_CONFLICT) {
        buf_printf(error, "comment %lld has replies: trash it instead", id);
        return MODERATION_HAS_REPLIES;
    }
    if (rc == STORE_ERROR)
        buf_printf(error, "%s", store_error(s));
    if (rc == STORE_NOT_FOUND)
        buf_printf(error, "There is no comment %lld.", id);
    return rc;
}

int moderation_apply(store *s, long long id, enum moderation_action action, buf *error)
{
    if (action >= MODERATE_NONE) {
        buf_printf(error, "Not an action: approve, unapprove, spam, trash or delete.");
        return STORE_ERROR;
    }
    if (action == MODERATE_DELETE)
        return delete_comment(s, id, error);
    int rc = store_comment_set_status(s, id, statuses[action]);
    if (rc == STORE_ERROR)
        buf_printf(error, "%s", store_error(s));
    if (rc == STORE_NOT_FOUND)
        buf_printf(error, "There is no comment %lld.", id);
    return rc;
}

int moderation_apply_all(store *s, arena *a, const long long *ids, size_t count,
                         enum moderation_action action, const struct store_audit *audit, buf *error)
{
    if (store_begin(s) != STORE_OK)
        return failed(s, error);
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < count; i++) {
        rc = moderation_apply(s, ids[i], action, error);
        if (rc != STORE_OK)
            break;
        struct store_audit entry = *audit;
        entry.action = arena_printf(a, "comment.%s", moderation_action_name(action));
        entry.target = arena_printf(a, "comment %lld", ids[i]);
        audit_record(s, &entry);
    }
    if (rc == STORE_OK && store_commit(s) != STORE_OK)
        return failed(s, error);
    if (rc != STORE_OK)
        store_rollback(s);
    return rc;
}

/* Opens a transaction and reads comment `id` in it. STORE_OK with the transaction open; else
 * the transaction is closed, and STORE_NOT_FOUND or STORE_ERROR returns with a message. */
static int begin_with_comment(store *s, arena *a, long long id, struct store_comment *c, buf *error)
{
    if (store_begin(s) != STORE_OK)
        return failed(s, error);
    int rc = store_comment_get(s, a, id, c);
    if (rc == STORE_NOT_FOUND) {
        store_rollback(s);
        buf_printf(error, "There is no comment %lld.", id);
        return rc;
    }
    return rc == STORE_OK ? STORE_OK : failed(s, error);
}

static const char *render_comment(arena *a, const char *text)
{
    buf html = {0};
    markup_markdown(text, strlen(text), SANITIZE_COMMENT, &html);
    const char *out = arena_take_buf(a, &html);
    return out;
}

static int check_text(store *s, arena *a, const char *text, buf *error)
{
    long long max = settings_get_int(s, a, SETTING_COMMENTS_MAX_KB) * 1024;
    if (!text || !*text) {
        buf_printf(error, "The comment is empty.");
        return -1;
    }
    if ((long long)strlen(text) > max) {
        buf_printf(error, "The comment is longer than comments.max_kb (%lld KiB).", max / 1024);
        return -1;
    }
    return 0;
}

int moderation_edit(store *s, arena *a, long long id, const struct moderation_edit *edit,
                    buf *error)
{
    if (check_text(s, a, edit->text, error) != 0)
        return MODERATION_INVALID;
    if (!edit->author || !*edit->author || strlen(edit->author) > 245) {
        buf_printf(error, "The author's name must have 1 to 245 bytes.");
        return MODERATION_INVALID;
    }
    struct store_comment c;
    int rc = begin_with_comment(s, a, id, &c, error);
    if (rc != STORE_OK)
        return rc;
    struct store_comment_edit before = {.comment_id = id,
                                        .user_id = edit->editor_id,
                                        .edited_at = edit->now,
                                        .author = c.author,
                                        .email = c.email,
                                        .url = c.url,
                                        .body_source = c.body_source,
                                        .body_html = c.body_html};
    c.author = edit->author;
    c.email = edit->email ? edit->email : "";
    c.url = edit->url ? edit->url : "";
    c.body_source = edit->text;
    c.body_html = render_comment(a, edit->text);
    if (store_comment_edit_insert(s, &before) != STORE_OK ||
        store_comment_update(s, &c) != STORE_OK)
        return failed(s, error);
    return store_commit(s) == STORE_OK ? STORE_OK : failed(s, error);
}

int moderation_reply(store *s, arena *a, long long parent_id, const struct store_user *user,
                     const char *text, long long now, long long *id, buf *error)
{
    if (check_text(s, a, text, error) != 0)
        return MODERATION_INVALID;
    long long max_depth = settings_get_int(s, a, SETTING_COMMENTS_MAX_DEPTH);
    struct store_comment parent;
    int rc = begin_with_comment(s, a, parent_id, &parent, error);
    if (rc != STORE_OK)
        return rc;
    if (store_comment_set_status(s, parent_id, COMMENT_STATUS_APPROVED) != STORE_OK)
        return failed(s, error);
    struct store_comment attach = parent;
    bool top_level;
    if (comment_reply_parent(s, a, &attach, (int)max_depth, &top_level) != STORE_OK)
        return failed(s, error);
    struct store_comment reply = {
        .post_id = parent.post_id,
        .parent_id = top_level ? 0 : attach.id,
        .author = *user->display_name ? user->display_name : user->login,
        .email = user->email,
        .url = "",
        .ip = "",
        .user_agent = "",
        .body_source = text,
        .body_html = render_comment(a, text),
        .status = COMMENT_STATUS_APPROVED,
        .type = COMMENT_TYPE_COMMENT,
        .held_by = "",
        .created_at = now,
    };
    if (comment_insert_placed(s, a, &reply, id) != STORE_OK)
        return failed(s, error);
    return store_commit(s) == STORE_OK ? STORE_OK : failed(s, error);
}

int moderation_queue(store *s, arena *a, enum comment_status status, long long own, long long page,
                     int per_page, struct store_comment_counts *counts,
                     struct store_comment **comments, size_t *count)
{
    struct store_comment_filter filter = {.status = status,
                                          .type = COMMENT_TYPE_COMMENT,
                                          .limit = per_page,
                                          .offset = (int)((page - 1) * per_page),
                                          .post_author_id = own};
    int rc = store_comment_counts(s, own, counts);
    return rc != STORE_OK ? rc : store_comment_list(s, a, &filter, comments, count);
}

int moderation_edit_history(store *s, arena *a, long long id, struct store_comment_edit **edits,
                            size_t *count)
{
    return store_comment_edit_list(s, a, id, edits, count);
}
