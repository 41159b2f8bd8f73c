/* site.h: the reader-facing handlers (front page, article, comment posting, status). */
#ifndef GAZETTE_SITE_SITE_H
#define GAZETTE_SITE_SITE_H

#include "web/request.h"

/* The cookie prefix of an unlocked password-protected post (gz_postpass_ID): a reader with one
 * sees pages made for them (app/dispatch.c). */
#define SITE_UNLOCK_COOKIE "gz_postpass_"

/* Each follows web_handler: reads `req`, fills `res`, never fails (errors become pages). */
void site_front(struct handler_context *context, const struct web_request *req,
                struct web_response *res); /* GET /, /page/N/, /?p=ID */
void site_feed(struct handler_context *context, const struct web_request *req,
               struct web_response *res); /* GET …/feed/ and …/feed/atom/ */
void site_sitemap(struct handler_context *context, const struct web_request *req,
                  struct web_response *res); /* GET /sitemap.xml, /sitemap-posts-N.xml */
void site_robots(struct handler_context *context, const struct web_request *req,
                 struct web_response *res); /* GET /robots.txt */
void site_archive(struct handler_context *context, const struct web_request *req,
                  struct web_response *res); /* GET /category/…/, /tag/…/, /author/…/ */
/* A date archive (/YYYY/[MM/[DD/]]); false when `req->path` is not one. */
bool site_date_archive(struct handler_context *context, const struct web_request *req,
                       struct web_response *res);
void site_article(struct handler_context *context, const struct web_request *req,
                  struct web_response *res); /* GET PERMALINK */
void site_comment_post(struct handler_context *context, const struct web_request *req,
                       struct web_response *res); /* POST PERMALINK/comments */
void site_post_password(struct handler_context *context, const struct web_request *req,
                        struct web_response *res); /* POST PERMALINK/password */
void site_print(struct handler_context *context, const struct web_request *req,
                struct web_response *res); /* GET PERMALINK/print/ */
void site_pdf(struct handler_context *context, const struct web_request *req,
              struct web_response *res); /* GET PERMALINK/pdf/ */
void site_email_form(struct handler_context *context, const struct web_request *req,
                     struct web_response *res); /* GET PERMALINK/email/ */
void site_email_send(struct handler_context *context, const struct web_request *req,
                     struct web_response *res); /* POST PERMALINK/email/ */
void site_wp_admin(struct handler_context *context, const struct web_request *req,
                   struct web_response *res); /* GET /wp-admin/…, /wp-login.php: 301 /admin/ */
void site_wp_index(struct handler_context *context, const struct web_request *req,
                   struct web_response *res); /* GET /index.php[?…]: 301 to its pretty form */
void site_media_file(struct handler_context *context, const struct web_request *req,
                     struct web_response *res); /* GET /wp-content/uploads/PATH */
void site_healthz(struct handler_context *context, const struct web_request *req,
                  struct web_response *res); /* GET /healthz, answered on the loop */
void site_metrics(struct handler_context *context, const struct web_request *req,
                  struct web_response *res); /* GET /metrics: admins, metrics.allow */

/* An HTML error page with `status`; falls back to plain text if the theme fails. */
void site_error(struct handler_context *context, const struct web_request *req,
                struct web_response *res, int status, const char *title, const char *message);

#endif
