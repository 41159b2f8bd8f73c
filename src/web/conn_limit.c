/* conn_limit.c: a small chained hash table of open connections per address, under one lock
 * (taken twice per connection, not per request). */
#include "web/conn_limit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

#define BUCKETS 1024

struct address_count {
    struct address_count *next;
    int open;
    char address[]; /* numeric host */
};

static struct {
    pthread_mutex_t lock;
    int max;
    struct address_count *buckets[BUCKETS];
    long long counted, refused;
} table = {.lock = PTHREAD_MUTEX_INITIALIZER};

void conn_limit_init(int max_per_address)
{
    table.max = max_per_address;
}

static struct address_count **slot_of(const char *address)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)address; *p; p++)
        h = (h ^ *p) * 16777619u;
    struct address_count **slot = &table.buckets[h % BUCKETS];
    while (*slot && strcmp((*slot)->address, address) != 0)
        slot = &(*slot)->next;
    return slot;
}

bool conn_limit_enter(const char *address)
{
    if (table.max <= 0)
        return true;
    pthread_mutex_lock(&table.lock);
    struct address_count **slot = slot_of(address);
    bool allowed = !*slot || (*slot)->open < table.max;
    if (allowed) {
        if (!*slot) {
            size_t len = strlen(address);
            *slot = xcalloc(1, sizeof(**slot) + len + 1);
            memcpy((*slot)->address, address, len + 1);
        }
        (*slot)->open++;
        table.counted++;
    } else
        table.refused++;
    pthread_mutex_unlock(&table.lock);
    return allowed;
}

void conn_limit_leave(const char *address)
{
    if (table.max <= 0)
        return;
    pthread_mutex_lock(&table.lock);
    struct address_count **slot = slot_of(address);
    if (*slot)
        table.counted--;
    if (*slot && --(*slot)->open <= 0) {
        struct address_count *gone = *slot;
        *slot = gone->next;
        free(gone);
    }
    pthread_mutex_unlock(&table.lock);
}

void conn_limit_stats(struct conn_limit_stats *stats)
{
    pthread_mutex_lock(&table.lock);
    *stats = (struct conn_limit_stats){table.counted, table.refused};
    pthread_mutex_unlock(&table.lock);
}

void conn_limit_free(void)
{
    for (size_t i = 0; i < BUCKETS; i++) {
        while (table.buckets[i]) {
            struct address_count *next = table.buckets[i]->next;
            free(table.buckets[i]);
            table.buckets[i] = next;
        }
    }
}
