/* columns.h: the column lists both SQL backends select, in the order their row readers expect. */
#ifndef GAZETTE_STORE_COLUMNS_H
#define GAZETTE_STORE_COLUMNS_H

/* A post with its author, approved-comment count (kept by triggers) and plain text: 21
 * columns, read by read_post. POST_COLUMNS adds the FROM clause. The backend defines
 * POST_APPROVED_COMMENTS, the count's expression, before including this file. */
#define POST_FIELDS                                                                                \
    "p.id, coalesce(p.wp_id, 0), p.type, p.status, p.slug, p.path, p.title, p.excerpt,"            \
    " p.body_html, p.body_source, p.password, p.guid, coalesce(p.author_id, 0),"                   \
    " p.published_at, p.modified_at, p.comments_open, p.sticky,"                                   \
    " coalesce(u.login, ''), coalesce(u.display_name, ''), " POST_APPROVED_COMMENTS                \
    ", p.body_text"
#define POST_FROM " FROM posts p LEFT JOIN users u ON u.id = p.author_id "
#define POST_COLUMNS POST_FIELDS POST_FROM

/* A comment: 17 columns, read by read_comment. */
#define COMMENT_COLUMNS                                                                            \
    "id, post_id, coalesce(parent_id, 0), coalesce(wp_id, 0), path, depth, author, email,"         \
    " url, ip, user_agent, body_html, body_source, status, type, held_by, created_at"              \
    " FROM comments "

/* A comment as a page shows it: 9 columns, read by read_shown_comment, which sets the rest of
 * the record to COMMENT_SHOWN_REST (a thread of 1,000 comments reads and copies half as much). */
#define COMMENT_SHOWN_COLUMNS                                                                      \
    "id, post_id, coalesce(parent_id, 0), depth, author, url, body_html, status, created_at"       \
    " FROM comments "

/* The rest of such a record, set before the 9 columns are read. */
#define COMMENT_SHOWN_REST                                                                         \
    (struct store_comment)                                                                         \
    {                                                                                              \
        .path = "", .email = "", .ip = "", .user_agent = "", .body_source = "", .type = "comment", \
        .held_by = ""                                                                              \
    }

/* An outbox message: 13 columns, read by read_mail. */
#define MAIL_COLUMNS                                                                               \
    "id, coalesce(post_id, 0), created_at, status, sender, recipient, client_ip, message,"         \
    " attempts, next_attempt_at, claimed_at, sent_at, last_error FROM outbox "

/* A user: 7 columns, read by read_user; the table is aliased u. */
#define USER_FIELDS "u.id, u.login, u.display_name, u.email, u.role, u.disabled, u.password_hash"

/* A session with its user: the user's 7 columns (read_user), then token_hash, csrf,
 * created_at and expires_at; read by read_session. */
#define SESSION_COLUMNS                                                                            \
    USER_FIELDS ", s.token_hash, s.csrf, s.created_at, s.expires_at"                               \
                " FROM sessions s JOIN users u ON u.id = s.user_id "

/* An audit log entry with its user's login: 7 columns, read by read_audit. */
#define AUDIT_COLUMNS                                                                              \
    "l.id, coalesce(l.user_id, 0), l.at, l.action, l.target, l.detail, coalesce(u.login, '')"      \
    " FROM audit_log l LEFT JOIN users u ON u.id = l.user_id "

/* A post revision with its user's login: 10 columns, read by read_revision. */
#define REVISION_COLUMNS                                                                           \
    "r.id, r.post_id, coalesce(r.user_id, 0), r.saved_at, r.title, r.slug, r.excerpt,"             \
    " r.body_source, r.body_html, coalesce(u.login, '')"                                           \
    " FROM post_revisions r LEFT JOIN users u ON u.id = r.user_id "

/* A comment's earlier text with its editor's login: 10 columns, read by read_comment_edit. */
#define COMMENT_EDIT_COLUMNS                                                                       \
    "e.id, e.comment_id, coalesce(e.user_id, 0), e.edited_at, e.author, e.email, e.url,"           \
    " e.body_source, e.body_html, coalesce(u.login, '')"                                           \
    " FROM comment_edits e LEFT JOIN users u ON u.id = e.user_id "

#endif
