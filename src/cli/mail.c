/* mail.c: `gazette mail queue` and `gazette mail retry ID`: the outbox from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "render/pages.h"

int cli_mail(const struct cli_globals *globals, int argc, char **argv)
{
    bool queue = argc == 2 && strcmp(argv[1], "queue") == 0;
    bool retry = argc == 3 && strcmp(argv[1], "retry") == 0;
    char *end = NULL;
    long long id = retry ? strtoll(argv[2], &end, 10) : 0;
    if (!queue && !retry)
        return cli_usage("mail", "expected 'queue' or 'retry ID'");
    if (retry && (*end || id <= 0))
        return cli_usage("mail", "'retry' takes a message ID");
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    int rc = CLI_OK;
    if (queue) {
        struct store_mail *mails;
        size_t count;
        if (store_mail_list(s, &a, &mails, &count) != STORE_OK)
            rc = cli_fail("%s", store_error(s));
        for (size_t i = 0; rc == CLI_OK && i < count; i++) {
            const struct store_mail *m = &mails[i];
            printf("%lld\t%s\t%s\t%s\t%d\t%s\t%s\n", m->id, mail_status_name(m->status),
                   render_date_iso(&a, m->created_at), m->recipient, m->attempts,
                   m->status == MAIL_STATUS_QUEUED ? render_date_iso(&a, m->next_attempt_at) : "-",
                   *m->last_error ? m->last_error : "-");
        }
    } else {
        int changed = store_mail_requeue(s, id, (long long)time(NULL));
        if (changed == STORE_NOT_FOUND)
            rc = cli_fail("no queued or failed message %lld", id);
        else if (changed != STORE_OK)
            rc = cli_fail("%s", store_error(s));
        else
            printf("message %lld queued; a running server sends it within seconds\n", id);
    }
    arena_free(&a);
    store_close(s);
    return rc;
}
