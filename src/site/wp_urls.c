/* wp_urls.c: WordPress's other URL forms: query forms, feed aliases, /amp/, /embed/, pages of a
 * post, /wp-admin/ (see wp_urls.h). */
#include "site/wp_urls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/wp_path.h"
#include "model/listing.h"
#include "model/media_lookup.h"
#include "model/post.h"
#include "site/common.h"
#include "site/site.h"
#include "util/slug.h"

void site_answer_as(struct handler_context *context, const struct web_request *req,
                    struct web_response *res, const char *path, const char *query,
                    web_handler handler)
{
    struct web_request there = *req;
    there.path = path;
    there.query = query;
    struct web_response answer = {0};
    handler(context, &there, &answer);
    int status = answer.status ? answer.status : 200;
    if (status == 200 || (status == 301 && answer.location)) {
        const char *to = status == 301 ? answer.location
                         : *query      ? arena_printf(req->arena, "%s?%s", path, query)
                                       : path;
        buf_free(&answer.body);
        web_redirect(res, 301, to);
        res->cacheable = false;
        return;
    }
    buf_free(&res->body);
    *res = answer;
    res->cacheable = false;
}

void site_wp_admin(struct handler_context *context, const struct web_request *req,
                   struct web_response *res)
{
    (void)context;
    (void)req;
    web_redirect(res, 301, "/admin/"); /* the query (redirect_to=…) is WordPress's, not ours */
}

void site_wp_index(struct handler_context *context, const struct web_request *req,
                   struct web_response *res)
{
    struct web_form query;
    web_form_parse(req->arena, strview_from_cstr(req->query), &query);
    if (web_form_get(&query, "s") || !site_wp_query(context, req, res, &query))
        web_redirect(res, 301, *req->query ? arena_printf(req->arena, "/?%s", req->query) : "/");
}

/* A positive decimal number of at most 18 digits, else 0. */
static long long number(const char *text)
{
    if (!text || !*text || strlen(text) > 18 || strspn(text, "0123456789") != strlen(text))
        return 0;
    return atoll(text);
}

static void not_found(struct handler_context *context, const struct web_request *req,
                      struct web_response *res)
{
    site_error(context, req, res, 404, "Not found", "There is nothing at this address.");
}

static void unavailable(struct handler_context *context, const struct web_request *req,
                        struct web_response *res)
{
    site_error(context, req, res, 503, "Service unavailable",
               "The site cannot read its database right now.");
}

/* A date archive as a handler (site_date_archive says false for a path that is none). */
static void date_archive(struct handler_context *context, const struct web_request *req,
                         struct web_response *res)
{
    if (!site_date_archive(context, req, res))
        not_found(context, req, res);
}

/* The archive a query names, by WordPress ID or slug: STORE_OK with its path in *path. */
static int query_archive(struct handler_context *context, arena *a, const struct web_form *query,
                         const char **path)
{
    static const struct {
        const char *name;
        enum listing_archive_kind kind;
        bool by_id;
    } forms[] = {
        {"cat", LISTING_CATEGORY, true},  {"category_name", LISTING_CATEGORY, false},
        {"tag", LISTING_TAG, false},      {"tag_id", LISTING_TAG, true},
        {"author", LISTING_AUTHOR, true}, {"author_name", LISTING_AUTHOR, false},
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        const char *value = web_form_get(query, forms[i].name);
        if (!value)
            continue;
        struct listing_archive archive;
        int rc;
        if (forms[i].by_id)
            rc = listing_archive_find_wp_id(context->store, a, forms[i].kind, number(value),
                                            &archive);
        else if (*value && strlen(value) <= 200) {
            /* category_name may be a path of slugs ("parent/child"): its last one */
            const char *slash = strrchr(value, '/');
            rc = listing_archive_find(context->store, a, forms[i].kind,
                                      slug_canonical(a, slash ? slash + 1 : value), &archive);
        } else
            rc = STORE_NOT_FOUND;
        if (rc == STORE_OK)
            *path = archive.path;
        return rc;
    }
    return STORE_NOT_FOUND;
}

/* ?m=YYYY[MM[DD]], or ?year=[&monthnum=[&day=]]: the date archive's path into *path. Returns
 * 1 when found, 0 when the query names no date, -1 when it names a date that is none. */
static int query_date(arena *a, const struct web_form *query, const char **path)
{
    int parts[3] = {0, 0, 0}, n = 0;
    const char *m = web_form_get(query, "m");
    const char *year = web_form_get(query, "year");
    if (m)
        n = wp_m_parse(m, parts);
    else if (year) {
        const char *month = web_form_get(query, "monthnum"), *day = web_form_get(query, "day");
        char text[32];
        if (strlen(year) == 4 && (!month || strlen(month) <= 2) &&
            (!day || (month && strlen(day) <= 2)))
            snprintf(text, sizeof text, "%s%s%s%s%s", year, month && strlen(month) == 1 ? "0" : "",
                     month ? month : "", day && strlen(day) == 1 ? "0" : "", day ? day : "");
        else
            text[0] = '\0';
        n = wp_m_parse(text, parts);
    } else
        return 0;
    if (!n)
        return -1;
    *path = n == 1   ? arena_printf(a, "/%04d/", parts[0])
            : n == 2 ? arena_printf(a, "/%04d/%02d/", parts[0], parts[1])
                     : arena_printf(a, "/%04d/%02d/%02d/", parts[0], parts[1], parts[2]);
    return 1;
}

/* ?attachment_id=N, or ?p=N of no post: the attachment page of WordPress's attachment N (a 301
 * there, as WordPress's redirect_canonical), else a 404. */
static void answer_attachment(struct handler_context *context, const struct web_request *req,
                              struct web_response *res, long long wp_id)
{
    struct store_media media;
    int rc = media_find_wp_id(context->store, req->arena, wp_id, &media);
    if (rc == STORE_ERROR)
        unavailable(context, req, res);
    else if (rc == STORE_OK && *media.page_path)
        site_answer_as(context, req, res, media.page_path, "", site_article);
    else
        site_error(context, req, res, 404, "Not found", "There is no post with that number.");
}

bool site_wp_query(struct handler_context *context, const struct web_request *req,
                   struct web_response *res, const struct web_form *query)
{
    arena *a = req->arena;
    const char *attachment = web_form_get(query, "attachment_id");
    if (attachment) {
        answer_attachment(context, req, res, number(attachment));
        return true;
    }
    const char *feed = web_form_get(query, "feed");
    const char *paged = web_form_get(query, "paged");
    const char *id = web_form_get(query, "p");
    if (!id)
        id = web_form_get(query, "page_id");
    const char *ending = NULL; /* the feed's ending under its page */
    bool comments = false;     /* ?feed=comments-…: the site's comments */
    if (feed) {
        const char *kind = feed;
        if (strncmp(kind, "comments-", 9) == 0)
            comments = true, kind += 9;
        if (strcmp(kind, "rss2") == 0 || strcmp(kind, "rss") == 0 || strcmp(kind, "rdf") == 0 ||
            strcmp(kind, "feed") == 0)
            ending = wp_feed_ending(WP_SUFFIX_FEED);
        else if (strcmp(kind, "atom") == 0)
            ending = wp_feed_ending(WP_SUFFIX_ATOM);
        else {
            not_found(context, req, res); /* a feed WordPress would not know either */
            return true;
        }
    }
    if (id) { /* WordPress's post ID first, then ours (post_find_number) */
        struct store_post post;
        long long n = number(id);
        int rc = n ? post_find_number(context->store, a, n, &post) : STORE_NOT_FOUND;
        if (rc == STORE_ERROR)
            unavailable(context, req, res);
        else if (rc == STORE_NOT_FOUND && n && !ending && web_form_get(query, "p"))
            answer_attachment(context, req, res, n); /* WordPress's IDs name attachments too */
        else if (rc != STORE_OK || !post_is_public(&post))
            site_error(context, req, res, 404, "Not found", "There is no post with that number.");
        else if (ending) /* ?p=ID&feed=rss2: the post's comments */
            site_answer_as(context, req, res, arena_printf(a, "%s%s", post.path, ending), "",
                           site_feed);
        else
            web_redirect(res, 301, post.path);
        return true;
    }
    const char *path = NULL;
    web_handler handler = NULL;
    int rc = query_archive(context, a, query, &path);
    if (rc == STORE_OK)
        handler = site_archive;
    else if (rc == STORE_ERROR) {
        unavailable(context, req, res);
        return true;
    } else if (web_form_get(query, "cat") || web_form_get(query, "category_name") ||
               web_form_get(query, "tag") || web_form_get(query, "tag_id") ||
               web_form_get(query, "author") || web_form_get(query, "author_name")) {
        not_found(context, req, res);
        return true;
    } else {
        int date = query_date(a, query, &path);
        if (date < 0) {
            not_found(context, req, res);
            return true;
        }
        if (date > 0)
            handler = date_archive;
    }
    if (!handler && !feed && !paged)
        return false; /* none of WordPress's forms: the front page */
    if (!handler) {
        path = comments ? "/comments/" : "/";
        handler = site_front;
    }
    if (ending) {
        if (comments && handler != site_front) { /* comments of an archive: WordPress has none */
            not_found(context, req, res);
            return true;
        }
        site_answer_as(context, req, res, arena_printf(a, "%s%s", path, ending), "", site_feed);
        return true;
    }
    long long page = number(paged);
    if (paged && (page < 1 || page > 100000)) {
        not_found(context, req, res);
        return true;
    }
    if (page > 1)
        path = arena_printf(a, "%spage/%lld/", path, page);
    if (strcmp(path, "/") == 0) /* ?paged=1: the front page itself */
        web_redirect(res, 301, "/");
    else
        site_answer_as(context, req, res, path, "", handler);
    return true;
}

bool site_wp_alias(struct handler_context *context, const struct web_request *req,
                   struct web_response *res)
{
    arena *a = req->arena;
    size_t base_len;
    int page;
    enum wp_suffix kind = wp_path_suffix(req->path, &base_len, &page);
    const char *base = arena_strndup(a, req->path, base_len);
    const char *ending = wp_feed_ending(kind);
    if (ending) {
        const char *canonical = arena_printf(a, "%s%s", base, ending);
        if (strcmp(canonical, req->path) == 0)
            return false;
        site_answer_as(context, req, res, canonical, "", site_feed);
        return true;
    }
    if (kind != WP_SUFFIX_AMP && kind != WP_SUFFIX_EMBED)
        return false;
    struct store_post post;
    int rc = site_find_public_post(context, a, base, base_len, &post);
    if (rc == STORE_ERROR)
        unavailable(context, req, res);
    else if (rc == STORE_OK)
        web_redirect(res, 301, post.path);
    return rc != STORE_NOT_FOUND;
}

int site_find_post_page(struct handler_context *context, arena *a, const char *path,
                        struct store_post *post, int *page)
{
    size_t base_len;
    int n;
    *page = 0;
    if (wp_path_suffix(path, &base_len, &n) != WP_SUFFIX_PAGE)
        return STORE_NOT_FOUND;
    int rc = site_find_public_post(context, a, path, base_len, post);
    if (rc == STORE_OK)
        *page = n;
    return rc;
}
