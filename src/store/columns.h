/* columns.h: the column lists both SQL backends select, in the order their row readers expect. */
#ifndef GAZETTE_STORE_COLUMNS_H
#define GAZETTE_STORE_COLUMNS_H

/* A post with its author, approved-comment count (kept by triggers) and plain text: 21
 * columns, read by read_post. POST_COLUMNS adds the FROM clause. */
#define POST_FIELDS                                                                                \
    "p.id, coalesce(p.wp_id, 0), p.type, p.status, p.slug, p.path, p.title, p.excerpt,"            \
    " p.body_html, p.body_source, p.password, p.guid, coalesce(p.author_id, 0),"                   \
    " p.published_at, p.modified_at, p.comments_open, p.sticky,"                                   \
    " coalesce(u.login, ''), coalesce(u.display_name, ''), p.approved_comments, p.body_text"
#define POST_FROM " FROM posts p LEFT JOIN users u ON u.id = p.author_id "
#define POST_COLUMNS POST_FIELDS POST_FROM

/* A comment: 17 columns, read by read_comment. */
#define COMMENT_COLUMNS                                                                            \
    "id, post_id, coalesce(parent_id, 0), coalesce(wp_id, 0), path, depth, author, email,"         \
    " url, ip, user_agent, body_html, body_source, status, type, held_by, created_at"              \
    " FROM comments "

/* An outbox message: 13 columns, read by read_mail. */
#define MAIL_COLUMNS                                                                               \
    "id, coalesce(post_id, 0), created_at, status, sender, recipient, client_ip, message,"         \
    " attempts, next_attempt_at, claimed_at, sent_at, last_error FROM outbox "

#endif
