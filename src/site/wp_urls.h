/* wp_urls.h: the URL forms WordPress answers besides its canonical ones, each answered as
 * WordPress answers it: a 301 to the one canonical page (redirect_canonical), or a 404. */
#ifndef GAZETTE_SITE_WP_URLS_H
#define GAZETTE_SITE_WP_URLS_H

#include <stdbool.h>

#include "web/form.h"
#include "web/request.h"

/* Answers `req` as `handler` answers a GET of `path` with `query` ("" for none): its page (200)
 * becomes a 301 to path[?query], its 301 is passed on (one hop for the reader), and anything
 * else (a 404) is answered as it is. So a redirect never leads to a missing page. */
void site_answer_as(struct handler_context *context, const struct web_request *req,
                    struct web_response *res, const char *path, const char *query,
                    web_handler handler);

/* WordPress's query forms on the front page: ?p=ID, ?page_id=ID, ?cat=ID, ?category_name=SLUG,
 * ?tag=SLUG, ?tag_id=ID, ?author=ID, ?author_name=LOGIN, ?m=YYYY[MM[DD]], ?year=&monthnum=&day=,
 * ?feed=rss2|rss|rdf|atom|comments-rss2|comments-atom and ?paged=N, alone or together: a 301 to
 * the pretty path, or a 404 for an unknown ID. False when `query` holds none of them. */
bool site_wp_query(struct handler_context *context, const struct web_request *req,
                   struct web_response *res, const struct web_form *query);

/* The endings WordPress gives any page that are not pages of their own: the feed aliases
 * (…/feed/rss2/, …/rss/, …/atom/, …) of the site, an archive, a date or a post, and a post's
 * /amp/ and /embed/: a 301 to the canonical page. False when `req->path` has none (or names
 * nothing), for the caller's 404. */
bool site_wp_alias(struct handler_context *context, const struct web_request *req,
                   struct web_response *res);

/* PERMALINK/N/: the public post at PERMALINK into *post, and N into *page. STORE_NOT_FOUND when
 * `path` has no page ending or names no post. */
int site_find_post_page(struct handler_context *context, arena *a, const char *path,
                        struct store_post *post, int *page);

#endif
