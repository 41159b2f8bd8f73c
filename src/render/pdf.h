/* pdf.h: an article (and optionally its comments) as a printable PDF, made with pango + cairo. */
#ifndef GAZETTE_RENDER_PDF_H
#define GAZETTE_RENDER_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum pdf_paper {
    PDF_PAPER_A4 = 0, /* 210 x 297 mm */
    PDF_PAPER_LETTER, /* 8.5 x 11 in */
};

enum pdf_text_size {
    PDF_TEXT_NORMAL = 0, /* 10.5 pt body */
    PDF_TEXT_SMALL,      /* 9 pt body */
    PDF_TEXT_LARGE,      /* 12.5 pt body */
};

/* One approved comment, borrowed from the caller for the duration of render_pdf. */
struct pdf_comment {
    int depth;             /* 1 for a top-level comment, 2 for a reply to it, … */
    int number;            /* the number shown before it, as on the article page */
    const char *author;    /* display name (plain text) */
    const char *date;      /* as it is to be shown (plain text) */
    const char *body_html; /* sanitized HTML (SANITIZE_COMMENT) */
};

/* An image's pixels for the PDF: premultiplied 32-bit ARGB in native byte order (cairo's
 * CAIRO_FORMAT_ARGB32), stride width * 4, borrowed until render_pdf returns. */
struct pdf_image {
    const unsigned char *pixels;
    int width, height;
};

/* Gives the pixels of the image at `src` (an <img>'s src as the body has it): true, or false
 * when the caller has none (the PDF then shows the alt text). Called with the PDF's lock
 * held. */
typedef bool (*pdf_find_image)(void *context, const char *src, struct pdf_image *image);

/* What to render; every string is borrowed, UTF-8, NUL-terminated; NULL counts as "". */
struct pdf_article {
    const char *site_title;             /* small line at the top of page 1 */
    const char *title;                  /* required: big title, footer, PDF metadata */
    const char *author;                 /* display name; also PDF metadata */
    const char *date;                   /* as it is to be shown, e.g. "25 April 2023" */
    const char *date_iso;               /* "YYYY-MM-DDThh:mm:ss[Z|±hh:mm]" for the metadata */
    const char *language;               /* the article's language tag ("ar", "zh-TW"), or NULL:
                                           picks the CJK font and glyph forms of text that has
                                           no lang of its own */
    const char *url;                    /* permalink, absolute or a path; relative links in
                                           the body are resolved against it when absolute */
    const char *body_html;              /* sanitized HTML (SANITIZE_ARTICLE) */
    const struct pdf_comment *comments; /* in display order; NULL when comment_count is 0 */
    size_t comment_count;               /* 0: no "Comments" section */
    int paper;                          /* enum pdf_paper */
    int text_size;                      /* enum pdf_text_size */
    bool images; /* false: images dropped; true: each drawn when find_image gives it (scaled
                    to the column; a gallery's side by side with their captions), else shown as
                    an italic "[image: ALT]" line (gazette never fetches remote images) */
    pdf_find_image find_image; /* NULL: no image is drawn */
    void *find_image_context;  /* its first argument */
};

/* Appends to `out` a PDF of `article`: a header block on page 1 (site, title, author, date,
 * permalink), the body with its headings (kept with what follows them, listed in the PDF
 * outline), quotes, lists, footnotes, clickable links, then the comments if any, and
 * "Title — page N of M" at the foot of every page; the Noto fonts of every script (DejaVu
 * after them) through fontconfig, each paragraph in its own direction (dir, or its first
 * strong letter) and language (lang), metadata
 * title/author/creation date/creator. May be called from several threads: each thread uses its
 * own pango font map, but the calls run one at a time (cairo's shared font faces are not
 * thread-safe). Returns 0, or -1 with a message appended to `error` and nothing appended to
 * `out`. */
int render_pdf(const struct pdf_article *article, buf *out, buf *error);

/* Loads the fonts (fontconfig, the process's pango font map): the first PDF costs ~15 ms more
 * otherwise. A server calls it when it starts. */
void render_pdf_prepare(void);
/* Frees the font map (at exit, so that leak checkers see nothing left). */
void render_pdf_release(void);

#endif
