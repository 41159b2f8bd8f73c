/* post.c: post lookup, visibility, comment status, slugs and permalinks, creating posts. */
#include "model/post.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/audit.h"
#include "model/settings.h"
#include "markup/markdown.h"
#include "markup/text.h"
#include "markup/wp_content.h"
#include "model/user.h"
#include "util/log.h"
#include "util/slug.h"

int post_resolve(store *s, arena *a, const char *reference, struct store_post *out)
{
    char *end;
    long long id = strtoll(reference, &end, 10);
    if (*reference && !*end && id > 0)
        return store_post_get(s, a, id, out);
    const char *path = reference;
    const char *scheme = strstr(reference, "://");
    if (scheme) {
        path = strchr(scheme + 3, '/');
        if (!path)
            path = "/";
    }
    if (*path == '/') {
        size_t n = strcspn(path, "?#");
        const char *clean = arena_strndup(a, path, n);
        if (n == 0 || clean[n - 1] != '/')
            clean = arena_printf(a, "%s/", clean);
        return store_post_find_path(s, a, slug_canonical(a, clean), out);
    }
    /* typed as a person reads it (raw UTF-8) or copied from an address: the stored form */
    return store_post_find_slug(s, a, slug_canonical(a, reference), out);
}

/* Whether bytes [p, p+n) are "." or "..", also as %2e / %2E. */
static bool is_dot_segment(const char *p, size_t n)
{
    size_t dots = 0;
    for (size_t i = 0; i < n; dots++) {
        if (p[i] == '.')
            i++;
        else if (n - i >= 3 && p[i] == '%' && p[i + 1] == '2' && (p[i + 2] | 0x20) == 'e')
            i += 3;
        else
            return false;
    }
    return dots == 1 || dots == 2;
}

static const char *control_problem(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "it holds a control character";
    if (strchr(text, '\\'))
        return "it holds a backslash";
    if (strpbrk(text, "?#"))
        return "it holds '?' or '#'";
    /* percent-encoded, the same bytes would come back when the path is decoded */
    for (const char *p = text; (p = strchr(p, '%')); p++) {
        int byte = 0;
        if (sscanf(p, "%%%2x", &byte) == 1 && isxdigit((unsigned char)p[1]) &&
            isxdigit((unsigned char)p[2]) && (byte < 0x20 || byte == 0x7f || byte == '\\'))
            return "it holds an encoded control character or backslash";
    }
    return NULL;
}

const char *post_slug_problem(const char *slug)
{
    size_t n = strlen(slug);
    if (n == 0)
        return "it is empty";
    if (n > 200)
        return "it is longer than 200 bytes";
    const char *problem = control_problem(slug);
    if (problem)
        return problem;
    if (strchr(slug, '/') || strstr(slug, "%2f") || strstr(slug, "%2F"))
        return "it holds a '/'";
    if (is_dot_segment(slug, n))
        return "it is \".\" or \"..\"";
    return NULL;
}

const char *post_path_problem(const char *path)
{
    size_t n = strlen(path);
    if (n == 0 || path[0] != '/' || path[n - 1] != '/')
        return "it does not start and end with '/'";
    const char *problem = control_problem(path);
    if (problem)
        return problem;
    if (strstr(path, "//"))
        return "it holds \"//\"";
    for (const char *segment = path + 1; *segment;) {
        size_t len = strcspn(segment, "/");
        if (is_dot_segment(segment, len))
            return "it has a \".\" or \"..\" segment";
        segment += len + (segment[len] == '/');
    }
    return NULL;
}

const char *post_path_single_slashes(arena *a, const char *path)
{
    char *out = arena_strdup(a, path);
    size_t len = 0;
    for (const char *p = path; *p; p++)
        if (!(*p == '/' && len && out[len - 1] == '/'))
            out[len++] = *p;
    out[len] = '\0';
    return out;
}

bool post_is_public(const struct store_post *post)
{
    return post->status == POST_STATUS_PUBLISH;
}

bool post_comments_open(store *s, arena *a, const struct store_post *post, long long now)
{
    if (!post->comments_open || !post_is_public(post))
        return false;
    long long days = settings_get_int(s, a, SETTING_COMMENTS_CLOSE_AFTER_DAYS);
    return days == 0 || now - post->published_at < days * 86400;
}

char *post_slugify(arena *a, const char *title)
{
    char *slug = slug_from_title(a, title);
    return *slug ? slug : arena_strdup(a, "post");
}

/* A slug whose permalink another route answers: a feed's name, an endpoint of a permalink
 * (PERMALINK/print/, /embed/ …), or for a page a number (a date archive or a page of the front
 * page). WordPress's wp_unique_post_slug refuses the feeds, "embed" and a page's number too. */
static bool post_slug_reserved(const char *slug, enum post_type type)
{
    static const char *const reserved[] = {"feed",  "rdf",      "rss",      "rss2",     "atom",
                                           "embed", "amp",      "print",    "pdf",      "email",
                                           "page",  "comments", "password", "trackback"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
        if (strcmp(slug, reserved[i]) == 0)
            return true;
    if (strncmp(slug, "comment-page-", 13) == 0)
        return true;
    if (type != POST_TYPE_PAGE)
        return false;
    const char *p = strncmp(slug, "page", 4) == 0 ? slug + 4 : slug;
    if (!*p)
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return !*p;
}

char *post_permalink(arena *a, const char *pattern, const struct store_post *post)
{
    /* the local date, as WordPress's post_date: a New York evening post is on its own day */
    time_t t = (time_t)(post->published_at + post->utc_offset);
    struct tm tm;
    gmtime_r(&t, &tm);
    buf out = {0};
    for (const char *p = pattern; *p;) {
        if (*p != '%') {
            buf_putc(&out, *p++);
            continue;
        }
        const char *end = strchr(p + 1, '%');
        if (!end) {
            buf_puts(&out, p);
            break;
        }
        strview tag = {p + 1, (size_t)(end - p - 1)};
        if (strview_equal_cstr(tag, "year"))
            buf_printf(&out, "%04d", tm.tm_year + 1900);
        else if (strview_equal_cstr(tag, "monthnum"))
            buf_printf(&out, "%02d", tm.tm_mon + 1);
        else if (strview_equal_cstr(tag, "day"))
            buf_printf(&out, "%02d", tm.tm_mday);
        else if (strview_equal_cstr(tag, "hour"))
            buf_printf(&out, "%02d", tm.tm_hour);
        else if (strview_equal_cstr(tag, "minute"))
            buf_printf(&out, "%02d", tm.tm_min);
        else if (strview_equal_cstr(tag, "second"))
            buf_printf(&out, "%02d", tm.tm_sec);
        else if (strview_equal_cstr(tag, "postname"))
            buf_puts(&out, post->slug);
        else if (strview_equal_cstr(tag, "post_id"))
            buf_printf(&out, "%lld", post->id);
        else if (strview_equal_cstr(tag, "author"))
            buf_puts(&out,
                     post->author_login && *post->author_login ? post->author_login : "author");
        else if (strview_equal_cstr(tag, "category"))
            buf_puts(&out, "uncategorized");
        else
            buf_append(&out, p, (size_t)(end - p + 1));
        p = end + 1;
    }
    if (!out.len || out.ptr[0] != '/') {
        buf tmp = {0};
        buf_putc(&tmp, '/');
        buf_append(&tmp, out.ptr, out.len);
        buf_free(&out);
        out = tmp;
    }
    if (out.ptr[out.len - 1] != '/')
        buf_putc(&out, '/');
    return arena_take_buf(a, &out);
}

void post_html_body(const char *html, buf *out)
{
    /* WordPress content (blocks, embeds, shortcodes) as the importer renders it; the editor's
     * HTML already has its paragraphs, so no wpautop. */
    buf rendered = {0};
    markup_wp_content(html, strlen(html), &(struct wp_content_options){.autop = false}, &rendered,
                      NULL);
    markup_sanitize_html(buf_cstr(&rendered), rendered.len, SANITIZE_ARTICLE, out);
    buf_free(&rendered);
}

const char *post_plain_text(arena *a, const char *html)
{
    buf text = {0};
    markup_html_to_text(html, strlen(html), NULL, &text);
    const char *plain = arena_take_buf(a, &text);
    return plain;
}

int post_term_path(store *s, arena *a, const struct store_term *term, const char **path)
{
    if (strcmp(term->taxonomy, "category") != 0) {
        *path = arena_printf(a, "/tag/%s/", term->slug);
        return STORE_OK;
    }
    const char *slugs[16];
    int depth = 0;
    struct store_term at = *term;
    slugs[depth++] = at.slug;
    /* bounded: a cycle of parents in imported data must not loop forever */
    while (at.parent_id && depth < 16) {
        int rc = store_term_get(s, a, at.parent_id, &at);
        if (rc != STORE_OK)
            return rc == STORE_NOT_FOUND ? STORE_OK : rc;
        slugs[depth++] = at.slug;
    }
    buf out = {0};
    buf_puts(&out, "/category/");
    while (depth--)
        buf_printf(&out, "%s/", slugs[depth]);
    *path = arena_take_buf(a, &out);
    return STORE_OK;
}

/* `path` with its last segment, `slug`, replaced by `with`; NULL when it does not end in it. */
static const char *with_slug(arena *a, const char *path, const char *slug, const char *with)
{
    size_t n = strlen(path), k = strlen(slug);
    if (!k || n < k + 2 || path[n - 1] != '/' || path[n - k - 2] != '/' ||
        strncmp(path + n - k - 1, slug, k) != 0)
        return NULL;
    return arena_printf(a, "%.*s%s/", (int)(n - k - 1), path, with);
}

/* `path` with the date `from` ("YYYY-MM-DD") in its segments replaced by `to`'s: as
 * /YYYY/MM/DD/, else /YYYY/MM/, else /YYYY/; NULL when it holds none, or a date is malformed. */
static const char *with_date(arena *a, const char *path, const char *from, const char *to)
{
    int fy, fm, fd, ty, tm, td;
    if (sscanf(from, "%4d-%2d-%2d", &fy, &fm, &fd) != 3 ||
        sscanf(to, "%4d-%2d-%2d", &ty, &tm, &td) != 3 || ty < 1 || ty > 9999 || tm < 1 || tm > 12 ||
        td < 1 || td > 31)
        return NULL;
    const char *forms[3][2] = {
        {arena_printf(a, "/%04d/%02d/%02d/", fy, fm, fd),
         arena_printf(a, "/%04d/%02d/%02d/", ty, tm, td)},
        {arena_printf(a, "/%04d/%02d/", fy, fm), arena_printf(a, "/%04d/%02d/", ty, tm)},
        {arena_printf(a, "/%04d/", fy), arena_printf(a, "/%04d/", ty)},
    };
    for (int i = 0; i < 3; i++) {
        const char *at = strstr(path, forms[i][0]);
        if (at)
            return arena_printf(a, "%.*s%s%s", (int)(at - path), path, forms[i][1],
                                at + strlen(forms[i][0]));
    }
    return NULL;
}

int post_record_old_paths(store *s, arena *a, const struct store_post *post, const char *date,
                          const char *const *old_slugs, size_t slug_count,
                          const char *const *old_dates, size_t date_count)
{
    int recorded = 0;
    for (size_t i = 0; i <= slug_count; i++) {
        const char *path = post->path;
        if (i > 0) {
            if (post_slug_problem(old_slugs[i - 1]))
                continue;
            path = with_slug(a, post->path, post->slug, slug_canonical(a, old_slugs[i - 1]));
            if (!path)
                continue;
        }
        for (size_t k = 0; k <= date_count; k++) {
            const char *old = k > 0 ? with_date(a, path, date, old_dates[k - 1]) : path;
            if (!old || strcmp(old, post->path) == 0 || post_path_problem(old))
                continue;
            if (recorded++ >= POST_OLD_PATHS_MAX)
                return STORE_OK;
            if (store_post_old_path_add(s, old, post->id) != STORE_OK)
                return STORE_ERROR;
        }
    }
    return STORE_OK;
}

int post_find_moved(store *s, arena *a, const char *path, struct store_post *out)
{
    int rc = store_post_find_old_path(s, a, path, out);
    if (rc == STORE_OK && (!post_is_public(out) || strcmp(out->path, path) == 0))
        return STORE_NOT_FOUND;
    return rc;
}

int post_term_ensure(store *s, arena *a, const char *taxonomy, const char *slug, const char *name,
                     long long parent_id, long long *id)
{
    struct store_term term;
    int rc = store_term_find(s, a, taxonomy, slug, &term);
    if (rc == STORE_OK) {
        *id = term.id;
        return STORE_OK;
    }
    if (rc == STORE_ERROR)
        return rc;
    term = (struct store_term){.taxonomy = taxonomy,
                               .slug = slug,
                               .name = name,
                               .description = "",
                               .parent_id = parent_id};
    return store_term_insert(s, &term, id);
}

/* Links every name of the comma list `names` as a term of `taxonomy`. */
/* The next name of the comma-separated list at *p, trimmed (in `a`), *p moved past it; NULL at
 * the end of the list. */
static const char *next_term_name(arena *a, const char **p)
{
    while (**p) {
        size_t n = strcspn(*p, ",");
        const char *start = *p;
        size_t len = n;
        while (len && isspace((unsigned char)*start))
            start++, len--;
        while (len && isspace((unsigned char)start[len - 1]))
            len--;
        *p += n;
        if (**p == ',')
            (*p)++;
        if (len)
            return arena_strndup(a, start, len);
    }
    return NULL;
}

static int link_terms(store *s, arena *a, long long post_id, const char *taxonomy,
                      const char *names)
{
    const char *p = names ? names : "", *name;
    while ((name = next_term_name(a, &p))) {
        long long term_id;
        if (post_term_ensure(s, a, taxonomy, post_slugify(a, name), name, 0, &term_id) !=
                STORE_OK ||
            store_post_term_add(s, post_id, term_id) != STORE_OK)
            return STORE_ERROR;
    }
    return STORE_OK;
}

/* Why a category or tag of `names` would have a slug no address can hold ("%2e%2e" is ".."),
 * or NULL. */
static const char *term_names_problem(arena *a, const char *names)
{
    const char *p = names ? names : "", *name;
    while ((name = next_term_name(a, &p))) {
        const char *problem = post_slug_problem(post_slugify(a, name));
        if (problem)
            return arena_printf(a, "\"%s\": %s", name, problem);
    }
    return NULL;
}

const char *post_term_names(store *s, arena *a, long long post_id, const char *taxonomy)
{
    struct store_term *terms;
    size_t count;
    if (store_post_terms(s, a, post_id, &terms, &count) != STORE_OK)
        return NULL;
    buf names = {0};
    for (size_t i = 0; i < count; i++)
        if (strcmp(terms[i].taxonomy, taxonomy) == 0)
            buf_printf(&names, "%s%s", names.len ? ", " : "", terms[i].name);
    const char *out = arena_take_buf(a, &names);
    return out;
}

long long post_parse_date(const char *text)
{
    struct tm tm = {0};
    int used = 0, more = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3)
        return -1;
    if (text[used] && sscanf(text + used, " %2d:%2d%n", &tm.tm_hour, &tm.tm_min, &more) == 2 &&
        more > 0) {
        used += more;
        more = 0;
        if (text[used] == ':' && sscanf(text + used, ":%2d%n", &tm.tm_sec, &more) == 1)
            used += more;
        else if (text[used] == ':')
            return -1;
    }
    if (text[used] || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
        return -1;
    int day = tm.tm_mday, month = tm.tm_mon;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    struct tm check;
    if (!gmtime_r(&t, &check) || check.tm_mday != day || check.tm_mon + 1 != month)
        return -1; /* a day the month does not have, such as 2024-02-31 */
    return (long long)t;
}

/* The path of an edited post whose slug changed: the old slug's segment replaced when the path
 * has one (imported paths keep their shape), else the site's pattern. */
static const char *moved_path(arena *a, const char *pattern, const struct store_post *old,
                              const struct store_post *post)
{
    const char *segment = arena_printf(a, "/%s/", old->slug);
    const char *at = NULL; /* the last such segment: the slug's own, not a category's */
    for (const char *p = old->path; *old->slug && (p = strstr(p, segment)); p++)
        at = p;
    if (!at)
        return post_permalink(a, pattern, post);
    return arena_printf(a, "%.*s/%s/%s", (int)(at - old->path), old->path, post->slug,
                        at + strlen(segment));
}

#define POST_NESTING_MAX 16 /* levels of child pages moved with their parent */

/* The pages under post `id`, whose path moved from `from` to `to`, move with it (their paths
 * start with their parents'), each old path kept to answer 301, as WordPress's children follow
 * their parent's slug. */
static int move_children(store *s, arena *a, long long id, const char *from, const char *to,
                         int depth)
{
    struct store_post *children;
    size_t count;
    if (depth >= POST_NESTING_MAX)
        return STORE_OK; /* a cycle of parents in imported data must not loop forever */
    int rc = store_post_children(s, a, id, &children, &count);
    for (size_t i = 0; rc == STORE_OK && i < count; i++) {
        struct store_post child = children[i];
        size_t n = strlen(from);
        if (strncmp(child.path, from, n) != 0)
            continue; /* a path of its own (an imported <link>): it stays */
        const char *old_path = child.path;
        child.path = arena_printf(a, "%s%s", to, old_path + n);
        struct store_post clash;
        rc = store_post_find_path(s, a, child.path, &clash);
        if (rc == STORE_OK)
            continue; /* taken: the child keeps its path */
        if (rc == STORE_ERROR)
            break;
        rc = store_post_update(s, &child);
        if (rc == STORE_OK)
            rc = store_post_old_path_add(s, old_path, child.id);
        if (rc == STORE_OK)
            rc = move_children(s, a, child.id, old_path, child.path, depth + 1);
    }
    return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

static int invalid(buf *error, const char **field, const char *name, const char *message)
{
    *field = name;
    buf_printf(error, "%s", message);
    return POST_INVALID;
}

/* Checks a draft; fills what a person may leave out. Returns 0 or POST_INVALID. */
static int check_draft(const struct post_draft *draft, enum post_status *status, const char **field,
                       buf *error)
{
    if (!draft->title || !draft->title[strspn(draft->title, " \t\r\n")])
        return invalid(error, field, "title", "A post needs a title.");
    if (strlen(draft->title) > POST_TITLE_MAX)
        return invalid(error, field, "title", "The title is too long (at most 1000 bytes).");
    if (draft->excerpt && strlen(draft->excerpt) > POST_EXCERPT_MAX)
        return invalid(error, field, "excerpt", "The excerpt is too long (at most 4000 bytes).");
    if (draft->slug && strlen(draft->slug) > 200)
        return invalid(error, field, "slug", "The slug is too long (at most 200 bytes).");
    /* the draft's status is text from a form or the command line: parsed here, once */
    *status = POST_STATUS_ANY;
    if (draft->status &&
        (!post_status_parse(draft->status, status) || *status == POST_STATUS_TRASH))
        return invalid(error, field, "status",
                       "The status must be draft, pending, publish or private.");
    if (draft->published_at < 0)
        return invalid(error, field, "date",
                       "The date must look like 2024-05-01 14:30 (UTC), or be left empty.");
    return 0;
}

int post_save(store *s, arena *a, const struct post_draft *draft, long long now, long long *id,
              const char **field, buf *error)
{
    *field = NULL;
    enum post_status status;
    if (check_draft(draft, &status, field, error) != 0)
        return POST_INVALID;
    struct store_post old = {0}, post = {
                                     .type = POST_TYPE_POST,
                                     .title = draft->title,
                                     .excerpt = draft->excerpt ? draft->excerpt : "",
                                     .comments_open = draft->comments_open,
                                     .body_source = draft->markdown ? draft->markdown : "",
                                     .author_id = draft->author_id,
                                 };
    buf html = {0};
    if (draft->html) {
        post_html_body(post.body_source, &html);
        post.body_source = ""; /* the HTML is the post's only form (imported posts) */
    } else
        markup_markdown(post.body_source, strlen(post.body_source), SANITIZE_ARTICLE, &html);
    post.body_html = arena_take_buf(a, &html);
    post.body_text = post_plain_text(a, post.body_html);
    const char *pattern = settings_get(s, a, SETTING_SITE_PERMALINK);
    if (strstr(pattern, "%post_id%")) {
        buf_printf(error, "site.permalink with %%post_id%% is not supported yet");
        return STORE_ERROR;
    }
    /* the rule the importer applies to a slug from a file: "%2e%2e" is "..", "%00" a control */
    const char *slug_problem =
        draft->slug && *draft->slug ? post_slug_problem(post_slugify(a, draft->slug)) : NULL;
    if (slug_problem) {
        *field = "slug";
        buf_printf(error, "That slug cannot be part of an address: %s.", slug_problem);
        return POST_INVALID;
    }
    const char *terms_field = "categories";
    const char *terms_problem = term_names_problem(a, draft->categories);
    if (!terms_problem && (terms_problem = term_names_problem(a, draft->tags)))
        terms_field = "tags";
    if (terms_problem) {
        *field = terms_field;
        buf_printf(error, "That name cannot be part of an address: %s.", terms_problem);
        return POST_INVALID;
    }
    if (store_begin(s) != STORE_OK)
        goto failed;
    if (draft->id) {
        int rc = store_post_get(s, a, draft->id, &old);
        if (rc != STORE_OK) {
            if (rc == STORE_NOT_FOUND)
                buf_printf(error, "There is no post %lld.", draft->id);
            else
                buf_printf(error, "%s", store_error(s));
            store_rollback(s);
            return rc;
        }
        post = (struct store_post){
            .id = old.id,
            .wp_id = old.wp_id,
            .type = old.type,
            .guid = old.guid,
            .title = post.title,
            .excerpt = post.excerpt,
            .body_source = post.body_source,
            .body_html = post.body_html,
            .body_text = post.body_text,
            .password = old.password,
            .author_id = old.author_id,
            .sticky = old.sticky,
            .comments_open = post.comments_open,
            .utc_offset = old.utc_offset,
            .format = old.format,
            .menu_order = old.menu_order,
            .featured_media_id = old.featured_media_id,
        };
    } else if (draft->author_login) {
        struct store_user user;
        int rc = store_user_find_login(s, a, draft->author_login, &user);
        if (rc == STORE_ERROR)
            goto failed;
        post.author_id = rc == STORE_OK ? user.id : 0;
    }
    if (!draft->id) /* the site's time zone now: its local date makes the permalink */
        post.utc_offset = settings_get_int(s, a, SETTING_SITE_UTC_OFFSET) * 60;
    if (!draft->id && post.author_id && strstr(pattern, "%author%")) {
        struct store_user user; /* %author% is the nicename (post_permalink) */
        int rc = store_user_get(s, a, post.author_id, &user);
        if (rc == STORE_ERROR)
            goto failed;
        post.author_login = rc == STORE_OK ? user.nicename : "";
    }
    if (draft->featured_media_id == POST_FEATURED_NONE)
        post.featured_media_id = 0;
    else if (draft->featured_media_id > 0) {
        struct store_media media;
        int rc = store_media_get(s, a, draft->featured_media_id, &media);
        if (rc == STORE_ERROR)
            goto failed;
        if (rc != STORE_OK) {
            store_rollback(s);
            *field = "featured";
            buf_printf(error, "There is no media %lld to feature.", draft->featured_media_id);
            return POST_INVALID;
        }
        post.featured_media_id = media.id;
    }
    post.password = post.password ? post.password : "";
    post.guid = post.guid ? post.guid : "";
    post.published_at = draft->published_at ? draft->published_at
                        : draft->id         ? old.published_at
                                            : now;
    post.modified_at = draft->id ? now : post.published_at;
    /* publishing with a date still to come schedules the post, as WordPress does */
    if (!status)
        status = draft->id ? old.status : POST_STATUS_DRAFT;
    if (status == POST_STATUS_PUBLISH && post.published_at > now)
        status = POST_STATUS_FUTURE;
    else if (status == POST_STATUS_FUTURE && post.published_at <= now)
        status = POST_STATUS_PUBLISH;
    post.status = status;

    /* A slug stays unique among posts by a numeric suffix, as WordPress does. */
    const char *base = draft->slug && *draft->slug ? post_slugify(a, draft->slug)
                       : draft->id                 ? old.slug
                                                   : post_slugify(a, draft->title);
    for (int suffix = 1;; suffix++) {
        if (suffix == 1 && post_slug_reserved(base, post.type))
            continue;
        post.slug = suffix == 1 ? base : arena_printf(a, "%s-%d", base, suffix);
        post.path = !draft->id                         ? post_permalink(a, pattern, &post)
                    : strcmp(post.slug, old.slug) == 0 ? old.path
                                                       : moved_path(a, pattern, &old, &post);
        struct store_post existing;
        int rc = store_post_find_path(s, a, post.path, &existing);
        if (rc == STORE_ERROR)
            goto failed;
        if (rc == STORE_OK && existing.id == post.id && post.id)
            rc = STORE_NOT_FOUND; /* its own path */
        if (rc == STORE_NOT_FOUND) {
            rc = store_post_find_slug(s, a, post.slug, &existing);
            if (rc == STORE_OK && existing.id == post.id && post.id)
                rc = STORE_NOT_FOUND;
            if (rc == STORE_NOT_FOUND)
                break;
        }
        if (rc == STORE_ERROR)
            goto failed;
    }
    if (draft->id) {
        struct store_revision revision = {.post_id = old.id,
                                          .user_id = draft->editor_id,
                                          .saved_at = now,
                                          .title = old.title,
                                          .slug = old.slug,
                                          .excerpt = old.excerpt,
                                          .body_source = old.body_source,
                                          .body_html = old.body_html};
        if (store_revision_insert(s, &revision, POST_REVISIONS_KEPT) != STORE_OK ||
            store_post_update(s, &post) != STORE_OK ||
            (strcmp(post.path, old.path) != 0 &&
             (store_post_old_path_add(s, old.path, post.id) != STORE_OK ||
              move_children(s, a, post.id, old.path, post.path, 0) != STORE_OK)) ||
            ((draft->categories || draft->tags) && store_post_term_clear(s, post.id) != STORE_OK))
            goto failed;
        *id = post.id;
    } else if (store_post_insert(s, &post, id) != STORE_OK)
        goto failed;
    if (link_terms(s, a, *id, "category", draft->categories) != STORE_OK ||
        link_terms(s, a, *id, "post_tag", draft->tags) != STORE_OK || store_commit(s) != STORE_OK)
        goto failed;
    return STORE_OK;
failed:
    buf_printf(error, "%s", store_error(s));
    store_rollback(s);
    return STORE_ERROR;
}

/* Hashes of both texts compared in constant time: a plain compare would stop at the first
 * difference, and one of unequal lengths would tell the length. */
static bool password_equal(const char *given, const char *password)
{
    unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
    crypto_generichash(a, sizeof(a), (const unsigned char *)given, strlen(given), NULL, 0);
    crypto_generichash(b, sizeof(b), (const unsigned char *)password, strlen(password), NULL, 0);
    return sodium_memcmp(a, b, sizeof(a)) == 0;
}

enum post_password_result post_password_try(store *s, arena *a, const struct store_post *post,
                                            const char *ip, const char *given, long long now)
{
    long long limit = settings_get_int(s, a, SETTING_POSTS_PASSWORD_LIMIT_IP);
    if (limit > 0) {
        long long tries = 0;
        if (store_post_password_failure_add(s, ip, post->id, now) != STORE_OK ||
            store_post_password_failures(s, ip, post->id, now - POST_PASSWORD_WINDOW, &tries) !=
                STORE_OK)
            return POST_PASSWORD_FAILED;
        if (tries > limit) {
            /* not compared, so not counted: the limit ends a window after the last real try */
            if (store_post_password_failure_remove(s, ip, post->id, now) != STORE_OK)
                log_error("forgetting a refused post password try: %s", store_error(s));
            return POST_PASSWORD_LIMITED;
        }
    }
    if (!given || !password_equal(given, post->password))
        return POST_PASSWORD_WRONG;
    if (limit > 0 && store_post_password_failure_remove(s, ip, post->id, now) != STORE_OK)
        log_error("forgetting a right post password try: %s", store_error(s));
    return POST_PASSWORD_RIGHT;
}

enum model_result post_get_editable(store *s, arena *a, long long id, const struct store_user *user,
                                    struct store_post *out)
{
    int rc = id > 0 ? store_post_get(s, a, id, out) : STORE_NOT_FOUND;
    if (rc != STORE_OK)
        return rc == STORE_NOT_FOUND ? MODEL_NOT_FOUND : MODEL_STORE_ERROR;
    return user_may_edit_post(user, out) ? MODEL_OK : MODEL_NOT_ALLOWED;
}

/* Ends a one-write action: its audit entry (if any) joins the write's transaction. */
static enum model_result commit_audited(store *s, int write_rc, const struct store_audit *audit)
{
    if (write_rc == STORE_OK && audit)
        audit_record(s, audit);
    if (write_rc != STORE_OK || store_commit(s) != STORE_OK) {
        store_rollback(s);
        return MODEL_STORE_ERROR;
    }
    return MODEL_OK;
}

#define TRASHED_SUFFIX "__trashed"

/* WordPress renames a post it trashes (SLUG__trashed, freeing the slug) and gives the slug back
 * when the post is restored (wp_untrash_post: _wp_desired_post_slug): an imported trashed post
 * gets its slug and path back here, unless another post took that path meanwhile. */
static int untrashed_slug(store *s, long long id)
{
    arena a = {0};
    struct store_post post;
    int rc = store_post_get(s, &a, id, &post);
    size_t n = rc == STORE_OK ? strlen(post.slug) : 0, k = strlen(TRASHED_SUFFIX);
    if (rc == STORE_OK && n > k && strcmp(post.slug + n - k, TRASHED_SUFFIX) == 0) {
        struct store_post restored = post, clash;
        restored.slug = arena_strndup(&a, post.slug, n - k);
        restored.path =
            moved_path(&a, settings_get(s, &a, SETTING_SITE_PERMALINK), &post, &restored);
        rc = store_post_find_path(s, &a, restored.path, &clash);
        if (rc == STORE_NOT_FOUND) /* else taken: SLUG__trashed stays, for an editor to change */
            rc = store_post_update(s, &restored);
    }
    arena_free(&a);
    return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

enum model_result post_set_trashed(store *s, long long id, bool trashed,
                                   const struct store_audit *audit)
{
    if (store_begin(s) != STORE_OK)
        return MODEL_STORE_ERROR;
    /* restored posts come back as drafts; their comments go to the trash with them and come
     * back with their own status, as WordPress's post-trashed comments do */
    int rc = store_post_set_status(s, id, trashed ? POST_STATUS_TRASH : POST_STATUS_DRAFT);
    if (rc == STORE_OK)
        rc = trashed ? store_comments_trash_with_post(s, id)
                     : store_comments_restore_with_post(s, id);
    if (rc == STORE_OK && !trashed)
        rc = untrashed_slug(s, id);
    return commit_audited(s, rc, audit);
}

enum model_result post_set_comments_open(store *s, long long id, bool open,
                                         const struct store_audit *audit)
{
    if (store_begin(s) != STORE_OK)
        return MODEL_STORE_ERROR;
    return commit_audited(s, store_post_set_comments_open(s, id, open), audit);
}

enum model_result post_publish(store *s, const struct store_post *post, long long now,
                               bool *scheduled)
{
    *scheduled = post->published_at > now;
    return store_post_set_status(s, post->id,
                                 *scheduled ? POST_STATUS_FUTURE : POST_STATUS_PUBLISH) == STORE_OK
               ? MODEL_OK
               : MODEL_STORE_ERROR;
}

enum post_restore_result post_restore_revision(store *s, arena *a, const struct store_post *post,
                                               long long revision_id, long long editor_id,
                                               long long now, buf *error)
{
    struct store_revision revision;
    int rc = revision_id > 0 ? store_revision_get(s, a, revision_id, &revision) : STORE_NOT_FOUND;
    if (rc == STORE_ERROR)
        return POST_RESTORE_UNREADABLE;
    if (rc != STORE_OK || revision.post_id != post->id)
        return POST_RESTORE_NO_REVISION;
    bool html = !*revision.body_source;
    struct post_draft draft = {
        .id = post->id,
        .title = revision.title,
        .slug = revision.slug,
        .excerpt = revision.excerpt,
        .markdown = html ? revision.body_html : revision.body_source,
        .html = html,
        .categories = post_term_names(s, a, post->id, "category"),
        .tags = post_term_names(s, a, post->id, "post_tag"),
        .editor_id = editor_id,
        .comments_open = post->comments_open,
    };
    long long id;
    const char *field;
    rc = post_save(s, a, &draft, now, &id, &field, error);
    return rc == STORE_OK       ? POST_RESTORED
           : rc == POST_INVALID ? POST_RESTORE_INVALID
                                : POST_RESTORE_NOT_SAVED;
}

int post_get(store *s, arena *a, long long id, struct store_post *out)
{
    return store_post_get(s, a, id, out);
}

const struct store_post *post_get_remembered(store *s, arena *a, long long id,
                                             struct store_post *last)
{
    if (last->id == id)
        return last;
    if (store_post_get(s, a, id, last) != STORE_OK) {
        last->id = 0;
        return NULL;
    }
    return last;
}

int post_find_number(store *s, arena *a, long long id, struct store_post *out)
{
    int rc = store_post_find_wp_id(s, a, id, out);
    if (rc == STORE_NOT_FOUND)
        rc = store_post_get(s, a, id, out);
    return rc;
}

int post_find_public(store *s, arena *a, const char *path, struct store_post *out)
{
    int rc = store_post_find_path(s, a, path, out);
    if (rc == STORE_OK && !post_is_public(out))
        return STORE_NOT_FOUND;
    return rc;
}

int post_terms(store *s, arena *a, long long id, struct store_term **terms, size_t *count)
{
    return store_post_terms(s, a, id, terms, count);
}

int post_revisions(store *s, arena *a, long long id, struct store_revision **revisions,
                   size_t *count)
{
    return store_revision_list(s, a, id, revisions, count);
}
