/* pages.c: fills template data for each kind of page and renders it with the theme. */
#include "render/pages.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "markup/escape.h"
#include "markup/text.h"
#include "util/utf8.h"

/* The navigation as nested lists: "nav" at the top, "children" under each link. Every link
 * sets has_children, so that a lookup never climbs to its parent's children (the template
 * recurses through nav_link). */
static void set_nav(template_data *d, const struct site_view *site)
{
    if (!site->nav_count)
        return;
    template_data **made = calloc(site->nav_count, sizeof(*made));
    if (!made)
        abort();
    size_t *children = calloc(site->nav_count, sizeof(*children));
    if (!children)
        abort();
    for (size_t i = 0; i < site->nav_count; i++)
        if (site->nav[i].parent != MENU_TOP && site->nav[i].parent < i)
            children[site->nav[i].parent]++;
    for (size_t i = 0; i < site->nav_count; i++) {
        const struct menu_link *link = &site->nav[i];
        template_data *parent =
            link->parent != MENU_TOP && link->parent < i ? made[link->parent] : NULL;
        made[i] = template_add_item(parent ? parent : d, parent ? "children" : "nav");
        template_set_str(made[i], "nav_title", link->title);
        template_set_str(made[i], "nav_url", link->url);
        template_set_bool(made[i], "has_children", children[i] > 0);
    }
    template_set_bool(d, "has_nav", true);
    free(made);
    free(children);
}

static void set_site(template_data *d, const struct site_view *site)
{
    template_set_str(d, "site_title", site->title);
    template_set_str(d, "site_description", site->description);
    template_set_str(d, "site_language", site->language && *site->language ? site->language : "en");
    set_nav(d, site);
}

/* Writes `value` as `width` digits (zero-padded) at `out`; returns the end. Dates are formatted
 * by hand: printf was a fifth of the render of a page with 1,000 comments. */
static char *put_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--, value /= 10)
        out[i] = (char)('0' + value % 10);
    return out + width;
}

/* The UTC calendar fields of a Unix time. By hand (days to civil date, the proleptic Gregorian
 * calendar), because gmtime_r took a twelfth of a 1,000-comment page's render. */
struct utc_fields {
    long long year;
    int month, day, hour, minute, second; /* month 1-12 */
};

static struct utc_fields utc_fields_of(long long unix_seconds)
{
    long long days = unix_seconds / 86400, rest = unix_seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    /* eras of 400 years (146,097 days) starting on March 1st, year 0 */
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long day_of_era = z - era * 146097;
    long long year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    long long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    long long month_from_march = (5 * day_of_year + 2) / 153;
    struct utc_fields f;
    f.day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    f.month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    f.year = year_of_era + era * 400 + (f.month <= 2);
    f.hour = (int)(rest / 3600);
    f.minute = (int)(rest / 60 % 60);
    f.second = (int)(rest % 60);
    return f;
}

const char *render_date_human(arena *a, long long unix_seconds)
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    struct utc_fields f = utc_fields_of(unix_seconds);
    const char *month = months[f.month - 1];
    if (f.year < 0 || f.year > 9999)
        return arena_printf(a, "%s %d, %lld", month, f.day, f.year);
    int year = (int)f.year;
    size_t month_len = strlen(month);
    char *text = arena_alloc(a, month_len + sizeof(" 31, 9999"));
    memcpy(text, month, month_len);
    char *p = text + month_len;
    *p++ = ' ';
    p = put_digits(p, f.day, f.day < 10 ? 1 : 2);
    *p++ = ',';
    *p++ = ' ';
    p = put_digits(p, year, year < 10 ? 1 : year < 100 ? 2 : year < 1000 ? 3 : 4);
    *p = '\0';
    return text;
}

const char *render_date_iso(arena *a, long long unix_seconds)
{
    struct utc_fields f = utc_fields_of(unix_seconds);
    if (f.year < 0 || f.year > 9999)
        return arena_printf(a, "%04lld-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour,
                            f.minute, f.second);
    char *text = arena_alloc(a, sizeof("2024-05-01T10:00:00Z"));
    char *p = put_digits(text, (int)f.year, 4);
    *p++ = '-';
    p = put_digits(p, f.month, 2);
    *p++ = '-';
    p = put_digits(p, f.day, 2);
    *p++ = 'T';
    p = put_digits(p, f.hour, 2);
    *p++ = ':';
    p = put_digits(p, f.minute, 2);
    *p++ = ':';
    p = put_digits(p, f.second, 2);
    *p++ = 'Z';
    *p = '\0';
    return text;
}

/* What a listing shows of a post: its excerpt, else its first paragraph (at most ~300 bytes,
 * cut at a word). */
static const char *summary_of(arena *a, const struct store_post *post)
{
    if (post->password && *post->password)
        return "This content is password protected.";
    if (*post->excerpt)
        return post->excerpt;
    const char *text = post->body_text ? post->body_text : "";
    while (*text == '\n')
        text++;
    const char *end = strstr(text, "\n\n");
    size_t n = end ? (size_t)(end - text) : strlen(text);
    if (n <= 300)
        return arena_strndup(a, text, n);
    n = utf8_cut_at_space(text, n, 300, 200);
    return arena_printf(a, "%.*s…", (int)n, text);
}

#define TEASER_MAX 2000 /* bytes of a <!--more--> teaser a listing shows */

/* WordPress's <!--more-->: a listing shows the text before it (the teaser) and a link on,
 * labelled with the marker's own text (<!--more Read the rest-->) or "Continue reading".
 * Returns false when the post has no marker, a password or an excerpt (which wins, as
 * summary_of says). */
static bool teaser_of(arena *a, const struct store_post *post, const char **teaser,
                      const char **label)
{
    if ((post->password && *post->password) || *post->excerpt || !post->body_html)
        return false;
    const char *marker = strstr(post->body_html, "<!--more");
    if (!marker || (marker[8] != '-' && marker[8] != ' '))
        return false;
    buf text = {0};
    markup_html_to_text(post->body_html, (size_t)(marker - post->body_html), NULL, &text);
    size_t n = text.len;
    while (n && (text.ptr[n - 1] == '\n' || text.ptr[n - 1] == ' '))
        n--;
    n = utf8_cut(text.ptr, n, TEASER_MAX);
    *teaser = arena_strndup(a, buf_cstr(&text), n);
    buf_free(&text);
    const char *custom = marker[8] == ' ' ? marker + 9 : NULL;
    const char *end = custom ? strstr(custom, "-->") : NULL;
    /* The sanitizer keeps only a marker text without markup or references, so it is text. */
    *label =
        end && end > custom ? arena_strndup(a, custom, (size_t)(end - custom)) : "Continue reading";
    return true;
}

/* "1 comment", "2 comments": the count as a reader reads it. */
static const char *count_label(arena *a, long long n, const char *one, const char *many)
{
    return arena_printf(a, "%lld %s", n, n == 1 ? one : many);
}

static void set_post_summary(template_data *d, arena *a, const struct store_post *post)
{
    /* WordPress's post classes: "format-aside" for a post format, else "format-standard";
     * pages have none */
    template_set_str(d, "post_format",
                     post->type != POST_TYPE_POST    ? NULL
                     : post->format && *post->format ? post->format
                                                     : "standard");
    template_set_str(d, "title", post->title);
    template_set_str(d, "permalink", post->path);
    template_set_str(d, "author_name", post->author_name);
    template_set_str(d, "author_login", post->author_login);
    template_set_str(d, "date_iso", render_date_iso(a, post->published_at));
    /* the day readers see is the local one, as the permalink and the date archives have it */
    template_set_str(d, "date", render_date_human(a, post->published_at + post->utc_offset));
    const char *teaser, *more_label;
    if (teaser_of(a, post, &teaser, &more_label)) {
        template_set_str(d, "excerpt", teaser);
        template_set_str(d, "more_label", more_label);
    } else
        template_set_str(d, "excerpt", summary_of(a, post));
    template_set_int(d, "comment_count", post->approved_comments);
    template_set_str(d, "comments_label",
                     count_label(a, post->approved_comments, "comment", "comments"));
    template_set_bool(d, "sticky", post->sticky);
}

static int shown_depth(const struct comment_node *node)
{
    return node->depth < 64 ? node->depth : 63;
}

/* Adds the thread to `root` as nested "comments" / "replies" lists. Every key is set on every
 * item: a missing one would be looked up in the enclosing items and the page (mod_csrf for every
 * reader, who is not a moderator). Dictionaries are searched newest key first, so the keys
 * comment.html reads most are set last. */
static void add_comments(template_data *root, arena *a, const struct article_view *view)
{
    template_data *parents[64] = {root};
    for (size_t i = 0; i < view->comment_count; i++) {
        const struct comment_node *node = &view->comments[i];
        const struct store_comment *c = node->comment;
        int depth = shown_depth(node);
        template_data *item =
            template_add_item(parents[depth - 1], depth == 1 ? "comments" : "replies");
        parents[depth] = item;
        /* display order is depth first: the next node is a reply when it is deeper */
        template_set_bool(item, "has_replies",
                          i + 1 < view->comment_count && shown_depth(node + 1) > depth);
        template_set_bool(item, "can_reply",
                          view->comments_open && c->status == COMMENT_STATUS_APPROVED);
        if (view->moderator_csrf)
            template_set_str(item, "mod_csrf", view->moderator_csrf);
        else
            template_set_bool(item, "mod_csrf", false);
        template_set_bool(item, "held", c->status != COMMENT_STATUS_APPROVED);
        template_set_html(item, "content", c->body_html);
        template_set_str(item, "comment_date", render_date_human(a, c->created_at));
        template_set_str(item, "comment_date_iso", render_date_iso(a, c->created_at));
        template_set_str(item, "author", c->author);
        template_set_str(item, "author_url", c->url);
        template_set_int(item, "number", node->number);
        template_set_int(item, "depth", node->depth);
        template_set_int(item, "comment_id", c->id);
    }
}

/* What every reader's form carries besides its fields: where it posts, the spam time stamp and
 * honeypot (model/spam) and the errors of the last try. */
static void set_form_common(template_data *d, const char *action, const char *stamp, bool honeypot,
                            const char *const *errors, size_t error_count)
{
    template_set_str(d, "form_action", action);
    template_set_str(d, "form_stamp", stamp);
    template_set_bool(d, "form_honeypot", honeypot);
    for (size_t i = 0; i < error_count; i++)
        template_set_str(template_add_item(d, "form_errors"), "message", errors[i]);
}

static void set_comment_form(template_data *d, const char *action, const struct comment_form *f)
{
    template_set_str(d, "form_reply_to", f->reply_to_name);
    template_set_str(d, "form_author", f->author);
    template_set_str(d, "form_email", f->email);
    template_set_str(d, "form_url", f->url);
    template_set_str(d, "form_comment", f->comment);
    template_set_int(d, "form_parent", f->parent_id);
    template_set_bool(d, "form_remember", f->remember);
    set_form_common(d, action, f->stamp, f->honeypot, f->errors, f->error_count);
}

/* The permalink as an absolute URL when the site's address is known. */
static const char *absolute(arena *a, const struct site_view *site, const char *path)
{
    return site->url && *site->url ? arena_printf(a, "%s%s", site->url, path) : path;
}

/* A description for search engines and link previews: the excerpt, else the start of the
 * text, at most ~160 bytes cut at a word. */
static const char *description_of(arena *a, const struct store_post *post)
{
    const char *text = *post->excerpt ? post->excerpt : post->body_text ? post->body_text : "";
    size_t n = strcspn(text, "\n");
    if (n <= 160)
        return arena_strndup(a, text, n);
    n = utf8_cut_at_space(text, n, 160, 100);
    return arena_printf(a, "%.*s…", (int)n, text);
}

/* schema.org Article as JSON-LD; '<' written as \u003c so nothing can close the script. */
static const char *json_ld(arena *a, const struct site_view *site, const struct store_post *post,
                           const char *url, const char *description)
{
    json_t *author = json_pack("{s:s, s:s}", "@type", "Person", "name",
                               *post->author_name ? post->author_name : site->title);
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:{s:s, s:s}}", "@context",
                  "https://schema.org", "@type", "Article", "headline", post->title,
                  "datePublished", render_date_iso(a, post->published_at), "dateModified",
                  render_date_iso(a, post->modified_at > post->published_at ? post->modified_at
                                                                            : post->published_at),
                  "description", description, "author", author, "mainEntityOfPage", url,
                  "publisher", "@type", "Organization", "name", site->title);
    if (doc && site->language && *site->language) /* site.language, a checked tag */
        json_object_set_new(doc, "inLanguage", json_string(site->language));
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH) : NULL;
    json_decref(doc);
    buf out = {0};
    for (const char *p = text ? text : "{}"; *p; p++)
        if (*p == '<')
            buf_puts(&out, "\\u003c");
        else
            buf_putc(&out, *p);
    free(text);
    const char *result = arena_take_buf(a, &out);
    return result;
}

static void set_article_head(template_data *d, arena *a, const struct site_view *site,
                             const struct article_view *view)
{
    const struct store_post *post = &view->post;
    const char *url = absolute(a, site, post->path);
    /* page N of a post split by <!--nextpage--> is its own canonical page, as in WordPress, and
     * so is a comment page (WordPress's rel_canonical does the same) */
    template_set_str(
        d, "canonical",
        view->page > 1
            ? absolute(a, site, arena_printf(a, "%s%d/", post->path, view->page))
            : absolute(a, site,
                       comment_page_path(a, post->path, view->comment_page, view->comment_pages)));
    template_set_str(d, "comments_feed", arena_printf(a, "%sfeed/", post->path));
    if (view->locked)
        return;
    const char *description = description_of(a, post);
    template_set_str(d, "meta_description", description);
    template_set_str(d, "og_type", "article");
    template_set_html(d, "json_ld", json_ld(a, site, post, url, description));
    template_set_bool(d, "has_adjacent", view->previous.id || view->next.id);
    if (view->previous.id) {
        template_set_str(d, "previous_url", view->previous.path);
        template_set_str(d, "previous_title", view->previous.title);
    }
    if (view->next.id) {
        template_set_str(d, "next_url", view->next.path);
        template_set_str(d, "next_title", view->next.title);
    }
}

/* Room for the page at once: grown by doubling, the 700 KB page of 1,000 comments was copied
 * ten times over as it grew. The markup around a comment is under 1 KB. */
static void reserve_article_page(const struct article_view *view, buf *out)
{
    const char *body = view->post.body_html;
    size_t bytes = 16384 + (body ? strlen(body) : 0);
    for (size_t i = 0; i < view->comment_count; i++) {
        const char *html = view->comments[i].comment->body_html;
        bytes += 1024 + (html ? strlen(html) : 0);
    }
    buf_reserve(out, bytes);
}

/* wp_link_pages(): "Pages: 1 2 3" under a post split by <!--nextpage-->, the page shown not a
 * link. */
static void add_page_links(template_data *d, arena *a, const struct article_view *view)
{
    template_set_bool(d, "has_pages", view->page_count > 1);
    for (int n = 1; view->page_count > 1 && n <= view->page_count; n++) {
        template_data *item = template_add_item(d, "page_links");
        template_set_int(item, "number", n);
        template_set_str(item, "url",
                         n == 1 ? view->post.path : arena_printf(a, "%s%d/", view->post.path, n));
        template_set_bool(item, "current", n == (view->page ? view->page : 1));
    }
}

/* The count readers read ("N comments"): the approved comments the thread shows, on every
 * comment page, not the store's count of approved ones, which includes replies below a hidden
 * comment. Then the links between comment pages (WordPress's "« Older Comments" and "Newer
 * Comments »"). */
static void set_comment_pages(template_data *d, arena *a, const struct article_view *view)
{
    long long shown = (long long)view->thread.approved;
    template_set_int(d, "comment_count", shown);
    template_set_str(d, "comments_label", count_label(a, shown, "comment", "comments"));
    if (view->comment_pages <= 1)
        return;
    const char *permalink = view->post.path;
    int page = view->comment_page, pages = view->comment_pages;
    template_set_bool(d, "comment_pages", true);
    if (page > 1)
        template_set_str(
            d, "older_comments_url",
            arena_printf(a, "%s#comments", comment_page_path(a, permalink, page - 1, pages)));
    if (page < pages)
        template_set_str(
            d, "newer_comments_url",
            arena_printf(a, "%s#comments", comment_page_path(a, permalink, page + 1, pages)));
}

int render_article_page(const template_set *theme, arena *a, const struct site_view *site,
                        const struct article_view *view, buf *out, buf *error)
{
    const struct store_post *post = &view->post;
    reserve_article_page(view, out);
    template_data *d = template_data_new(a);
    set_site(d, site);
    template_set_str(d, "page_title", post->title);
    set_post_summary(d, a, post);
    template_set_bool(d, "is_page", post->type == POST_TYPE_PAGE);
    template_set_bool(d, "locked", view->locked);
    set_article_head(d, a, site, view);
    if (!view->locked) {
        template_set_html(d, "content", view->page_html ? view->page_html : post->body_html);
        add_page_links(d, a, view);
        for (size_t i = 0; i < view->term_count; i++) {
            const struct store_term *t = &view->terms[i];
            bool category = strcmp(t->taxonomy, "category") == 0;
            template_data *item = template_add_item(d, category ? "categories" : "tags");
            template_set_str(item, "name", t->name);
            template_set_str(item, "url", view->term_paths[i]);
        }
        /* custom fields, where classic themes show them (the_meta): a list under the article */
        for (size_t i = 0; i < view->custom_field_count; i++) {
            template_data *item = template_add_item(d, "custom_fields");
            template_set_str(item, "field_name", view->custom_fields[i].name);
            template_set_str(item, "field_value", view->custom_fields[i].value);
        }
        template_set_bool(d, "has_custom_fields", view->custom_field_count > 0);
        add_comments(d, a, view);
        template_set_bool(d, "has_comments", view->comment_count > 0);
        set_comment_pages(d, a, view);
    }
    template_set_bool(d, "email_link", view->email_link);
    template_set_bool(d, "comments_open", view->comments_open && !view->locked);
    template_set_bool(d, "comments_closed",
                      !view->comments_open && !view->locked && post->type == POST_TYPE_POST);
    set_comment_form(d, arena_printf(a, "%scomments", post->path), &view->form);
    /* "Cancel reply" leads back to this page without ?replytocom */
    template_set_str(
        d, "form_cancel_url",
        arena_printf(a, "%s#respond",
                     comment_page_path(a, post->path, view->comment_page, view->comment_pages)));
    if (view->moderator_csrf) {
        template_set_str(d, "mod_csrf", view->moderator_csrf);
        template_set_int(d, "post_id", post->id);
        template_set_bool(d, "post_comments_open", post->comments_open);
    }
    return template_render(theme, "article", d, out, error);
}

static bool unlinkable_break_after(const char *p)
{
    return strchr(".:/@", *p) && p[1] && p[1] != ' ' && p[1] != '\n' && p[1] != '\r';
}

/* `text` with a zero-width space (U+200B) after each '.', ':', '/' and '@' that has more text
 * after it: mail programs make links of what looks like an address (https://…, www.…,
 * name.example, a@b.example) even in plain HTML text, and a visitor's note must not become a
 * link the site seems to send. People read the note the same; the page stays escaped text. */
static const char *unlinkable(arena *a, const char *text)
{
    static const char zero_width_space[] = "\xe2\x80\x8b"; /* U+200B in UTF-8 */
    size_t breaks = 0, len = strlen(text);
    for (const char *p = text; *p; p++)
        breaks += unlinkable_break_after(p);
    char *out = arena_alloc(a, len + breaks * (sizeof(zero_width_space) - 1) + 1);
    char *o = out;
    for (const char *p = text; *p; p++) {
        *o++ = *p;
        if (unlinkable_break_after(p)) {
            memcpy(o, zero_width_space, sizeof(zero_width_space) - 1);
            o += sizeof(zero_width_space) - 1;
        }
    }
    *o = '\0';
    return out;
}

int render_print_page(const template_set *theme, arena *a, const struct site_view *site,
                      const struct article_view *view, const struct print_options *options,
                      const char *note_from, const char *note, buf *out, buf *error)
{
    const struct store_post *post = &view->post;
    template_data *d = template_data_new(a);
    set_site(d, site);
    set_post_summary(d, a, post);
    template_set_str(d, "permalink_url", absolute(a, site, post->path));
    template_set_html(d, "content", post->body_html);
    template_set_str(d, "size", options->size);
    template_set_bool(d, "images", options->images);
    template_set_bool(d, "show_comments", options->comments);
    template_set_str(d, "note_from", note_from);
    template_set_str(d, "note", note ? unlinkable(a, note) : NULL);
    if (options->comments) {
        add_comments(d, a, view);
        template_set_bool(d, "has_comments", view->comment_count > 0);
    }
    return template_render(theme, "print", d, out, error);
}

int render_email_page(const template_set *theme, arena *a, const struct site_view *site,
                      const struct store_post *post, const struct email_form *form, buf *out,
                      buf *error)
{
    template_data *d = template_data_new(a);
    set_site(d, site);
    template_set_str(d, "page_title", arena_printf(a, "Email: %s", post->title));
    set_post_summary(d, a, post);
    template_set_str(d, "form_to", form->to);
    template_set_str(d, "form_name", form->name);
    template_set_str(d, "form_email", form->email);
    template_set_str(d, "form_note", form->note);
    template_set_str(d, "notice", form->notice);
    set_form_common(d, arena_printf(a, "%semail/", post->path), form->stamp, form->honeypot,
                    form->errors, form->error_count);
    return template_render(theme, "email", d, out, error);
}

/* A search snippet: the text escaped, the store's \x01…\x02 markers as <mark>…</mark>. The
 * text escapes " too, as it always has (harmless between tags). */
static const char *snippet_html(arena *a, const char *snippet)
{
    buf out = {0};
    for (const char *p = snippet; *p;) {
        size_t text_len = strcspn(p, "\x01\x02");
        escape_html(p, text_len, ESCAPE_QUOTES_DOUBLE, &out);
        p += text_len;
        if (*p == '\x01')
            buf_puts(&out, "<mark>");
        else if (*p == '\x02')
            buf_puts(&out, "</mark>");
        else
            break;
        p++;
    }
    const char *html = arena_take_buf(a, &out);
    return html;
}

static const char *page_url(arena *a, const struct listing_view *view, int page)
{
    if (view->query) { /* search pages are /?s=…&paged=N, as in WordPress */
        buf q = {0};
        buf_puts(&q, "/?s=");
        for (const char *p = view->query; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (isalnum(c) || strchr("-._~", c))
                buf_putc(&q, (char)c);
            else
                buf_printf(&q, "%%%02X", c);
        }
        if (page > 1)
            buf_printf(&q, "&paged=%d", page);
        const char *url = arena_take_buf(a, &q);
        return url;
    }
    return page == 1 ? view->base_path : arena_printf(a, "%spage/%d/", view->base_path, page);
}

int render_listing_page(const template_set *theme, arena *a, const struct site_view *site,
                        const struct listing_view *view, buf *out, buf *error)
{
    template_data *d = template_data_new(a);
    set_site(d, site);
    template_set_bool(d, "is_front", !view->heading && !view->query);
    template_set_str(d, "heading", view->heading);
    template_set_str(d, "description", view->description);
    template_set_str(d, "listing_feed", view->feed_path);
    template_set_str(d, "canonical", absolute(a, site, page_url(a, view, view->page)));
    for (size_t i = 0; i < view->count; i++) {
        template_data *item = template_add_item(d, "posts");
        set_post_summary(item, a, &view->posts[i]);
        if (view->snippets && view->snippets[i] && *view->snippets[i])
            template_set_html(item, "snippet", snippet_html(a, view->snippets[i]));
        else
            template_set_str(item, "snippet", "");
    }
    template_set_bool(d, "no_posts", view->count == 0 && !view->query);
    if (view->query) {
        template_set_bool(d, "is_search", true);
        template_set_str(d, "query", view->query);
        template_set_int(d, "total", view->total);
        template_set_str(d, "results_label", count_label(a, view->total, "result", "results"));
        template_set_bool(d, "no_results", view->count == 0);
        template_set_str(d, "notice", view->notice);
    }
    if (view->page > 1)
        template_set_str(d, "newer_url", page_url(a, view, view->page - 1));
    if (view->has_next)
        template_set_str(d, "older_url", page_url(a, view, view->page + 1));
    const char *title = view->query ? arena_printf(a, "Search: %s", view->query) : view->heading;
    if (view->page > 1)
        title = title ? arena_printf(a, "%s – page %d", title, view->page)
                      : arena_printf(a, "Page %d", view->page);
    template_set_str(d, "page_title", title);
    return template_render(theme, "front", d, out, error);
}

int render_error_page(const template_set *theme, arena *a, const struct site_view *site, int status,
                      const char *title, const char *message, buf *out, buf *error)
{
    template_data *d = template_data_new(a);
    set_site(d, site);
    template_set_str(d, "page_title", title);
    template_set_int(d, "status", status);
    template_set_str(d, "title", title);
    template_set_str(d, "message", message);
    return template_render(theme, "error", d, out, error);
}

int render_comment_retry_page(const template_set *theme, arena *a, const struct site_view *site,
                              const char *title, const char *message, const char *action,
                              const struct comment_form *form, buf *out, buf *error)
{
    template_data *d = template_data_new(a);
    set_site(d, site);
    template_set_str(d, "page_title", title);
    template_set_str(d, "title", title);
    template_set_str(d, "message", message);
    set_comment_form(d, action, form);
    return template_render(theme, "comment_retry", d, out, error);
}

int render_attachment_page(const template_set *theme, arena *a, const struct site_view *site,
                           const struct attachment_view *view, buf *out, buf *error)
{
    const struct store_media *media = view->media;
    template_data *d = template_data_new(a);
    set_site(d, site);
    const char *title = *media->title ? media->title : "Attachment";
    template_set_str(d, "page_title", title);
    template_set_str(d, "title", title);
    template_set_str(d, "canonical", absolute(a, site, media->page_path));
    template_set_str(d, "date", render_date_human(a, media->created_at));
    template_set_str(d, "date_iso", render_date_iso(a, media->created_at));
    template_set_bool(d, view->kind, true); /* image, audio, video or file */
    template_set_str(d, "file_url", view->file_url);
    template_set_str(d, "image_url", view->image_url);
    template_set_int(d, "image_width", view->image_width);
    template_set_int(d, "image_height", view->image_height);
    template_set_str(d, "alt", media->alt);
    template_set_str(d, "mime", media->mime);
    /* caption and description are shown as text: an import's HTML there is not trusted */
    template_set_str(d, "caption", *media->caption ? media->caption : NULL);
    template_set_str(d, "description", *media->description ? media->description : NULL);
    template_set_str(d, "parent_title", view->parent_title);
    template_set_str(d, "parent_url", view->parent_url);
    return template_render(theme, "attachment", d, out, error);
}
