/* admin.h: the handlers of the administration at /admin/ (roles are checked before them, by
 * the route table; a handler checks only what depends on the record: an author's own post). */
#ifndef GAZETTE_ADMIN_ADMIN_H
#define GAZETTE_ADMIN_ADMIN_H

#include "web/request.h"

#define ADMIN_HANDLER(name)                                                                        \
    void name(struct handler_context *context, const struct web_request *req,                      \
              struct web_response *res)

ADMIN_HANDLER(admin_home_redirect); /* GET /admin → /admin/ */
ADMIN_HANDLER(admin_not_found);     /* GET /admin/… that is nothing */
ADMIN_HANDLER(admin_dashboard);     /* GET /admin/ */

/* posts.c */
ADMIN_HANDLER(admin_posts);              /* GET /admin/posts?status=&author=&category=&s=&page= */
ADMIN_HANDLER(admin_post_new);           /* GET /admin/posts/new */
ADMIN_HANDLER(admin_post_edit);          /* GET /admin/posts/ID */
ADMIN_HANDLER(admin_post_save);          /* POST /admin/posts/new, /admin/posts/ID */
ADMIN_HANDLER(admin_post_trash);         /* POST /admin/posts/ID/trash, …/untrash */
ADMIN_HANDLER(admin_post_comments_open); /* POST /admin/posts/ID/comments (open=1|0) */
ADMIN_HANDLER(admin_post_revisions);     /* GET /admin/posts/ID/revisions */
ADMIN_HANDLER(admin_post_restore);       /* POST /admin/posts/ID/restore (revision=ID) */

/* media.c */
ADMIN_HANDLER(admin_media);        /* GET /admin/media?s=&page= (the library, the upload form) */
ADMIN_HANDLER(admin_media_upload); /* POST /admin/media (multipart: file, alt, title, …) */
ADMIN_HANDLER(admin_media_edit);   /* GET /admin/media/ID */
ADMIN_HANDLER(admin_media_save);   /* POST /admin/media/ID (title, alt, caption, description) */
ADMIN_HANDLER(admin_media_delete); /* POST /admin/media/ID/delete (confirm=yes) */

/* comments.c */
ADMIN_HANDLER(admin_comments);       /* GET /admin/comments?status=…&page= */
ADMIN_HANDLER(admin_comments_bulk);  /* POST /admin/comments (action=…, id=… repeated) */
ADMIN_HANDLER(admin_comment_action); /* POST /admin/comments/ID/approve|unapprove|spam|… */
ADMIN_HANDLER(admin_comment_edit);   /* GET /admin/comments/ID/edit */
ADMIN_HANDLER(admin_comment_update); /* POST /admin/comments/ID/edit */
ADMIN_HANDLER(admin_comment_reply);  /* POST /admin/comments/ID/reply */

/* settings.c, users.c, audit.c (admins only) */
ADMIN_HANDLER(admin_settings);      /* GET /admin/settings */
ADMIN_HANDLER(admin_settings_save); /* POST /admin/settings */
ADMIN_HANDLER(admin_users);         /* GET /admin/users */
ADMIN_HANDLER(admin_users_save);    /* POST /admin/users (add, passwd, disable) */
ADMIN_HANDLER(admin_audit_log);     /* GET /admin/audit?page= */

#endif
