/* spam.h: the comment spam rules: links and word lists as pure functions, and the signed time
 * stamp and honeypot of the comment form. No paid service, nothing sent anywhere. */
#ifndef GAZETTE_MODEL_SPAM_H
#define GAZETTE_MODEL_SPAM_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

/* The form field people leave empty (hidden from them; programs fill it) and the field holding
 * the signed time the form was made. */
#define SPAM_HONEYPOT_FIELD "subject"
#define SPAM_STAMP_FIELD "comment_stamp"

/* The window of comments.per_ip_10min, in seconds. */
#define SPAM_IP_WINDOW 600

enum spam_verdict {
    SPAM_PASS,   /* no rule applies */
    SPAM_HOLD,   /* store it pending: a moderator decides */
    SPAM_REJECT, /* store nothing */
};

/* The settings the content rules read. Strings are borrowed. */
struct spam_rules {
    long long max_links;     /* comments.max_links: hold above this many links; 0 = no limit */
    const char *hold_words;  /* comments.hold_words: one entry a line, or comma-separated */
    const char *block_words; /* comments.block_words: the same, for comments refused outright */
};

/* What the rules look at. Strings are borrowed; NULL counts as "". */
struct spam_comment {
    const char *author, *email, *url, *ip;
    const char *text; /* the Markdown as typed */
    size_t text_len;
    const char *html; /* what `text` renders to (markup_markdown): its links are counted */
};

/* ---- pure functions: no store, no I/O ---- */

/* Block words first (REJECT), then hold words, then the link limit (HOLD). *reason is a short
 * text for a person, in `a`: "block word \"x\" in the email", "hold word \"casino\" in the
 * comment", "3 links (more than comments.max_links = 2)"; "" for PASS. Never fails. */
enum spam_verdict spam_check(arena *a, const struct spam_rules *rules, const struct spam_comment *c,
                             const char **reason);

/* The links a reader would see: each <a> of the rendered `html` that leads off the page (its
 * href does not start with '#', so footnote links do not count) — Markdown links, <autolinks>,
 * bare http(s):// and www. addresses all become one — plus each raw HTML anchor (<a … href…>)
 * typed into `text`: the renderer drops raw HTML, but such anchors are what link spam is made
 * of. Either may be NULL. */
size_t spam_count_links(const char *text, size_t text_len, const char *html);

/* The entries of a word list: split at newlines and commas, blanks around each trimmed, empty
 * entries dropped. *words is an array in `a`; returns how many. */
size_t spam_word_list(arena *a, const char *list, const char ***words);

/* The first entry of `list` found in the comment's text, name, email, website or IP address
 * (looked for in that order), as a case-insensitive substring (ASCII letters fold; other
 * characters must match exactly), like WordPress's moderation and disallowed keys. On a match
 * sets *word (the entry) and *field ("comment", "name", "email", "website", "IP address"). */
bool spam_match_words(arena *a, const char *list, const struct spam_comment *c, const char **word,
                      const char **field);

/* ---- the form's time stamp: signed with the site's key (model/secret) ---- */

enum spam_stamp_result {
    SPAM_STAMP_OK,       /* genuine, and at least min_seconds old */
    SPAM_STAMP_FORGED,   /* missing, malformed, or not signed with this site's key */
    SPAM_STAMP_TOO_FAST, /* genuine, but younger than min_seconds (or from the future) */
};

/* "SECONDS.MAC": `now` and its MAC under the site's key, in `a`; "" when the key cannot be
 * read (then no stamp checks out, and the reader is told to send again). */
const char *spam_stamp_make(store *s, arena *a, long long now);

/* Checks a stamp a form sent back. Any age of at least min_seconds is accepted: article pages
 * are cached, so a form may carry the time its page was made hours ago. *age (may be NULL) is
 * now minus the stamp's time when the signature is good, else 0. */
enum spam_stamp_result spam_stamp_check(store *s, arena *a, const char *stamp, long long now,
                                        long long min_seconds, long long *age);

/* What a comment form about to be shown carries, from the settings: *honeypot when
 * comments.honeypot is on; *stamp a stamp made `now` when comments.min_seconds is above 0,
 * else NULL (then the page's bytes do not change with the time it was rendered). */
void spam_form_fields(store *s, arena *a, long long now, bool *honeypot, const char **stamp);

/* What spam_form_check found. */
enum spam_form_verdict {
    SPAM_FORM_GENUINE,  /* the honeypot empty and the stamp genuine and old enough (or off) */
    SPAM_FORM_HONEYPOT, /* the field hidden from people was filled (comments.honeypot) */
    SPAM_FORM_FORGED,   /* no genuine time stamp: the form was not loaded from this site */
    SPAM_FORM_TOO_FAST, /* sent sooner than comments.min_seconds after the form was made */
    SPAM_FORM_FAILED,   /* the site's key could not be read (the store): says nothing of them */
};

struct spam_form_check {
    enum spam_form_verdict verdict;
    const char *reason;  /* for the log ("the form had no time stamp"); "" when genuine */
    const char *message; /* for the person, naming `what`; "" when genuine or failed */
    const char *stamp;   /* the stamp a form shown again carries: the sender's when genuine (it
                            will soon be old enough), else a fresh one; NULL when
                            comments.min_seconds is 0 */
    bool honeypot;       /* a form shown again has the honeypot field (comments.honeypot) */
};

/* The checks of a public form itself, before its content, with the settings of the comment
 * form (comments.honeypot, comments.min_seconds): the honeypot field's value `honeypot` and
 * the signed `stamp` the form sent back (either may be NULL when missing). `what` names the
 * thing sent in the messages ("comment", "message"): each says the text is kept and what to do,
 * for the form comes back with what the person typed. Strings in `a`. */
void spam_form_check(store *s, arena *a, const char *what, const char *honeypot, const char *stamp,
                     long long now, struct spam_form_check *out);

#endif
