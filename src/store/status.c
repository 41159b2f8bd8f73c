/* status.c: the database text of the statuses, types and roles of store.h, both ways. */
#include <string.h>

#include "store/store.h"

/* Index = the enum's value; [0] is the "any" of filters, which has no text. */
static const char *const post_statuses[] = {NULL,      "publish", "draft", "pending",
                                            "private", "future",  "trash"};
static const char *const post_types[] = {NULL, "post", "page"};
static const char *const comment_statuses[] = {NULL, "approved", "pending", "spam", "trash"};
static const char *const comment_types[] = {NULL, "comment", "pingback", "trackback"};
static const char *const mail_statuses[] = {NULL, "queued", "sending", "sent", "failed"};

#define COUNT(names) (sizeof(names) / sizeof((names)[0]))

static const char *name_of(const char *const *names, size_t count, unsigned value)
{
    return value < count ? names[value] : NULL;
}

/* The index of `text` in names[1…], or 0 when it is none of them (or NULL). */
static unsigned index_of(const char *const *names, size_t count, const char *text)
{
    if (!text)
        return 0;
    for (size_t i = 1; i < count; i++)
        if (names[i][0] == text[0] && strcmp(names[i], text) == 0)
            return (unsigned)i;
    return 0;
}

#define MAPPING(type, names)                                                                       \
    const char *type##_name(enum type value)                                                       \
    {                                                                                              \
        return name_of(names, COUNT(names), (unsigned)value);                                      \
    }                                                                                              \
    bool type##_parse(const char *text, enum type *out)                                            \
    {                                                                                              \
        unsigned i = index_of(names, COUNT(names), text);                                          \
        if (i)                                                                                     \
            *out = (enum type)i;                                                                   \
        return i != 0;                                                                             \
    }

MAPPING(post_status, post_statuses)
MAPPING(post_type, post_types)
MAPPING(comment_status, comment_statuses)
MAPPING(comment_type, comment_types)
MAPPING(mail_status, mail_statuses)

static const char *const role_names[] = {"", "author", "editor", "admin"};

enum user_role user_role_parse(const char *name)
{
    return (enum user_role)index_of(role_names, COUNT(role_names), name);
}

const char *user_role_name(enum user_role role)
{
    return name_of(role_names, COUNT(role_names), (unsigned)role);
}
