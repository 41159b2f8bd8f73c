/* page_cache.h: whole responses to anonymous GETs, kept in memory and shared by all threads;
 * the loop threads answer hits without touching the store. */
#ifndef GAZETTE_CACHE_PAGE_CACHE_H
#define GAZETTE_CACHE_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* A cached response. Immutable once in the cache; shared by reference counting, so a loop may
 * keep sending it while another thread evicts it. */
struct cached_page {
    int status;
    const char *content_type;        /* owned by the page */
    const char *cache_control;       /* owned by the page */
    const char *content_disposition; /* owned by the page; NULL for none */
    strview body;                    /* owned by the page */
    strview gzip, brotli;            /* encoded variants, owned; empty when not worth it */
    uint64_t hash;                   /* of body: the ETag */
    long long made_at;               /* when it was rendered: Last-Modified */
    const char *etag; /* owned by the page; NULL: the hash is the ETag (a media file's is the
                         store's, so every node and the worker's answer give the same) */
    bool ranges;      /* Range requests are answered on the body (media files) */
};

/* The post_id of a media file's entry: no post change drops it, only page_cache_invalidate(-1)
 * (any change; the store reports media writes so). */
#define PAGE_CACHE_MEDIA (-1LL)

/* A 64-bit hash of a body for its ETag (not for security, only to tell versions apart). */
uint64_t page_cache_hash(strview body);

/* Sets the memory bound (bytes of keys and bodies); call once before threads start. 0 turns
 * the cache off: every request is rendered. */
void page_cache_init(size_t max_bytes);
bool page_cache_enabled(void);
/* Frees every page (at exit, after the threads have stopped). */
void page_cache_free(void);

/* The page cached under `key` (the request path with its query), with a reference the caller
 * gives back with page_cache_release; NULL on a miss. */
const struct cached_page *page_cache_get(strview key);
void page_cache_release(const struct cached_page *page);

/* The generation to pass to page_cache_put: read it before reading the store for a page. */
uint64_t page_cache_generation(void);

/* Stores a copy of `page` (its strings and body are copied) under `key`, unless anything was
 * invalidated since `generation` was read (the page may hold stale data then). `post_id` is the
 * post the page shows, 0 for a page listing posts (front page, archives, feeds),
 * PAGE_CACHE_MEDIA for a media file. Evicts pages
 * not read for longest (CLOCK: the oldest first, unless read since its last turn) to stay
 * within the bound; a page larger than a quarter of it is not kept. */
void page_cache_put(strview key, uint64_t generation, long long post_id,
                    const struct cached_page *page);

/* Drops the pages a change to post `post_id` may make stale: its own pages and every listing
 * page (never a media file's); -1 drops every page. Safe from any thread. */
void page_cache_invalidate(long long post_id);

struct page_cache_stats {
    uint64_t hits, misses, evictions, invalidations;
    size_t pages, bytes;
};
void page_cache_stats(struct page_cache_stats *stats);

#endif
