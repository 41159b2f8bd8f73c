/* user.c: roles, permissions and password hashing (libsodium argon2id). */
#include "model/user.h"

#include <sodium.h>
#include <string.h>

#include "model/settings.h"
#include "util/log.h"
#include "util/slug.h"

enum user_role user_role_of(const struct store_user *user)
{
    return user && !user->disabled ? user->role : USER_NOBODY;
}

bool user_may_edit_post(const struct store_user *user, const struct store_post *post)
{
    enum user_role role = user_role_of(user);
    return role >= USER_EDITOR || (role == USER_AUTHOR && post->author_id == user->id);
}

bool user_may_moderate(const struct store_user *user)
{
    return user_role_of(user) >= USER_EDITOR;
}

bool user_may_see_comments_of(const struct store_user *user, const struct store_post *post)
{
    return user_may_edit_post(user, post);
}

char *user_password_hash(arena *a, const char *password, buf *error)
{
    size_t len = strlen(password);
    if (len < USER_PASSWORD_MIN || len > USER_PASSWORD_MAX) {
        buf_printf(error, "a password has %d to %d characters", USER_PASSWORD_MIN,
                   USER_PASSWORD_MAX);
        return NULL;
    }
    char *hash = arena_alloc(a, crypto_pwhash_STRBYTES);
    if (sodium_init() < 0 ||
        crypto_pwhash_str(hash, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        buf_printf(error, "out of memory while hashing the password");
        return NULL;
    }
    return hash;
}

bool user_password_ok(const struct store_user *user, const char *password)
{
    size_t len = strlen(password);
    if (!user->password_hash || !*user->password_hash || len > USER_PASSWORD_MAX)
        return false;
    return crypto_pwhash_str_verify(user->password_hash, password, len) == 0;
}

bool user_login_valid(const char *login)
{
    size_t len = strlen(login);
    if (len == 0 || len > USER_LOGIN_MAX)
        return false;
    for (const char *p = login; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
              *p == '-'))
            return false;
    return true;
}

static int fail(store *s, buf *error)
{
    buf_printf(error, "%s", store_error(s));
    store_rollback(s);
    return STORE_ERROR;
}

int user_add(store *s, arena *a, const char *login, enum user_role role, const char *password,
             buf *error)
{
    if (!user_login_valid(login)) {
        buf_printf(error, "login '%s': use 1 to %d of a-z 0-9 . _ -", login, USER_LOGIN_MAX);
        return STORE_ERROR;
    }
    if (role == USER_NOBODY) {
        buf_printf(error, "the role must be admin, editor or author");
        return STORE_ERROR;
    }
    const char *hash = "";
    if (password && !(hash = user_password_hash(a, password, error)))
        return STORE_ERROR;
    if (store_begin(s) != STORE_OK)
        return fail(s, error);
    struct store_user user;
    int rc = store_user_find_login(s, a, login, &user);
    if (rc == STORE_ERROR)
        return fail(s, error);
    if (rc == STORE_OK) {
        /* an imported author: keep its name and email, give it a role (and a password) */
        user.role = role;
        if (password) {
            user.password_hash = hash;
            user.disabled = false;
        }
        if (store_user_update(s, &user) != STORE_OK)
            return fail(s, error);
    } else {
        user = (struct store_user){.login = login,
                                   .display_name = login,
                                   .email = "",
                                   .role = role,
                                   .password_hash = hash,
                                   .disabled = !password};
        long long id;
        if (user_unique_nicename(s, a, login, &user.nicename) != STORE_OK ||
            store_user_insert(s, &user, &id) != STORE_OK)
            return fail(s, error);
    }
    return store_commit(s) == STORE_OK ? STORE_OK : fail(s, error);
}

int user_unique_nicename(store *s, arena *a, const char *login, const char **nicename)
{
    const char *base = slug_nicename(a, login);
    if (!*base)
        base = slug_from_title(a, login);
    if (!*base)
        base = "user";
    *nicename = base;
    for (int suffix = 2;; suffix++) {
        struct store_user other;
        int rc = store_user_find_nicename(s, a, *nicename, &other);
        if (rc != STORE_OK)
            return rc == STORE_NOT_FOUND ? STORE_OK : rc;
        /* WordPress keeps base and suffix within 50 characters (its nicename's limit) */
        const char *tail = arena_printf(a, "-%d", suffix);
        size_t keep = strlen(base);
        if (keep + strlen(tail) > NICENAME_MAX)
            keep = NICENAME_MAX - strlen(tail);
        if (keep >= 1 && base[keep - 1] == '%') /* never inside an escape (ASCII otherwise) */
            keep -= 1;
        else if (keep >= 2 && base[keep - 2] == '%')
            keep -= 2;
        *nicename = arena_printf(a, "%.*s%s", (int)keep, base, tail);
    }
}

/* Finds `login`, applies `change`, signs its sessions out, in one transaction. */
static int change_user(store *s, arena *a, const char *login, const char *hash, buf *error)
{
    if (store_begin(s) != STORE_OK)
        return fail(s, error);
    struct store_user user;
    int rc = store_user_find_login(s, a, login, &user);
    if (rc == STORE_NOT_FOUND) {
        store_rollback(s);
        buf_printf(error, "no user with login '%s'", login);
        return STORE_NOT_FOUND;
    }
    if (rc != STORE_OK)
        return fail(s, error);
    if (hash) {
        user.password_hash = hash;
        user.disabled = false;
    } else
        user.disabled = true;
    if (store_user_update(s, &user) != STORE_OK ||
        store_session_delete_user(s, user.id) != STORE_OK)
        return fail(s, error);
    return store_commit(s) == STORE_OK ? STORE_OK : fail(s, error);
}

int user_set_password(store *s, arena *a, const char *login, const char *password, buf *error)
{
    const char *hash = user_password_hash(a, password, error);
    return hash ? change_user(s, a, login, hash, error) : STORE_ERROR;
}

int user_disable(store *s, arena *a, const char *login, buf *error)
{
    return change_user(s, a, login, NULL, error);
}

/* Hex SHA-256 of a session token: the store never holds a token that would sign someone in. */
static const char *token_hash(arena *a, const char *token)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    char *hex = arena_alloc(a, 2 * sizeof(digest) + 1);
    return sodium_bin2hex(hex, 2 * sizeof(digest) + 1, digest, sizeof(digest));
}

static const char *random_hex(arena *a, size_t bytes)
{
    unsigned char raw[32];
    randombytes_buf(raw, bytes);
    char *hex = arena_alloc(a, 2 * bytes + 1);
    return sodium_bin2hex(hex, 2 * bytes + 1, raw, bytes);
}

/* The attempt is recorded before it is counted, and each is its own transaction, not one with
 * the rest of the sign-in: parallel attempts then each see the others' rows, so at most the limit
 * of them check a password (one transaction would hide them from each other until commit). A
 * wrong password leaves its row; a refused attempt takes its row back; a right one clears the
 * login's rows in the transaction that writes the session. tests/e2e/test_security_auth.py
 * holds this order. */
static enum user_sign_in_result record_attempt(store *s, arena *a, const char *login,
                                               const char *ip, long long now)
{
    long long ip_limit = settings_get_int(s, a, SETTING_ADMIN_LOGIN_LIMIT_IP);
    long long login_limit = settings_get_int(s, a, SETTING_ADMIN_LOGIN_LIMIT_ACCOUNT);
    long long by_ip = 0, by_login = 0;
    if (store_login_failure_add(s, ip, login, now) != STORE_OK ||
        store_login_failures(s, ip, login, now - USER_SIGN_IN_WINDOW, &by_ip, &by_login) !=
            STORE_OK) {
        log_error("recording a sign-in attempt: %s", store_error(s));
        return USER_SIGN_IN_NOT_RECORDED;
    }
    bool login_limited = login_limit && by_login > login_limit;
    if (!login_limited && !(ip_limit && by_ip > ip_limit))
        return USER_SIGNED_IN; /* may go on to check the password */
    /* refused unchecked, so not a failure: the lock ends a window after the last one */
    if (store_login_failure_remove(s, ip, login, now) != STORE_OK)
        log_error("forgetting a refused sign-in attempt: %s", store_error(s));
    return login_limited ? USER_SIGN_IN_ACCOUNT_LOCKED : USER_SIGN_IN_ADDRESS_LOCKED;
}

/* One transaction: expired sessions go, the new one comes, the login's failures are cleared. */
static int write_session(store *s, const struct store_session *session, const char *login,
                         long long now)
{
    if (store_begin(s) != STORE_OK)
        return STORE_ERROR;
    if (store_session_purge(s, now) != STORE_OK || store_session_insert(s, session) != STORE_OK ||
        store_login_failures_clear(s, login) != STORE_OK || store_commit(s) != STORE_OK) {
        store_rollback(s);
        return STORE_ERROR;
    }
    return STORE_OK;
}

enum user_sign_in_result user_sign_in(store *s, arena *a, const char *login, const char *password,
                                      const char *ip, long long now, struct user_session *out)
{
    enum user_sign_in_result recorded = record_attempt(s, a, login, ip, now);
    if (recorded != USER_SIGNED_IN)
        return recorded;
    int rc = store_user_find_login(s, a, login, &out->user);
    if (rc == STORE_ERROR)
        return USER_SIGN_IN_NOT_READ;
    if (rc != STORE_OK || out->user.disabled || !user_password_ok(&out->user, password))
        return USER_SIGN_IN_WRONG;
    out->token = random_hex(a, USER_SESSION_TOKEN_HEX / 2);
    out->max_age = settings_get_int(s, a, SETTING_ADMIN_SESSION_HOURS) * 3600;
    struct store_session session = {.token_hash = token_hash(a, out->token),
                                    .user_id = out->user.id,
                                    .csrf = random_hex(a, 16),
                                    .created_at = now,
                                    .expires_at = now + out->max_age};
    return write_session(s, &session, login, now) == STORE_OK ? USER_SIGNED_IN
                                                              : USER_SIGN_IN_NOT_WRITTEN;
}

int user_session_find(store *s, arena *a, const char *token, long long now,
                      struct store_session *session, struct store_user *user)
{
    if (strlen(token) != USER_SESSION_TOKEN_HEX)
        return STORE_NOT_FOUND;
    return store_session_find(s, a, token_hash(a, token), now, session, user);
}

int user_sign_out(store *s, arena *a, const char *token)
{
    return store_session_delete(s, token_hash(a, token));
}

int user_list(store *s, arena *a, struct store_user **users, size_t *count)
{
    return store_user_list(s, a, users, count);
}
