/* media_disk.c: media files cached on local disk, least recently used evicted (see
 * media_disk.h). A use is the file's modification time (futimens on each hit), so processes
 * sharing the directory see each other's uses; eviction lists the directory, which costs a
 * readdir per file written, never per file sent. */
#include "cache/media_disk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/page_cache.h"
#include "util/alloc.h"
#include "util/log.h"

#define ETAG_MAX 128            /* hex digits of a name gazette writes */
#define TEMP_PREFIX "tmp-"      /* a file being written */
#define STALE_TEMP_SECONDS 3600 /* a temporary file this old was left by a crash */

/* Set once by media_disk_open before the threads start; read-only after. `writing` keeps this
 * process's writers from evicting side by side (each would count the other's files twice). */
static struct {
    char dir[4096];
    pthread_mutex_t writing;
    unsigned long temp_count;
} disk = {.writing = PTHREAD_MUTEX_INITIALIZER};

static bool etag_name_ok(const char *etag)
{
    size_t n = strlen(etag);
    return n >= 8 && n <= ETAG_MAX && strspn(etag, "0123456789abcdef") == n;
}

int media_disk_open(const char *dir, const char *db_location, buf *error)
{
    int n;
    if (dir && *dir)
        n = snprintf(disk.dir, sizeof(disk.dir), "%s", dir);
    else {
        const char *base = getenv("XDG_CACHE_HOME");
        uint64_t hash = page_cache_hash(strview_from_cstr(db_location ? db_location : ""));
        n = snprintf(disk.dir, sizeof(disk.dir), "%s/gazette-media-%016llx",
                     base && *base == '/' ? base : "/var/tmp", (unsigned long long)hash);
    }
    if (n < 0 || (size_t)n >= sizeof(disk.dir)) {
        buf_printf(error, "the media cache directory's name is too long");
        disk.dir[0] = '\0';
        return -1;
    }
    /* its parents too ($XDG_CACHE_HOME may not exist yet) */
    for (char *slash = strchr(disk.dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(disk.dir, 0700); /* an error shows at the last one */
        *slash = '/';
    }
    if (mkdir(disk.dir, 0700) != 0 && errno != EEXIST) {
        buf_printf(error, "cannot make the media cache directory %s: %s", disk.dir,
                   strerror(errno));
        disk.dir[0] = '\0';
        return -1;
    }
    /* an existing name that is no directory we may write (a file, a read-only folder) would
     * fail every write later, once per request: said at start instead */
    struct stat st;
    if (stat(disk.dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(disk.dir, W_OK | X_OK) != 0) {
        buf_printf(error, "the media cache directory %s is not a directory this process can write",
                   disk.dir);
        disk.dir[0] = '\0';
        return -1;
    }
    return 0;
}

const char *media_disk_dir(void)
{
    return disk.dir;
}

static int open_cached(const char *etag, uint64_t size)
{
    char path[4096 + ETAG_MAX + 2];
    snprintf(path, sizeof(path), "%s/%s", disk.dir, etag);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    /* a crash between write and rename's reaching the disk can leave a short file */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size) {
        close(fd);
        return -1;
    }
    futimens(fd, NULL); /* used now: the newest for eviction */
    return fd;
}

int media_disk_get(const char *etag, uint64_t size)
{
    if (!disk.dir[0] || !etag_name_ok(etag))
        return -1;
    return open_cached(etag, size);
}

struct cached_file {
    char name[ETAG_MAX + 1];
    uint64_t size;
    struct timespec used;
};

static int by_use(const void *x, const void *y)
{
    const struct cached_file *a = x, *b = y;
    if (a->used.tv_sec != b->used.tv_sec)
        return a->used.tv_sec < b->used.tv_sec ? -1 : 1;
    return (a->used.tv_nsec > b->used.tv_nsec) - (a->used.tv_nsec < b->used.tv_nsec);
}

/* Removes the least recently used files until the directory holds at most `max_bytes`
 * (temporary files being written count), and temporary files a crash left. */
static void evict(uint64_t max_bytes)
{
    DIR *d = opendir(disk.dir);
    if (!d)
        return;
    struct cached_file *files = NULL;
    size_t count = 0, room = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    struct dirent *entry;
    while ((entry = readdir(d))) {
        struct stat st;
        if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (strncmp(entry->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) == 0) {
            if (now - st.st_mtime > STALE_TEMP_SECONDS)
                unlinkat(dirfd(d), entry->d_name, 0);
            else
                total += (uint64_t)st.st_size; /* another writer's, counted */
            continue;
        }
        if (!etag_name_ok(entry->d_name))
            continue; /* not ours: left alone, not counted */
        if (count == room) {
            room = room ? room * 2 : 64;
            files = xrealloc(files, room * sizeof(*files));
        }
        memcpy(files[count].name, entry->d_name, strlen(entry->d_name) + 1); /* fits: checked */
        files[count].size = (uint64_t)st.st_size;
        files[count].used = st.st_mtim;
        total += files[count].size;
        count++;
    }
    if (count) /* qsort's array may not be NULL, even empty (the first file written) */
        qsort(files, count, sizeof(*files), by_use);
    for (size_t i = 0; i < count && total > max_bytes; i++) {
        if (unlinkat(dirfd(d), files[i].name, 0) == 0 || errno == ENOENT)
            total -= files[i].size;
    }
    closedir(d);
    free(files);
}

int media_disk_put(const char *etag, const unsigned char *data, size_t size, uint64_t max_bytes)
{
    if (!disk.dir[0] || !etag_name_ok(etag) || size > max_bytes)
        return -1;
    pthread_mutex_lock(&disk.writing);
    int fd = open_cached(etag, size); /* another worker wrote it meanwhile */
    if (fd >= 0)
        goto out;
    char temp[4096 + 64], path[4096 + ETAG_MAX + 2];
    snprintf(temp, sizeof(temp), "%s/" TEMP_PREFIX "%ld-%lu", disk.dir, (long)getpid(),
             disk.temp_count++);
    snprintf(path, sizeof(path), "%s/%s", disk.dir, etag);
    int out_fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out_fd < 0) {
        log_error("media cache: cannot write %s: %s", temp, strerror(errno));
        goto out;
    }
    size_t written = 0;
    while (written < size) {
        ssize_t n = write(out_fd, data + written, size - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            log_error("media cache: cannot write %s: %s", temp, strerror(errno));
            close(out_fd);
            unlink(temp);
            goto out;
        }
        written += (size_t)n;
    }
    close(out_fd);
    /* room first (the new file counts, as a temporary one), so the directory holds no more than
     * the bound once the rename is done */
    evict(max_bytes);
    if (rename(temp, path) != 0) {
        log_error("media cache: cannot rename %s: %s", temp, strerror(errno));
        unlink(temp);
        goto out;
    }
    fd = open_cached(etag, size);
out:
    pthread_mutex_unlock(&disk.writing);
    return fd;
}
