/* pages.h: whole HTML pages (article, front page, errors) from the theme's templates. */
#ifndef GAZETTE_RENDER_PAGES_H
#define GAZETTE_RENDER_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "model/article.h"
#include "model/menu.h"
#include "render/template.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* Site-wide values every page shows. Borrowed strings. */
struct site_view {
    const char *title, *description;
    const char *url;      /* the public base URL without a trailing '/', for absolute links */
    const char *language; /* <html lang> (site.language); NULL: "en" */
    const struct menu_link *nav; /* the header's navigation (model/menu.h), parents first */
    size_t nav_count;
};

/* Each appends a page to `out` and returns 0, or -1 with a message in `error` (a template
 * problem). Memory for template data comes from `a`. */
int render_article_page(const template_set *theme, arena *a, const struct site_view *site,
                        const struct article_view *view, buf *out, buf *error);

/* A page listing posts: the front page, an archive (category, tag, author, date) or search
 * results. */
struct listing_view {
    const char *heading;     /* "Category: News"; NULL on the front page */
    const char *description; /* under the heading, or NULL */
    const char *base_path;   /* "/", "/category/news/": page N is BASE/page/N/ */
    const char *feed_path;   /* the listing's feed ("/feed/", "/category/news/feed/"), or NULL */
    const struct store_post *posts;
    const char *const *snippets; /* search: plain text with \x01…\x02 around matches; or NULL */
    size_t count;
    int page;           /* 1-based */
    bool has_next;      /* an older page exists */
    const char *query;  /* search: what was searched for; NULL otherwise */
    long long total;    /* search: results in all */
    const char *notice; /* search: a sentence instead of results ("Your search is too long…") */
};
int render_listing_page(const template_set *theme, arena *a, const struct site_view *site,
                        const struct listing_view *view, buf *out, buf *error);

/* An error page: status line words and a sentence for a person. */
int render_error_page(const template_set *theme, arena *a, const struct site_view *site, int status,
                      const char *title, const char *message, buf *out, buf *error);

/* What a reader chose for the print page (and the PDF and email made from it). */
struct print_options {
    bool comments;    /* the approved comments, numbered and nested */
    bool images;      /* false drops images */
    const char *size; /* "small", "normal", "large" */
};

/* The print-friendly page: one self-contained HTML page (styles inside) with the site name,
 * title, byline, absolute permalink, the article and, if asked, the comments. `note_from` and
 * `note`, when not NULL, head the page with who sent it (the email's HTML part): the name as a
 * visitor's unchecked words, the note as quoted text that mail programs do not turn into links
 * (a zero-width space after each '.', ':', '/' and '@' that is followed by more text). */
int render_print_page(const template_set *theme, arena *a, const struct site_view *site,
                      const struct article_view *view, const struct print_options *options,
                      const char *note_from, const char *note, buf *out, buf *error);

/* The article (and, per options, its comments) as a PDF on `paper` ("a4" or "letter"). */
int render_article_pdf(arena *a, const struct site_view *site, const struct article_view *view,
                       const struct print_options *options, const char *paper, buf *out,
                       buf *error);

/* The email form of an article, with what was typed and what is wrong (or a notice). */
struct email_form {
    const char *to, *name, *email, *note;
    const char *const *errors;
    size_t error_count;
    const char *notice; /* "Sent…", shown instead of the form's errors */
    const char *stamp;  /* the signed time stamp (model/spam), NULL = none */
    bool honeypot;      /* show the field people leave empty (comments.honeypot) */
};
int render_email_page(const template_set *theme, arena *a, const struct site_view *site,
                      const struct store_post *post, const struct email_form *form, buf *out,
                      buf *error);

/* A page that says why a comment could not be taken now (the database is unreachable) and
 * shows the comment form again with what the reader typed, posting to `action`. */
int render_comment_retry_page(const template_set *theme, arena *a, const struct site_view *site,
                              const char *title, const char *message, const char *action,
                              const struct comment_form *form, buf *out, buf *error);

/* The article and its comments as plain text, laid out like a reader copying the page:
 * title, paragraphs, "Print Friendly, PDF & Email", the numbered indented comments, and
 * "Comments are closed." when closed. */
void render_article_text(const struct article_view *view, buf *out);

/* An attachment page (WordPress's attachment.php): the media with its title, caption and
 * description, the file shown as it can be, and a link back to the post it belongs to. */
struct attachment_view {
    const struct store_media *media;
    const char *kind;      /* "image", "audio", "video" or "file": how the page shows it */
    const char *file_url;  /* the original's path, /wp-content/uploads/… */
    const char *image_url; /* an image: the size shown (large, else the original) */
    long long image_width, image_height;
    const char *parent_title, *parent_url; /* the public post it belongs to; NULL for none */
};
int render_attachment_page(const template_set *theme, arena *a, const struct site_view *site,
                           const struct attachment_view *view, buf *out, buf *error);

/* Dates as pages show them: "April 25, 2023" and ISO 8601 "2023-04-25T09:00:00Z". */
const char *render_date_human(arena *a, long long unix_seconds);
const char *render_date_iso(arena *a, long long unix_seconds);

#endif
