/* user.c: `gazette user add|list|passwd|disable`. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/user.h"

/* One line from stdin without its newline, or NULL; with echo off on a terminal. */
static char *read_password(arena *a, const char *prompt)
{
    bool terminal = isatty(STDIN_FILENO);
    struct termios saved, quiet;
    if (terminal) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &saved);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char line[USER_PASSWORD_MAX + 2];
    char *got = fgets(line, sizeof(line), stdin);
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (!got)
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    return arena_strdup(a, line);
}

/* The new password: from stdin with --password-stdin, else asked twice on a terminal. */
static const char *new_password(arena *a, bool from_stdin, bool *failed)
{
    *failed = false;
    if (from_stdin) {
        char *p = read_password(a, "");
        if (!p) {
            cli_fail("--password-stdin: no password on standard input");
            *failed = true;
        }
        return p;
    }
    if (!isatty(STDIN_FILENO))
        return NULL;
    char *first = read_password(a, "New password: ");
    char *again = first ? read_password(a, "Again: ") : NULL;
    if (!first || !again || strcmp(first, again) != 0) {
        cli_fail("the two passwords differ");
        *failed = true;
        return NULL;
    }
    return first;
}

static int list(store *s, arena *a)
{
    struct store_user *users;
    size_t count;
    if (store_user_list(s, a, &users, &count) != STORE_OK)
        return cli_fail("%s", store_error(s));
    for (size_t i = 0; i < count; i++)
        printf("%lld\t%s\t%s\t%s\t%s\n", users[i].id, users[i].login, user_role_name(users[i].role),
               users[i].disabled ? "disabled" : "enabled", users[i].display_name);
    return CLI_OK;
}

int cli_user(const struct cli_globals *globals, int argc, char **argv)
{
    const char *action = argv[1];
    const char *login = NULL, *role_name = NULL;
    bool from_stdin = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role_name = argv[++i];
        else if (strcmp(argv[i], "--password-stdin") == 0)
            from_stdin = true;
        else if (argv[i][0] != '-' && !login)
            login = argv[i];
        else
            return cli_usage("user", "unknown or incomplete option '%s'", argv[i]);
    }
    bool is_list = strcmp(action, "list") == 0, is_add = strcmp(action, "add") == 0;
    if (!is_list && !is_add && strcmp(action, "passwd") != 0 && strcmp(action, "disable") != 0)
        return cli_usage("user", "unknown subcommand '%s'", action);
    if (is_list != !login)
        return cli_usage("user", is_list ? "'list' takes no login" : "'%s' takes a LOGIN", action);
    enum user_role role = user_role_parse(role_name);
    if (is_add && role == USER_NOBODY)
        return cli_usage("user", "add needs --role admin, editor or author");
    if (!is_add && role_name)
        return cli_usage("user", "--role goes with add");
    if (from_stdin && (is_list || strcmp(action, "disable") == 0))
        return cli_usage("user", "--password-stdin goes with add or passwd");

    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena storage = {0}, *a = &storage;
    buf error = {0};
    int rc = CLI_OK;
    bool failed;
    if (is_list)
        rc = list(s, a);
    else if (strcmp(action, "disable") == 0) {
        if (user_disable(s, a, login, &error) != STORE_OK)
            rc = cli_fail("user %s: %s", login, buf_cstr(&error));
        else
            printf("disabled %s and signed out its sessions\n", login);
    } else {
        const char *password = new_password(a, from_stdin, &failed);
        if (failed)
            rc = CLI_FAILED;
        else if (is_add) {
            if (user_add(s, a, login, role, password, &error) != STORE_OK)
                rc = cli_fail("user %s: %s", login, buf_cstr(&error));
            else
                printf("%s is an %s%s\n", login, user_role_name(role),
                       password ? "" : " (disabled until given a password: gazette user passwd)");
        } else if (!password)
            rc = cli_usage("user", "passwd reads the password from a terminal or --password-stdin");
        else if (user_set_password(s, a, login, password, &error) != STORE_OK)
            rc = cli_fail("user %s: %s", login, buf_cstr(&error));
        else
            printf("new password set for %s; its sessions are signed out\n", login);
    }
    buf_free(&error);
    arena_free(&storage);
    store_close(s);
    return rc;
}
