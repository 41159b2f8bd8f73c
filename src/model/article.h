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
    const char *reply_to_name; /* its author's name (?replytocom=ID), NULL for none */
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
    struct comment_node *comments; /* display order: the shown comment page's */
    size_t comment_count;
    struct comment_thread thread; /* the whole thread, every page */
    int comment_page;             /* the page shown, 1..comment_pages (the last by default) */
    int comment_pages;            /* 1 unless comments.per_page pages the thread */
    bool comments_open;           /* the form is shown */
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

/* Loads terms and the comment thread of `post` (copied into the view), every comment in
 * `comments` (print, PDF and text show them all; a page narrows them with
 * article_comment_page). `held_id`, when non-zero, is a held comment its author may see. All
 * memory in `a`. */
int article_load(store *s, arena *a, const struct store_post *post, long long held_id,
                 long long now, struct article_view *view);

/* Chooses page `page` (from 1) of the article, whose body WordPress's <!--nextpage--> splits
 * into pages (wp_link_pages): each page's HTML balanced on its own. False when the article has
 * fewer pages. */
bool article_select_page(arena *a, struct article_view *view, int page);

/* Narrows the view's comments to comment page `page` (PERMALINK/comment-page-N/; 0 for the
 * permalink's, the last). False when the thread has no such page as its own address: paging
 * off or one page, past the last, or the last (the permalink shows it). */
bool article_comment_page(store *s, arena *a, struct article_view *view, long long page);

/* The form replies to comment `id` (?replytocom=ID) when it is a comment the view's thread
 * shows as approved; otherwise the form stays a new comment. */
void article_reply_to(struct article_view *view, long long id);

#endif
