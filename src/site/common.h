/* common.h: helpers the site handlers share (site-wide values, post lookup by URL path). */
#ifndef GAZETTE_SITE_COMMON_H
#define GAZETTE_SITE_COMMON_H

#include "web/request.h"
#include "render/pages.h"

/* Site-wide values; the URL is site.url, "" when unset (links are then relative). */
void site_view_load(struct handler_context *context, const struct web_request *req,
                    struct site_view *site);

/* The public post at permalink `path` in any form WordPress accepts (upper- or lower-case
 * escapes, raw UTF-8): its canonical form (slug_canonical) is looked up. STORE_NOT_FOUND also
 * for a post readers may not see. */
int site_find_public_post(struct handler_context *context, arena *a, const char *path,
                          size_t path_len, struct store_post *post);

/* Whether the reader unlocked a password-protected post (cookie set by the password form). */
bool site_post_unlocked(struct handler_context *context, const struct web_request *req,
                        const struct store_post *post);

/* Marks a response the same for every anonymous reader: the page cache may keep it, tagged
 * with the post it shows (0 for a listing); Cache-Control from cache.control_pages unless the
 * handler chose one. */
void site_cacheable(struct handler_context *context, const struct web_request *req,
                    struct web_response *res, long long post_id);

/* Cross-site form posts are refused when the browser says where the form came from (Origin).
 * Cached pages cannot hold per-reader tokens, so the public forms are checked this way. */
bool site_same_origin(const struct web_request *req);

/* Renders an article page (with form values/errors) into `res` with `status`. */
void site_render_article(struct handler_context *context, const struct web_request *req,
                         struct web_response *res, int status, struct article_view *view);

#endif
