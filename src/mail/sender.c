/* sender.c: one thread per server delivering the outbox: at once when woken, and every few
 * seconds for retries and for messages queued by other nodes. */
#include "mail/sender.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "mail/outbox.h"
#include "mail/smtp.h"
#include "model/settings.h"
#include "store/store.h"

#define POLL_SECONDS 2

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool woken;
    bool running;
    pthread_t thread;
    store *store;
    volatile sig_atomic_t *stop;
} sender = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, 0, NULL, NULL};

static void *sender_main(void *arg)
{
    (void)arg;
    while (!*sender.stop) {
        settings_forget(); /* the mail settings as they are now */
        outbox_deliver(sender.store, (long long)time(NULL));
        pthread_mutex_lock(&sender.lock);
        if (!sender.woken && !*sender.stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += POLL_SECONDS;
            pthread_cond_timedwait(&sender.wake, &sender.lock, &until);
        }
        sender.woken = false;
        pthread_mutex_unlock(&sender.lock);
    }
    settings_forget();
    store_close(sender.store);
    return NULL;
}

int mail_sender_start(const char *db_location, volatile sig_atomic_t *stop, buf *error)
{
    mail_init();
    sender.store = store_open(db_location, error);
    if (!sender.store)
        return -1;
    sender.stop = stop;
    pthread_create(&sender.thread, NULL, sender_main, NULL);
    sender.running = true;
    return 0;
}

void mail_sender_wake(void)
{
    pthread_mutex_lock(&sender.lock);
    sender.woken = true;
    pthread_cond_signal(&sender.wake);
    pthread_mutex_unlock(&sender.lock);
}

void mail_sender_stop(void)
{
    if (!sender.running)
        return;
    mail_sender_wake();
    pthread_join(sender.thread, NULL);
    sender.running = false;
}
