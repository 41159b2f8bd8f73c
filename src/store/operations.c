/* operations.c: every store operation, written once against the engine's primitives
 * (backend.h) and the statements of statements.h. */
#include <limits.h>
#include <string.h>

#include "store/backend.h"
#include "util/search_fold.h"

/* --- running a statement --- */

/* One parameter of a statement. An operation lists its parameters in the order the statement
 * numbers them (?1, ?2, …) with PARAMETERS(…), which gives the list and its length. */
struct parameter {
    enum { PARAMETER_INTEGER, PARAMETER_TEXT, PARAMETER_BOOLEAN, PARAMETER_BLOB } type;
    long long number; /* an integer, or a boolean's 0 or 1, or a blob's length */
    const char *text; /* NULL binds NULL; not copied: it must outlive the statement */
    const void *blob; /* bytes (NULL with length 0: none, an empty blob); not copied */
};
#define INTEGER(value)                                                                             \
    {                                                                                              \
        .type = PARAMETER_INTEGER, .number = (value)                                               \
    }
#define TEXT(value)                                                                                \
    {                                                                                              \
        .type = PARAMETER_TEXT, .text = (value)                                                    \
    }
#define TEXT_OR_EMPTY(value) TEXT((value) ? (value) : "") /* a text the record may leave NULL */
#define BOOLEAN(value)                                                                             \
    {                                                                                              \
        .type = PARAMETER_BOOLEAN, .number = (value)                                               \
    }
/* A LIMIT: 0 or less is none, a count no table reaches (both engines take it). */
#define LIMIT(value) INTEGER((value) > 0 ? (long long)(value) : LLONG_MAX)
#define BLOB(data, length)                                                                         \
    {                                                                                              \
        .type = PARAMETER_BLOB, .blob = (data), .number = (long long)(length)                      \
    }
#define PARAMETERS(...)                                                                            \
    (const struct parameter[]){__VA_ARGS__},                                                       \
        sizeof((const struct parameter[]){__VA_ARGS__}) / sizeof(struct parameter)
#define NO_PARAMETERS NULL, 0

/* Makes `id` the current statement of `s` with `parameters` bound: STORE_OK, or STORE_ERROR
 * when it cannot be prepared or the list's length is not the statement's. */
static int start(store *s, enum statement_id id, const struct parameter *parameters, size_t count)
{
    s->statement = id;
    if (s->engine->prepare(s, id) != STORE_OK)
        return STORE_ERROR;
    if (count != (size_t)store_statements[id].parameters) {
        s->engine->reset(s);
        return store_fail(s, "%s: %zu parameters given, %d declared", store_statements[id].name,
                          count, store_statements[id].parameters);
    }
    for (size_t i = 0; i < count; i++) {
        const struct parameter *p = &parameters[i];
        if (p->type == PARAMETER_INTEGER)
            s->engine->bind_int(s, (int)i + 1, p->number);
        else if (p->type == PARAMETER_TEXT)
            s->engine->bind_text(s, (int)i + 1, p->text);
        else if (p->type == PARAMETER_BLOB)
            s->engine->bind_blob(s, (int)i + 1, p->blob, (size_t)p->number);
        else
            s->engine->bind_bool(s, (int)i + 1, p->number != 0);
    }
    return STORE_OK;
}

/* Runs the current statement to its end (rows it returns are dropped) and ends it; `changed`,
 * when not NULL, gets the rows it changed. STORE_OK, STORE_ERROR or STORE_CONFLICT. */
static int run_typed(store *s, long long *changed)
{
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW)
        ;
    if (step == STORE_STEP_DONE && changed)
        *changed = s->engine->changes(s);
    s->engine->reset(s);
    return step == STORE_STEP_DONE       ? STORE_OK
           : step == STORE_STEP_CONFLICT ? STORE_CONFLICT
                                         : STORE_ERROR;
}

/* Runs a write: STORE_OK or STORE_ERROR. */
static int run(store *s, enum statement_id id, const struct parameter *parameters, size_t count)
{
    if (start(s, id, parameters, count) != STORE_OK)
        return STORE_ERROR;
    return run_typed(s, NULL) == STORE_OK ? STORE_OK : STORE_ERROR;
}

/* Runs a write that counts what it changed into *changed (STORE_OK or STORE_ERROR). */
static int run_counted(store *s, long long *changed, enum statement_id id,
                       const struct parameter *parameters, size_t count)
{
    *changed = 0;
    if (start(s, id, parameters, count) != STORE_OK)
        return STORE_ERROR;
    return run_typed(s, changed) == STORE_OK ? STORE_OK : STORE_ERROR;
}

/* A write of one row found by its key: STORE_NOT_FOUND when it changed none. */
static int run_changing(store *s, enum statement_id id, const struct parameter *parameters,
                        size_t count)
{
    long long changed;
    int rc = run_counted(s, &changed, id, parameters, count);
    return rc == STORE_OK && changed == 0 ? STORE_NOT_FOUND : rc;
}

/* Runs statement `id`, which takes no parameters, unless its engine has nothing to run. */
static int run_statement(store *s, enum statement_id id)
{
    if (!*statement_text(id, s->engine->postgres))
        return STORE_OK;
    return run(s, id, NO_PARAMETERS);
}

/* Reads the columns of the current row in order, as the statement lists them. */
struct row {
    store *s;
    arena *a;
    int column; /* the next to read */
};

static long long next_int(struct row *r)
{
    return r->s->engine->column_int(r->s, r->column++);
}

static const char *next_text(struct row *r)
{
    return r->s->engine->column_text(r->s, r->a, r->column++);
}

static bool next_bool(struct row *r)
{
    return r->s->engine->column_bool(r->s, r->column++);
}

/* A status, type or role column: its text mapped to the enum, no copy (…_ANY when unknown). */
#define NEXT_ENUM(type)                                                                            \
    static enum type next_##type(struct row *r)                                                    \
    {                                                                                              \
        enum type value = 0;                                                                       \
        type##_parse(r->s->engine->column_peek(r->s, r->column++), &value);                        \
        return value;                                                                              \
    }
NEXT_ENUM(post_status)
NEXT_ENUM(post_type)
NEXT_ENUM(comment_status)
NEXT_ENUM(comment_type)
NEXT_ENUM(mail_status)

static enum user_role next_role(struct row *r)
{
    return user_role_parse(r->s->engine->column_peek(r->s, r->column++));
}

typedef void (*row_reader)(struct row *r, void *record);

/* A reader that read other than the statement's columns is a mistake of this file: said on
 * its first row, loudly, rather than leaving a field wrong. */
static bool read_whole(store *s, struct row *r)
{
    int declared = store_statements[s->statement].columns;
    if (r->column == declared)
        return true;
    store_fail(s, "%s: read %d of its %d columns", store_statements[s->statement].name, r->column,
               declared);
    return false;
}

/* Runs a statement expected to return at most one row and reads it with `read` (NULL: only
 * whether there is one): STORE_OK, STORE_NOT_FOUND or STORE_ERROR. */
static int find(store *s, arena *a, row_reader read, void *record, enum statement_id id,
                const struct parameter *parameters, size_t count)
{
    if (start(s, id, parameters, count) != STORE_OK)
        return STORE_ERROR;
    enum store_step step = s->engine->step(s);
    int rc = step == STORE_STEP_ROW    ? STORE_OK
             : step == STORE_STEP_DONE ? STORE_NOT_FOUND
                                       : STORE_ERROR;
    if (rc == STORE_OK && read) {
        struct row r = {s, a, 0};
        read(&r, record);
        if (!read_whole(s, &r))
            rc = STORE_ERROR;
    }
    s->engine->reset(s);
    return rc;
}

/* Whether the statement returns a row. */
static int exists(store *s, bool *found, enum statement_id id, const struct parameter *parameters,
                  size_t count)
{
    int rc = find(s, NULL, NULL, NULL, id, parameters, count);
    if (rc == STORE_ERROR)
        return rc;
    *found = rc == STORE_OK;
    return STORE_OK;
}

/* Reads every row of the statement into an arena array, `read` filling one record. */
static int collect(store *s, arena *a, size_t record_size, row_reader read, void **records,
                   size_t *count, enum statement_id id, const struct parameter *parameters,
                   size_t parameter_count)
{
    if (start(s, id, parameters, parameter_count) != STORE_OK)
        return STORE_ERROR;
    size_t capacity = 0, n = 0;
    char *array = NULL;
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW) {
        if (n == capacity) {
            /* an engine that holds the whole result says its size: one array, no copy */
            size_t known = n == 0 ? s->engine->row_count(s) : 0;
            size_t bigger = known ? known : capacity ? 2 * capacity : 16;
            char *grown = arena_take(a, bigger * record_size);
            if (n)
                memcpy(grown, array, n * record_size);
            array = grown;
            capacity = bigger;
        }
        /* zeroed record by record, not array by array: a thread of 1,000 comments zeroed 280 KB */
        memset(array + n * record_size, 0, record_size);
        struct row r = {s, a, 0};
        read(&r, array + n * record_size);
        if (n++ == 0 && !read_whole(s, &r)) {
            s->engine->reset(s);
            return STORE_ERROR;
        }
    }
    s->engine->reset(s);
    if (step != STORE_STEP_DONE)
        return STORE_ERROR;
    *records = array ? array : arena_take(a, record_size);
    *count = n;
    return STORE_OK;
}
#define COLLECT(records, read) sizeof(**(records)), read, (void **)(records)

/* Runs an insert (.returns_id) and, when the caller gave the id, moves the engine's sequence
 * past it with `bump`. */
static int insert(store *s, long long *id, long long given_id, enum statement_id bump,
                  enum statement_id statement, const struct parameter *parameters, size_t count)
{
    if (start(s, statement, parameters, count) != STORE_OK)
        return STORE_ERROR;
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW)
        ;
    long long new_id = step == STORE_STEP_DONE ? s->engine->insert_id(s) : 0;
    s->engine->reset(s);
    if (step != STORE_STEP_DONE)
        return STORE_ERROR;
    if (id)
        *id = new_id;
    return given_id ? run_statement(s, bump) : STORE_OK;
}

/* Runs a statement of one row of counts, read into `counts` in order. */
static int read_counts(store *s, long long *counts, int count, enum statement_id id,
                       const struct parameter *parameters, size_t parameter_count)
{
    if (start(s, id, parameters, parameter_count) != STORE_OK)
        return STORE_ERROR;
    enum store_step step = s->engine->step(s);
    if (step == STORE_STEP_ROW) {
        struct row r = {s, NULL, 0};
        for (int i = 0; i < count; i++)
            counts[i] = next_int(&r);
    }
    s->engine->reset(s);
    if (step == STORE_STEP_ROW)
        return STORE_OK;
    return step == STORE_STEP_DONE ? store_fail(s, "%s: no row", store_statements[id].name)
                                   : STORE_ERROR;
}

/* --- the records: one reader each --- */

static void read_setting(struct row *r, void *record)
{
    struct store_setting *out = record;
    out->key = next_text(r);
    out->value = next_text(r);
}

static void read_user(struct row *r, void *record)
{
    struct store_user *out = record;
    out->id = next_int(r);
    out->login = next_text(r);
    out->display_name = next_text(r);
    out->email = next_text(r);
    out->role = next_role(r);
    out->disabled = next_bool(r);
    out->password_hash = next_text(r);
    out->wp_id = next_int(r);
    out->nicename = next_text(r);
}

static void read_term(struct row *r, void *record)
{
    struct store_term *out = record;
    out->id = next_int(r);
    out->taxonomy = next_text(r);
    out->slug = next_text(r);
    out->name = next_text(r);
    out->description = next_text(r);
    out->parent_id = next_int(r);
    out->wp_id = next_int(r);
}

static void read_post_term(struct row *r, void *record)
{
    struct store_post_term *out = record;
    out->post_id = next_int(r);
    out->term_id = next_int(r);
}

static void read_post(struct row *r, void *record)
{
    struct store_post *p = record;
    p->id = next_int(r);
    p->wp_id = next_int(r);
    p->type = next_post_type(r);
    p->status = next_post_status(r);
    p->slug = next_text(r);
    p->path = next_text(r);
    p->title = next_text(r);
    p->excerpt = next_text(r);
    p->body_html = next_text(r);
    p->body_source = next_text(r);
    p->password = next_text(r);
    p->guid = next_text(r);
    p->author_id = next_int(r);
    p->published_at = next_int(r);
    p->modified_at = next_int(r);
    p->comments_open = next_bool(r);
    p->sticky = next_bool(r);
    p->author_login = next_text(r);
    p->author_name = next_text(r);
    p->approved_comments = next_int(r);
    p->body_text = next_text(r);
    p->utc_offset = next_int(r);
    p->format = next_text(r);
    p->menu_order = next_int(r);
    p->featured_media_id = next_int(r);
}

static void read_search_hit(struct row *r, void *record)
{
    struct store_search_hit *hit = record;
    read_post(r, &hit->post);
    hit->snippet = next_text(r);
}

static void read_comment(struct row *r, void *record)
{
    struct store_comment *c = record;
    c->id = next_int(r);
    c->post_id = next_int(r);
    c->parent_id = next_int(r);
    c->wp_id = next_int(r);
    c->path = next_text(r);
    c->depth = (int)next_int(r);
    c->author = next_text(r);
    c->email = next_text(r);
    c->url = next_text(r);
    c->ip = next_text(r);
    c->user_agent = next_text(r);
    c->body_html = next_text(r);
    c->body_source = next_text(r);
    c->status = next_comment_status(r);
    c->type = next_comment_type(r);
    c->held_by = next_text(r);
    c->created_at = next_int(r);
}

/* A comment as a page shows it (COMMENT_SHOWN_COLUMNS); the rest of the record is empty. */
static void read_shown_comment(struct row *r, void *record)
{
    struct store_comment *c = record;
    *c = (struct store_comment){.path = "",
                                .email = "",
                                .ip = "",
                                .user_agent = "",
                                .body_source = "",
                                .type = COMMENT_TYPE_COMMENT,
                                .held_by = ""};
    c->id = next_int(r);
    c->post_id = next_int(r);
    c->parent_id = next_int(r);
    c->depth = (int)next_int(r);
    c->author = next_text(r);
    c->url = next_text(r);
    c->body_html = next_text(r);
    c->status = next_comment_status(r);
    c->created_at = next_int(r);
}

static void read_comment_shape(struct row *r, void *record)
{
    struct store_comment *c = record;
    *c = (struct store_comment){.path = "",
                                .author = "",
                                .email = "",
                                .url = "",
                                .ip = "",
                                .user_agent = "",
                                .body_html = "",
                                .body_source = "",
                                .status = COMMENT_STATUS_APPROVED,
                                .type = COMMENT_TYPE_COMMENT,
                                .held_by = ""};
    c->id = next_int(r);
    c->parent_id = next_int(r);
}

static void read_comment_edit(struct row *r, void *record)
{
    struct store_comment_edit *e = record;
    e->id = next_int(r);
    e->comment_id = next_int(r);
    e->user_id = next_int(r);
    e->edited_at = next_int(r);
    e->author = next_text(r);
    e->email = next_text(r);
    e->url = next_text(r);
    e->body_source = next_text(r);
    e->body_html = next_text(r);
    e->user_login = next_text(r);
}

static void read_revision(struct row *r, void *record)
{
    struct store_revision *v = record;
    v->id = next_int(r);
    v->post_id = next_int(r);
    v->user_id = next_int(r);
    v->saved_at = next_int(r);
    v->title = next_text(r);
    v->slug = next_text(r);
    v->excerpt = next_text(r);
    v->body_source = next_text(r);
    v->body_html = next_text(r);
    v->user_login = next_text(r);
}

static void read_audit(struct row *r, void *record)
{
    struct store_audit *e = record;
    e->id = next_int(r);
    e->user_id = next_int(r);
    e->at = next_int(r);
    e->action = next_text(r);
    e->target = next_text(r);
    e->detail = next_text(r);
    e->user_login = next_text(r);
}

/* A session with its user: the user's columns, then the session's (SESSION_FIND). */
struct session_with_user {
    struct store_session *session;
    struct store_user *user;
};

static void read_session(struct row *r, void *record)
{
    struct session_with_user *out = record;
    read_user(r, out->user);
    out->session->user_id = out->user->id;
    out->session->token_hash = next_text(r);
    out->session->csrf = next_text(r);
    out->session->created_at = next_int(r);
    out->session->expires_at = next_int(r);
}

static void read_mail(struct row *r, void *record)
{
    struct store_mail *m = record;
    m->id = next_int(r);
    m->post_id = next_int(r);
    m->created_at = next_int(r);
    m->status = next_mail_status(r);
    m->sender = next_text(r);
    m->recipient = next_text(r);
    m->client_ip = next_text(r);
    m->message = next_text(r);
    m->attempts = (int)next_int(r);
    m->next_attempt_at = next_int(r);
    m->claimed_at = next_int(r);
    m->sent_at = next_int(r);
    m->last_error = next_text(r);
}

/* --- settings, users, terms --- */

static void read_text(struct row *r, void *record)
{
    *(const char **)record = next_text(r);
}

int operation_setting_get(store *s, arena *a, const char *key, const char **value)
{
    return find(s, a, read_text, value, STATEMENT_SETTING_GET, PARAMETERS(TEXT(key)));
}

int operation_setting_set(store *s, const char *key, const char *value)
{
    return run(s, STATEMENT_SETTING_SET, PARAMETERS(TEXT(key), TEXT(value)));
}

int operation_setting_list(store *s, arena *a, struct store_setting **settings, size_t *count)
{
    return collect(s, a, COLLECT(settings, read_setting), count, STATEMENT_SETTING_LIST,
                   NO_PARAMETERS);
}

int operation_user_insert(store *s, const struct store_user *user, long long *id)
{
    return insert(s, id, user->id, STATEMENT_USER_BUMP_ID, STATEMENT_USER_INSERT,
                  PARAMETERS(INTEGER(user->id), TEXT(user->login), TEXT(user->display_name),
                             TEXT_OR_EMPTY(user->email), TEXT(user_role_name(user->role)),
                             BOOLEAN(user->disabled), TEXT_OR_EMPTY(user->password_hash),
                             INTEGER(user->wp_id), TEXT_OR_EMPTY(user->nicename)));
}

int operation_user_find_wp_id(store *s, arena *a, long long wp_id, struct store_user *out)
{
    return find(s, a, read_user, out, STATEMENT_USER_FIND_WP_ID, PARAMETERS(INTEGER(wp_id)));
}

int operation_user_find_nicename(store *s, arena *a, const char *nicename, struct store_user *out)
{
    return find(s, a, read_user, out, STATEMENT_USER_FIND_NICENAME, PARAMETERS(TEXT(nicename)));
}

int operation_user_find_login(store *s, arena *a, const char *login, struct store_user *out)
{
    return find(s, a, read_user, out, STATEMENT_USER_FIND_LOGIN, PARAMETERS(TEXT(login)));
}

int operation_user_find_email(store *s, arena *a, const char *email, struct store_user *out)
{
    return find(s, a, read_user, out, STATEMENT_USER_FIND_EMAIL, PARAMETERS(TEXT(email)));
}

int operation_user_get(store *s, arena *a, long long id, struct store_user *out)
{
    return find(s, a, read_user, out, STATEMENT_USER_GET, PARAMETERS(INTEGER(id)));
}

int operation_user_list(store *s, arena *a, struct store_user **users, size_t *count)
{
    return collect(s, a, COLLECT(users, read_user), count, STATEMENT_USER_LIST, NO_PARAMETERS);
}

int operation_user_update(store *s, const struct store_user *user)
{
    return run_changing(s, STATEMENT_USER_UPDATE,
                        PARAMETERS(INTEGER(user->id), TEXT(user->display_name),
                                   TEXT_OR_EMPTY(user->email), TEXT(user_role_name(user->role)),
                                   BOOLEAN(user->disabled), TEXT_OR_EMPTY(user->password_hash)));
}

int operation_term_insert(store *s, const struct store_term *term, long long *id)
{
    return insert(s, id, term->id, STATEMENT_TERM_BUMP_ID, STATEMENT_TERM_INSERT,
                  PARAMETERS(INTEGER(term->id), TEXT(term->taxonomy), TEXT(term->slug),
                             TEXT(term->name), TEXT_OR_EMPTY(term->description),
                             INTEGER(term->parent_id), INTEGER(term->wp_id)));
}

int operation_term_find_wp_id(store *s, arena *a, const char *taxonomy, long long wp_id,
                              struct store_term *out)
{
    return find(s, a, read_term, out, STATEMENT_TERM_FIND_WP_ID,
                PARAMETERS(TEXT(taxonomy), INTEGER(wp_id)));
}

int operation_term_update(store *s, const struct store_term *term)
{
    return run_changing(s, STATEMENT_TERM_UPDATE,
                        PARAMETERS(INTEGER(term->id), TEXT(term->name),
                                   TEXT_OR_EMPTY(term->description), INTEGER(term->parent_id),
                                   INTEGER(term->wp_id)));
}

/* --- what a WordPress import keeps beside posts: custom fields, menus, page order --- */

static void read_custom_field(struct row *r, void *record)
{
    struct store_custom_field *f = record;
    f->name = next_text(r);
    f->value = next_text(r);
}

int operation_custom_field_add(store *s, long long post_id, const char *name, const char *value)
{
    return run(s, STATEMENT_CUSTOM_FIELD_ADD,
               PARAMETERS(INTEGER(post_id), TEXT(name), TEXT_OR_EMPTY(value)));
}

int operation_custom_fields(store *s, arena *a, long long post_id,
                            struct store_custom_field **fields, size_t *count)
{
    return collect(s, a, COLLECT(fields, read_custom_field), count, STATEMENT_CUSTOM_FIELDS,
                   PARAMETERS(INTEGER(post_id)));
}

static void read_menu_item(struct row *r, void *record)
{
    struct store_menu_item *m = record;
    m->id = next_int(r);
    m->menu = next_text(r);
    m->parent_id = next_int(r);
    m->position = next_int(r);
    m->title = next_text(r);
    m->post_id = next_int(r);
    m->term_id = next_int(r);
    m->url = next_text(r);
    m->post_path = next_text(r);
    m->post_title = next_text(r);
    m->post_status = next_post_status(r);
    m->term = (struct store_term){.id = m->term_id};
    m->term.taxonomy = next_text(r);
    m->term.slug = next_text(r);
    m->term.name = next_text(r);
    m->term.description = "";
    m->term.parent_id = next_int(r);
}

int operation_menu_item_insert(store *s, const struct store_menu_item *item, long long *id)
{
    return insert(s, id, item->id, STATEMENT_MENU_ITEM_BUMP_ID, STATEMENT_MENU_ITEM_INSERT,
                  PARAMETERS(INTEGER(item->id), TEXT(item->menu), INTEGER(item->parent_id),
                             INTEGER(item->position), TEXT_OR_EMPTY(item->title),
                             INTEGER(item->post_id), INTEGER(item->term_id),
                             TEXT_OR_EMPTY(item->url)));
}

int operation_menu_clear(store *s, const char *menu)
{
    return run(s, STATEMENT_MENU_CLEAR, PARAMETERS(TEXT(menu)));
}

int operation_menu_items(store *s, arena *a, const char *menu, struct store_menu_item **items,
                         size_t *count)
{
    return collect(s, a, COLLECT(items, read_menu_item), count, STATEMENT_MENU_ITEMS,
                   PARAMETERS(TEXT(menu)));
}

int operation_page_list(store *s, arena *a, int limit, struct store_post **pages, size_t *count)
{
    return collect(s, a, COLLECT(pages, read_post), count, STATEMENT_PAGE_LIST,
                   PARAMETERS(LIMIT(limit)));
}

int operation_term_find(store *s, arena *a, const char *taxonomy, const char *slug,
                        struct store_term *out)
{
    return find(s, a, read_term, out, STATEMENT_TERM_FIND, PARAMETERS(TEXT(taxonomy), TEXT(slug)));
}

int operation_term_get(store *s, arena *a, long long id, struct store_term *out)
{
    return find(s, a, read_term, out, STATEMENT_TERM_GET, PARAMETERS(INTEGER(id)));
}

int operation_term_list(store *s, arena *a, struct store_term **terms, size_t *count)
{
    return collect(s, a, COLLECT(terms, read_term), count, STATEMENT_TERM_LIST, NO_PARAMETERS);
}

int operation_post_term_add(store *s, long long post_id, long long term_id)
{
    return run(s, STATEMENT_POST_TERM_ADD, PARAMETERS(INTEGER(post_id), INTEGER(term_id)));
}

int operation_post_terms(store *s, arena *a, long long post_id, struct store_term **terms,
                         size_t *count)
{
    return collect(s, a, COLLECT(terms, read_term), count, STATEMENT_POST_TERMS,
                   PARAMETERS(INTEGER(post_id)));
}

int operation_post_term_list(store *s, arena *a, struct store_post_term **links, size_t *count)
{
    return collect(s, a, COLLECT(links, read_post_term), count, STATEMENT_POST_TERM_LIST,
                   NO_PARAMETERS);
}

int operation_post_term_clear(store *s, long long post_id)
{
    return run(s, STATEMENT_POST_TERM_CLEAR, PARAMETERS(INTEGER(post_id)));
}

/* --- posts --- */

/* The fields POST_INSERT (?4-?11) and POST_UPDATE (?2-?9) share. */
#define POST_TEXTS(post)                                                                           \
    TEXT(post_status_name(post->status)), TEXT(post->slug), TEXT(post->path), TEXT(post->title),   \
        TEXT_OR_EMPTY(post->excerpt), TEXT(post->body_html), TEXT_OR_EMPTY(post->body_source),     \
        TEXT_OR_EMPTY(post->password)

/* The search texts of a post: each of title, excerpt and plain text folded for search
 * (util/search_fold.h), or NULL where folding leaves it as it is (most Latin text), which the
 * index then reads from the post's own column. An insert writes them with its row; an update
 * after it, with POST_SEARCH_SET, which changes the row only where they differ from what it
 * holds (an unchanged row is not indexed again). */
struct search_texts {
    buf folded[3];
};

static const char *search_text(struct search_texts *t, int i, const char *source)
{
    source = source ? source : "";
    size_t len = strlen(source);
    search_fold_text(&t->folded[i], source, len);
    if (t->folded[i].len == len && memcmp(t->folded[i].ptr, source, len) == 0)
        return NULL;
    return buf_cstr(&t->folded[i]);
}

static void free_search_texts(struct search_texts *t)
{
    for (int i = 0; i < 3; i++)
        buf_free(&t->folded[i]);
}

/* Writes the search texts of post `id` from its title, excerpt and plain text. */
static int set_search_texts(store *s, long long id, const char *title, const char *excerpt,
                            const char *body_text)
{
    struct search_texts t = {0};
    const char *folded_title = search_text(&t, 0, title);
    const char *folded_excerpt = search_text(&t, 1, excerpt);
    const char *folded_body = search_text(&t, 2, body_text);
    int rc =
        run(s, STATEMENT_POST_SEARCH_SET,
            PARAMETERS(INTEGER(id), TEXT(folded_title), TEXT(folded_excerpt), TEXT(folded_body)));
    free_search_texts(&t);
    return rc;
}

int operation_post_insert(store *s, const struct store_post *post, long long *id)
{
    struct search_texts t = {0};
    const char *folded_title = search_text(&t, 0, post->title);
    const char *folded_excerpt = search_text(&t, 1, post->excerpt);
    const char *folded_body = search_text(&t, 2, post->body_text);
    int rc = insert(
        s, id, post->id, STATEMENT_POST_BUMP_ID, STATEMENT_POST_INSERT,
        PARAMETERS(INTEGER(post->id), INTEGER(post->wp_id), TEXT(post_type_name(post->type)),
                   POST_TEXTS(post), TEXT_OR_EMPTY(post->guid), INTEGER(post->author_id),
                   INTEGER(post->published_at), INTEGER(post->modified_at),
                   BOOLEAN(post->comments_open), BOOLEAN(post->sticky),
                   TEXT_OR_EMPTY(post->body_text), INTEGER(post->utc_offset),
                   TEXT_OR_EMPTY(post->format), INTEGER(post->menu_order), TEXT(folded_title),
                   TEXT(folded_excerpt), TEXT(folded_body), INTEGER(post->featured_media_id)));
    free_search_texts(&t);
    return rc;
}

int operation_post_update(store *s, const struct store_post *post)
{
    int rc =
        run_changing(s, STATEMENT_POST_UPDATE,
                     PARAMETERS(INTEGER(post->id), POST_TEXTS(post), INTEGER(post->author_id),
                                INTEGER(post->published_at), INTEGER(post->modified_at),
                                BOOLEAN(post->comments_open), BOOLEAN(post->sticky),
                                TEXT_OR_EMPTY(post->body_text), INTEGER(post->featured_media_id)));
    if (rc != STORE_OK)
        return rc;
    return set_search_texts(s, post->id, post->title, post->excerpt, post->body_text);
}

/* One post's sources of its search texts. */
struct search_source {
    long long id;
    const char *title, *excerpt, *body_text;
};

static void read_search_source(struct row *r, void *record)
{
    struct search_source *p = record;
    p->id = next_int(r);
    p->title = next_text(r);
    p->excerpt = next_text(r);
    p->body_text = next_text(r);
}

int operation_task_pending(store *s, const char *name, bool *pending)
{
    int rc = find(s, NULL, NULL, NULL, STATEMENT_STORE_TASK_PENDING, PARAMETERS(TEXT(name)));
    *pending = rc == STORE_OK;
    return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

int operation_search_refold(store *s)
{
    long long pending;
    if (run_counted(s, &pending, STATEMENT_STORE_TASK_TAKE, PARAMETERS(TEXT("search_fold"))) !=
        STORE_OK)
        return STORE_ERROR;
    /* another connection took the task (and holds its row until it commits), or none left */
    if (!pending)
        return STORE_OK;
    arena a = {0};
    long long after = 0;
    int rc;
    for (;;) {
        struct search_source *posts;
        size_t count;
        rc = collect(s, &a, COLLECT(&posts, read_search_source), &count,
                     STATEMENT_POST_SEARCH_SOURCES, PARAMETERS(INTEGER(after), INTEGER(200)));
        for (size_t i = 0; rc == STORE_OK && i < count; i++)
            rc = set_search_texts(s, posts[i].id, posts[i].title, posts[i].excerpt,
                                  posts[i].body_text);
        if (rc != STORE_OK || count == 0)
            break;
        after = posts[count - 1].id;
        arena_free(&a);
    }
    arena_free(&a);
    return rc;
}

int operation_post_get(store *s, arena *a, long long id, struct store_post *out)
{
    return find(s, a, read_post, out, STATEMENT_POST_GET, PARAMETERS(INTEGER(id)));
}

int operation_post_find_path(store *s, arena *a, const char *path, struct store_post *out)
{
    return find(s, a, read_post, out, STATEMENT_POST_FIND_PATH, PARAMETERS(TEXT(path)));
}

int operation_post_find_slug(store *s, arena *a, const char *slug, struct store_post *out)
{
    return find(s, a, read_post, out, STATEMENT_POST_FIND_SLUG, PARAMETERS(TEXT(slug)));
}

int operation_post_find_wp_id(store *s, arena *a, long long wp_id, struct store_post *out)
{
    return find(s, a, read_post, out, STATEMENT_POST_FIND_WP_ID, PARAMETERS(INTEGER(wp_id)));
}

int operation_post_find_old_path(store *s, arena *a, const char *path, struct store_post *out)
{
    return find(s, a, read_post, out, STATEMENT_POST_FIND_OLD_PATH, PARAMETERS(TEXT(path)));
}

int operation_post_old_path_add(store *s, const char *path, long long post_id)
{
    return run(s, STATEMENT_POST_OLD_PATH_ADD, PARAMETERS(TEXT(path), INTEGER(post_id)));
}

int operation_post_set_parent(store *s, long long id, long long parent_id)
{
    return run_changing(s, STATEMENT_POST_SET_PARENT, PARAMETERS(INTEGER(id), INTEGER(parent_id)));
}

static void read_parent_id(struct row *r, void *record)
{
    *(long long *)record = next_int(r);
}

int operation_post_parent(store *s, long long id, long long *parent_id)
{
    *parent_id = 0;
    return find(s, NULL, read_parent_id, parent_id, STATEMENT_POST_PARENT, PARAMETERS(INTEGER(id)));
}

int operation_post_children(store *s, arena *a, long long id, struct store_post **posts,
                            size_t *count)
{
    return collect(s, a, COLLECT(posts, read_post), count, STATEMENT_POST_CHILDREN,
                   PARAMETERS(INTEGER(id)));
}

int operation_post_id_taken(store *s, long long id, bool *taken)
{
    return exists(s, taken, STATEMENT_POST_ID_TAKEN, PARAMETERS(INTEGER(id)));
}

int operation_post_set_status(store *s, long long id, enum post_status status)
{
    return run_changing(s, STATEMENT_POST_SET_STATUS,
                        PARAMETERS(INTEGER(id), TEXT(post_status_name(status))));
}

int operation_post_set_comments_open(store *s, long long id, bool open)
{
    return run_changing(s, STATEMENT_POST_SET_COMMENTS_OPEN,
                        PARAMETERS(INTEGER(id), BOOLEAN(open)));
}

int operation_post_publish_due(store *s, long long now, long long *published)
{
    return run_counted(s, published, STATEMENT_POST_PUBLISH_DUE, PARAMETERS(INTEGER(now)));
}

/* A filter only the admin uses (a title substring, modified order), which the listings
 * readers see (the index-ordered statements) do not know. */
static bool admin_listing(const struct store_post_filter *filter)
{
    return filter->by_modified || (filter->title_contains && filter->title_contains[0]);
}

static const char *title_filter(const struct store_post_filter *filter)
{
    return filter->title_contains && filter->title_contains[0] ? filter->title_contains : NULL;
}

int operation_post_list(store *s, arena *a, const struct store_post_filter *filter,
                        struct store_post **posts, size_t *count)
{
    const struct store_post_filter *f = filter;
    const char *type = post_type_name(f->type), *status = post_status_name(f->status);
    if (!type || !status || admin_listing(f))
        return collect(s, a, COLLECT(posts, read_post), count, STATEMENT_POST_LIST,
                       PARAMETERS(TEXT(type), TEXT(status),
                                  BOOLEAN(false), /* only the front page puts sticky first */
                                  LIMIT(f->limit), INTEGER(f->offset), INTEGER(f->term_id),
                                  INTEGER(f->author_id), INTEGER(f->from), INTEGER(f->until),
                                  TEXT(title_filter(f)), BOOLEAN(f->by_modified)));
    if (store_filter_is_front(f))
        return collect(s, a, COLLECT(posts, read_post), count, STATEMENT_POST_LIST_FRONT,
                       PARAMETERS(TEXT(type), TEXT(status), LIMIT(f->limit), INTEGER(f->offset)));
    return collect(s, a, COLLECT(posts, read_post), count, STATEMENT_POST_LIST_PUBLIC,
                   PARAMETERS(TEXT(type), TEXT(status), INTEGER(f->term_id), INTEGER(f->author_id),
                              INTEGER(f->from), INTEGER(f->until ? f->until : LLONG_MAX),
                              LIMIT(f->limit), INTEGER(f->offset)));
}

int operation_post_count(store *s, const struct store_post_filter *f, long long *count)
{
    return read_counts(s, count, 1, STATEMENT_POST_COUNT,
                       PARAMETERS(TEXT(post_type_name(f->type)), TEXT(post_status_name(f->status)),
                                  INTEGER(f->term_id), INTEGER(f->author_id), INTEGER(f->from),
                                  INTEGER(f->until), TEXT(title_filter(f))));
}

static int adjacent(store *s, arena *a, enum statement_id id, const struct store_post *post,
                    struct store_post *out)
{
    memset(out, 0, sizeof(*out));
    int rc =
        find(s, a, read_post, out, id, PARAMETERS(INTEGER(post->published_at), INTEGER(post->id)));
    return rc == STORE_ERROR ? STORE_ERROR : STORE_OK;
}

int operation_post_adjacent(store *s, arena *a, const struct store_post *post,
                            struct store_post *previous, struct store_post *next)
{
    if (adjacent(s, a, STATEMENT_POST_PREVIOUS, post, previous) != STORE_OK)
        return STORE_ERROR;
    return adjacent(s, a, STATEMENT_POST_NEXT, post, next);
}

int operation_search(store *s, arena *a, const struct store_search_group *groups,
                     size_t group_count, int limit, int offset, struct store_search_hit **hits,
                     size_t *count, long long *total)
{
    const char *query = s->engine->search_query(a, groups, group_count);
    *total = 0;
    if (read_counts(s, total, 1, STATEMENT_SEARCH_COUNT, PARAMETERS(TEXT(query))) != STORE_OK)
        return STORE_ERROR;
    return collect(s, a, COLLECT(hits, read_search_hit), count, STATEMENT_SEARCH,
                   PARAMETERS(TEXT(query), INTEGER(limit), INTEGER(offset)));
}

/* --- comments --- */

/* ?1-?17 of COMMENT_INSERT and COMMENT_ADD: ?1 the id, ?17 the path (COMMENT_ADD: the
 * parent's, to which it appends the comment's own segment). */
#define COMMENT_PARAMETERS(c, id, path)                                                            \
    PARAMETERS(INTEGER(id), INTEGER(c->post_id), INTEGER(c->parent_id), INTEGER(c->wp_id),         \
               INTEGER(c->depth), TEXT(c->author), TEXT(c->email), TEXT_OR_EMPTY(c->url),          \
               TEXT_OR_EMPTY(c->ip), TEXT_OR_EMPTY(c->user_agent), TEXT(c->body_html),             \
               TEXT_OR_EMPTY(c->body_source), TEXT(comment_status_name(c->status)),                \
               TEXT(comment_type_name(c->type ? c->type : COMMENT_TYPE_COMMENT)),                  \
               TEXT_OR_EMPTY(c->held_by), INTEGER(c->created_at), TEXT_OR_EMPTY(path))

int operation_comment_insert(store *s, const struct store_comment *c, long long *id)
{
    return insert(s, id, c->id, STATEMENT_COMMENT_BUMP_ID, STATEMENT_COMMENT_INSERT,
                  COMMENT_PARAMETERS(c, c->id, c->path));
}

int operation_comment_add(store *s, const struct store_comment *c, const char *parent_path,
                          long long *id)
{
    return insert(s, id, 0, STATEMENT_COMMENT_BUMP_ID, STATEMENT_COMMENT_ADD,
                  COMMENT_PARAMETERS(c, 0, parent_path));
}

int operation_comment_get(store *s, arena *a, long long id, struct store_comment *out)
{
    return find(s, a, read_comment, out, STATEMENT_COMMENT_GET, PARAMETERS(INTEGER(id)));
}

int operation_comment_find_wp_id(store *s, arena *a, long long post_id, long long wp_id,
                                 struct store_comment *out)
{
    return find(s, a, read_comment, out, STATEMENT_COMMENT_FIND_WP_ID,
                PARAMETERS(INTEGER(post_id), INTEGER(wp_id)));
}

int operation_comment_id_taken(store *s, long long id, bool *taken)
{
    return exists(s, taken, STATEMENT_COMMENT_ID_TAKEN, PARAMETERS(INTEGER(id)));
}

int operation_comment_has_replies(store *s, long long id, bool *has_replies)
{
    return exists(s, has_replies, STATEMENT_COMMENT_HAS_REPLIES, PARAMETERS(INTEGER(id)));
}

int operation_comment_set_status(store *s, long long id, enum comment_status status)
{
    return run_changing(s, STATEMENT_COMMENT_SET_STATUS,
                        PARAMETERS(INTEGER(id), TEXT(comment_status_name(status))));
}

int operation_comment_thread(store *s, arena *a, long long post_id, enum comment_status status,
                             struct store_comment **comments, size_t *count)
{
    if (!status)
        return collect(s, a, COLLECT(comments, read_shown_comment), count,
                       STATEMENT_COMMENT_THREAD_ANY, PARAMETERS(INTEGER(post_id)));
    return collect(s, a, COLLECT(comments, read_shown_comment), count, STATEMENT_COMMENT_THREAD,
                   PARAMETERS(INTEGER(post_id), TEXT(comment_status_name(status))));
}

int operation_comment_thread_shape(store *s, arena *a, long long post_id,
                                   struct store_comment **comments, size_t *count)
{
    return collect(s, a, COLLECT(comments, read_comment_shape), count,
                   STATEMENT_COMMENT_THREAD_SHAPE, PARAMETERS(INTEGER(post_id)));
}

int operation_comment_list(store *s, arena *a, const struct store_comment_filter *f,
                           struct store_comment **comments, size_t *count)
{
    return collect(s, a, COLLECT(comments, read_comment), count, STATEMENT_COMMENT_LIST,
                   PARAMETERS(TEXT(comment_status_name(f->status)), INTEGER(f->post_id),
                              LIMIT(f->limit), TEXT(comment_type_name(f->type)),
                              BOOLEAN(f->public_posts), INTEGER(f->post_author_id),
                              INTEGER(f->offset)));
}

int operation_comment_author_approved(store *s, const char *author, const char *email,
                                      bool *has_approved)
{
    return exists(s, has_approved, STATEMENT_COMMENT_AUTHOR_APPROVED,
                  PARAMETERS(TEXT(author), TEXT(email)));
}

int operation_comment_count_ip(store *s, const char *ip, long long since, long long *count)
{
    return read_counts(s, count, 1, STATEMENT_COMMENT_COUNT_IP,
                       PARAMETERS(TEXT(ip), INTEGER(since)));
}

int operation_comment_counts(store *s, long long post_author_id, struct store_comment_counts *out)
{
    long long n[4];
    int rc = read_counts(s, n, 4, STATEMENT_COMMENT_COUNTS, PARAMETERS(INTEGER(post_author_id)));
    if (rc == STORE_OK)
        *out = (struct store_comment_counts){n[0], n[1], n[2], n[3]};
    return rc;
}

int operation_comment_update(store *s, const struct store_comment *c)
{
    return run_changing(s, STATEMENT_COMMENT_UPDATE,
                        PARAMETERS(INTEGER(c->id), TEXT(c->author), TEXT(c->email),
                                   TEXT_OR_EMPTY(c->url), TEXT_OR_EMPTY(c->body_source),
                                   TEXT(c->body_html)));
}

int operation_comment_delete(store *s, long long id)
{
    if (start(s, STATEMENT_COMMENT_DELETE, PARAMETERS(INTEGER(id))) != STORE_OK)
        return STORE_ERROR;
    long long deleted = 0;
    int rc = run_typed(s, &deleted); /* STORE_CONFLICT: its replies' foreign key refused it */
    return rc == STORE_OK && deleted == 0 ? STORE_NOT_FOUND : rc;
}

int operation_comment_edit_insert(store *s, const struct store_comment_edit *e)
{
    return run(s, STATEMENT_COMMENT_EDIT_INSERT,
               PARAMETERS(INTEGER(e->comment_id), INTEGER(e->user_id), INTEGER(e->edited_at),
                          TEXT(e->author), TEXT(e->email), TEXT_OR_EMPTY(e->url),
                          TEXT_OR_EMPTY(e->body_source), TEXT(e->body_html)));
}

int operation_comment_edit_list(store *s, arena *a, long long comment_id,
                                struct store_comment_edit **edits, size_t *count)
{
    return collect(s, a, COLLECT(edits, read_comment_edit), count, STATEMENT_COMMENT_EDIT_LIST,
                   PARAMETERS(INTEGER(comment_id)));
}

/* --- post revisions --- */

int operation_revision_insert(store *s, const struct store_revision *v, int keep)
{
    if (run(s, STATEMENT_REVISION_INSERT,
            PARAMETERS(INTEGER(v->post_id), INTEGER(v->user_id), INTEGER(v->saved_at),
                       TEXT(v->title), TEXT(v->slug), TEXT_OR_EMPTY(v->excerpt),
                       TEXT_OR_EMPTY(v->body_source), TEXT(v->body_html))) != STORE_OK)
        return STORE_ERROR;
    /* keep 0: all */
    return run(s, STATEMENT_REVISION_TRIM, PARAMETERS(INTEGER(v->post_id), LIMIT(keep)));
}

int operation_revision_list(store *s, arena *a, long long post_id,
                            struct store_revision **revisions, size_t *count)
{
    return collect(s, a, COLLECT(revisions, read_revision), count, STATEMENT_REVISION_LIST,
                   PARAMETERS(INTEGER(post_id)));
}

int operation_revision_get(store *s, arena *a, long long id, struct store_revision *out)
{
    return find(s, a, read_revision, out, STATEMENT_REVISION_GET, PARAMETERS(INTEGER(id)));
}

/* --- sessions, failed logins, the audit log --- */

int operation_session_insert(store *s, const struct store_session *session)
{
    return run(s, STATEMENT_SESSION_INSERT,
               PARAMETERS(TEXT(session->token_hash), INTEGER(session->user_id), TEXT(session->csrf),
                          INTEGER(session->created_at), INTEGER(session->expires_at)));
}

int operation_session_find(store *s, arena *a, const char *token_hash, long long now,
                           struct store_session *out, struct store_user *user)
{
    struct session_with_user both = {out, user};
    return find(s, a, read_session, &both, STATEMENT_SESSION_FIND,
                PARAMETERS(TEXT(token_hash), INTEGER(now)));
}

int operation_session_delete(store *s, const char *token_hash)
{
    return run(s, STATEMENT_SESSION_DELETE, PARAMETERS(TEXT(token_hash)));
}

int operation_session_delete_user(store *s, long long user_id)
{
    return run(s, STATEMENT_SESSION_DELETE_USER, PARAMETERS(INTEGER(user_id)));
}

int operation_session_purge(store *s, long long now)
{
    return run(s, STATEMENT_SESSION_PURGE, PARAMETERS(INTEGER(now)));
}

int operation_login_failure_add(store *s, const char *ip, const char *login, long long at)
{
    return run(s, STATEMENT_LOGIN_FAILURE_ADD, PARAMETERS(TEXT(ip), TEXT(login), INTEGER(at)));
}

int operation_login_failure_remove(store *s, const char *ip, const char *login, long long at)
{
    return run(s, STATEMENT_LOGIN_FAILURE_REMOVE, PARAMETERS(TEXT(ip), TEXT(login), INTEGER(at)));
}

int operation_login_failures(store *s, const char *ip, const char *login, long long since,
                             long long *by_ip, long long *by_login)
{
    long long n[2];
    int rc = read_counts(s, n, 2, STATEMENT_LOGIN_FAILURES,
                         PARAMETERS(TEXT(ip), TEXT(login), INTEGER(since)));
    if (rc == STORE_OK)
        *by_ip = n[0], *by_login = n[1];
    return rc;
}

int operation_login_failures_clear(store *s, const char *login)
{
    return run(s, STATEMENT_LOGIN_FAILURES_CLEAR, PARAMETERS(TEXT(login)));
}

int operation_post_password_failure_add(store *s, const char *ip, long long post_id, long long at)
{
    return run(s, STATEMENT_POST_PASSWORD_FAILURE_ADD,
               PARAMETERS(TEXT(ip), INTEGER(post_id), INTEGER(at)));
}

int operation_post_password_failure_remove(store *s, const char *ip, long long post_id,
                                           long long at)
{
    return run(s, STATEMENT_POST_PASSWORD_FAILURE_REMOVE,
               PARAMETERS(TEXT(ip), INTEGER(post_id), INTEGER(at)));
}

int operation_post_password_failures(store *s, const char *ip, long long post_id, long long since,
                                     long long *count)
{
    return read_counts(s, count, 1, STATEMENT_POST_PASSWORD_FAILURES,
                       PARAMETERS(TEXT(ip), INTEGER(post_id), INTEGER(since)));
}

int operation_audit_insert(store *s, const struct store_audit *entry)
{
    return run(s, STATEMENT_AUDIT_INSERT,
               PARAMETERS(INTEGER(entry->user_id), INTEGER(entry->at), TEXT(entry->action),
                          TEXT(entry->target), TEXT_OR_EMPTY(entry->detail)));
}

int operation_audit_list(store *s, arena *a, int limit, int offset, struct store_audit **entries,
                         size_t *count)
{
    return collect(s, a, COLLECT(entries, read_audit), count, STATEMENT_AUDIT_LIST,
                   PARAMETERS(LIMIT(limit), INTEGER(offset)));
}

/* --- whole-site operations (gazette copy) --- */

int operation_counts(store *s, struct store_counts *counts)
{
    long long n[6];
    int rc = read_counts(s, n, 6, STATEMENT_COUNTS, NO_PARAMETERS);
    if (rc == STORE_OK)
        *counts = (struct store_counts){n[0], n[1], n[2], n[3], n[4], n[5]};
    return rc;
}

int operation_clear(store *s)
{
    /* referencing tables before those they reference (each engine runs its own of these) */
    static const enum statement_id order[] = {STATEMENT_CLEAR_ALL,
                                              STATEMENT_CLEAR_SESSIONS,
                                              STATEMENT_CLEAR_LOGIN_FAILURES,
                                              STATEMENT_CLEAR_POST_PASSWORD_FAILURES,
                                              STATEMENT_CLEAR_AUDIT_LOG,
                                              STATEMENT_CLEAR_POST_REVISIONS,
                                              STATEMENT_CLEAR_COMMENT_EDITS,
                                              STATEMENT_CLEAR_OUTBOX,
                                              STATEMENT_CLEAR_COMMENTS,
                                              STATEMENT_CLEAR_POST_TERMS,
                                              STATEMENT_CLEAR_CUSTOM_FIELDS,
                                              STATEMENT_CLEAR_MENU_ITEMS,
                                              STATEMENT_CLEAR_POST_OLD_PATHS,
                                              STATEMENT_CLEAR_MEDIA_FILES,
                                              STATEMENT_CLEAR_MEDIA,
                                              STATEMENT_CLEAR_POSTS,
                                              STATEMENT_CLEAR_TERMS,
                                              STATEMENT_CLEAR_USERS,
                                              STATEMENT_CLEAR_SETTINGS};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (run_statement(s, order[i]) != STORE_OK)
            return STORE_ERROR;
    return STORE_OK;
}

int operation_comment_set_trashed_with_post(store *s, long long id, enum comment_status restore)
{
    return run_changing(s, STATEMENT_COMMENT_SET_TRASHED_WITH_POST,
                        PARAMETERS(INTEGER(id), TEXT(comment_status_name(restore))));
}

int operation_comments_trash_with_post(store *s, long long post_id)
{
    return run(s, STATEMENT_COMMENTS_TRASH_WITH_POST, PARAMETERS(INTEGER(post_id)));
}

int operation_comments_restore_with_post(store *s, long long post_id)
{
    return run(s, STATEMENT_COMMENTS_RESTORE_WITH_POST, PARAMETERS(INTEGER(post_id)));
}

int operation_defer_constraints(store *s)
{
    return run_statement(s, STATEMENT_DEFER_CONSTRAINTS);
}

/* --- the mail outbox --- */

int operation_mail_insert(store *s, const struct store_mail *m, long long *id)
{
    return insert(s, id, 0, STATEMENT_MAIL_INSERT, STATEMENT_MAIL_INSERT,
                  PARAMETERS(INTEGER(m->post_id), INTEGER(m->created_at), TEXT(m->sender),
                             TEXT(m->recipient), TEXT_OR_EMPTY(m->client_ip), TEXT(m->message),
                             INTEGER(m->next_attempt_at)));
}

int operation_mail_due(store *s, arena *a, long long now, int limit, struct store_mail **mails,
                       size_t *count)
{
    return collect(s, a, COLLECT(mails, read_mail), count, STATEMENT_MAIL_DUE,
                   PARAMETERS(INTEGER(now), INTEGER(limit)));
}

int operation_mail_claim(store *s, long long id, long long now, bool *claimed)
{
    long long changed;
    int rc = run_counted(s, &changed, STATEMENT_MAIL_CLAIM, PARAMETERS(INTEGER(id), INTEGER(now)));
    *claimed = rc == STORE_OK && changed == 1;
    return rc;
}

int operation_mail_finish(store *s, long long id, enum mail_status status, int attempts,
                          long long next_attempt_at, long long sent_at, const char *last_error)
{
    return run(s, STATEMENT_MAIL_FINISH,
               PARAMETERS(INTEGER(id), TEXT(mail_status_name(status)), INTEGER(attempts),
                          INTEGER(next_attempt_at), INTEGER(sent_at), TEXT_OR_EMPTY(last_error)));
}

int operation_mail_release(store *s, long long before)
{
    return run(s, STATEMENT_MAIL_RELEASE, PARAMETERS(INTEGER(before)));
}

int operation_mail_requeue(store *s, long long id, long long now)
{
    return run_changing(s, STATEMENT_MAIL_REQUEUE, PARAMETERS(INTEGER(id), INTEGER(now)));
}

int operation_mail_list(store *s, arena *a, struct store_mail **mails, size_t *count)
{
    return collect(s, a, COLLECT(mails, read_mail), count, STATEMENT_MAIL_LIST, NO_PARAMETERS);
}

int operation_mail_get(store *s, arena *a, long long id, struct store_mail *out)
{
    return find(s, a, read_mail, out, STATEMENT_MAIL_GET, PARAMETERS(INTEGER(id)));
}

/* PostgreSQL: READ COMMITTED (the default) gives each statement a fresh snapshot: once this
 * lock is held, store_mail_recent sees every message queued by the lock's earlier holders,
 * which committed before releasing it (an xact lock is released at COMMIT or ROLLBACK). Cheaper
 * than SERIALIZABLE, which would make the losing sends fail and retry. SQLite: nothing to do
 * (statements.h). */
int operation_mail_lock_limits(store *s)
{
    return run_statement(s, STATEMENT_MAIL_LOCK_LIMITS);
}

int operation_mail_recent(store *s, const char *client_ip, const char *recipient, long long since,
                          long long *by_client, long long *by_recipient)
{
    long long n[2];
    int rc = read_counts(s, n, 2, STATEMENT_MAIL_RECENT,
                         PARAMETERS(TEXT(client_ip), TEXT(recipient), INTEGER(since)));
    if (rc == STORE_OK)
        *by_client = n[0], *by_recipient = n[1];
    return rc;
}

int store_check_statements(store *s)
{
    for (int id = 0; id < STATEMENT_COUNT; id++) {
        const char *text = statement_text((enum statement_id)id, s->engine->postgres);
        if (!text)
            return store_fail(s, "%s: no text for %s", store_statements[id].name, s->engine->name);
        if (!*text)
            continue;
        s->statement = (enum statement_id)id;
        if (s->engine->prepare(s, (enum statement_id)id) != STORE_OK)
            return STORE_ERROR;
        s->engine->reset(s);
    }
    return STORE_OK;
}

/* --- media and their files --- */

static void read_media(struct row *r, void *record)
{
    struct store_media *m = record;
    m->id = next_int(r);
    m->wp_id = next_int(r);
    m->post_id = next_int(r);
    m->author_id = next_int(r);
    m->file = next_text(r);
    m->slug = next_text(r);
    m->page_path = next_text(r);
    m->title = next_text(r);
    m->caption = next_text(r);
    m->alt = next_text(r);
    m->description = next_text(r);
    m->mime = next_text(r);
    m->width = next_int(r);
    m->height = next_int(r);
    m->bytes = next_int(r);
    m->created_at = next_int(r);
}

static void read_media_file(struct row *r, void *record)
{
    struct store_media_file *f = record;
    f->id = next_int(r);
    f->media_id = next_int(r);
    f->path = next_text(r);
    f->size = next_text(r);
    f->mime = next_text(r);
    f->width = next_int(r);
    f->height = next_int(r);
    f->bytes = next_int(r);
    f->etag = next_text(r);
    f->data = NULL;
}

/* ?5-?15 of MEDIA_INSERT, ?4-?15 of MEDIA_UPDATE: what both write */
#define MEDIA_TEXTS(m)                                                                             \
    TEXT(m->file), TEXT_OR_EMPTY(m->slug), TEXT_OR_EMPTY(m->page_path), TEXT_OR_EMPTY(m->title),   \
        TEXT_OR_EMPTY(m->caption), TEXT_OR_EMPTY(m->alt), TEXT_OR_EMPTY(m->description),           \
        TEXT_OR_EMPTY(m->mime), INTEGER(m->width), INTEGER(m->height), INTEGER(m->bytes),          \
        INTEGER(m->created_at)

int operation_media_insert(store *s, const struct store_media *media, long long *id)
{
    return insert(s, id, media->id, STATEMENT_MEDIA_BUMP_ID, STATEMENT_MEDIA_INSERT,
                  PARAMETERS(INTEGER(media->id), INTEGER(media->wp_id), INTEGER(media->post_id),
                             INTEGER(media->author_id), MEDIA_TEXTS(media)));
}

int operation_media_update(store *s, const struct store_media *media)
{
    return run_changing(s, STATEMENT_MEDIA_UPDATE,
                        PARAMETERS(INTEGER(media->id), INTEGER(media->post_id),
                                   INTEGER(media->author_id), MEDIA_TEXTS(media)));
}

int operation_media_get(store *s, arena *a, long long id, struct store_media *out)
{
    return find(s, a, read_media, out, STATEMENT_MEDIA_GET, PARAMETERS(INTEGER(id)));
}

int operation_media_find_wp_id(store *s, arena *a, long long wp_id, struct store_media *out)
{
    return find(s, a, read_media, out, STATEMENT_MEDIA_FIND_WP_ID, PARAMETERS(INTEGER(wp_id)));
}

int operation_media_find_file(store *s, arena *a, const char *file, struct store_media *out)
{
    return find(s, a, read_media, out, STATEMENT_MEDIA_FIND_FILE, PARAMETERS(TEXT(file)));
}

int operation_media_find_page(store *s, arena *a, const char *page_path, struct store_media *out)
{
    return find(s, a, read_media, out, STATEMENT_MEDIA_FIND_PAGE, PARAMETERS(TEXT(page_path)));
}

static const char *media_search(const struct store_media_filter *filter)
{
    return filter->search && filter->search[0] ? filter->search : NULL;
}

int operation_media_list(store *s, arena *a, const struct store_media_filter *filter,
                         struct store_media **media, size_t *count)
{
    return collect(s, a, COLLECT(media, read_media), count, STATEMENT_MEDIA_LIST,
                   PARAMETERS(TEXT(media_search(filter)), INTEGER(filter->post_id),
                              BOOLEAN(filter->missing_only), LIMIT(filter->limit),
                              INTEGER(filter->offset)));
}

int operation_media_count(store *s, const struct store_media_filter *filter, long long *count)
{
    return read_counts(s, count, 1, STATEMENT_MEDIA_COUNT,
                       PARAMETERS(TEXT(media_search(filter)), INTEGER(filter->post_id),
                                  BOOLEAN(filter->missing_only)));
}

int operation_media_delete(store *s, long long id)
{
    return run_changing(s, STATEMENT_MEDIA_DELETE, PARAMETERS(INTEGER(id)));
}

/* Which file is at a path now: its id and its media's. */
struct file_owner {
    long long id, media_id;
};

static void read_file_owner(struct row *r, void *record)
{
    struct file_owner *o = record;
    o->id = next_int(r);
    o->media_id = next_int(r);
}

/* The same media's file at the path is replaced (keeping its id), another's is refused; two
 * writers adding the same path at once: the unique path refuses the second (STORE_CONFLICT). */
int operation_media_file_put(store *s, const struct store_media_file *file, long long *id)
{
    struct file_owner owner;
    int rc = find(s, NULL, read_file_owner, &owner, STATEMENT_MEDIA_FILE_OWNER,
                  PARAMETERS(TEXT(file->path)));
    if (rc == STORE_ERROR)
        return rc;
    if (rc == STORE_OK && owner.media_id != file->media_id) {
        store_fail(s, "the file %s belongs to media %lld, not %lld", file->path, owner.media_id,
                   file->media_id);
        return STORE_CONFLICT;
    }
    if (rc == STORE_OK) {
        if (id)
            *id = owner.id;
        if (start(s, STATEMENT_MEDIA_FILE_REPLACE,
                  PARAMETERS(INTEGER(owner.id), TEXT(file->size), TEXT_OR_EMPTY(file->mime),
                             INTEGER(file->width), INTEGER(file->height), INTEGER(file->bytes),
                             TEXT_OR_EMPTY(file->etag), BLOB(file->data, file->bytes))) != STORE_OK)
            return STORE_ERROR;
        return run_typed(s, NULL);
    }
    if (start(s, STATEMENT_MEDIA_FILE_INSERT,
              PARAMETERS(INTEGER(file->id), INTEGER(file->media_id), TEXT(file->path),
                         TEXT(file->size), TEXT_OR_EMPTY(file->mime), INTEGER(file->width),
                         INTEGER(file->height), INTEGER(file->bytes), TEXT_OR_EMPTY(file->etag),
                         BLOB(file->data, file->bytes))) != STORE_OK)
        return STORE_ERROR;
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW)
        ;
    long long new_id = step == STORE_STEP_DONE ? s->engine->insert_id(s) : 0;
    s->engine->reset(s);
    if (step != STORE_STEP_DONE)
        return step == STORE_STEP_CONFLICT ? STORE_CONFLICT : STORE_ERROR;
    if (id)
        *id = new_id;
    return file->id ? run_statement(s, STATEMENT_MEDIA_FILE_BUMP_ID) : STORE_OK;
}

int operation_media_file_find(store *s, arena *a, const char *path, struct store_media_file *out)
{
    return find(s, a, read_media_file, out, STATEMENT_MEDIA_FILE_FIND, PARAMETERS(TEXT(path)));
}

/* The bytes of one file. */
struct file_data {
    const unsigned char *data;
    size_t length;
};

static void read_file_data(struct row *r, void *record)
{
    struct file_data *d = record;
    d->data = r->s->engine->column_blob(r->s, r->a, r->column++, &d->length);
}

int operation_media_file_data(store *s, arena *a, const char *path, const unsigned char **data,
                              size_t *length)
{
    struct file_data d = {0};
    int rc = find(s, a, read_file_data, &d, STATEMENT_MEDIA_FILE_DATA, PARAMETERS(TEXT(path)));
    if (rc == STORE_OK) {
        *data = d.data;
        *length = d.length;
    }
    return rc;
}

int operation_media_files(store *s, arena *a, long long media_id, struct store_media_file **files,
                          size_t *count)
{
    return collect(s, a, COLLECT(files, read_media_file), count, STATEMENT_MEDIA_FILES,
                   PARAMETERS(INTEGER(media_id)));
}

int operation_media_files_clear(store *s, long long media_id)
{
    return run(s, STATEMENT_MEDIA_FILES_CLEAR, PARAMETERS(INTEGER(media_id)));
}
