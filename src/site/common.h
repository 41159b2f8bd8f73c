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

/* The article page of `post` (found at its permalink): its page `page` (0 or 1: the first; N:
 * PERMALINK/N/ of a post split by <!--nextpage-->), with comment page `comment_page` (0: the
 * permalink's; else PERMALINK/comment-page-N/, site/comment_page.c). */
void site_article_show(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, const struct store_post *post, int page,
                       long long comment_page);

/* Answers PERMALINK/comment-page-N/ (and its form without the slash) and returns true; false
 * when `req->path` is not of that form or no public post is at PERMALINK, so that the caller
 * looks it up as a permalink of its own (site/comment_page.c). */
bool site_comment_page(struct handler_context *context, const struct web_request *req,
                       struct web_response *res);

/* The answer to a comment page that is not its own page (article_comment_page false): a 301
 * to the permalink's comments when paging is off, the thread fits one page or N is the last
 * (the permalink shows it), else 404. */
void site_comment_page_missing(struct handler_context *context, const struct web_request *req,
                               struct web_response *res, const struct article_view *view,
                               long long page);

/* The attachment page at `canonical` (the request path in canonical form): answered (the
 * page, a 301 from another form of its path, a 503) and true; false when no public media has
 * a page there (site/attachment.c). */
bool site_attachment_page(struct handler_context *context, const struct web_request *req,
                          struct web_response *res, const char *canonical);

#endif
