/* fuzz_http.c: the request path in-process, as a worker runs it: raw request bytes parsed by
 * picohttpparser (the parser inside h2o), then the server's own dispatch (app/dispatch.h:
 * app_plan_request, app_job_init and app_dispatch: the route table, the early refusals, the
 * cache rule, the request copy, the one authorization check, the handler and the response
 * checks), on a real SQLite store with demo content and signed-in sessions, and the default
 * theme. Checks the response, not only crashes: a valid status, a
 * bounded body, and no CR/LF/NUL in any header value a handler sets (response splitting).
 *
 * In the input, @ADMIN@ and @AUTHOR@ become the session tokens of an admin and an author,
 * @ADMIN_CSRF@ / @AUTHOR_CSRF@ their CSRF tokens, and @STAMP@ a genuine comment form time
 * stamp, so the fuzzer gets past the checks it could never forge. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "web/request.h"
#include "app/dispatch.h"
#include "model/comment.h"
#include "model/post.h"
#include "model/secret.h"
#include "model/settings.h"
#include "model/spam.h"
#include "markup/markdown.h"
#include "render/template.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* picohttpparser, as libh2o-evloop exports it (Debian ships no header for it). */
struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len,
                      const char **path, size_t *path_len, int *minor_version,
                      struct phr_header *headers, size_t *num_headers, size_t last_len);

#define MAX_HEADERS 100                   /* h2o's H2O_MAX_HEADERS */
#define REQUEST_MAX (1024 * 1024 + 16384) /* the server's max_request_entity_size and headers */
#define BODY_LIMIT (64 * 1024 * 1024)     /* no page or PDF of the demo site comes near */
#define FUZZ_NOW 1750000000LL             /* 2025-06-15: the clock of every request */
#define PUBLISHED 1714557600LL            /* 2024-05-01 10:00 UTC: /2024/05/01/SLUG/ */

static struct {
    char dir[256], path[300], wal[310];
    store *store;
    template_set *theme;
    char *pristine; /* the database file after set-up, restored after a request wrote */
    size_t pristine_len;
    struct stat db_stat, wal_stat; /* as they were before the request */
    bool verbose;                  /* FUZZ_HTTP_VERBOSE set: one line per request */
} site;

static const char *admin_token, *author_token, *admin_csrf, *author_csrf;
static char *comment_stamp; /* an hour old at FUZZ_NOW */

static void fail_store(const char *what)
{
    FUZZ_CHECK(false, "set-up: %s: %s", what, store_error(site.store));
}

/* The hex SHA-256 the store keeps for a session token. */
static void token_hash(const char *token, char hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hex, 65, digest, sizeof(digest));
}

static long long add_user(const char *login, enum user_role role, const char *token,
                          const char *csrf)
{
    /* a cheap hash: the login form may check it on every run */
    char hash[crypto_pwhash_STRBYTES];
    FUZZ_CHECK(crypto_pwhash_str(hash, "fuzz-password", 13, crypto_pwhash_OPSLIMIT_MIN,
                                 crypto_pwhash_MEMLIMIT_MIN) == 0,
               "password hash");
    struct store_user user = {.login = login,
                              .display_name = login,
                              .email = "fuzz@example.invalid",
                              .role = role,
                              .password_hash = hash};
    long long id;
    if (store_user_insert(site.store, &user, &id) != STORE_OK)
        fail_store("user");
    char hex[65];
    token_hash(token, hex);
    struct store_session session = {.token_hash = hex,
                                    .user_id = id,
                                    .csrf = csrf,
                                    .created_at = FUZZ_NOW - 60,
                                    .expires_at = FUZZ_NOW + 10 * 365 * 86400LL};
    if (store_session_insert(site.store, &session) != STORE_OK)
        fail_store("session");
    return id;
}

static long long add_post(arena *a, const char *title, const char *status, const char *markdown,
                          bool comments_open, long long published)
{
    struct post_draft draft = {.title = title,
                               .status = status,
                               .markdown = markdown,
                               .comments_open = comments_open,
                               .categories = "News, Notes",
                               .tags = "gazette, fuzz",
                               .author_login = "admin",
                               .published_at = published};
    long long id;
    const char *field;
    buf error = {0};
    FUZZ_CHECK(post_save(site.store, a, &draft, FUZZ_NOW, &id, &field, &error) == STORE_OK,
               "set-up: post: %s", buf_cstr(&error));
    buf_free(&error);
    return id;
}

/* What `gazette init --demo` makes, and more: users with sessions, a draft, a post with
 * comments closed, a thread with replies and held comments. */
static void populate(void)
{
    arena a = {0};
    if (secret_ensure(site.store) != STORE_OK)
        fail_store("secret");
    comment_stamp = strdup(spam_stamp_make(site.store, &a, FUZZ_NOW - 3600));
    FUZZ_CHECK(comment_stamp && *comment_stamp, "no comment stamp");
    /* mail is queued, never sent: no sender thread runs here */
    static const char *const settings[][2] = {{"mail.smtp_url", "smtp://127.0.0.1:9"},
                                              {"mail.from", "site@example.invalid"}};
    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        buf error = {0};
        FUZZ_CHECK(settings_set_named(site.store, settings[i][0], settings[i][1], &error) == 0,
                   "set-up: %s: %s", settings[i][0], buf_cstr(&error));
        buf_free(&error);
    }
    admin_token = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    author_token = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    admin_csrf = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
    author_csrf = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
    add_user("admin", USER_ADMIN, admin_token, admin_csrf);
    add_user("writer", USER_AUTHOR, author_token, author_csrf);
    long long welcome =
        add_post(&a, "Welcome to gazette", "publish",
                 "A first post with a footnote.[^1]\n\n## Writing\n\n> A quotation.\n\n"
                 "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: The note.\n",
                 true, PUBLISHED);
    add_post(&a, "Closed for comments", "publish", "Nothing to add *here*.", false,
             PUBLISHED + 86400);
    add_post(&a, "Work in progress", "draft", "Not yet.", true, 0);
    static const struct {
        int parent; /* index + 1 in this list, 0 for top level */
        const char *author, *text;
        enum comment_status status;
    } comments[] = {
        {0, "Ada", "First!", COMMENT_STATUS_APPROVED},
        {1, "Grace", "A reply with a [link](https://example.org/).", COMMENT_STATUS_APPROVED},
        {2, "Ada", "> quoted\n\nA reply to the reply.", COMMENT_STATUS_APPROVED},
        {0, "Linus", "Held for moderation.", COMMENT_STATUS_PENDING},
        {0, "Spammer", "Buy things at http://spam.example/", COMMENT_STATUS_SPAM},
    };
    long long ids[sizeof(comments) / sizeof(comments[0])];
    if (store_begin(site.store) != STORE_OK)
        fail_store("begin");
    for (size_t i = 0; i < sizeof(comments) / sizeof(comments[0]); i++) {
        buf html = {0};
        markup_markdown(comments[i].text, strlen(comments[i].text), SANITIZE_COMMENT, &html);
        struct store_comment c = {
            .post_id = welcome,
            .parent_id = comments[i].parent ? ids[comments[i].parent - 1] : 0,
            .author = comments[i].author,
            .email = "reader@example.invalid",
            .body_html = arena_strndup(&a, buf_cstr(&html), html.len),
            .body_source = comments[i].text,
            .status = comments[i].status,
            .type = COMMENT_TYPE_COMMENT,
            .created_at = PUBLISHED + 600 * (long long)(i + 1),
        };
        buf_free(&html);
        if (comment_insert_placed(site.store, &a, &c, &ids[i]) != STORE_OK)
            fail_store("comment");
    }
    if (store_commit(site.store) != STORE_OK)
        fail_store("commit");
    arena_free(&a);
}

static void open_store(void)
{
    buf error = {0};
    site.store = store_open(site.path, &error);
    FUZZ_CHECK(site.store != NULL, "store: %s", buf_cstr(&error));
    buf_free(&error);
}

static void remove_files(void)
{
    unlink(site.path);
    unlink(site.wal);
    char name[320];
    snprintf(name, sizeof(name), "%s-shm", site.path);
    unlink(name);
    rmdir(site.dir);
}

static void stat_files(struct stat *db, struct stat *wal)
{
    if (stat(site.path, db) != 0)
        memset(db, 0, sizeof(*db));
    if (stat(site.wal, wal) != 0)
        memset(wal, 0, sizeof(*wal));
}

static bool stat_same(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Puts the database back as set-up left it, so every input meets the same site. */
static void restore_store(void)
{
    store_close(site.store);
    unlink(site.wal);
    int fd = open(site.path, O_WRONLY | O_TRUNC);
    FUZZ_CHECK(fd >= 0 && write(fd, site.pristine, site.pristine_len) == (ssize_t)site.pristine_len,
               "restoring %s: %s", site.path, strerror(errno));
    close(fd);
    open_store();
    stat_files(&site.db_stat, &site.wal_stat);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    site.verbose = getenv("FUZZ_HTTP_VERBOSE") != NULL;
    FUZZ_CHECK(sodium_init() >= 0, "sodium_init");
    /* tmpfs when there is one: the store syncs every commit */
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(site.dir, sizeof(site.dir), "%s/gazette-fuzz-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    FUZZ_CHECK(mkdtemp(site.dir) != NULL, "mkdtemp %s", site.dir);
    snprintf(site.path, sizeof(site.path), "%s/site.db", site.dir);
    snprintf(site.wal, sizeof(site.wal), "%s-wal", site.path);
    atexit(remove_files);
    open_store();
    populate();
    store_close(site.store); /* checkpoints: the whole site is in site.db now */
    FILE *f = fopen(site.path, "rb");
    FUZZ_CHECK(f != NULL, "reading %s", site.path);
    buf pristine = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&pristine, chunk, n);
    fclose(f);
    site.pristine_len = pristine.len;
    site.pristine = buf_detach(&pristine);
    open_store();
    stat_files(&site.db_stat, &site.wal_stat);

    buf error = {0};
    site.theme = template_load_dir(GAZETTE_THEME_DIR, &error);
    FUZZ_CHECK(site.theme != NULL, "theme: %s", buf_cstr(&error));
    buf_free(&error);
    return 0;
}

/* The input with the @…@ placeholders replaced. */
static void expand(const uint8_t *data, size_t size, buf *out)
{
    const struct {
        const char *name, *value;
    } placeholders[] = {{"@ADMIN_CSRF@", admin_csrf},
                        {"@AUTHOR_CSRF@", author_csrf},
                        {"@ADMIN@", admin_token},
                        {"@AUTHOR@", author_token},
                        {"@STAMP@", comment_stamp}};
    size_t run = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] != '@')
            continue;
        for (size_t p = 0; p < sizeof(placeholders) / sizeof(placeholders[0]); p++) {
            size_t len = strlen(placeholders[p].name);
            if (size - i >= len && memcmp(data + i, placeholders[p].name, len) == 0) {
                buf_append(out, data + run, i - run);
                buf_puts(out, placeholders[p].value);
                i += len - 1;
                run = i + 1;
                break;
            }
        }
    }
    buf_append(out, data + run, size - run);
}

/* The first header named `name`, or {NULL, 0}. */
static strview header_value(const struct phr_header *headers, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (headers[i].name_len == strlen(name) &&
            strncasecmp(headers[i].name, name, headers[i].name_len) == 0)
            return (strview){headers[i].value, headers[i].value_len};
    return (strview){NULL, 0};
}

/* A header value the server would send as it is. */
static void check_header(const char *what, const char *value)
{
    if (!value)
        return;
    FUZZ_CHECK(strpbrk(value, "\r\n") == NULL, "%s holds CR or LF: \"%s\"", what, value);
}

static void check_response(const char *method, const char *path, const struct web_response *res)
{
    int status = res->status ? res->status : 200;
    FUZZ_CHECK(status >= 100 && status <= 599, "%s %s: status %d", method, path, status);
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
        FUZZ_CHECK(res->location && *res->location, "%s %s: %d without Location", method, path,
                   status);
    FUZZ_CHECK(res->body.len <= BODY_LIMIT, "%s %s: a %zu-byte body", method, path, res->body.len);
    FUZZ_CHECK(!res->body.ptr || res->body.ptr[res->body.len] == '\0', "body not terminated");
    check_header("Location", res->location);
    FUZZ_CHECK(!res->location || app_location_safe(res->location, ""),
               "%s %s: a redirect off the site: \"%s\"", method, path, res->location);
    check_header("Content-Type", res->content_type);
    check_header("Cache-Control", res->cache_control);
    check_header("Content-Disposition", res->content_disposition);
    FUZZ_CHECK(res->set_cookie_count <= WEB_MAX_SET_COOKIES, "%zu cookies", res->set_cookie_count);
    for (size_t i = 0; i < res->set_cookie_count; i++)
        check_header("Set-Cookie", res->set_cookie[i]);
    FUZZ_CHECK(res->retry_after >= 0, "Retry-After %d", res->retry_after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > REQUEST_MAX)
        return 0;
    buf raw = {0};
    expand(data, size, &raw);
    const char *method_ptr, *target_ptr;
    size_t method_len, target_len, header_count = MAX_HEADERS;
    int minor_version;
    struct phr_header headers[MAX_HEADERS];
    int header_len =
        phr_parse_request(raw.ptr ? raw.ptr : "", raw.len, &method_ptr, &method_len, &target_ptr,
                          &target_len, &minor_version, headers, &header_count, 0);
    if (header_len < 0) { /* h2o answers 400, or waits for the rest */
        buf_free(&raw);
        return 0;
    }
    strview method = {method_ptr, method_len};
    const char *question = memchr(target_ptr, '?', target_len);
    strview path = {target_ptr, question ? (size_t)(question - target_ptr) : target_len};
    strview body = {raw.ptr + header_len, raw.len - (size_t)header_len};

    strview query = {"", 0};
    if (question)
        query = (strview){question + 1, target_len - (size_t)(question - target_ptr) - 1};
    strview cookie = header_value(headers, header_count, "cookie");

    /* what the loop thread does before handing the request to a worker: the server's own plan */
    struct app_plan plan;
    app_plan_request(method, path, query, cookie.ptr ? cookie : (strview){"", 0}, body.len > 0,
                     body, &plan);
    if (plan.refusal) { /* 405, 413, 400: answered on the loop, no handler */
        buf_free(&raw);
        return 0;
    }
    struct app_incoming incoming = {
        .method = method,
        .path = path,
        .query = query,
        .body = body,
        .has_body = body.len > 0,
        .host = header_value(headers, header_count, "host"),
        .origin = header_value(headers, header_count, "origin"),
        .referer = header_value(headers, header_count, "referer"),
        .cookie = cookie,
        .content_type = header_value(headers, header_count, "content-type"),
        .user_agent = header_value(headers, header_count, "user-agent"),
        .client_ip = STRVIEW_LIT("192.0.2.7"), /* not a trusted proxy: no X-Forwarded-Proto */
        .https = false,
    };
    /* then what the worker does (the page cache is off here: nothing is kept) */
    struct app_job job = {0};
    app_job_init(&job, &plan, &incoming, (strview){NULL, 0});
    app_dispatch(&job, site.store, site.theme, FUZZ_NOW);
    const struct web_request *req = &job.request;
    const struct web_response *res = &job.response;
    check_response(req->method, req->path, res);
    FUZZ_CHECK(!res->cacheable || (plan.shared && !job.signed_in),
               "%s %s: a response made for one reader may enter the shared cache", req->method,
               req->path);
    if (site.verbose)
        dprintf(fuzz_report_fd, "%s %s -> %d (%zu bytes%s%s)\n", req->method, req->path,
                res->status ? res->status : 200, res->body.len, res->location ? ", to " : "",
                res->location ? res->location : "");
    app_job_release(&job);
    buf_free(&raw);

    /* a request that wrote (a comment, a sign-in, a failed one) is undone for the next */
    struct stat db, wal;
    stat_files(&db, &wal);
    if (!stat_same(&db, &site.db_stat) || !stat_same(&wal, &site.wal_stat))
        restore_store();
    return 0;
}
