/* sender.h: the mail sender thread of a server: delivers the outbox in the background. */
#ifndef GAZETTE_MAIL_SENDER_H
#define GAZETTE_MAIL_SENDER_H

#include <signal.h>

#include "util/buf.h"

/* Starts the thread with its own store connection to `db_location`; it runs until *stop and
 * mail_sender_stop. Returns 0, or -1 with a message. */
int mail_sender_start(const char *db_location, volatile sig_atomic_t *stop, buf *error);
/* Makes it look at the outbox now (a message was just queued). Safe from any thread. */
void mail_sender_wake(void);
/* Waits for the thread to end (after *stop was set). */
void mail_sender_stop(void);

#endif
