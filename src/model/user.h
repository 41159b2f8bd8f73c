/* user.h: accounts and what each role may do: the one place permissions are decided. */
#ifndef GAZETTE_MODEL_USER_H
#define GAZETTE_MODEL_USER_H

#include <stdbool.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* enum user_role, user_role_parse and user_role_name: store/store.h */

#define USER_PASSWORD_MIN 10  /* bytes */
#define USER_PASSWORD_MAX 512 /* bytes: argon2id hashes anything, but inputs have limits */
#define USER_LOGIN_MAX 60

/* The role of a signed-in user (USER_NOBODY for NULL or a disabled account). */
enum user_role user_role_of(const struct store_user *user);

/* Whether `user` may edit (and trash) `post`: editors and admins any, authors their own. */
bool user_may_edit_post(const struct store_user *user, const struct store_post *post);
/* Whether `user` may moderate the comments of `post`: editors and admins. */
bool user_may_moderate(const struct store_user *user);
/* Whether `user` sees comments of `post` in the queue: moderators all, authors their own. */
bool user_may_see_comments_of(const struct store_user *user, const struct store_post *post);

/* An argon2id hash string (libsodium, interactive limits) of `password`, or NULL with a
 * message when it is too short or too long. */
char *user_password_hash(arena *a, const char *password, buf *error);
bool user_password_ok(const struct store_user *user, const char *password);

/* A login is 1-60 of [a-z0-9._-] (WordPress allows more; these survive every URL). */
bool user_login_valid(const char *login);

/* Creates or updates an account: `gazette user add` and the admin pages. A NULL password
 * leaves the account disabled (no way to sign in) until one is set. */
int user_add(store *s, arena *a, const char *login, enum user_role role, const char *password,
             buf *error);
/* The nicename a new user with `login` gets, as WordPress gives it: slug_nicename (a login of no
 * Latin letter or digit: its title slug; else "user"), made unique among users by "-2", "-3", …
 * Returns a store result; *nicename lives in `a`. */
int user_unique_nicename(store *s, arena *a, const char *login, const char **nicename);
/* Sets a new password (and enables the account); signs out its sessions. */
int user_set_password(store *s, arena *a, const char *login, const char *password, buf *error);
/* Disables an account and signs out its sessions. */
int user_disable(store *s, arena *a, const char *login, buf *error);

#define USER_SIGN_IN_WINDOW (15 * 60) /* seconds over which failed sign-ins count */
#define USER_SESSION_TOKEN_HEX 64     /* hex digits of a session token (the cookie's value) */

/* What became of a sign-in (user_sign_in). */
enum user_sign_in_result {
    USER_SIGNED_IN,
    USER_SIGN_IN_WRONG,          /* unknown login, disabled account or wrong password */
    USER_SIGN_IN_ACCOUNT_LOCKED, /* admin.login_limit_account failures: not checked */
    USER_SIGN_IN_ADDRESS_LOCKED, /* admin.login_limit_ip failures: not checked */
    USER_SIGN_IN_NOT_RECORDED,   /* the store failed recording or counting the attempt */
    USER_SIGN_IN_NOT_READ,       /* the store failed reading the account */
    USER_SIGN_IN_NOT_WRITTEN,    /* the store failed writing the session: nothing written */
};

/* A new session of a signed-in user; strings live in the caller's arena. */
struct user_session {
    struct store_user user; /* who signed in */
    const char *token;      /* for the cookie: the store keeps only its SHA-256 */
    long long max_age;      /* seconds the session lasts (admin.session_hours) */
};

/* Signs `login` in with `password` from `ip` at `now`, within the failure limits of
 * admin.login_limit_*; on USER_SIGNED_IN fills `out`. A store error recording the attempt is
 * logged; the others are left to the caller (store_error). */
enum user_sign_in_result user_sign_in(store *s, arena *a, const char *login, const char *password,
                                      const char *ip, long long now, struct user_session *out);

/* The user and CSRF token of the session whose cookie value is `token`, not expired at `now`:
 * STORE_OK (both live in `a`), STORE_NOT_FOUND, or STORE_ERROR. */
int user_session_find(store *s, arena *a, const char *token, long long now,
                      struct store_session *session, struct store_user *user);

/* Ends the session whose cookie value is `token`: STORE_OK or STORE_ERROR. */
int user_sign_out(store *s, arena *a, const char *token);

/* Every account, for the admin's lists: a store result, strings in `a`. */
int user_list(store *s, arena *a, struct store_user **users, size_t *count);

#endif
