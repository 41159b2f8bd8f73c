/* article.h: everything an article page shows, gathered from the store in a fixed few queries. */
#ifndef GAZETTE_MODEL_ARTICLE_H
#define GAZETTE_MODEL_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/comment.h"
#include "store/store.h"

/* What the reader typed into the comment form, shown again after an error. */
struct comment_form {
    const char *author, *email, *url, *comment; /* NULL = empty */
    long long parent_id;                        /* the comment replied to, 0 for none */
    bool remember;
    const char *const *errors; /* messages for a person */
    size_t error_count;
    const char *stamp; /* the signed time stamp (model/spam), NULL = none */
    bool honeypot;     /* show the field people leave empty (comments.honeypot) */
};

struct article_view {
    struct store_post post;
    struct store_term *terms; /* categories then tags */
    const char **term_paths;  /* each term's archive path */
    size_t term_count;
    struct store_custom_field *custom_fields; /* WordPress's custom fields, in their order */
    size_t custom_field_count;
    struct comment_node *comments; /* display order */
    size_t comment_count;
    bool comments_open;       /* the form is shown */
    bool locked;              /* password-protected and not unlocked: body and comments hidden */
    long long held_id;        /* a held comment shown to its author, 0 for none */
    struct comment_form form; /* values for the comment form */
    struct store_post previous, next; /* neighbours in date order (id 0 when none; posts only) */
    const char *moderator_csrf;       /* a signed-in moderator's token: the page shows moderation
                                         controls (never cached); NULL for readers */
    bool email_link; /* show the Email link (mail_configured; set by the caller, false here) */
    /* a post split by <!--nextpage--> (article_select_page): the page shown (from 1), how many
     * it has, and that page's HTML (NULL: the whole body, for a post of one page) */
    int page, page_count;
    const char *page_html;
};

/* Loads terms and the comment thread of `post` (copied into the view). `held_id`, when
 * non-zero, is a held comment its author may see. All memory in `a`. */
int article_load(store *s, arena *a, const struct store_post *post, long long held_id,
                 long long now, struct article_view *view);

/* Chooses page `page` (from 1) of the article, whose body WordPress's <!--nextpage--> splits
 * into pages (wp_link_pages): each page's HTML balanced on its own. False when the article has
 * fewer pages. */
bool article_select_page(arena *a, struct article_view *view, int page);

#endif
