/* comment.c: validation, moderation, depth rule, materialised paths and thread numbering. */
#include "model/comment.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/post.h"
#include "model/secret.h"
#include "model/settings.h"
#include "model/spam.h"
#include "markup/markdown.h"
#include "util/log.h"
#include "util/utf8.h"

#define AUTHOR_MAX 245 /* WordPress's column sizes, so imported data fits either way */
#define EMAIL_MAX 100
#define URL_MAX 200

static void add_error(struct comment_result *out, const char *field, const char *message)
{
    if (out->error_count < COMMENT_MAX_ERRORS) {
        out->error_fields[out->error_count] = field;
        out->errors[out->error_count++] = message;
    }
}

/* Trimmed copy of `s` in the arena. */
static const char *trimmed(arena *a, const char *s)
{
    if (!s)
        return "";
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

/* A deliberately plain check: something@domain.tld with no spaces or angle brackets. */
static bool email_valid(const char *email)
{
    const char *at = strchr(email, '@');
    if (!at || at == email || strchr(at + 1, '@'))
        return false;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || !dot[1])
        return false;
    for (const char *p = email; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:\"", *p))
            return false;
    return true;
}

static const char *normalized_url(arena *a, const char *url, bool *valid)
{
    *valid = true;
    if (!*url)
        return url;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
            *valid = false;
    if (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0)
        return url;
    if (strstr(url, "://") || strchr(url, ':')) {
        *valid = false; /* another scheme: javascript:, data:, ftp://… */
        return url;
    }
    return arena_printf(a, "http://%s", url);
}

/* store_comment_add makes the same segment in SQL (store/sqlite.c, store/pg.c): change them
 * together. */
static void path_segment(char out[COMMENT_PATH_SEGMENT + 1], long long created_at, long long id)
{
    snprintf(out, COMMENT_PATH_SEGMENT + 1, "%08" PRIx32 "%08" PRIx32,
             (uint32_t)(created_at < 0 ? 0 : created_at), (uint32_t)id);
}

int comment_insert_placed(store *s, arena *a, struct store_comment *c, long long *id)
{
    const char *parent_path = "";
    c->depth = 1;
    if (c->parent_id) {
        struct store_comment parent;
        int rc = store_comment_get(s, a, c->parent_id, &parent);
        if (rc != STORE_OK)
            return rc == STORE_NOT_FOUND ? STORE_ERROR : rc;
        parent_path = parent.path;
        c->depth = parent.depth + 1;
    }
    char segment[COMMENT_PATH_SEGMENT + 1];
    if (c->id) {
        /* the id is known (an import keeps WordPress's) */
        path_segment(segment, c->created_at, c->id);
        c->path = arena_printf(a, "%s%s", parent_path, segment);
        return store_comment_insert(s, c, id);
    }
    /* the store picks the id and writes the path made the same way, in one statement */
    if (store_comment_add(s, c, parent_path, id) != STORE_OK)
        return STORE_ERROR;
    c->id = *id;
    path_segment(segment, c->created_at, c->id);
    c->path = arena_printf(a, "%s%s", parent_path, segment);
    return STORE_OK;
}

int comment_reply_parent(store *s, arena *a, struct store_comment *parent, int max_depth,
                         bool *top_level)
{
    *top_level = false;
    while (parent->depth >= max_depth) {
        if (!parent->parent_id) {
            *top_level = true;
            return STORE_OK;
        }
        if (store_comment_get(s, a, parent->parent_id, parent) != STORE_OK)
            return STORE_ERROR;
    }
    return STORE_OK;
}

/* A reply is only accepted under a thread readers can see: the parent and all its ancestors
 * approved comments of this post. */
static int parent_visible(store *s, arena *a, const struct store_comment *parent, long long post_id,
                          bool *visible)
{
    struct store_comment c = *parent;
    for (;;) {
        if (c.post_id != post_id || c.status != COMMENT_STATUS_APPROVED ||
            c.type != COMMENT_TYPE_COMMENT) {
            *visible = false;
            return STORE_OK;
        }
        if (!c.parent_id)
            break;
        int rc = store_comment_get(s, a, c.parent_id, &c);
        if (rc != STORE_OK)
            return rc == STORE_NOT_FOUND ? (*visible = false, STORE_OK) : rc;
    }
    *visible = true;
    return STORE_OK;
}

static void reject(struct comment_result *out, enum comment_rejection rejection, const char *reason,
                   const char *message)
{
    out->outcome = COMMENT_REJECTED;
    out->rejection = rejection;
    out->reason = reason;
    out->message = message;
}

/* The checks of the form itself, before its content (model/spam: the honeypot and the signed
 * time stamp), and the stamp a form shown again carries. False when the comment is refused, or
 * when the store failed (COMMENT_FAILED). */
static bool form_genuine(store *s, arena *a, const struct comment_input *in,
                         struct comment_result *out)
{
    static const enum comment_rejection rejections[] = {
        [SPAM_FORM_HONEYPOT] = COMMENT_REJECTED_HONEYPOT,
        [SPAM_FORM_FORGED] = COMMENT_REJECTED_FORM,
        [SPAM_FORM_TOO_FAST] = COMMENT_REJECTED_TOO_FAST,
    };
    struct spam_form_check check;
    spam_form_check(s, a, "comment", in->honeypot, in->stamp, in->now, &check);
    out->honeypot = check.honeypot;
    out->stamp = check.stamp;
    if (check.verdict == SPAM_FORM_GENUINE)
        return true;
    if (check.verdict == SPAM_FORM_FAILED) {
        out->outcome = COMMENT_FAILED;
        out->failure = arena_strdup(a, store_error(s));
        log_error("checking a comment form's time stamp: %s", out->failure);
        return false;
    }
    reject(out, rejections[check.verdict], check.reason, check.message);
    return false;
}

/* What the transaction of one comment needs and finds (comment_transaction). */
struct comment_write {
    arena *a;
    const struct comment_input *in;
    struct comment_result *out;
    struct store_comment *c; /* its status, held_by and id are set here */
    enum spam_verdict verdict;
    const char *spam_reason;
    const char *moderation; /* comments.moderation */
    const char *account;    /* the account whose email it gives, when not signed in as it */
    long long per_ip;       /* comments.per_ip_10min */
    bool over_rate_limit;   /* nothing was stored: `recent` comments came from its address */
    long long recent;
};

/* The comment's transaction (store_write, maybe beside other requests' comments): the
 * checks that must see the committed comments (the address's rate, an earlier approved
 * comment with the same name and email), then the insert. */
static int comment_transaction(store *tx, void *arg)
{
    struct comment_write *w = arg;
    const struct comment_input *in = w->in;
    struct store_comment *c = w->c;
    w->over_rate_limit = false;
    if (w->per_ip > 0 && in->ip && *in->ip) {
        if (store_comment_count_ip(tx, in->ip, in->now - SPAM_IP_WINDOW, &w->recent) != STORE_OK)
            return STORE_ERROR;
        if (w->recent >= w->per_ip) {
            w->over_rate_limit = true;
            return STORE_OK; /* nothing written */
        }
    }
    /* as WordPress's check_comment(): an approved comment with this name and this email, since
     * anyone may type the email of a known commenter */
    bool known = false;
    if (!w->account && w->verdict == SPAM_PASS && strcmp(w->moderation, "first-time") == 0 &&
        store_comment_author_approved(tx, c->author, c->email, &known) != STORE_OK)
        return STORE_ERROR;
    if (w->account) {
        c->status = COMMENT_STATUS_PENDING;
        c->held_by = arena_printf(w->a, "the email of account %s; sign in to comment as %s",
                                  w->account, w->account);
    } else if (w->verdict == SPAM_HOLD) {
        c->status = COMMENT_STATUS_PENDING;
        c->held_by = w->spam_reason; /* says more than a moderation rule that may also apply */
    } else if (strcmp(w->moderation, "none") == 0 ||
               (strcmp(w->moderation, "first-time") == 0 && known)) {
        c->status = COMMENT_STATUS_APPROVED;
        c->held_by = NULL;
    } else {
        c->status = COMMENT_STATUS_PENDING;
        c->held_by = strcmp(w->moderation, "all") == 0 ? "comments.moderation = all"
                                                       : "first comment from this name and email";
    }
    return comment_insert_placed(tx, w->a, c, &w->out->id);
}

void comment_submit(store *s, arena *a, const struct store_post *post,
                    const struct comment_input *in, struct comment_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!post_comments_open(s, a, post, in->now)) {
        out->outcome = COMMENT_CLOSED;
        return;
    }
    if (!form_genuine(s, a, in, out))
        return;
    const char *author = trimmed(a, in->author);
    const char *email = trimmed(a, in->email);
    bool url_ok;
    const char *url = normalized_url(a, trimmed(a, in->url), &url_ok);
    const char *text = in->text ? in->text : "";
    size_t max_text = (size_t)settings_get_int(s, a, SETTING_COMMENTS_MAX_KB) * 1024;

    if (!utf8_valid(author, strlen(author)) || !utf8_valid(email, strlen(email)) ||
        !utf8_valid(url, strlen(url)) || !utf8_valid(text, in->text_len))
        add_error(out, "comment", "The form held text that is not valid UTF-8.");
    if (!*author)
        add_error(out, "author", "Please enter your name.");
    else if (strlen(author) > AUTHOR_MAX)
        add_error(out, "author", "Your name is too long (245 bytes at most).");
    if (!*email)
        add_error(out, "email", "Please enter your email address.");
    else if (strlen(email) > EMAIL_MAX || !email_valid(email))
        add_error(out, "email", "Please enter a valid email address.");
    if (!url_ok || strlen(url) > URL_MAX)
        add_error(out, "url",
                  "The website must be an http:// or https:// address of at most "
                  "200 bytes.");
    size_t blank = 0;
    while (blank < in->text_len && isspace((unsigned char)text[blank]))
        blank++;
    if (blank == in->text_len)
        add_error(out, "comment", "Please type your comment.");
    else if (in->text_len > max_text)
        add_error(out, "comment",
                  arena_printf(a, "Your comment is too long: %zu KiB at most.", max_text / 1024));

    struct store_comment parent = {0};
    if (in->parent_id) {
        int rc = store_comment_get(s, a, in->parent_id, &parent);
        if (rc == STORE_ERROR)
            goto store_failed;
        bool visible = false;
        if (rc == STORE_OK && parent_visible(s, a, &parent, post->id, &visible) != STORE_OK)
            goto store_failed;
        if (!visible)
            add_error(out, "comment_parent",
                      "The comment you replied to does not exist or is not public.");
    }
    if (out->error_count) {
        out->outcome = COMMENT_INVALID;
        return;
    }
    bool top_level = in->parent_id == 0;
    if (in->parent_id &&
        comment_reply_parent(s, a, &parent, (int)settings_get_int(s, a, SETTING_COMMENTS_MAX_DEPTH),
                             &top_level) != STORE_OK)
        goto store_failed;

    buf html = {0};
    markup_markdown(text, in->text_len, SANITIZE_COMMENT, &html);
    const char *body_html = arena_take_buf(a, &html);

    struct spam_rules rules = {
        .max_links = settings_get_int(s, a, SETTING_COMMENTS_MAX_LINKS),
        .hold_words = settings_get(s, a, SETTING_COMMENTS_HOLD_WORDS),
        .block_words = settings_get(s, a, SETTING_COMMENTS_BLOCK_WORDS),
    };
    struct spam_comment judged = {
        .author = author,
        .email = email,
        .url = url,
        .ip = in->ip,
        .text = text,
        .text_len = in->text_len,
        .html = body_html,
    };
    const char *spam_reason;
    enum spam_verdict verdict = spam_check(a, &rules, &judged, &spam_reason);
    if (verdict == SPAM_REJECT) {
        /* WordPress trashes such comments silently; saying which word would help spammers */
        reject(out, COMMENT_REJECTED_BLOCKED, spam_reason,
               "Your comment was not accepted: it matches a rule this site has against spam.");
        return;
    }
    struct store_comment c = {
        .post_id = post->id,
        .parent_id = top_level ? 0 : parent.id,
        .author = author,
        .email = email,
        .url = url,
        .ip = in->ip,
        .user_agent = in->user_agent,
        .body_html = body_html,
        .body_source = arena_strndup(a, text, in->text_len),
        .type = COMMENT_TYPE_COMMENT,
        .created_at = in->now,
    };

    /* An account's email is held whatever the moderation rule unless that account posts it
     * (signed in): knowing an editor's address must not be enough to speak as them. */
    const char *account = NULL;
    if (!(in->user && strcasecmp(in->user->email, email) == 0)) {
        struct store_user owner;
        int rc = store_user_find_email(s, a, email, &owner);
        if (rc == STORE_ERROR)
            goto store_failed;
        if (rc == STORE_OK)
            account = owner.login;
    }
    struct comment_write w = {
        .a = a,
        .account = account,
        .in = in,
        .out = out,
        .c = &c,
        .verdict = verdict,
        .spam_reason = spam_reason,
        .moderation = settings_get(s, a, SETTING_COMMENTS_MODERATION),
        .per_ip = settings_get_int(s, a, SETTING_COMMENTS_PER_IP_10MIN),
    };
    if (store_write(s, comment_transaction, &w) != STORE_OK)
        goto store_failed;
    if (w.over_rate_limit) {
        reject(out, COMMENT_REJECTED_RATE_LIMIT,
               arena_printf(a, "%lld comments from %s in 10 minutes (comments.per_ip_10min)",
                            w.recent, in->ip),
               arena_printf(a,
                            "Your comment was not accepted: %lld comments were sent from "
                            "your address in the last 10 minutes, the most this site "
                            "takes. Your comment is below; please send it again in 10 "
                            "minutes.",
                            w.recent));
        out->retry_after = SPAM_IP_WINDOW;
        return;
    }
    out->outcome = c.status == COMMENT_STATUS_APPROVED ? COMMENT_APPROVED : COMMENT_HELD;
    out->reason = c.held_by;
    return;
store_failed:
    out->outcome = COMMENT_FAILED;
    out->failure = arena_strdup(a, store_error(s));
    log_error("storing a comment on post %lld: %s", post->id, out->failure);
}

void comment_thread_place(arena *a, const struct store_comment *all, size_t n, long long also_id,
                          int max_depth, struct comment_thread *out)
{
    if (max_depth < 1)
        max_depth = 1;
    struct comment_node *nodes = arena_alloc(a, (n ? n : 1) * sizeof(*nodes));
    /* The shown ancestors of the last shown comment, one per level of the tree (a chain can be
     * as deep as the thread is long), with the replies numbered under each so far. In path
     * order a comment's shown parent is on this stack; a comment whose parent is not on it has
     * a hidden (or absent) ancestor and is left out without touching the stack, so that its
     * later cousins still find theirs. */
    struct level {
        long long id;
        int children;
    } *stack = arena_alloc(a, (n ? n : 1) * sizeof(*stack));
    size_t top = 0; /* entries in stack */
    int top_level = 0;
    size_t shown = 0, approved = 0, threads = 0;
    for (size_t i = 0; i < n; i++) {
        const struct store_comment *c = &all[i];
        if (c->status != COMMENT_STATUS_APPROVED && c->id != also_id)
            continue;
        size_t level = 0; /* where c goes on the stack: its tree depth - 1 */
        if (c->parent_id) {
            size_t j = top;
            while (j > 0 && stack[j - 1].id != c->parent_id)
                j--;
            if (j == 0)
                continue; /* its parent is not shown, so neither is it */
            level = j;
        }
        top = level;
        /* past max_depth a reply shows at max_depth right after its parent, numbered among
         * the replies of its ancestor one level up (WordPress's Walker_Comment does the same
         * past thread_comments_depth) */
        size_t depth = level + 1 < (size_t)max_depth ? level + 1 : (size_t)max_depth;
        int number = depth == 1 ? ++top_level : ++stack[depth - 2].children;
        if (depth == 1)
            threads++;
        nodes[shown++] = (struct comment_node){c, number, (int)depth};
        if (c->status == COMMENT_STATUS_APPROVED)
            approved++;
        stack[top].id = c->id;
        stack[top].children = 0;
        top++;
    }
    out->nodes = nodes;
    out->count = shown;
    out->approved = approved;
    out->threads = threads;
}

int comment_thread(store *s, arena *a, long long post_id, long long also_id,
                   struct comment_node **nodes, size_t *count)
{
    struct comment_thread thread;
    if (comment_thread_load(s, a, post_id, also_id, &thread) != STORE_OK)
        return STORE_ERROR;
    *nodes = thread.nodes;
    *count = thread.count;
    return STORE_OK;
}

int comment_thread_load(store *s, arena *a, long long post_id, long long also_id,
                        struct comment_thread *out)
{
    struct store_comment *all;
    size_t n;
    if (store_comment_thread(s, a, post_id, also_id ? COMMENT_STATUS_ANY : COMMENT_STATUS_APPROVED,
                             &all, &n) != STORE_OK)
        return STORE_ERROR;
    comment_thread_place(a, all, n, also_id,
                         (int)settings_get_int(s, a, SETTING_COMMENTS_MAX_DEPTH), out);
    return STORE_OK;
}

const char *comment_moderation_hash(store *s, arena *a, long long id)
{
    return secret_mac(s, a, arena_printf(a, "comment:%lld", id));
}

bool comment_moderation_hash_ok(store *s, arena *a, long long id, const char *hash)
{
    return secret_mac_ok(s, a, arena_printf(a, "comment:%lld", id), hash);
}

int comment_get(store *s, arena *a, long long id, struct store_comment *out)
{
    return store_comment_get(s, a, id, out);
}

int comment_page_count(const struct comment_thread *thread, long long per_page)
{
    if (per_page <= 0 || thread->threads <= (size_t)per_page)
        return 1;
    return (int)((thread->threads + (size_t)per_page - 1) / (size_t)per_page);
}

void comment_page_slice(const struct comment_thread *thread, long long per_page, int page,
                        size_t *first, size_t *n)
{
    if (per_page <= 0 || comment_page_count(thread, per_page) == 1) {
        *first = 0;
        *n = thread->count;
        return;
    }
    size_t from = (size_t)(page - 1) * (size_t)per_page; /* the first thread of the page */
    size_t to = from + (size_t)per_page;
    size_t seen = 0, start = thread->count, end = thread->count;
    for (size_t i = 0; i < thread->count; i++) {
        if (thread->nodes[i].depth != 1)
            continue;
        if (seen == from)
            start = i;
        if (seen == to) {
            end = i;
            break;
        }
        seen++;
    }
    *first = start;
    *n = end - start;
}

int comment_page_of(const struct comment_thread *thread, long long per_page, long long id)
{
    size_t seen = 0; /* top-level comments up to and including the current one */
    for (size_t i = 0; i < thread->count; i++) {
        if (thread->nodes[i].depth == 1)
            seen++;
        if (thread->nodes[i].comment->id == id)
            return per_page <= 0 ? 1 : (int)((seen + (size_t)per_page - 1) / (size_t)per_page);
    }
    return 0;
}

const char *comment_page_path(arena *a, const char *permalink, int page, int page_count)
{
    if (page <= 0 || page >= page_count)
        return permalink;
    return arena_printf(a, "%scomment-page-%d/", permalink, page);
}

const char *comment_page_path_of(store *s, arena *a, const struct store_post *post, long long id,
                                 long long also_id)
{
    long long per_page = settings_get_int(s, a, SETTING_COMMENTS_PER_PAGE);
    if (per_page <= 0)
        return post->path;
    struct comment_thread thread;
    if (comment_thread_load(s, a, post->id, also_id, &thread) != STORE_OK)
        return NULL;
    return comment_page_path(a, post->path, comment_page_of(&thread, per_page, id),
                             comment_page_count(&thread, per_page));
}

int comment_shown_counts(store *s, arena *a, struct store_post *posts, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (posts[i].approved_comments == 0)
            continue; /* nothing approved, nothing shown */
        struct store_comment *all;
        size_t n;
        if (store_comment_thread_shape(s, a, posts[i].id, &all, &n) != STORE_OK)
            return STORE_ERROR;
        struct comment_thread thread;
        comment_thread_place(a, all, n, 0, 1, &thread);
        posts[i].approved_comments = (long long)thread.approved;
    }
    return STORE_OK;
}
