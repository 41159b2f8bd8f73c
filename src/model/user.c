/* user.c: roles, permissions and password hashing (libsodium argon2id). */
#include "model/user.h"

#include <sodium.h>
#include <string.h>

static const char *const role_names[] = {"", "author", "editor", "admin"};

enum user_role user_role_parse(const char *name)
{
    for (int r = USER_AUTHOR; name && r <= USER_ADMIN; r++)
        if (strcmp(name, role_names[r]) == 0)
            return (enum user_role)r;
    return USER_NOBODY;
}

const char *user_role_name(enum user_role role)
{
    return role_names[role];
}

enum user_role user_role_of(const struct store_user *user)
{
    return user && !user->disabled ? user_role_parse(user->role) : USER_NOBODY;
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
        user.role = user_role_name(role);
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
                                   .role = user_role_name(role),
                                   .password_hash = hash,
                                   .disabled = !password};
        long long id;
        if (store_user_insert(s, &user, &id) != STORE_OK)
            return fail(s, error);
    }
    return store_commit(s) == STORE_OK ? STORE_OK : fail(s, error);
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
