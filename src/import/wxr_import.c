/* wxr_import.c: maps what the WXR reader streams (authors, terms, items, comments) to the store. */
#include "import/wxr_import.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import/wxr_reader.h"
#include "model/comment.h"
#include "model/post.h"
#include "model/settings.h"
#include "model/user.h"
#include "markup/autop.h"
#include "markup/sanitize.h"
#include "markup/text.h"
#include "util/alloc.h"
#include "util/slug.h"
#include "util/work_pool.h"

/* What an item's import computes before it writes: the HTML of the post and of every comment,
 * sanitized, and the post's plain text. That is most of an import's CPU, and each part is
 * independent, so a work pool does it on every core; the store is written on one thread. */
struct item_prep {
    const struct wxr_item *item;
    bool post;                /* the post's parts are made (job 0); the other jobs are comments */
    buf body_html, body_text; /* the post's */
    buf excerpt;              /* plain text, trailing newlines removed */
    buf *comment_html;        /* [item->comment_count] */
};

/* Items are read ahead of the one being written: while the store takes item N on this thread,
 * the pool prepares the items after it, so that writing and sanitizing overlap. The items are
 * still written one by one in file order, exactly as without read-ahead. Both bounds keep the
 * memory to a few items. */
#define READ_AHEAD_ITEMS 16
#define READ_AHEAD_BYTES ((size_t)16 << 20)

struct pending_item {
    arena strings;         /* owns the copy of the item */
    struct wxr_item item;  /* the reader's item, copied (the reader's is gone after on_item) */
    size_t bytes;          /* its text, counted toward READ_AHEAD_BYTES */
    struct item_prep prep; /* filled by the pool */
    work_batch *batch;     /* the pool's jobs for prep, owned; NULL once waited for */
};

struct import_state {
    store *store;
    const char *path;
    FILE *progress;
    work_pool *pool;
    arena arena; /* per item written; reset after each */
    struct wxr_import_summary *summary;
    buf *error;
    const char *base_url;                         /* site link, stripped from item links */
    struct pending_item ahead[READ_AHEAD_ITEMS];  /* a ring of items read, not yet written */
    size_t ahead_first, ahead_count, ahead_bytes; /* its oldest slot, its items, their bytes */
    struct orphan {
        long long id;      /* a page stored … */
        long parent_wp_id; /* … whose parent was not yet */
    } * orphans;           /* owned; linked at the end (link_orphans) */
    size_t orphan_count, orphan_capacity;
};

static int store_failed(struct import_state *st, int line, const char *what)
{
    buf_printf(st->error, "%s:%d: %s: %s", st->path, line, what, store_error(st->store));
    return -1;
}

static void skip(struct import_state *st, int line, const char *reason)
{
    st->summary->skipped++;
    buf_printf(&st->summary->skipped_lines, "  %d: %s\n", line, reason);
}

static void warn(struct import_state *st, int line, const char *what)
{
    st->summary->warnings++;
    if (line > 0)
        buf_printf(&st->summary->warning_lines, "  %s:%d: %s\n", st->path, line, what);
    else /* the channel's fields carry no line */
        buf_printf(&st->summary->warning_lines, "  %s: %s\n", st->path, what);
}

/* `slug` in its canonical form (WordPress's lowercase percent-encoding, whatever the export
 * has: upper-case escapes, raw UTF-8) when it can be one (post_slug_problem), else one made
 * from `name`, with a warning. */
static const char *checked_slug(struct import_state *st, int line, const char *kind,
                                const char *slug, const char *name)
{
    const char *problem = post_slug_problem(slug);
    if (!problem)
        return slug_canonical(&st->arena, slug);
    const char *made = post_slugify(&st->arena, name);
    warn(st, line,
         arena_printf(&st->arena, "the %s slug was not used (%s); it is \"%s\" here", kind, problem,
                      made));
    return made;
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) to Unix seconds; 0 when empty or all zeros. */
static long long parse_wp_date(const char *text)
{
    struct tm tm = {0};
    if (sscanf(text, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6 ||
        tm.tm_year == 0)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

/* WordPress HTML as pages show it: paragraphs made (wpautop), then the allow-list. */
static void sanitize_into(const char *html, enum sanitize_profile profile, buf *out)
{
    buf paragraphs = {0};
    markup_autop(html, strlen(html), &paragraphs);
    markup_sanitize_html(buf_cstr(&paragraphs), paragraphs.len, profile, out);
    buf_free(&paragraphs);
}

static void prepare_post(struct item_prep *prep)
{
    const struct wxr_item *item = prep->item;
    sanitize_into(item->content, SANITIZE_ARTICLE, &prep->body_html);
    markup_html_to_text(buf_cstr(&prep->body_html), prep->body_html.len, NULL, &prep->body_text);
    struct text_options plain = {0};
    markup_html_to_text(item->excerpt, strlen(item->excerpt), &plain, &prep->excerpt);
    while (prep->excerpt.len && prep->excerpt.ptr[prep->excerpt.len - 1] == '\n')
        prep->excerpt.ptr[--prep->excerpt.len] = '\0';
}

static void prepare_job(void *context, size_t index)
{
    struct item_prep *prep = context;
    if (prep->post && index == 0) {
        prepare_post(prep);
        return;
    }
    size_t i = index - (prep->post ? 1 : 0);
    sanitize_into(prep->item->comments[i].content, SANITIZE_COMMENT, &prep->comment_html[i]);
}

/* Queues the preparation of `item` on the pool: the post's parts when `post`, every comment's
 * HTML. */
static work_batch *prepare_item(struct import_state *st, const struct wxr_item *item, bool post,
                                struct item_prep *prep)
{
    *prep = (struct item_prep){.item = item, .post = post};
    prep->comment_html = xcalloc(item->comment_count ? item->comment_count : 1, sizeof(buf));
    return work_pool_submit(st->pool, item->comment_count + (post ? 1 : 0), prepare_job, prep);
}

static void prep_free(struct item_prep *prep)
{
    buf_free(&prep->body_html);
    buf_free(&prep->body_text);
    buf_free(&prep->excerpt);
    if (prep->comment_html)
        for (size_t i = 0; i < prep->item->comment_count; i++)
            buf_free(&prep->comment_html[i]);
    free(prep->comment_html);
}

static int write_ahead(struct import_state *st);

/* The export's address becomes site.url when that is unset: the imported site keeps its
 * address, and absolute links never come from a request's Host header. */
static int on_site(void *context, const struct wxr_site *site)
{
    struct import_state *st = context;
    st->base_url = xstrdup(*site->base_blog_url ? site->base_blog_url : site->link);
    if (!*st->base_url || *settings_get(st->store, &st->arena, SETTING_SITE_URL))
        return 0;
    buf error = {0};
    int rc = settings_set(st->store, SETTING_SITE_URL, st->base_url, &error);
    if (rc == 0)
        buf_puts(&st->summary->site_url, settings_get(st->store, &st->arena, SETTING_SITE_URL));
    else if (rc == -2)
        warn(st, 0,
             arena_printf(&st->arena, "the export's address was not taken as site.url: %s",
                          buf_cstr(&error)));
    buf_free(&error);
    if (rc == -1) {
        buf_printf(st->error, "%s: setting site.url: %s", st->path, store_error(st->store));
        return -1;
    }
    return 0;
}

static int on_author(void *context, const struct wxr_author *author)
{
    struct import_state *st = context;
    if (write_ahead(st) != 0)
        return -1;
    struct store_user user;
    int rc = store_user_find_login(st->store, &st->arena, author->login, &user);
    if (rc == STORE_ERROR)
        return store_failed(st, author->line, "reading user");
    if (rc == STORE_OK || !*author->login)
        return 0;
    /* Imported authors cannot log in until an admin gives them a password. */
    user = (struct store_user){.login = author->login,
                               .display_name =
                                   *author->display_name ? author->display_name : author->login,
                               .email = author->email,
                               .role = USER_AUTHOR,
                               .disabled = true};
    /* the export does not carry user_nicename: made from the login as WordPress makes it */
    if (user_unique_nicename(st->store, &st->arena, author->login, &user.nicename) != STORE_OK ||
        store_user_insert(st->store, &user, NULL) != STORE_OK)
        return store_failed(st, author->line, "storing author");
    st->summary->authors_new++;
    return 0;
}

static int on_term(void *context, const struct wxr_term *term)
{
    struct import_state *st = context;
    if (write_ahead(st) != 0)
        return -1;
    const char *taxonomy = term->taxonomy;
    if (strcmp(taxonomy, "category") != 0 && strcmp(taxonomy, "post_tag") != 0)
        return 0; /* nav menus, formats, custom taxonomies: not ours */
    if (!*term->slug) {
        skip(st, term->line, "a term without a slug");
        return 0;
    }
    const char *slug =
        checked_slug(st, term->line, "term", term->slug, *term->name ? term->name : term->slug);
    const char *parent_slug = term->parent_slug;
    if (*parent_slug && post_slug_problem(parent_slug)) {
        warn(st, term->line,
             arena_printf(&st->arena, "the parent term's slug was not used (%s): no parent",
                          post_slug_problem(parent_slug)));
        parent_slug = "";
    }
    parent_slug = slug_canonical(&st->arena, parent_slug);
    struct store_term existing;
    int rc = store_term_find(st->store, &st->arena, taxonomy, slug, &existing);
    if (rc == STORE_ERROR)
        return store_failed(st, term->line, "reading term");
    if (rc == STORE_OK)
        return 0;
    long long parent_id = 0;
    if (*parent_slug && post_term_ensure(st->store, &st->arena, taxonomy, parent_slug, parent_slug,
                                         0, &parent_id) != STORE_OK)
        return store_failed(st, term->line, "storing parent term");
    struct store_term t = {.taxonomy = taxonomy,
                           .slug = slug,
                           .name = *term->name ? term->name : slug,
                           .description = term->description,
                           .parent_id = parent_id};
    if (store_term_insert(st->store, &t, NULL) != STORE_OK)
        return store_failed(st, term->line, "storing term");
    if (strcmp(taxonomy, "category") == 0)
        st->summary->categories_new++;
    else
        st->summary->tags_new++;
    return 0;
}

/* The path gazette makes for an item without a usable <link>: a page's is its parents' slugs
 * and its own ("/about/team/", as WordPress's page permalinks; its parent's path when that is
 * stored already), a post's follows the permalink setting. */
static const char *made_path(struct import_state *st, const struct wxr_item *item,
                             const struct store_post *post, const char *pattern)
{
    if (post->type != POST_TYPE_PAGE)
        return post_permalink(&st->arena, pattern, post);
    struct store_post parent;
    if (item->parent_wp_id > 0 &&
        store_post_find_wp_id(st->store, &st->arena, item->parent_wp_id, &parent) == STORE_OK)
        return arena_printf(&st->arena, "%s%s/", parent.path, post->slug);
    return arena_printf(&st->arena, "/%s/", post->slug);
}

/* The permalink path of an item: its <link> without the site's address, when that is a path
 * (not "?p=…" as drafts have); else made_path's. */
static const char *item_path(struct import_state *st, const struct wxr_item *item,
                             const struct store_post *post)
{
    const char *link = item->link;
    size_t base = st->base_url ? strlen(st->base_url) : 0;
    if (base && strncmp(link, st->base_url, base) == 0)
        link += base;
    else if (strstr(link, "://")) {
        link = strchr(strstr(link, "://") + 3, '/');
        if (!link)
            link = "";
    }
    const char *pattern = settings_get(st->store, &st->arena, SETTING_SITE_PERMALINK);
    if (*link == '/' && !strchr(link, '?') && !strchr(link, '#') && strlen(link) > 1) {
        size_t n = strlen(link);
        const char *path = link[n - 1] == '/' ? arena_strdup(&st->arena, link)
                                              : arena_printf(&st->arena, "%s/", link);
        /* "https://site//greek/x/": WordPress writes an empty segment for a page whose parent
         * has none; the page itself answers at /greek/x/, and "//" must never start a path */
        const char *single = post_path_single_slashes(&st->arena, path);
        if (strcmp(single, path) != 0 && !post_path_problem(single)) {
            warn(st, item->line,
                 arena_printf(&st->arena, "the <link> path %s had \"//\"; the post is at %s", path,
                              single));
            return single;
        }
        const char *problem = post_path_problem(path);
        if (!problem)
            return path;
        const char *made = made_path(st, item, post, pattern);
        warn(st, item->line,
             arena_printf(&st->arena, "the <link> path was not kept (%s); the post is at %s",
                          problem, made));
        return made;
    }
    return made_path(st, item, post, pattern);
}

/* The _wp_old_slug and _wp_old_date meta of `item`: the paths `post` had before answer 301. */
static int record_old_paths(struct import_state *st, const struct wxr_item *item,
                            const struct store_post *post)
{
    const char *slugs[POST_OLD_PATHS_MAX], *dates[POST_OLD_PATHS_MAX];
    size_t slug_count = 0, date_count = 0;
    for (size_t i = 0; i < item->meta_count; i++) {
        const struct wxr_postmeta *m = &item->meta[i];
        if (strcmp(m->key, "_wp_old_slug") == 0 && *m->value && slug_count < POST_OLD_PATHS_MAX)
            slugs[slug_count++] = m->value;
        else if (strcmp(m->key, "_wp_old_date") == 0 && *m->value &&
                 date_count < POST_OLD_PATHS_MAX)
            dates[date_count++] = m->value;
    }
    if (!slug_count && !date_count)
        return STORE_OK;
    /* the date WordPress made the <link> with: wp:post_date, the site's local time */
    const char *date = *item->post_date ? item->post_date : item->post_date_gmt;
    return post_record_old_paths(st->store, &st->arena, post, date, slugs, slug_count, dates,
                                 date_count);
}

/* Links post `id` to its parent page (wp:post_parent), when that is in the store already, or
 * notes the pair for the end of the import (a parent later in the file). */
static int link_parent(struct import_state *st, long long id, long parent_wp_id)
{
    struct store_post parent;
    int rc = store_post_find_wp_id(st->store, &st->arena, parent_wp_id, &parent);
    if (rc == STORE_OK)
        return store_post_set_parent(st->store, id, parent.id);
    if (rc == STORE_ERROR)
        return rc;
    if (st->orphan_count == st->orphan_capacity) {
        st->orphan_capacity = st->orphan_capacity ? 2 * st->orphan_capacity : 16;
        st->orphans = xrealloc(st->orphans, st->orphan_capacity * sizeof(*st->orphans));
    }
    st->orphans[st->orphan_count++] = (struct orphan){id, parent_wp_id};
    return STORE_OK;
}

/* The parents that came after their children; a parent not in the file stays unknown. */
static int link_orphans(struct import_state *st)
{
    for (size_t i = 0; i < st->orphan_count; i++) {
        struct store_post parent;
        int rc = store_post_find_wp_id(st->store, &st->arena, st->orphans[i].parent_wp_id, &parent);
        if (rc == STORE_ERROR ||
            (rc == STORE_OK &&
             store_post_set_parent(st->store, st->orphans[i].id, parent.id) != STORE_OK)) {
            buf_printf(st->error, "%s: linking parent pages: %s", st->path, store_error(st->store));
            return -1;
        }
    }
    return 0;
}

/* <wp:comment_approved>, as the file has it */
static enum comment_status comment_status(const char *approved)
{
    if (strcmp(approved, "1") == 0)
        return COMMENT_STATUS_APPROVED;
    if (strcmp(approved, "spam") == 0)
        return COMMENT_STATUS_SPAM;
    if (strcmp(approved, "trash") == 0 || strcmp(approved, "post-trashed") == 0)
        return COMMENT_STATUS_TRASH;
    return COMMENT_STATUS_PENDING;
}

/* summary->comments_by_status: approved, pending, spam, trash */
static int status_index(enum comment_status status)
{
    return status >= COMMENT_STATUS_APPROVED && status <= COMMENT_STATUS_TRASH
               ? (int)status - COMMENT_STATUS_APPROVED
               : 1;
}

static int import_comment(struct import_state *st, long long post_id, const struct wxr_comment *wc,
                          buf *html, long long parent_id)
{
    enum comment_type type = COMMENT_TYPE_COMMENT;
    if (*wc->type && !comment_type_parse(wc->type, &type)) {
        skip(st, wc->line,
             arena_printf(&st->arena, "comment %ld: type '%s' is not imported", wc->wp_id,
                          wc->type));
        return 0;
    }
    bool taken = false;
    if (wc->wp_id > 0 && store_comment_id_taken(st->store, wc->wp_id, &taken) != STORE_OK)
        return store_failed(st, wc->line, "reading comment");
    struct store_comment c = {
        .id = wc->wp_id > 0 && !taken ? wc->wp_id : 0, /* keeps #comment-ID links working */
        .post_id = post_id,
        .parent_id = parent_id,
        .wp_id = wc->wp_id,
        .author = wc->author,
        .email = wc->author_email,
        .url = markup_url_is_safe(wc->author_url, strlen(wc->author_url)) ? wc->author_url : "",
        .ip = wc->author_ip,
        .body_html = buf_cstr(html),
        .status = comment_status(wc->approved),
        .type = type,
        .created_at =
            parse_wp_date(*wc->date_gmt && parse_wp_date(wc->date_gmt) ? wc->date_gmt : wc->date),
    };
    long long id;
    if (comment_insert_placed(st->store, &st->arena, &c, &id) != STORE_OK)
        return store_failed(st, wc->line, "storing comment");
    if (type == COMMENT_TYPE_COMMENT) {
        st->summary->comments_new++;
        st->summary->comments_by_status[status_index(c.status)]++;
    } else
        st->summary->pingbacks_new++;
    return 0;
}

/* Comments in an order where each parent comes before its replies, whatever the file's order;
 * a reply whose parent is not in the file becomes a top-level comment. */
static int import_comments(struct import_state *st, long long post_id, const struct wxr_item *item,
                           struct item_prep *prep)
{
    size_t n = item->comment_count;
    char *done = arena_alloc(&st->arena, n ? n : 1);
    size_t remaining = n;
    while (remaining) {
        size_t progress = 0;
        for (size_t i = 0; i < n; i++) {
            const struct wxr_comment *wc = &item->comments[i];
            if (done[i])
                continue;
            struct store_comment existing;
            int rc = wc->wp_id ? store_comment_find_wp_id(st->store, &st->arena, post_id, wc->wp_id,
                                                          &existing)
                               : STORE_NOT_FOUND;
            if (rc == STORE_ERROR)
                return store_failed(st, wc->line, "reading comment");
            if (rc == STORE_OK) {
                if (existing.type == COMMENT_TYPE_COMMENT)
                    st->summary->comments_present++;
                else
                    st->summary->pingbacks_present++;
                done[i] = 1, remaining--, progress++;
                continue;
            }
            long long parent_id = 0;
            if (wc->parent_wp_id) {
                struct store_comment parent;
                rc = store_comment_find_wp_id(st->store, &st->arena, post_id, wc->parent_wp_id,
                                              &parent);
                if (rc == STORE_ERROR)
                    return store_failed(st, wc->line, "reading comment");
                bool parent_in_file = false;
                for (size_t k = 0; k < n; k++)
                    if (item->comments[k].wp_id == wc->parent_wp_id && k != i)
                        parent_in_file = true;
                if (rc == STORE_NOT_FOUND && parent_in_file)
                    continue; /* its parent comes in a later round */
                parent_id = rc == STORE_OK ? parent.id : 0;
            }
            if (import_comment(st, post_id, wc, &prep->comment_html[i], parent_id) != 0)
                return -1;
            done[i] = 1, remaining--, progress++;
        }
        if (!progress) {
            /* a cycle of parents: import the rest as top-level comments */
            for (size_t i = 0; i < n; i++)
                if (!done[i]) {
                    if (import_comment(st, post_id, &item->comments[i], &prep->comment_html[i],
                                       0) != 0)
                        return -1;
                    done[i] = 1, remaining--;
                }
        }
    }
    return 0;
}

static int import_item(struct import_state *st, const struct wxr_item *item, struct item_prep *prep)
{
    struct wxr_import_summary *sum = st->summary;
    /* <wp:post_type> and <wp:status>, parsed here once */
    enum post_type type = POST_TYPE_ANY;
    enum post_status status = POST_STATUS_ANY;
    post_type_parse(item->post_type, &type);
    bool is_page = type == POST_TYPE_PAGE;
    if (!is_page && type != POST_TYPE_POST) {
        skip(st, item->line,
             arena_printf(&st->arena, "item %ld: post type '%s' is not imported", item->wp_id,
                          item->post_type));
        return 0;
    }
    if (!post_status_parse(item->status, &status)) {
        skip(st, item->line,
             arena_printf(&st->arena, "item %ld: status '%s' is not imported", item->wp_id,
                          item->status));
        return 0;
    }
    struct store_post post;
    int rc = item->wp_id ? store_post_find_wp_id(st->store, &st->arena, item->wp_id, &post)
                         : STORE_NOT_FOUND;
    if (rc == STORE_ERROR)
        return store_failed(st, item->line, "reading post");
    if (rc == STORE_OK) {
        if (is_page)
            sum->pages_present++;
        else
            sum->posts_present++;
        return import_comments(st, post.id, item, prep);
    }
    bool taken = false;
    if (item->wp_id > 0 && store_post_id_taken(st->store, item->wp_id, &taken) != STORE_OK)
        return store_failed(st, item->line, "reading post");
    long long published = parse_wp_date(item->post_date_gmt);
    if (!published)
        published = parse_wp_date(item->post_date);
    if (!published)
        published = (long long)time(NULL);
    if (!prep->post) {
        /* it was in the store when read ahead, so cannot be missing now; made here anyway */
        prep->post = true;
        prepare_post(prep);
    }
    post = (struct store_post){
        .id = item->wp_id > 0 && !taken ? item->wp_id : 0,
        .wp_id = item->wp_id,
        .type = type,
        .status = status,
        .slug = *item->post_name
                    ? checked_slug(st, item->line, "<wp:post_name>", item->post_name, item->title)
                    : post_slugify(&st->arena, item->title),
        .title = item->title,
        .excerpt = buf_cstr(&prep->excerpt),
        .body_html = buf_cstr(&prep->body_html),
        .body_text = buf_cstr(&prep->body_text),
        .password = item->post_password,
        .guid = item->guid,
        .published_at = published,
        .modified_at = published,
        .comments_open = strcmp(item->comment_status, "open") == 0,
        .sticky = item->sticky,
    };
    struct store_user author;
    rc = store_user_find_login(st->store, &st->arena, item->creator, &author);
    if (rc == STORE_ERROR)
        return store_failed(st, item->line, "reading author");
    post.author_id = rc == STORE_OK ? author.id : 0;
    post.author_login = rc == STORE_OK ? author.nicename : ""; /* %author% (post_permalink) */
    post.path = slug_canonical(&st->arena, item_path(st, item, &post));
    struct store_post clash;
    rc = store_post_find_path(st->store, &st->arena, post.path, &clash);
    if (rc == STORE_ERROR)
        return store_failed(st, item->line, "reading post");
    if (rc == STORE_OK)
        post.path = arena_printf(&st->arena, "%s%ld/", post.path, item->wp_id);

    long long id;
    if (store_post_insert(st->store, &post, &id) != STORE_OK)
        return store_failed(st, item->line, "storing post");
    post.id = id;
    if (record_old_paths(st, item, &post) != STORE_OK)
        return store_failed(st, item->line, "storing old paths");
    if (item->parent_wp_id > 0 && link_parent(st, id, item->parent_wp_id) != STORE_OK)
        return store_failed(st, item->line, "linking parent page");
    for (size_t i = 0; i < item->term_count; i++) {
        const struct wxr_item_term *t = &item->terms[i];
        if (strcmp(t->domain, "category") != 0 && strcmp(t->domain, "post_tag") != 0)
            continue;
        long long term_id;
        const char *slug = *t->nicename ? checked_slug(st, item->line, "term", t->nicename, t->name)
                                        : post_slugify(&st->arena, t->name);
        if (post_term_ensure(st->store, &st->arena, t->domain, slug, t->name, 0, &term_id) !=
                STORE_OK ||
            store_post_term_add(st->store, id, term_id) != STORE_OK)
            return store_failed(st, item->line, "linking term");
    }
    if (is_page)
        sum->pages_new++;
    else
        sum->posts_new++;
    return import_comments(st, id, item, prep);
}

/* Whether import_item writes `item` (and so wants it prepared): its skip rules. */
static bool item_wanted(const struct wxr_item *item)
{
    enum post_type type;
    enum post_status status;
    return post_type_parse(item->post_type, &type) && post_status_parse(item->status, &status);
}

/* Whether the post of `p` is in the store already, so that only its comments need preparing.
 * An item read ahead before it may still add it (one WordPress ID twice in a file): then the
 * post's parts are made for nothing. A failed read is found again when the item is written. */
static bool post_present(struct import_state *st, struct pending_item *p)
{
    struct store_post post;
    return p->item.wp_id &&
           store_post_find_wp_id(st->store, &p->strings, p->item.wp_id, &post) == STORE_OK;
}

/* Frees the oldest item read ahead, after the pool is done with it. */
static void drop_oldest(struct import_state *st)
{
    struct pending_item *p = &st->ahead[st->ahead_first];
    if (p->batch)
        work_pool_wait(st->pool, p->batch);
    p->batch = NULL;
    prep_free(&p->prep);
    arena_free(&p->strings);
    st->ahead_bytes -= p->bytes;
    st->ahead_first = (st->ahead_first + 1) % READ_AHEAD_ITEMS;
    st->ahead_count--;
}

/* Writes the oldest item read ahead, once prepared, and frees it. */
static int write_oldest(struct import_state *st)
{
    struct pending_item *p = &st->ahead[st->ahead_first];
    if (p->batch)
        work_pool_wait(st->pool, p->batch);
    p->batch = NULL;
    int rc = import_item(st, &p->item, &p->prep);
    drop_oldest(st);
    arena_free(&st->arena);
    return rc;
}

/* Writes every item read ahead: before anything else is written, so that the store sees
 * everything in file order. */
static int write_ahead(struct import_state *st)
{
    while (st->ahead_count)
        if (write_oldest(st) != 0)
            return -1;
    return 0;
}

static int on_item(void *context, const struct wxr_item *item)
{
    struct import_state *st = context;
    while (st->ahead_count == READ_AHEAD_ITEMS ||
           (st->ahead_count && st->ahead_bytes >= READ_AHEAD_BYTES))
        if (write_oldest(st) != 0)
            return -1;
    struct pending_item *p = &st->ahead[(st->ahead_first + st->ahead_count) % READ_AHEAD_ITEMS];
    *p = (struct pending_item){0};
    p->bytes = wxr_item_copy(&p->strings, item, &p->item);
    st->ahead_count++;
    st->ahead_bytes += p->bytes;
    p->prep = (struct item_prep){.item = &p->item};
    if (item_wanted(&p->item))
        p->batch = prepare_item(st, &p->item, !post_present(st, p), &p->prep);
    return 0;
}

static void on_progress(void *context, size_t done, size_t total)
{
    struct import_state *st = context;
    if (!st->progress || !total)
        return;
    fprintf(st->progress, "\rimporting %s: %3d%%", st->path, (int)(100.0 * done / total));
    if (done >= total)
        fputc('\n', st->progress);
    fflush(st->progress);
}

int wxr_import(store *s, const char *path, FILE *progress, struct wxr_import_summary *summary,
               buf *error)
{
    memset(summary, 0, sizeof(*summary));
    struct import_state st = {
        .store = s, .path = path, .progress = progress, .summary = summary, .error = error};
    struct wxr_sink sink = {.context = &st,
                            .site = on_site,
                            .author = on_author,
                            .term = on_term,
                            .item = on_item,
                            .progress = on_progress};
    if (store_begin_bulk(s) != STORE_OK) {
        buf_printf(error, "%s: %s", path, store_error(s));
        return -1;
    }
    st.pool = work_pool_start(work_pool_helpers(3));
    int rc = import_wxr_read(path, &sink, error);
    if (rc == 0)
        rc = write_ahead(&st);
    if (rc == 0)
        rc = link_orphans(&st);
    free(st.orphans);
    while (st.ahead_count) /* after a failure: nothing more is written */
        drop_oldest(&st);
    work_pool_stop(st.pool);
    arena_free(&st.arena);
    free((char *)st.base_url);
    if (rc == 0 && store_commit(s) != STORE_OK) {
        buf_printf(error, "%s: commit: %s", path, store_error(s));
        rc = -1;
    }
    if (rc != 0) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

void wxr_import_print_summary(const struct wxr_import_summary *sum, FILE *out)
{
    fprintf(out, "posts: %ld new, %ld already present\n", sum->posts_new, sum->posts_present);
    fprintf(out, "pages: %ld new, %ld already present\n", sum->pages_new, sum->pages_present);
    fprintf(out,
            "comments: %ld new (approved %ld, pending %ld, spam %ld, trash %ld), "
            "%ld already present\n",
            sum->comments_new, sum->comments_by_status[0], sum->comments_by_status[1],
            sum->comments_by_status[2], sum->comments_by_status[3], sum->comments_present);
    fprintf(out, "pingbacks: %ld new, %ld already present\n", sum->pingbacks_new,
            sum->pingbacks_present);
    fprintf(out, "authors: %ld new, categories: %ld new, tags: %ld new\n", sum->authors_new,
            sum->categories_new, sum->tags_new);
    fprintf(out, "skipped: %ld\n%s", sum->skipped, buf_cstr((buf *)&sum->skipped_lines));
    if (sum->site_url.len)
        fprintf(out, "site.url: set to %s (the export's address; change it with gazette set)\n",
                buf_cstr((buf *)&sum->site_url));
    if (sum->warnings)
        fprintf(out, "warnings: %ld\n%s", sum->warnings, buf_cstr((buf *)&sum->warning_lines));
}
