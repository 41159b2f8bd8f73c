/* operations.c: every store operation, written once against the engine's primitives
 * (backend.h) and the statements of statements.h. */
#include <limits.h>
#include <string.h>

#include "store/backend.h"

/* --- running a statement --- */

/* Makes `id` the current statement of `s`; its parameters are NULL until bound. */
static int start(store *s, enum statement_id id)
{
    s->statement = id;
    return s->engine->prepare(s, id);
}

static void bind_int(store *s, int index, long long value)
{
    s->engine->bind_int(s, index, value);
}

static void bind_text(store *s, int index, const char *text)
{
    s->engine->bind_text(s, index, text);
}

/* A text the record may leave NULL, stored as "". */
static void bind_text_or_empty(store *s, int index, const char *text)
{
    s->engine->bind_text(s, index, text ? text : "");
}

static void bind_bool(store *s, int index, bool value)
{
    s->engine->bind_bool(s, index, value);
}

/* A LIMIT: limit <= 0 is none (a count no table reaches: both engines take it). */
static void bind_limit(store *s, int index, long long limit)
{
    s->engine->bind_int(s, index, limit > 0 ? limit : LLONG_MAX);
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

static int run(store *s)
{
    int rc = run_typed(s, NULL);
    return rc == STORE_CONFLICT ? STORE_ERROR : rc;
}

/* A write of one row found by its key: STORE_NOT_FOUND when it changed none. */
static int run_changing(store *s)
{
    long long changed = 0;
    int rc = run_typed(s, &changed);
    if (rc == STORE_CONFLICT)
        return STORE_ERROR;
    return rc == STORE_OK && changed == 0 ? STORE_NOT_FOUND : rc;
}

/* Runs statement `id`, which takes no parameters, unless its engine has nothing to run. */
static int run_statement(store *s, enum statement_id id)
{
    if (!*statement_text(id, s->engine->postgres))
        return STORE_OK;
    return start(s, id) == STORE_OK ? run(s) : STORE_ERROR;
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

/* Steps a statement expected to return at most one row and reads it with `read` (NULL: only
 * whether there is one): STORE_OK, STORE_NOT_FOUND or STORE_ERROR. */
static int read_one(store *s, arena *a, row_reader read, void *record)
{
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

/* Whether the current statement returns a row. */
static int exists(store *s, bool *found)
{
    int rc = read_one(s, NULL, NULL, NULL);
    if (rc == STORE_ERROR)
        return rc;
    *found = rc == STORE_OK;
    return STORE_OK;
}

/* Reads every row of the current statement into an arena array, `read` filling one record. */
static int collect(store *s, arena *a, size_t record_size, row_reader read, void **records,
                   size_t *count)
{
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

/* Runs an insert (which returns the new row's id) and, when the caller gave the id, moves the
 * engine's sequence past it with `bump`. */
static int insert(store *s, long long *id, long long given_id, enum statement_id bump)
{
    enum store_step step = s->engine->step(s);
    long long new_id = step == STORE_STEP_ROW ? s->engine->column_int(s, 0) : 0;
    while (step == STORE_STEP_ROW)
        step = s->engine->step(s);
    s->engine->reset(s);
    if (step != STORE_STEP_DONE)
        return STORE_ERROR;
    if (id)
        *id = new_id;
    return given_id ? run_statement(s, bump) : STORE_OK;
}

/* Runs a statement of one row of counts, read into `counts` in order. */
static int read_counts(store *s, long long *counts, int count)
{
    enum store_step step = s->engine->step(s);
    if (step == STORE_STEP_ROW) {
        struct row r = {s, NULL, 0};
        for (int i = 0; i < count; i++)
            counts[i] = next_int(&r);
    }
    s->engine->reset(s);
    if (step == STORE_STEP_ROW)
        return STORE_OK;
    return step == STORE_STEP_DONE
               ? store_fail(s, "%s: no row", store_statements[s->statement].name)
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
    out->role = next_text(r);
    out->disabled = next_bool(r);
    out->password_hash = next_text(r);
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
    p->type = next_text(r);
    p->status = next_text(r);
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
    c->status = next_text(r);
    c->type = next_text(r);
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
                                .type = "comment",
                                .held_by = ""};
    c->id = next_int(r);
    c->post_id = next_int(r);
    c->parent_id = next_int(r);
    c->depth = (int)next_int(r);
    c->author = next_text(r);
    c->url = next_text(r);
    c->body_html = next_text(r);
    c->status = next_text(r);
    c->created_at = next_int(r);
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
    m->status = next_text(r);
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

/* --- shapes most operations take --- */

/* The one row of `id` found by an integer key, read by `read`. */
static int find_by_int(store *s, arena *a, enum statement_id id, long long key, row_reader read,
                       void *out)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, key);
    return read_one(s, a, read, out);
}

static int find_by_text(store *s, arena *a, enum statement_id id, const char *key, row_reader read,
                        void *out)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, key);
    return read_one(s, a, read, out);
}

/* Every row of `id`, which takes no parameters. */
static int list_all(store *s, arena *a, enum statement_id id, size_t record_size, row_reader read,
                    void **records, size_t *count)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    return collect(s, a, record_size, read, records, count);
}

/* Every row of `id` for an integer key. */
static int list_by_int(store *s, arena *a, enum statement_id id, long long key, size_t record_size,
                       row_reader read, void **records, size_t *count)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, key);
    return collect(s, a, record_size, read, records, count);
}

static int key_exists(store *s, enum statement_id id, long long key, bool *found)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, key);
    return exists(s, found);
}

/* A write of `id` with one integer parameter. */
static int run_by_int(store *s, enum statement_id id, long long key)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, key);
    return run(s);
}

static int run_by_text(store *s, enum statement_id id, const char *key)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, key);
    return run(s);
}

/* An update of row `key` setting one text (or, when text is NULL, one boolean). */
static int update_by_id(store *s, enum statement_id id, long long key, const char *text, bool flag)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, key);
    if (text)
        bind_text(s, 2, text);
    else
        bind_bool(s, 2, flag);
    return run_changing(s);
}

/* The (ip, key, at) rows of failed logins and wrong post passwords. */
static int run_attempt(store *s, enum statement_id id, const char *ip, const char *login,
                       long long post_id, long long at)
{
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, ip);
    if (login)
        bind_text(s, 2, login);
    else
        bind_int(s, 2, post_id);
    bind_int(s, 3, at);
    return run(s);
}

/* --- settings, users, terms --- */

static void read_text(struct row *r, void *record)
{
    *(const char **)record = next_text(r);
}

int operation_setting_get(store *s, arena *a, const char *key, const char **value)
{
    return find_by_text(s, a, STATEMENT_SETTING_GET, key, read_text, value);
}

int operation_setting_set(store *s, const char *key, const char *value)
{
    if (start(s, STATEMENT_SETTING_SET) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, key);
    bind_text(s, 2, value);
    return run(s);
}

int operation_setting_list(store *s, arena *a, struct store_setting **settings, size_t *count)
{
    return list_all(s, a, STATEMENT_SETTING_LIST, sizeof(**settings), read_setting,
                    (void **)settings, count);
}

int operation_user_insert(store *s, const struct store_user *user, long long *id)
{
    if (start(s, STATEMENT_USER_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, user->id);
    bind_text(s, 2, user->login);
    bind_text(s, 3, user->display_name);
    bind_text_or_empty(s, 4, user->email);
    bind_text(s, 5, user->role);
    bind_bool(s, 6, user->disabled);
    bind_text_or_empty(s, 7, user->password_hash);
    return insert(s, id, user->id, STATEMENT_USER_BUMP_ID);
}

int operation_user_find_login(store *s, arena *a, const char *login, struct store_user *out)
{
    return find_by_text(s, a, STATEMENT_USER_FIND_LOGIN, login, read_user, out);
}

int operation_user_find_email(store *s, arena *a, const char *email, struct store_user *out)
{
    return find_by_text(s, a, STATEMENT_USER_FIND_EMAIL, email, read_user, out);
}

int operation_user_get(store *s, arena *a, long long id, struct store_user *out)
{
    return find_by_int(s, a, STATEMENT_USER_GET, id, read_user, out);
}

int operation_user_list(store *s, arena *a, struct store_user **users, size_t *count)
{
    return list_all(s, a, STATEMENT_USER_LIST, sizeof(**users), read_user, (void **)users, count);
}

int operation_user_update(store *s, const struct store_user *user)
{
    if (start(s, STATEMENT_USER_UPDATE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, user->id);
    bind_text(s, 2, user->display_name);
    bind_text_or_empty(s, 3, user->email);
    bind_text(s, 4, user->role);
    bind_bool(s, 5, user->disabled);
    bind_text_or_empty(s, 6, user->password_hash);
    return run_changing(s);
}

int operation_term_insert(store *s, const struct store_term *term, long long *id)
{
    if (start(s, STATEMENT_TERM_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, term->id);
    bind_text(s, 2, term->taxonomy);
    bind_text(s, 3, term->slug);
    bind_text(s, 4, term->name);
    bind_text_or_empty(s, 5, term->description);
    bind_int(s, 6, term->parent_id);
    return insert(s, id, term->id, STATEMENT_TERM_BUMP_ID);
}

int operation_term_find(store *s, arena *a, const char *taxonomy, const char *slug,
                        struct store_term *out)
{
    if (start(s, STATEMENT_TERM_FIND) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, taxonomy);
    bind_text(s, 2, slug);
    return read_one(s, a, read_term, out);
}

int operation_term_get(store *s, arena *a, long long id, struct store_term *out)
{
    return find_by_int(s, a, STATEMENT_TERM_GET, id, read_term, out);
}

int operation_term_list(store *s, arena *a, struct store_term **terms, size_t *count)
{
    return list_all(s, a, STATEMENT_TERM_LIST, sizeof(**terms), read_term, (void **)terms, count);
}

int operation_post_term_add(store *s, long long post_id, long long term_id)
{
    if (start(s, STATEMENT_POST_TERM_ADD) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post_id);
    bind_int(s, 2, term_id);
    return run(s);
}

int operation_post_terms(store *s, arena *a, long long post_id, struct store_term **terms,
                         size_t *count)
{
    return list_by_int(s, a, STATEMENT_POST_TERMS, post_id, sizeof(**terms), read_term,
                       (void **)terms, count);
}

int operation_post_term_list(store *s, arena *a, struct store_post_term **links, size_t *count)
{
    return list_all(s, a, STATEMENT_POST_TERM_LIST, sizeof(**links), read_post_term, (void **)links,
                    count);
}

int operation_post_term_clear(store *s, long long post_id)
{
    return run_by_int(s, STATEMENT_POST_TERM_CLEAR, post_id);
}

/* --- posts --- */

/* Binds the fields POST_INSERT and POST_UPDATE share, from ?first on: status, slug, path,
 * title, excerpt, body_html, body_source, password. */
static void bind_post_texts(store *s, int first, const struct store_post *post)
{
    bind_text(s, first, post->status);
    bind_text(s, first + 1, post->slug);
    bind_text(s, first + 2, post->path);
    bind_text(s, first + 3, post->title);
    bind_text_or_empty(s, first + 4, post->excerpt);
    bind_text(s, first + 5, post->body_html);
    bind_text_or_empty(s, first + 6, post->body_source);
    bind_text_or_empty(s, first + 7, post->password);
}

int operation_post_insert(store *s, const struct store_post *post, long long *id)
{
    if (start(s, STATEMENT_POST_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post->id);
    bind_int(s, 2, post->wp_id);
    bind_text(s, 3, post->type);
    bind_post_texts(s, 4, post); /* ?4-?11 */
    bind_text_or_empty(s, 12, post->guid);
    bind_int(s, 13, post->author_id);
    bind_int(s, 14, post->published_at);
    bind_int(s, 15, post->modified_at);
    bind_bool(s, 16, post->comments_open);
    bind_bool(s, 17, post->sticky);
    bind_text_or_empty(s, 18, post->body_text);
    return insert(s, id, post->id, STATEMENT_POST_BUMP_ID);
}

int operation_post_update(store *s, const struct store_post *post)
{
    if (start(s, STATEMENT_POST_UPDATE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post->id);
    bind_post_texts(s, 2, post); /* ?2-?9 */
    bind_int(s, 10, post->author_id);
    bind_int(s, 11, post->published_at);
    bind_int(s, 12, post->modified_at);
    bind_bool(s, 13, post->comments_open);
    bind_bool(s, 14, post->sticky);
    bind_text_or_empty(s, 15, post->body_text);
    return run_changing(s);
}

int operation_post_get(store *s, arena *a, long long id, struct store_post *out)
{
    return find_by_int(s, a, STATEMENT_POST_GET, id, read_post, out);
}

int operation_post_find_path(store *s, arena *a, const char *path, struct store_post *out)
{
    return find_by_text(s, a, STATEMENT_POST_FIND_PATH, path, read_post, out);
}

int operation_post_find_slug(store *s, arena *a, const char *slug, struct store_post *out)
{
    return find_by_text(s, a, STATEMENT_POST_FIND_SLUG, slug, read_post, out);
}

int operation_post_find_wp_id(store *s, arena *a, long long wp_id, struct store_post *out)
{
    return find_by_int(s, a, STATEMENT_POST_FIND_WP_ID, wp_id, read_post, out);
}

int operation_post_id_taken(store *s, long long id, bool *taken)
{
    return key_exists(s, STATEMENT_POST_ID_TAKEN, id, taken);
}

int operation_post_set_status(store *s, long long id, const char *status)
{
    return update_by_id(s, STATEMENT_POST_SET_STATUS, id, status, false);
}

int operation_post_set_comments_open(store *s, long long id, bool open)
{
    return update_by_id(s, STATEMENT_POST_SET_COMMENTS_OPEN, id, NULL, open);
}

int operation_post_publish_due(store *s, long long now, long long *published)
{
    *published = 0;
    if (start(s, STATEMENT_POST_PUBLISH_DUE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, now);
    return run_typed(s, published) == STORE_OK ? STORE_OK : STORE_ERROR;
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
    bool public_listing = filter->type && filter->status && !admin_listing(filter);
    enum statement_id id = !public_listing                 ? STATEMENT_POST_LIST
                           : store_filter_is_front(filter) ? STATEMENT_POST_LIST_FRONT
                                                           : STATEMENT_POST_LIST_PUBLIC;
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, filter->type);
    bind_text(s, 2, filter->status);
    if (id == STATEMENT_POST_LIST_FRONT) {
        bind_limit(s, 3, filter->limit);
        bind_int(s, 4, filter->offset);
    } else if (id == STATEMENT_POST_LIST_PUBLIC) {
        bind_int(s, 3, filter->term_id);
        bind_int(s, 4, filter->author_id);
        bind_int(s, 5, filter->from);
        bind_int(s, 6, filter->until ? filter->until : LLONG_MAX);
        bind_limit(s, 7, filter->limit);
        bind_int(s, 8, filter->offset);
    } else {
        bind_bool(s, 3, false); /* only the front page puts sticky posts first */
        bind_limit(s, 4, filter->limit);
        bind_int(s, 5, filter->offset);
        bind_int(s, 6, filter->term_id);
        bind_int(s, 7, filter->author_id);
        bind_int(s, 8, filter->from);
        bind_int(s, 9, filter->until);
        bind_text(s, 10, title_filter(filter));
        bind_bool(s, 11, filter->by_modified);
    }
    return collect(s, a, sizeof(**posts), read_post, (void **)posts, count);
}

int operation_post_count(store *s, const struct store_post_filter *filter, long long *count)
{
    if (start(s, STATEMENT_POST_COUNT) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, filter->type);
    bind_text(s, 2, filter->status);
    bind_int(s, 3, filter->term_id);
    bind_int(s, 4, filter->author_id);
    bind_int(s, 5, filter->from);
    bind_int(s, 6, filter->until);
    bind_text(s, 7, title_filter(filter));
    return read_counts(s, count, 1);
}

static int adjacent(store *s, arena *a, enum statement_id id, const struct store_post *post,
                    struct store_post *out)
{
    memset(out, 0, sizeof(*out));
    if (start(s, id) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post->published_at);
    bind_int(s, 2, post->id);
    return read_one(s, a, read_post, out) == STORE_ERROR ? STORE_ERROR : STORE_OK;
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
    if (start(s, STATEMENT_SEARCH_COUNT) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, query);
    if (read_counts(s, total, 1) != STORE_OK)
        return STORE_ERROR;
    if (start(s, STATEMENT_SEARCH) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, query);
    bind_int(s, 2, limit);
    bind_int(s, 3, offset);
    return collect(s, a, sizeof(**hits), read_search_hit, (void **)hits, count);
}

/* --- comments --- */

/* Binds ?1-?17 of COMMENT_INSERT and COMMENT_ADD: ?1 the id, ?17 the path (COMMENT_ADD: the
 * parent's, to which it appends the comment's own segment). */
static void bind_comment(store *s, const struct store_comment *c, long long id, const char *path)
{
    bind_int(s, 1, id);
    bind_int(s, 2, c->post_id);
    bind_int(s, 3, c->parent_id);
    bind_int(s, 4, c->wp_id);
    bind_int(s, 5, c->depth);
    bind_text(s, 6, c->author);
    bind_text(s, 7, c->email);
    bind_text_or_empty(s, 8, c->url);
    bind_text_or_empty(s, 9, c->ip);
    bind_text_or_empty(s, 10, c->user_agent);
    bind_text(s, 11, c->body_html);
    bind_text_or_empty(s, 12, c->body_source);
    bind_text(s, 13, c->status);
    bind_text(s, 14, c->type ? c->type : "comment");
    bind_text_or_empty(s, 15, c->held_by);
    bind_int(s, 16, c->created_at);
    bind_text_or_empty(s, 17, path);
}

int operation_comment_insert(store *s, const struct store_comment *c, long long *id)
{
    if (start(s, STATEMENT_COMMENT_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_comment(s, c, c->id, c->path);
    return insert(s, id, c->id, STATEMENT_COMMENT_BUMP_ID);
}

int operation_comment_add(store *s, const struct store_comment *c, const char *parent_path,
                          long long *id)
{
    if (start(s, STATEMENT_COMMENT_ADD) != STORE_OK)
        return STORE_ERROR;
    bind_comment(s, c, 0, parent_path);
    return insert(s, id, 0, STATEMENT_COMMENT_BUMP_ID);
}

int operation_comment_get(store *s, arena *a, long long id, struct store_comment *out)
{
    return find_by_int(s, a, STATEMENT_COMMENT_GET, id, read_comment, out);
}

int operation_comment_find_wp_id(store *s, arena *a, long long post_id, long long wp_id,
                                 struct store_comment *out)
{
    if (start(s, STATEMENT_COMMENT_FIND_WP_ID) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post_id);
    bind_int(s, 2, wp_id);
    return read_one(s, a, read_comment, out);
}

int operation_comment_id_taken(store *s, long long id, bool *taken)
{
    return key_exists(s, STATEMENT_COMMENT_ID_TAKEN, id, taken);
}

int operation_comment_has_replies(store *s, long long id, bool *has_replies)
{
    return key_exists(s, STATEMENT_COMMENT_HAS_REPLIES, id, has_replies);
}

int operation_comment_set_status(store *s, long long id, const char *status)
{
    return update_by_id(s, STATEMENT_COMMENT_SET_STATUS, id, status, false);
}

int operation_comment_thread(store *s, arena *a, long long post_id, const char *status,
                             struct store_comment **comments, size_t *count)
{
    if (start(s, status ? STATEMENT_COMMENT_THREAD : STATEMENT_COMMENT_THREAD_ANY) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post_id);
    if (status)
        bind_text(s, 2, status);
    return collect(s, a, sizeof(**comments), read_shown_comment, (void **)comments, count);
}

int operation_comment_list(store *s, arena *a, const struct store_comment_filter *filter,
                           struct store_comment **comments, size_t *count)
{
    if (start(s, STATEMENT_COMMENT_LIST) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, filter->status);
    bind_int(s, 2, filter->post_id);
    bind_limit(s, 3, filter->limit);
    bind_text(s, 4, filter->type);
    bind_bool(s, 5, filter->public_posts);
    bind_int(s, 6, filter->post_author_id);
    bind_int(s, 7, filter->offset);
    return collect(s, a, sizeof(**comments), read_comment, (void **)comments, count);
}

int operation_comment_author_approved(store *s, const char *author, const char *email,
                                      bool *has_approved)
{
    if (start(s, STATEMENT_COMMENT_AUTHOR_APPROVED) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, author);
    bind_text(s, 2, email);
    return exists(s, has_approved);
}

int operation_comment_count_ip(store *s, const char *ip, long long since, long long *count)
{
    if (start(s, STATEMENT_COMMENT_COUNT_IP) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, ip);
    bind_int(s, 2, since);
    return read_counts(s, count, 1);
}

int operation_comment_counts(store *s, long long post_author_id, struct store_comment_counts *out)
{
    long long counts[4];
    if (start(s, STATEMENT_COMMENT_COUNTS) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, post_author_id);
    int rc = read_counts(s, counts, 4);
    if (rc == STORE_OK)
        *out = (struct store_comment_counts){counts[0], counts[1], counts[2], counts[3]};
    return rc;
}

int operation_comment_update(store *s, const struct store_comment *c)
{
    if (start(s, STATEMENT_COMMENT_UPDATE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, c->id);
    bind_text(s, 2, c->author);
    bind_text(s, 3, c->email);
    bind_text_or_empty(s, 4, c->url);
    bind_text_or_empty(s, 5, c->body_source);
    bind_text(s, 6, c->body_html);
    return run_changing(s);
}

int operation_comment_delete(store *s, long long id)
{
    if (start(s, STATEMENT_COMMENT_DELETE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, id);
    long long deleted = 0;
    int rc = run_typed(s, &deleted);
    if (rc == STORE_OK && deleted == 0)
        return STORE_NOT_FOUND;
    return rc;
}

int operation_comment_edit_insert(store *s, const struct store_comment_edit *e)
{
    if (start(s, STATEMENT_COMMENT_EDIT_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, e->comment_id);
    bind_int(s, 2, e->user_id);
    bind_int(s, 3, e->edited_at);
    bind_text(s, 4, e->author);
    bind_text(s, 5, e->email);
    bind_text_or_empty(s, 6, e->url);
    bind_text_or_empty(s, 7, e->body_source);
    bind_text(s, 8, e->body_html);
    return run(s);
}

int operation_comment_edit_list(store *s, arena *a, long long comment_id,
                                struct store_comment_edit **edits, size_t *count)
{
    return list_by_int(s, a, STATEMENT_COMMENT_EDIT_LIST, comment_id, sizeof(**edits),
                       read_comment_edit, (void **)edits, count);
}

/* --- post revisions --- */

int operation_revision_insert(store *s, const struct store_revision *v, int keep)
{
    if (start(s, STATEMENT_REVISION_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, v->post_id);
    bind_int(s, 2, v->user_id);
    bind_int(s, 3, v->saved_at);
    bind_text(s, 4, v->title);
    bind_text(s, 5, v->slug);
    bind_text_or_empty(s, 6, v->excerpt);
    bind_text_or_empty(s, 7, v->body_source);
    bind_text(s, 8, v->body_html);
    if (run(s) != STORE_OK || start(s, STATEMENT_REVISION_TRIM) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, v->post_id);
    bind_limit(s, 2, keep); /* keep 0: all */
    return run(s);
}

int operation_revision_list(store *s, arena *a, long long post_id,
                            struct store_revision **revisions, size_t *count)
{
    return list_by_int(s, a, STATEMENT_REVISION_LIST, post_id, sizeof(**revisions), read_revision,
                       (void **)revisions, count);
}

int operation_revision_get(store *s, arena *a, long long id, struct store_revision *out)
{
    return find_by_int(s, a, STATEMENT_REVISION_GET, id, read_revision, out);
}

/* --- sessions, failed logins, the audit log --- */

int operation_session_insert(store *s, const struct store_session *session)
{
    if (start(s, STATEMENT_SESSION_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, session->token_hash);
    bind_int(s, 2, session->user_id);
    bind_text(s, 3, session->csrf);
    bind_int(s, 4, session->created_at);
    bind_int(s, 5, session->expires_at);
    return run(s);
}

int operation_session_find(store *s, arena *a, const char *token_hash, long long now,
                           struct store_session *out, struct store_user *user)
{
    if (start(s, STATEMENT_SESSION_FIND) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, token_hash);
    bind_int(s, 2, now);
    struct session_with_user both = {out, user};
    return read_one(s, a, read_session, &both);
}

int operation_session_delete(store *s, const char *token_hash)
{
    return run_by_text(s, STATEMENT_SESSION_DELETE, token_hash);
}

int operation_session_delete_user(store *s, long long user_id)
{
    return run_by_int(s, STATEMENT_SESSION_DELETE_USER, user_id);
}

int operation_session_purge(store *s, long long now)
{
    return run_by_int(s, STATEMENT_SESSION_PURGE, now);
}

int operation_login_failure_add(store *s, const char *ip, const char *login, long long at)
{
    return run_attempt(s, STATEMENT_LOGIN_FAILURE_ADD, ip, login, 0, at);
}

int operation_login_failure_remove(store *s, const char *ip, const char *login, long long at)
{
    return run_attempt(s, STATEMENT_LOGIN_FAILURE_REMOVE, ip, login, 0, at);
}

int operation_login_failures(store *s, const char *ip, const char *login, long long since,
                             long long *by_ip, long long *by_login)
{
    long long counts[2];
    if (start(s, STATEMENT_LOGIN_FAILURES) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, ip);
    bind_text(s, 2, login);
    bind_int(s, 3, since);
    int rc = read_counts(s, counts, 2);
    if (rc == STORE_OK)
        *by_ip = counts[0], *by_login = counts[1];
    return rc;
}

int operation_login_failures_clear(store *s, const char *login)
{
    return run_by_text(s, STATEMENT_LOGIN_FAILURES_CLEAR, login);
}

int operation_post_password_failure_add(store *s, const char *ip, long long post_id, long long at)
{
    return run_attempt(s, STATEMENT_POST_PASSWORD_FAILURE_ADD, ip, NULL, post_id, at);
}

int operation_post_password_failure_remove(store *s, const char *ip, long long post_id,
                                           long long at)
{
    return run_attempt(s, STATEMENT_POST_PASSWORD_FAILURE_REMOVE, ip, NULL, post_id, at);
}

int operation_post_password_failures(store *s, const char *ip, long long post_id, long long since,
                                     long long *count)
{
    if (start(s, STATEMENT_POST_PASSWORD_FAILURES) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, ip);
    bind_int(s, 2, post_id);
    bind_int(s, 3, since);
    return read_counts(s, count, 1);
}

int operation_audit_insert(store *s, const struct store_audit *entry)
{
    if (start(s, STATEMENT_AUDIT_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, entry->user_id);
    bind_int(s, 2, entry->at);
    bind_text(s, 3, entry->action);
    bind_text(s, 4, entry->target);
    bind_text_or_empty(s, 5, entry->detail);
    return run(s);
}

int operation_audit_list(store *s, arena *a, int limit, int offset, struct store_audit **entries,
                         size_t *count)
{
    if (start(s, STATEMENT_AUDIT_LIST) != STORE_OK)
        return STORE_ERROR;
    bind_limit(s, 1, limit);
    bind_int(s, 2, offset);
    return collect(s, a, sizeof(**entries), read_audit, (void **)entries, count);
}

/* --- whole-site operations (gazette copy) --- */

int operation_counts(store *s, struct store_counts *counts)
{
    long long n[6];
    if (start(s, STATEMENT_COUNTS) != STORE_OK)
        return STORE_ERROR;
    int rc = read_counts(s, n, 6);
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
                                              STATEMENT_CLEAR_POSTS,
                                              STATEMENT_CLEAR_TERMS,
                                              STATEMENT_CLEAR_USERS,
                                              STATEMENT_CLEAR_SETTINGS};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (run_statement(s, order[i]) != STORE_OK)
            return STORE_ERROR;
    return STORE_OK;
}

int operation_defer_constraints(store *s)
{
    return run_statement(s, STATEMENT_DEFER_CONSTRAINTS);
}

/* --- the mail outbox --- */

int operation_mail_insert(store *s, const struct store_mail *m, long long *id)
{
    if (start(s, STATEMENT_MAIL_INSERT) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, m->post_id);
    bind_int(s, 2, m->created_at);
    bind_text(s, 3, m->sender);
    bind_text(s, 4, m->recipient);
    bind_text_or_empty(s, 5, m->client_ip);
    bind_text(s, 6, m->message);
    bind_int(s, 7, m->next_attempt_at);
    return insert(s, id, 0, STATEMENT_MAIL_INSERT);
}

int operation_mail_due(store *s, arena *a, long long now, int limit, struct store_mail **mails,
                       size_t *count)
{
    if (start(s, STATEMENT_MAIL_DUE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, now);
    bind_int(s, 2, limit);
    return collect(s, a, sizeof(**mails), read_mail, (void **)mails, count);
}

int operation_mail_claim(store *s, long long id, long long now, bool *claimed)
{
    long long changed = 0;
    *claimed = false;
    if (start(s, STATEMENT_MAIL_CLAIM) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, id);
    bind_int(s, 2, now);
    int rc = run_typed(s, &changed) == STORE_OK ? STORE_OK : STORE_ERROR;
    *claimed = rc == STORE_OK && changed == 1;
    return rc;
}

int operation_mail_finish(store *s, long long id, const char *status, int attempts,
                          long long next_attempt_at, long long sent_at, const char *last_error)
{
    if (start(s, STATEMENT_MAIL_FINISH) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, id);
    bind_text(s, 2, status);
    bind_int(s, 3, attempts);
    bind_int(s, 4, next_attempt_at);
    bind_int(s, 5, sent_at);
    bind_text_or_empty(s, 6, last_error);
    return run(s);
}

int operation_mail_release(store *s, long long before)
{
    return run_by_int(s, STATEMENT_MAIL_RELEASE, before);
}

int operation_mail_requeue(store *s, long long id, long long now)
{
    if (start(s, STATEMENT_MAIL_REQUEUE) != STORE_OK)
        return STORE_ERROR;
    bind_int(s, 1, id);
    bind_int(s, 2, now);
    return run_changing(s);
}

int operation_mail_list(store *s, arena *a, struct store_mail **mails, size_t *count)
{
    return list_all(s, a, STATEMENT_MAIL_LIST, sizeof(**mails), read_mail, (void **)mails, count);
}

int operation_mail_get(store *s, arena *a, long long id, struct store_mail *out)
{
    return find_by_int(s, a, STATEMENT_MAIL_GET, id, read_mail, out);
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
    long long counts[2];
    if (start(s, STATEMENT_MAIL_RECENT) != STORE_OK)
        return STORE_ERROR;
    bind_text(s, 1, client_ip);
    bind_text(s, 2, recipient);
    bind_int(s, 3, since);
    int rc = read_counts(s, counts, 2);
    if (rc == STORE_OK)
        *by_client = counts[0], *by_recipient = counts[1];
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
        if (start(s, (enum statement_id)id) != STORE_OK)
            return STORE_ERROR;
        s->engine->reset(s);
    }
    return STORE_OK;
}
