/* wxr_import.c: maps what the WXR reader streams (authors, terms, items, comments) to the store. */
#include "import/wxr_import.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "import/wxr_media.h"
#include "import/wxr_reader.h"
#include "model/comment.h"
#include "model/post.h"
#include "model/settings.h"
#include "model/user.h"
#include "markup/autop.h"
#include "markup/entities.h"
#include "markup/sanitize.h"
#include "markup/text.h"
#include "markup/wp_content.h"
#include "util/alloc.h"
#include "util/slug.h"
#include "util/work_pool.h"

/* What an item's import computes before it writes: the HTML of the post and of every comment,
 * sanitized, and the post's plain text. That is most of an import's CPU, and each part is
 * independent, so a work pool does it on every core; the store is written on one thread. */
struct item_prep {
    const struct wxr_item *item;
    const char *base_url;          /* the old site's address: links to it become paths, or NULL */
    const struct wxr_media *media; /* the old uploads: their URLs become this site's */
    bool post;                /* the post's parts are made (job 0); the other jobs are comments */
    buf body_html, body_text; /* the post's */
    buf excerpt;              /* plain text, trailing newlines removed */
    buf *comment_html;        /* [item->comment_count] */
    struct wp_report content; /* what the post's content pass could not render */
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

/* A category or tag of the export, by its WordPress term ID: menu items name terms so. */
struct term_ref {
    long wp_id;   /* wp:term_id */
    long long id; /* the term here */
};

/* A nav_menu_item, kept until every item is written: menus point at posts and pages that may
 * come later in the file. Strings live in import_state.keep. */
struct nav_item {
    long wp_id, parent_wp_id; /* the item and its parent item (_menu_item_menu_item_parent) */
    long position;            /* wp:menu_order: the order within its menu */
    const char *menu;         /* the nav_menu term's slug */
    const char *title;        /* decoded; "" takes the title of what it points at */
    const char *type;         /* _menu_item_type: post_type, taxonomy, custom, … */
    const char *object;       /* _menu_item_object: page, post, category, post_tag, custom */
    long object_id;           /* _menu_item_object_id */
    const char *url;          /* _menu_item_url (custom links) */
    int line;                 /* of its <item> */
};

/* What was left out, by kind, for the summary. */
struct left_out {
    const char *kind, *why; /* in import_state.keep */
    long count;
};
#define LEFT_OUT_KINDS 64 /* more distinct kinds than this are counted under the last */

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
    arena keep;                       /* for the whole import: term refs, nav items, kinds */
    struct term_ref *terms;           /* categories and tags by WordPress ID (in keep) */
    size_t term_count, term_capacity; /* entries and room in terms */
    struct nav_item *nav;             /* the menus' items (in keep) */
    size_t nav_count, nav_capacity;   /* entries and room in nav */
    struct left_out left_out[LEFT_OUT_KINDS]; /* what was not imported, by kind */
    size_t left_out_count;                    /* kinds in left_out */
    long long newest_at;    /* publication time of the newest post with both dates (0: none) */
    long long site_offset;  /* seconds: that post's local offset; else the site's setting */
    struct wxr_media media; /* attachments: the uploads' addresses, featured images */
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

/* Counts one thing left out under `kind` (the summary lists the kinds, each with its count
 * and `why`); `kind` and `why` are copied. */
static void left_out(struct import_state *st, const char *kind, const char *why)
{
    size_t i = 0;
    while (i < st->left_out_count && strcmp(st->left_out[i].kind, kind) != 0)
        i++;
    if (i == st->left_out_count) {
        if (i == LEFT_OUT_KINDS) {
            i = LEFT_OUT_KINDS - 1;
            st->left_out[i].kind = "other kinds";
            st->left_out[i].why = "more kinds than the summary lists";
        } else {
            st->left_out[i] = (struct left_out){.kind = arena_strdup(&st->keep, kind),
                                                .why = arena_strdup(&st->keep, why)};
            st->left_out_count++;
        }
    }
    st->left_out[i].count++;
}

/* An item, comment or term not imported: counted by kind, and its line listed. */
static void skip(struct import_state *st, int line, const char *kind, const char *why,
                 const char *reason)
{
    st->summary->skipped++;
    buf_printf(&st->summary->skipped_lines, "  %d: %s\n", line, reason);
    left_out(st, kind, why);
}

/* Grows an array of `size`-byte entries in `a` to hold one more; returns it. */
static void *grow(arena *a, void *items, size_t count, size_t *capacity, size_t size)
{
    if (count < *capacity)
        return items;
    size_t more = *capacity ? *capacity * 2 : 32;
    void *bigger = arena_alloc(a, more * size);
    if (count)
        memcpy(bigger, items, count * size);
    *capacity = more;
    return bigger;
}

/* `text` with its HTML character references decoded once: WordPress stores term names,
 * display names, comment authors and the site's name escaped (sanitize_term_field,
 * sanitize_option), and pages escape what they show, so "&amp;" would show as "&amp;". */
static const char *decoded(arena *a, const char *text)
{
    if (!strchr(text, '&'))
        return text;
    buf out = {0};
    markup_decode_entities(text, strlen(text), &out);
    return arena_take_buf(a, &out);
}

/* Whether `tag` looks like a BCP 47 language tag (what <html lang> and feeds accept). */
static bool language_tag(const char *tag)
{
    size_t n = strlen(tag);
    if (n < 2 || n > 35 || !isalpha((unsigned char)tag[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)tag[i]) && tag[i] != '-')
            return false;
    return true;
}

/* Whether the quote at html[at] opens the value of an href attribute (href = "…"). */
static bool opens_href(const char *html, size_t at)
{
    size_t i = at;
    while (i > 0 && (html[i - 1] == ' ' || html[i - 1] == '\t' || html[i - 1] == '\n'))
        i--;
    if (i == 0 || html[--i] != '=')
        return false;
    while (i > 0 && (html[i - 1] == ' ' || html[i - 1] == '\t' || html[i - 1] == '\n'))
        i--;
    return i >= 4 && strncasecmp(html + i - 4, "href", 4) == 0 &&
           (i == 4 || (!isalnum((unsigned char)html[i - 5]) && html[i - 5] != '-'));
}

/* Links into the old site (`base`, its scheme either http or https) in `html` become paths of
 * this one: href="https://old.example/2019/01/x/" -> href="/2019/01/x/", so they lead to the
 * imported posts at whatever address the site has now. Only quoted href values that start with
 * the address change: images (src) keep the old address until media is imported. */
static void relative_links(const char *html, const char *base, buf *out)
{
    const char *host = base ? strstr(base, "://") : NULL;
    if (!host || !host[3]) {
        buf_puts(out, html);
        return;
    }
    host += 3;
    size_t host_len = strlen(host);
    while (host_len && host[host_len - 1] == '/')
        host_len--;
    const char *p = html;
    while (*p) {
        const char *q = p;
        while (*q && *q != '"' && *q != '\'')
            q++;
        buf_append(out, p, (size_t)(q - p));
        if (!*q)
            break;
        buf_putc(out, *q);
        p = q + 1;
        if (!opens_href(html, (size_t)(q - html)))
            continue;
        size_t scheme = strncmp(p, "https://", 8) == 0 ? 8 : strncmp(p, "http://", 7) == 0 ? 7 : 0;
        if (scheme && host_len && strncmp(p + scheme, host, host_len) == 0 &&
            (p[scheme + host_len] == '/' || p[scheme + host_len] == *q)) {
            p += scheme + host_len;
            if (*p == *q)
                buf_putc(out, '/');
        }
    }
}

/* A menu's custom link as a path when it points into the old site; else as it was. */
static const char *relative_url(arena *a, const char *url, const char *base)
{
    buf quoted = {0}, out = {0};
    buf_printf(&quoted, "href=\"%s\"", url);
    relative_links(buf_cstr(&quoted), base, &out);
    buf_free(&quoted);
    const char *made = arena_strndup(a, out.ptr + 6, out.len - 7);
    buf_free(&out);
    return made;
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
    /* links to the old address made paths of this site, then WordPress's the_content (blocks,
     * embeds, wpautop, shortcodes), then the allow-list */
    buf content = {0};
    relative_links(item->content, prep->base_url, &content);
    struct wp_content_options options = {.autop = true};
    for (size_t i = 0; i < item->meta_count; i++)
        if (strcmp(item->meta[i].key, "footnotes") == 0)
            options.footnotes_json = item->meta[i].value;
    buf rendered = {0}, local = {0};
    markup_wp_content(buf_cstr(&content), content.len, &options, &rendered, &prep->content);
    /* images and files at the old uploads' addresses: this site's copies */
    wxr_media_rewrite_content(prep->media, buf_cstr(&rendered), rendered.len, &local);
    markup_sanitize_html(buf_cstr(&local), local.len, SANITIZE_ARTICLE, &prep->body_html);
    buf_free(&rendered);
    buf_free(&local);
    buf_free(&content);
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
    *prep = (struct item_prep){
        .item = item, .post = post, .base_url = st->base_url, .media = &st->media};
    prep->comment_html = xcalloc(item->comment_count ? item->comment_count : 1, sizeof(buf));
    return work_pool_submit(st->pool, item->comment_count + (post ? 1 : 0), prepare_job, prep);
}

static void prep_free(struct item_prep *prep)
{
    buf_free(&prep->body_html);
    buf_free(&prep->body_text);
    buf_free(&prep->excerpt);
    wp_report_free(&prep->content);
    if (prep->comment_html)
        for (size_t i = 0; i < prep->item->comment_count; i++)
            buf_free(&prep->comment_html[i]);
    free(prep->comment_html);
}

static int write_ahead(struct import_state *st);

/* Whether the store has a value of `key` (one set by a person or an earlier import): an
 * import fills only what is still unset. Returns 1, 0, or -1 on a store error (message set). */
static int setting_stored(struct import_state *st, enum setting_key key)
{
    const char *value;
    int rc = store_setting_get(st->store, &st->arena, settings_table[key].key, &value);
    if (rc == STORE_ERROR) {
        buf_printf(st->error, "%s: reading %s: %s", st->path, settings_table[key].key,
                   store_error(st->store));
        return -1;
    }
    return rc == STORE_OK;
}

/* Sets `key` to `value` from the export when the store has none; a value the setting refuses
 * is a warning. Returns 0, or -1 on a store error. */
static int take_setting(struct import_state *st, enum setting_key key, const char *value)
{
    if (!*value)
        return 0;
    int stored = setting_stored(st, key);
    if (stored != 0)
        return stored < 0 ? -1 : 0;
    buf error = {0};
    int rc = settings_set(st->store, key, value, &error);
    if (rc == 0)
        buf_printf(&st->summary->identity_lines, "  %s: %s\n", settings_table[key].key, value);
    else if (rc == -2)
        warn(st, 0,
             arena_printf(&st->arena, "the export's value was not taken as %s: %s",
                          settings_table[key].key, buf_cstr(&error)));
    buf_free(&error);
    if (rc == -1) {
        buf_printf(st->error, "%s: setting %s: %s", st->path, settings_table[key].key,
                   store_error(st->store));
        return -1;
    }
    return 0;
}

/* The channel: the site's name, tagline and language, when the store has none yet (decoded:
 * WordPress keeps blogname and blogdescription escaped). The export's address becomes
 * site.url when that is unset: the imported site keeps its address, and absolute links never
 * come from a request's Host header. Links in posts and menus to the old address become paths
 * (relative_links), so they work at whatever address the site has now. */
static int on_site(void *context, const struct wxr_site *site)
{
    struct import_state *st = context;
    st->base_url = xstrdup(*site->base_blog_url ? site->base_blog_url : site->link);
    st->site_offset = settings_get_int(st->store, &st->arena, SETTING_SITE_UTC_OFFSET) * 60;
    if (take_setting(st, SETTING_SITE_TITLE, decoded(&st->arena, site->title)) != 0 ||
        take_setting(st, SETTING_SITE_DESCRIPTION, decoded(&st->arena, site->description)) != 0)
        return -1;
    if (*site->language && !language_tag(site->language))
        warn(st, 0,
             arena_printf(&st->arena, "the export's <language> \"%s\" is not a language tag",
                          site->language));
    else if (take_setting(st, SETTING_SITE_LANGUAGE, site->language) != 0)
        return -1;
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

/* `wp_id` when no user or term of the store has it yet (a second site's export may reuse
 * it), else 0: the first import keeps /?author=ID and /?cat=ID. */
static int free_wp_id(struct import_state *st, const char *taxonomy, long wp_id, long long *out)
{
    *out = 0;
    if (wp_id <= 0)
        return STORE_OK;
    int rc;
    if (taxonomy) {
        struct store_term term;
        rc = store_term_find_wp_id(st->store, &st->arena, taxonomy, wp_id, &term);
        if (rc == STORE_NOT_FOUND) /* the column is unique across taxonomies, as in WordPress */
            rc = store_term_find_wp_id(st->store, &st->arena,
                                       strcmp(taxonomy, "category") == 0 ? "post_tag" : "category",
                                       wp_id, &term);
    } else {
        struct store_user user;
        rc = store_user_find_wp_id(st->store, &st->arena, wp_id, &user);
    }
    if (rc == STORE_NOT_FOUND)
        *out = wp_id;
    return rc == STORE_NOT_FOUND ? STORE_OK : rc;
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
    if (rc == STORE_OK && strcmp(user.display_name, author->display_name) == 0 &&
        strcmp(user.display_name, decoded(&st->arena, author->display_name)) != 0) {
        /* an earlier import stored the name still escaped ("Ann &amp; Bob"): mend it */
        user.display_name = decoded(&st->arena, author->display_name);
        if (store_user_update(st->store, &user) != STORE_OK)
            return store_failed(st, author->line, "storing author");
        return 0;
    }
    if (rc == STORE_OK || !*author->login)
        return 0;
    /* Imported authors cannot log in until an admin gives them a password. */
    user = (struct store_user){.login = author->login,
                               .display_name = *author->display_name
                                                   ? decoded(&st->arena, author->display_name)
                                                   : author->login,
                               .email = author->email,
                               .role = USER_AUTHOR,
                               .disabled = true};
    if (free_wp_id(st, NULL, author->wp_id, &user.wp_id) != STORE_OK)
        return store_failed(st, author->line, "reading user");
    /* the export does not carry user_nicename: made from the login as WordPress makes it */
    if (user_unique_nicename(st->store, &st->arena, author->login, &user.nicename) != STORE_OK ||
        store_user_insert(st->store, &user, NULL) != STORE_OK)
        return store_failed(st, author->line, "storing author");
    st->summary->authors_new++;
    return 0;
}

/* Remembers that WordPress term `wp_id` is term `id` here (menu items name terms by it). */
static void remember_term(struct import_state *st, long wp_id, long long id)
{
    if (!wp_id)
        return;
    st->terms = grow(&st->keep, st->terms, st->term_count, &st->term_capacity, sizeof(*st->terms));
    st->terms[st->term_count++] = (struct term_ref){.wp_id = wp_id, .id = id};
}

static int on_term(void *context, const struct wxr_term *term)
{
    struct import_state *st = context;
    if (write_ahead(st) != 0)
        return -1;
    const char *taxonomy = term->taxonomy;
    if (strcmp(taxonomy, "nav_menu") == 0 || strcmp(taxonomy, "post_format") == 0)
        return 0; /* menus come with their items, formats with their posts */
    if (strcmp(taxonomy, "category") != 0 && strcmp(taxonomy, "post_tag") != 0) {
        left_out(st, arena_printf(&st->arena, "term of taxonomy '%s'", taxonomy),
                 "only categories and tags are kept");
        return 0;
    }
    if (!*term->slug) {
        skip(st, term->line, "term without a slug", "it could have no archive",
             "a term without a slug");
        return 0;
    }
    const char *name = decoded(&st->arena, *term->name ? term->name : term->slug);
    const char *slug = checked_slug(st, term->line, "term", term->slug, name);
    const char *parent_slug = term->parent_slug;
    if (*parent_slug && post_slug_problem(parent_slug)) {
        warn(st, term->line,
             arena_printf(&st->arena, "the parent term's slug was not used (%s): no parent",
                          post_slug_problem(parent_slug)));
        parent_slug = "";
    }
    parent_slug = slug_canonical(&st->arena, parent_slug);
    /* A parent may come after its children: the first child makes it (named by its slug), and
     * its own record, when it comes, gives it its name, description and parent. So categories
     * nest at any depth whatever the file's order. */
    long long parent_id = 0;
    if (*parent_slug) {
        struct store_term parent;
        int found = store_term_find(st->store, &st->arena, taxonomy, parent_slug, &parent);
        if (found == STORE_ERROR || post_term_ensure(st->store, &st->arena, taxonomy, parent_slug,
                                                     parent_slug, 0, &parent_id) != STORE_OK)
            return store_failed(st, term->line, "storing parent term");
        if (found == STORE_NOT_FOUND && strcmp(taxonomy, "category") == 0)
            st->summary->categories_new++;
        else if (found == STORE_NOT_FOUND)
            st->summary->tags_new++;
    }
    struct store_term existing;
    int rc = store_term_find(st->store, &st->arena, taxonomy, slug, &existing);
    if (rc == STORE_ERROR)
        return store_failed(st, term->line, "reading term");
    if (rc == STORE_OK) {
        remember_term(st, term->wp_id, existing.id);
        bool placeholder = strcmp(existing.name, existing.slug) == 0 && !existing.parent_id &&
                           !*existing.description;
        /* an earlier import stored the name still escaped ("Tech &amp; Science"): mend it, and
         * leave a name a person changed since */
        if (!placeholder && strcmp(existing.name, term->name) == 0 &&
            strcmp(existing.name, name) != 0) {
            existing.name = name;
            if (store_term_update(st->store, &existing) != STORE_OK)
                return store_failed(st, term->line, "storing term");
            return 0;
        }
        if (!placeholder || parent_id == existing.id)
            return 0;
        existing.name = name;
        existing.description = decoded(&st->arena, term->description);
        existing.parent_id = parent_id;
        /* made as a child's parent before its own record: it gets its WordPress ID (?cat=) now */
        if (!existing.wp_id && free_wp_id(st, taxonomy, term->wp_id, &existing.wp_id) != STORE_OK)
            return store_failed(st, term->line, "reading term");
        if (store_term_update(st->store, &existing) != STORE_OK)
            return store_failed(st, term->line, "storing term");
        return 0;
    }
    struct store_term t = {.taxonomy = taxonomy,
                           .slug = slug,
                           .name = name,
                           .description = decoded(&st->arena, term->description),
                           .parent_id = parent_id};
    if (free_wp_id(st, taxonomy, term->wp_id, &t.wp_id) != STORE_OK)
        return store_failed(st, term->line, "reading term");
    long long id;
    if (store_term_insert(st->store, &t, &id) != STORE_OK)
        return store_failed(st, term->line, "storing term");
    remember_term(st, term->wp_id, id);
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

/* A <link> without the site's address (or any other host's): "/2019/01/x/", "?p=12", "". */
static const char *link_path(const struct import_state *st, const char *link)
{
    size_t base = st->base_url ? strlen(st->base_url) : 0;
    if (base && strncmp(link, st->base_url, base) == 0)
        link += base;
    else if (strstr(link, "://")) {
        link = strchr(strstr(link, "://") + 3, '/');
        if (!link)
            link = "";
    }
    return link;
}

/* The permalink path of an item: its <link> without the site's address, when that is a path
 * (not "?p=…" as drafts have); else made_path's. */
static const char *item_path(struct import_state *st, const struct wxr_item *item,
                             const struct store_post *post)
{
    const char *link = link_path(st, item->link);
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

/* The page of an attachment: its <link>'s path in canonical form, as a post's; "" when it
 * has none (?attachment_id=N), when the path could not be one, or when a post has it (the
 * post keeps its address); NULL on a store error (message set). */
static const char *attachment_page_path(struct import_state *st, const struct wxr_item *item)
{
    const char *link = link_path(st, item->link);
    size_t n = strlen(link);
    if (*link != '/' || strchr(link, '?') || strchr(link, '#') || n < 2)
        return "";
    const char *path =
        link[n - 1] == '/' ? arena_strdup(&st->arena, link) : arena_printf(&st->arena, "%s/", link);
    path = post_path_single_slashes(&st->arena, path);
    const char *problem = post_path_problem(path);
    if (problem) {
        warn(st, item->line,
             arena_printf(&st->arena, "the attachment page's path was not kept (%s)", problem));
        return "";
    }
    path = slug_canonical(&st->arena, path);
    struct store_post clash;
    int rc = store_post_find_path(st->store, &st->arena, path, &clash);
    if (rc == STORE_ERROR) {
        store_failed(st, item->line, "reading post");
        return NULL;
    }
    if (rc == STORE_OK) {
        warn(st, item->line,
             arena_printf(&st->arena, "the attachment page %s is post %lld's; it has no page", path,
                          clash.id));
        return "";
    }
    return path;
}

/* An attachment: a media record without its file (wxr_media.h). */
static int import_attachment(struct import_state *st, const struct wxr_item *item)
{
    const char *page = attachment_page_path(st, item);
    if (!page)
        return -1;
    struct store_user author;
    int rc = store_user_find_login(st->store, &st->arena, item->creator, &author);
    if (rc == STORE_ERROR)
        return store_failed(st, item->line, "reading author");
    long long created = parse_wp_date(item->post_date_gmt);
    if (!created && parse_wp_date(item->post_date))
        created = parse_wp_date(item->post_date) - st->site_offset;
    if (!created)
        created = (long long)time(NULL);
    struct wxr_attachment attachment = {
        .page_path = page, .author_id = rc == STORE_OK ? author.id : 0, .created_at = created};
    enum wxr_media_outcome outcome;
    const char *why;
    if (wxr_media_add(&st->media, st->store, &st->arena, item, &attachment, &outcome, &why) !=
        STORE_OK)
        return store_failed(st, item->line, "storing media");
    if (outcome == WXR_MEDIA_SKIPPED)
        skip(st, item->line, "attachment",
             "no usable path under uploads, or another media has that file", why);
    else if (why)
        warn(st, item->line, why);
    return 0;
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

/* <wp:comment_approved>, as the file has it ("post-trashed": trash, and see
 * trashed_comment_status) */
static enum comment_status comment_status_of(const char *approved)
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

/* The status a post-trashed comment goes back to when its post is restored: WordPress keeps
 * it in the post's _wp_trash_meta_comments_status, a PHP-serialized array such as
 * a:2:{i:5;s:1:"1";i:6;s:1:"0";} (comment ID to comment_approved). Pending when it is not
 * there: a comment nobody approved here is not shown. */
static enum comment_status trashed_comment_status(const struct wxr_item *item, long comment_id)
{
    for (size_t i = 0; i < item->meta_count; i++) {
        if (strcmp(item->meta[i].key, "_wp_trash_meta_comments_status") != 0)
            continue;
        char key[32];
        snprintf(key, sizeof(key), "i:%ld;s:", comment_id);
        const char *at = item->meta[i].value;
        while ((at = strstr(at, key)) != NULL) {
            /* the key must start an entry: after '{' or after the previous value's ';' */
            if (at > item->meta[i].value && (at[-1] == '{' || at[-1] == ';')) {
                /* s:LENGTH:"VALUE"; */
                char *end;
                long length = strtol(at + strlen(key), &end, 10);
                if (length > 0 && length < 16 && end[0] == ':' && end[1] == '"' &&
                    strnlen(end + 2, (size_t)length) == (size_t)length) {
                    char value[16];
                    memcpy(value, end + 2, (size_t)length);
                    value[length] = '\0';
                    enum comment_status status = comment_status_of(value);
                    return status == COMMENT_STATUS_TRASH ? COMMENT_STATUS_PENDING : status;
                }
            }
            at++;
        }
    }
    return COMMENT_STATUS_PENDING;
}

static int import_comment(struct import_state *st, long long post_id, const struct wxr_item *item,
                          const struct wxr_comment *wc, buf *html, long long parent_id)
{
    enum comment_type type = COMMENT_TYPE_COMMENT;
    if (*wc->type && !comment_type_parse(wc->type, &type)) {
        skip(st, wc->line, arena_printf(&st->arena, "comment of type '%s'", wc->type),
             "only comments, pingbacks and trackbacks are kept",
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
        .author = decoded(&st->arena, wc->author),
        .email = wc->author_email,
        .url = markup_url_is_safe(wc->author_url, strlen(wc->author_url)) ? wc->author_url : "",
        .ip = wc->author_ip,
        .body_html = buf_cstr(html),
        .status = comment_status_of(wc->approved),
        .type = type,
        .created_at =
            parse_wp_date(*wc->date_gmt && parse_wp_date(wc->date_gmt) ? wc->date_gmt : wc->date),
    };
    long long id;
    if (comment_insert_placed(st->store, &st->arena, &c, &id) != STORE_OK)
        return store_failed(st, wc->line, "storing comment");
    if (strcmp(wc->approved, "post-trashed") == 0) {
        /* hidden now, back with its post when the post is restored (post_set_trashed) */
        if (store_comment_set_trashed_with_post(
                st->store, id, trashed_comment_status(item, wc->wp_id)) != STORE_OK)
            return store_failed(st, wc->line, "storing comment");
        st->summary->comments_trashed_with_post++;
    }
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
            if (import_comment(st, post_id, item, wc, &prep->comment_html[i], parent_id) != 0)
                return -1;
            done[i] = 1, remaining--, progress++;
        }
        if (!progress) {
            /* a cycle of parents: import the rest as top-level comments */
            for (size_t i = 0; i < n; i++)
                if (!done[i]) {
                    if (import_comment(st, post_id, item, &item->comments[i],
                                       &prep->comment_html[i], 0) != 0)
                        return -1;
                    done[i] = 1, remaining--;
                }
        }
    }
    return 0;
}

/* The value of the item's postmeta `key`, or "". */
static const char *meta_value(const struct wxr_item *item, const char *key)
{
    for (size_t i = 0; i < item->meta_count; i++)
        if (strcmp(item->meta[i].key, key) == 0)
            return item->meta[i].value;
    return "";
}

/* A nav_menu_item: kept until the end of the file (nav_write), when what it points at has
 * been written. */
static void keep_nav_item(struct import_state *st, const struct wxr_item *item)
{
    const char *menu = NULL;
    for (size_t i = 0; i < item->term_count && !menu; i++)
        if (strcmp(item->terms[i].domain, "nav_menu") == 0 && *item->terms[i].nicename)
            menu = item->terms[i].nicename;
    if (!menu) {
        skip(st, item->line, "menu item in no menu", "it has no nav_menu term",
             arena_printf(&st->arena, "menu item %ld is in no menu", item->wp_id));
        return;
    }
    arena *k = &st->keep;
    st->nav = grow(k, st->nav, st->nav_count, &st->nav_capacity, sizeof(*st->nav));
    st->nav[st->nav_count++] = (struct nav_item){
        .wp_id = item->wp_id,
        .parent_wp_id = strtol(meta_value(item, "_menu_item_menu_item_parent"), NULL, 10),
        .position = item->menu_order,
        .menu = arena_strdup(k, menu),
        .title = arena_strdup(k, decoded(&st->arena, item->title)),
        .type = arena_strdup(k, meta_value(item, "_menu_item_type")),
        .object = arena_strdup(k, meta_value(item, "_menu_item_object")),
        .object_id = strtol(meta_value(item, "_menu_item_object_id"), NULL, 10),
        .url = arena_strdup(k, meta_value(item, "_menu_item_url")),
        .line = item->line,
    };
}

/* The post format of an item: its post_format term ("post-format-aside" -> "aside"). */
static const char *item_format(const struct wxr_item *item)
{
    for (size_t i = 0; i < item->term_count; i++)
        if (strcmp(item->terms[i].domain, "post_format") == 0 &&
            strncmp(item->terms[i].nicename, "post-format-", 12) == 0 &&
            !post_slug_problem(item->terms[i].nicename + 12))
            return item->terms[i].nicename + 12;
    return "";
}

#define CUSTOM_FIELD_MAX_BYTES 65536 /* a larger value is left out, with a warning */

/* The item's custom fields: postmeta whose key does not start with "_" (WordPress hides those
 * from the Custom Fields box: they are its own or a plugin's). */
static int import_custom_fields(struct import_state *st, long long post_id,
                                const struct wxr_item *item)
{
    for (size_t i = 0; i < item->meta_count; i++) {
        const struct wxr_postmeta *m = &item->meta[i];
        if (!*m->key || m->key[0] == '_')
            continue;
        if (strlen(m->value) > CUSTOM_FIELD_MAX_BYTES || strlen(m->key) > 255) {
            warn(st, item->line,
                 arena_printf(&st->arena, "custom field '%.40s' left out: longer than %d bytes",
                              m->key, CUSTOM_FIELD_MAX_BYTES));
            continue;
        }
        const char *value = m->value;
        if (strcmp(m->key, "enclosure") == 0) {
            /* "URL\nLENGTH\nTYPE\n" (WordPress's podcast enclosures): a file of the old
             * uploads is this site's copy */
            size_t url_len = strcspn(value, "\r\n");
            const char *local = wxr_media_local_url(&st->media, &st->arena,
                                                    arena_strndup(&st->arena, value, url_len));
            if (local)
                value = arena_printf(&st->arena, "%s%s", local, value + url_len);
        }
        if (store_custom_field_add(st->store, post_id, m->key, value) != STORE_OK)
            return store_failed(st, item->line, "storing custom field");
        st->summary->custom_fields_new++;
    }
    return 0;
}

/* Why an item of another post type is not imported: WordPress's own types say what they
 * were; a plugin's type only that it is not a post or page. */
static const char *other_type_why(const char *post_type)
{
    static const struct {
        const char *type, *why;
    } known[] = {
        {"wp_navigation", "a block theme's navigation: the header shows site.menu or the pages"},
        {"wp_block", "a reusable block: its content is not placed in posts yet"},
        {"wp_template", "a block theme's template: gazette has its own theme"},
        {"wp_template_part", "a block theme's template part: gazette has its own theme"},
        {"wp_global_styles", "a block theme's styles: gazette has its own theme"},
        {"custom_css", "the Customizer's CSS: gazette has its own theme"},
        {"revision", "an old revision: only the current text is imported"},
        {"customize_changeset", "unsaved Customizer changes"},
        {"oembed_cache", "WordPress's cache of embeds"},
        {"user_request", "a privacy request of WordPress's"},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(known[i].type, post_type) == 0)
            return known[i].why;
    return "only posts and pages are kept (a plugin's post type?)";
}

#define MAX_UTC_OFFSET (14 * 3600) /* the farthest time zones from UTC */

static int import_item(struct import_state *st, const struct wxr_item *item, struct item_prep *prep)
{
    struct wxr_import_summary *sum = st->summary;
    /* <wp:post_type> and <wp:status>, parsed here once */
    enum post_type type = POST_TYPE_ANY;
    enum post_status status = POST_STATUS_ANY;
    post_type_parse(item->post_type, &type);
    bool is_page = type == POST_TYPE_PAGE;
    if (strcmp(item->post_type, "nav_menu_item") == 0) {
        keep_nav_item(st, item);
        return 0;
    }
    if (strcmp(item->post_type, "attachment") == 0)
        return import_attachment(st, item);
    if (!is_page && type != POST_TYPE_POST) {
        skip(st, item->line, arena_printf(&st->arena, "item of post type '%s'", item->post_type),
             other_type_why(item->post_type),
             arena_printf(&st->arena, "item %ld: post type '%s' is not imported", item->wp_id,
                          item->post_type));
        return 0;
    }
    if (!post_status_parse(item->status, &status)) {
        skip(st, item->line, arena_printf(&st->arena, "item with status '%s'", item->status),
             "not a status gazette has",
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
        wxr_media_note_featured(&st->media, post.id, item);
        return import_comments(st, post.id, item, prep);
    }
    bool taken = false;
    if (item->wp_id > 0 && store_post_id_taken(st->store, item->wp_id, &taken) != STORE_OK)
        return store_failed(st, item->line, "reading post");
    /* The local time (post_date) less UTC (post_date_gmt) is the site's offset when the post
     * was written: DST changes it, so each post keeps its own, as WordPress keeps post_date.
     * A draft has no UTC date ("0000-00-00 00:00:00"): its local date is in the site's zone. */
    long long local = parse_wp_date(item->post_date),
              published = parse_wp_date(item->post_date_gmt);
    long long offset = st->site_offset;
    if (local && published && local - published >= -MAX_UTC_OFFSET &&
        local - published <= MAX_UTC_OFFSET) {
        offset = (local - published) / 60 * 60;
        if (published >= st->newest_at) {
            st->newest_at = published;
            st->site_offset = offset;
        }
    } else if (!published && local)
        published = local - offset;
    if (!published) {
        published = (long long)time(NULL);
        offset = 0;
    }
    long long modified = parse_wp_date(item->post_modified_gmt);
    if (!modified && parse_wp_date(item->post_modified))
        modified = parse_wp_date(item->post_modified) - offset;
    if (modified < published)
        modified = published;
    if (!prep->post) {
        /* it was in the store when read ahead, so cannot be missing now; made here anyway */
        prep->post = true;
        prep->base_url = st->base_url;
        prep->media = &st->media;
        prepare_post(prep);
    }
    /* WordPress shows a title as HTML, so "&amp;" in it reads "&": pages escape it once more */
    const char *title = decoded(&st->arena, item->title);
    post = (struct store_post){
        .id = item->wp_id > 0 && !taken ? item->wp_id : 0,
        .wp_id = item->wp_id,
        .type = type,
        .status = status,
        .slug = *item->post_name
                    ? checked_slug(st, item->line, "<wp:post_name>", item->post_name, title)
                    : post_slugify(&st->arena, title),
        .title = title,
        .excerpt = buf_cstr(&prep->excerpt),
        .body_html = buf_cstr(&prep->body_html),
        .body_text = buf_cstr(&prep->body_text),
        .password = item->post_password,
        .guid = item->guid,
        .published_at = published,
        .modified_at = modified,
        .comments_open = strcmp(item->comment_status, "open") == 0,
        .sticky = item->sticky,
        .utc_offset = offset,
        .format = type == POST_TYPE_POST ? item_format(item) : "",
        .menu_order = item->menu_order,
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
    wp_report_merge(&sum->content, &prep->content);
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
        const char *name = decoded(&st->arena, t->name);
        const char *slug = *t->nicename ? checked_slug(st, item->line, "term", t->nicename, name)
                                        : post_slugify(&st->arena, name);
        if (post_term_ensure(st->store, &st->arena, t->domain, slug, name, 0, &term_id) !=
                STORE_OK ||
            store_post_term_add(st->store, id, term_id) != STORE_OK)
            return store_failed(st, item->line, "linking term");
    }
    if (import_custom_fields(st, id, item) != 0)
        return -1;
    wxr_media_note_featured(&st->media, id, item);
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

/* The term here of WordPress term `wp_id` (0 when the export had none such). */
static long long term_of(const struct import_state *st, long wp_id)
{
    for (size_t i = 0; i < st->term_count; i++)
        if (st->terms[i].wp_id == wp_id)
            return st->terms[i].id;
    return 0;
}

/* What nav item `n` points at, into `item`; false (with the reason counted) when it points
 * nowhere this site has. */
static int nav_target(struct import_state *st, const struct nav_item *n,
                      struct store_menu_item *item, bool *found)
{
    *found = false;
    if (strcmp(n->type, "post_type") == 0) {
        struct store_post post;
        int rc = n->object_id ? store_post_find_wp_id(st->store, &st->arena, n->object_id, &post)
                              : STORE_NOT_FOUND;
        if (rc == STORE_ERROR)
            return store_failed(st, n->line, "reading post");
        if (rc == STORE_NOT_FOUND) {
            skip(st, n->line, "menu item pointing nowhere",
                 "what it links to is not in the export or was not imported",
                 arena_printf(&st->arena, "menu item %ld: %s %ld is not here", n->wp_id, n->object,
                              n->object_id));
            return 0;
        }
        item->post_id = post.id;
    } else if (strcmp(n->type, "taxonomy") == 0) {
        item->term_id = term_of(st, n->object_id);
        if (!item->term_id) {
            skip(st, n->line, "menu item pointing nowhere",
                 "what it links to is not in the export or was not imported",
                 arena_printf(&st->arena, "menu item %ld: %s %ld is not here", n->wp_id, n->object,
                              n->object_id));
            return 0;
        }
    } else if (strcmp(n->type, "custom") == 0) {
        if (!*n->url || !*n->title) {
            skip(st, n->line, "menu item without a link or title",
                 "a custom link needs both to be shown",
                 arena_printf(&st->arena, "menu item %ld has no URL or title", n->wp_id));
            return 0;
        }
        item->url = relative_url(&st->arena, n->url, st->base_url);
    } else {
        skip(st, n->line, arena_printf(&st->arena, "menu item of type '%s'", n->type),
             "only links to posts, pages, categories, tags and URLs are kept",
             arena_printf(&st->arena, "menu item %ld: type '%s' is not imported", n->wp_id,
                          n->type));
        return 0;
    }
    *found = true;
    return 0;
}

static int nav_position_order(const void *a, const void *b)
{
    const struct nav_item *x = a, *y = b;
    int menu = strcmp(x->menu, y->menu);
    if (menu)
        return menu;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    return x->wp_id < y->wp_id ? -1 : x->wp_id > y->wp_id;
}

/* Writes the menus kept by keep_nav_item, now that everything they point at is written: each
 * menu replaces one of the same slug, each item after its parent (an item whose parent is
 * left out moves to the top level). Then site.menu names the largest menu when it is unset. */
static int nav_write(struct import_state *st)
{
    size_t n = st->nav_count;
    if (!n)
        return 0;
    qsort(st->nav, n, sizeof(*st->nav), nav_position_order);
    long long *ids = arena_alloc(&st->keep, n * sizeof(*ids)); /* 0: not written (yet) */
    char *done = arena_alloc(&st->keep, n);
    memset(ids, 0, n * sizeof(*ids));
    memset(done, 0, n);
    const char *largest = NULL;
    long largest_items = 0;
    for (size_t first = 0; first < n;) {
        size_t end = first;
        while (end < n && strcmp(st->nav[end].menu, st->nav[first].menu) == 0)
            end++;
        if (store_menu_clear(st->store, st->nav[first].menu) != STORE_OK)
            return store_failed(st, st->nav[first].line, "replacing menu");
        long written = 0;
        /* rounds: an item goes in once its parent has (or is known to be left out) */
        for (bool progress = true, last_round = false; progress || !last_round;) {
            if (!progress)
                last_round = true; /* parents in a cycle or missing: the rest go to the top */
            progress = false;
            for (size_t i = first; i < end; i++) {
                if (done[i])
                    continue;
                const struct nav_item *ni = &st->nav[i];
                long long parent = 0;
                bool parent_pending = false;
                for (size_t k = first; k < end && ni->parent_wp_id; k++)
                    if (st->nav[k].wp_id == ni->parent_wp_id && k != i) {
                        parent = ids[k];
                        parent_pending = !done[k];
                    }
                if (parent_pending && !last_round)
                    continue;
                done[i] = 1;
                progress = true;
                struct store_menu_item item = {.menu = ni->menu,
                                               .parent_id = parent,
                                               .position = ni->position,
                                               .title = ni->title};
                bool found;
                if (nav_target(st, ni, &item, &found) != 0)
                    return -1;
                if (!found)
                    continue;
                if (store_menu_item_insert(st->store, &item, &ids[i]) != STORE_OK)
                    return store_failed(st, ni->line, "storing menu item");
                written++;
                st->summary->menu_items_new++;
            }
            if (last_round)
                break;
        }
        if (written) {
            st->summary->menus_new++;
            if (written > largest_items) {
                largest = st->nav[first].menu;
                largest_items = written;
            }
        }
        first = end;
    }
    return largest ? take_setting(st, SETTING_SITE_MENU, largest) : 0;
}

/* After the last item: menus, and the time zone of the newest post. */
static int finish(struct import_state *st)
{
    if (nav_write(st) != 0)
        return -1;
    if (wxr_media_finish(&st->media, st->store, &st->arena) != STORE_OK) {
        buf_printf(st->error, "%s: linking media: %s", st->path, store_error(st->store));
        return -1;
    }
    st->summary->media_new = st->media.media_new;
    st->summary->media_present = st->media.media_present;
    st->summary->featured_set = st->media.featured_set;
    if (!st->newest_at)
        return 0;
    return take_setting(st, SETTING_SITE_UTC_OFFSET,
                        arena_printf(&st->arena, "%lld", st->site_offset / 60));
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
    /* the uploads' addresses first: posts before their attachments in the file show them */
    if (wxr_media_scan(&st.media, path, error) != 0) {
        wxr_media_free(&st.media);
        return -1;
    }
    if (store_begin_bulk(s) != STORE_OK) {
        wxr_media_free(&st.media);
        buf_printf(error, "%s: %s", path, store_error(s));
        return -1;
    }
    st.pool = work_pool_start(work_pool_helpers(3));
    int rc = import_wxr_read(path, &sink, error);
    if (rc == 0)
        rc = write_ahead(&st);
    if (rc == 0)
        rc = link_orphans(&st);
    if (rc == 0)
        rc = finish(&st);
    free(st.orphans);
    for (size_t i = 0; i < st.left_out_count; i++)
        buf_printf(&summary->not_imported_lines, "  %ld %s: %s\n", st.left_out[i].count,
                   st.left_out[i].kind, st.left_out[i].why);
    while (st.ahead_count) /* after a failure: nothing more is written */
        drop_oldest(&st);
    work_pool_stop(st.pool);
    arena_free(&st.arena);
    arena_free(&st.keep);
    wxr_media_free(&st.media);
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
    fprintf(out, "menus: %ld written, %ld items\n", sum->menus_new, sum->menu_items_new);
    fprintf(out, "custom fields: %ld new\n", sum->custom_fields_new);
    fprintf(out, "media: %ld new, %ld already present; featured images: %ld set\n", sum->media_new,
            sum->media_present, sum->featured_set);
    if (sum->comments_trashed_with_post)
        fprintf(out,
                "comments trashed with their post: %ld (hidden; back when the post is "
                "restored)\n",
                sum->comments_trashed_with_post);
    if (sum->identity_lines.len)
        fprintf(out, "site settings from the export:\n%s", buf_cstr((buf *)&sum->identity_lines));
    fprintf(out, "skipped: %ld\n%s", sum->skipped, buf_cstr((buf *)&sum->skipped_lines));
    if (sum->not_imported_lines.len)
        fprintf(out, "not imported, by kind:\n%s", buf_cstr((buf *)&sum->not_imported_lines));
    if (sum->site_url.len)
        fprintf(out, "site.url: set to %s (the export's address; change it with gazette set)\n",
                buf_cstr((buf *)&sum->site_url));
    if (sum->warnings)
        fprintf(out, "warnings: %ld\n%s", sum->warnings, buf_cstr((buf *)&sum->warning_lines));
    wp_report_print(&sum->content, out);
}

void wxr_import_summary_free(struct wxr_import_summary *summary)
{
    buf_free(&summary->skipped_lines);
    buf_free(&summary->warning_lines);
    buf_free(&summary->site_url);
    buf_free(&summary->identity_lines);
    buf_free(&summary->not_imported_lines);
    wp_report_free(&summary->content);
}
