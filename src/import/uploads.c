/* uploads.c: reads a copy of wp-content/uploads into the media that wait for their files. */
#include "import/uploads.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/media.h"
#include "util/arena.h"

#define SIBLINGS_MAX 64 /* sizes kept beside one file; WordPress makes about ten */

/* One file read from the folder, or why not. */
enum upload_read {
    UPLOAD_READ,
    UPLOAD_MISSING,
    UPLOAD_REFUSED, /* *why says why */
};

/* Whether `file` may be looked up under the folder: relative, no "." or ".." segment. */
static bool relative_path(const char *file)
{
    if (!*file || file[0] == '/')
        return false;
    for (const char *segment = file; segment;) {
        size_t n = strcspn(segment, "/");
        if (n == 0 || (n == 1 && segment[0] == '.') || (n == 2 && strncmp(segment, "..", 2) == 0))
            return false;
        segment = segment[n] ? segment + n + 1 : NULL;
    }
    return true;
}

/* Reads `root`/`file` into `a`: the file must be a regular file inside `root` (the real path,
 * symbolic links followed, still under it) of at most `max_bytes`. */
static enum upload_read read_upload(arena *a, const char *root, const char *file, size_t max_bytes,
                                    const unsigned char **bytes, size_t *length, const char **why)
{
    if (!relative_path(file)) {
        *why = "not a path inside the folder";
        return UPLOAD_REFUSED;
    }
    const char *path = arena_printf(a, "%s/%s", root, file);
    char *resolved = realpath(path, NULL);
    if (!resolved) {
        if (errno == ENOENT || errno == ENOTDIR)
            return UPLOAD_MISSING;
        *why = arena_strdup(a, strerror(errno));
        return UPLOAD_REFUSED;
    }
    size_t root_len = strlen(root);
    bool inside = strncmp(resolved, root, root_len) == 0 &&
                  (resolved[root_len] == '/' || strcmp(root, "/") == 0);
    int fd = inside ? open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) : -1;
    free(resolved);
    if (!inside) {
        *why = "a symbolic link leading out of the folder";
        return UPLOAD_REFUSED;
    }
    if (fd < 0) {
        *why = arena_strdup(a, strerror(errno));
        return UPLOAD_REFUSED;
    }
    struct stat st;
    enum upload_read result = UPLOAD_READ;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        result = UPLOAD_REFUSED;
    } else if ((unsigned long long)st.st_size > max_bytes) {
        *why = arena_printf(a, "%lld bytes, more than media.max_mb allows", (long long)st.st_size);
        result = UPLOAD_REFUSED;
    } else {
        size_t size = (size_t)st.st_size, done = 0;
        unsigned char *data = arena_take(a, size ? size : 1);
        while (done < size) {
            ssize_t n = read(fd, data + done, size - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            done += (size_t)n;
        }
        if (done != size) {
            *why = "could not be read whole";
            result = UPLOAD_REFUSED;
        }
        *bytes = data;
        *length = size;
    }
    close(fd);
    return result;
}

/* Whether `name` is `stem`-WIDTHxHEIGHT`extension` ("a-300x200.jpg" of "a" and ".jpg"): a
 * size WordPress made of the file. */
static bool size_of(const char *name, const char *stem, size_t stem_len, const char *extension)
{
    if (strncmp(name, stem, stem_len) != 0 || name[stem_len] != '-')
        return false;
    const char *p = name + stem_len + 1;
    size_t digits = strspn(p, "0123456789");
    if (!digits || digits > 5 || p[digits] != 'x')
        return false;
    p += digits + 1;
    digits = strspn(p, "0123456789");
    return digits && digits <= 5 && strcmp(p + digits, extension) == 0;
}

/* The sizes WordPress made beside `file` (under `root`), read into `extra`; *count of them.
 * A big image WordPress scaled (a-scaled.jpg, 5.3+) has its sizes and its untouched original
 * named from the original (a-300x200.jpg, a.jpg): those are kept too. A size that another
 * media has, or that cannot be read, is left out. */
static int read_siblings(store *s, arena *a, const char *root, const char *file, long long id,
                         size_t max_bytes, struct media_extra_file *extra, size_t *count)
{
    *count = 0;
    const char *slash = strrchr(file, '/');
    const char *folder = slash ? arena_strndup(a, file, (size_t)(slash - file)) : "";
    const char *name = slash ? slash + 1 : file;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return STORE_OK;
    const char *extension = dot;
    size_t stem_len = (size_t)(dot - name);
    const char *stem = arena_strndup(a, name, stem_len);
    const char *original = NULL;
    static const char *const edited[] = {"-scaled", "-rotated"};
    for (size_t i = 0; i < sizeof(edited) / sizeof(edited[0]); i++) {
        size_t n = strlen(edited[i]);
        if (stem_len > n && strcmp(stem + stem_len - n, edited[i]) == 0) {
            stem_len -= n;
            stem = arena_strndup(a, stem, stem_len);
            original = arena_printf(a, "%s%s", stem, extension);
        }
    }
    DIR *d = opendir(*folder ? arena_printf(a, "%s/%s", root, folder) : root);
    if (!d)
        return STORE_OK;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL && *count < SIBLINGS_MAX) {
        const char *sibling = entry->d_name;
        if (!size_of(sibling, stem, stem_len, extension) &&
            !(original && strcmp(sibling, original) == 0))
            continue;
        const char *path =
            *folder ? arena_printf(a, "%s/%s", folder, sibling) : arena_strdup(a, sibling);
        if (strcmp(path, file) == 0)
            continue;
        /* an attachment of its own (WordPress lets one be named like a size), or another
         * media's file: not this one's */
        struct store_media other;
        struct store_media_file stored;
        int rc = store_media_find_file(s, a, path, &other);
        if (rc == STORE_NOT_FOUND) {
            rc = store_media_file_find(s, a, path, &stored);
            if (rc == STORE_OK && stored.media_id == id)
                rc = STORE_NOT_FOUND;
        }
        if (rc == STORE_ERROR) {
            closedir(d);
            return STORE_ERROR;
        }
        if (rc == STORE_OK)
            continue;
        const unsigned char *bytes;
        size_t length;
        const char *why;
        if (read_upload(a, root, path, max_bytes, &bytes, &length, &why) != UPLOAD_READ)
            continue;
        extra[(*count)++] =
            (struct media_extra_file){.path = path, .size = "", .bytes = bytes, .length = length};
    }
    closedir(d);
    return STORE_OK;
}

int import_uploads(store *s, const char *dir, FILE *progress,
                   struct import_uploads_summary *summary, buf *error)
{
    memset(summary, 0, sizeof(*summary));
    char *root = realpath(dir, NULL);
    struct stat st;
    if (!root || stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        buf_printf(error, "%s: %s", dir, root ? "not a folder" : strerror(errno));
        free(root);
        return -1;
    }
    arena a = {0}, each = {0};
    struct media_settings settings;
    media_settings_read(s, &a, &settings);
    struct store_media_filter filter = {.missing_only = true};
    struct store_media *media;
    size_t count;
    int rc = 0;
    if (store_media_list(s, &a, &filter, &media, &count) != STORE_OK) {
        buf_printf(error, "%s: listing media: %s", dir, store_error(s));
        rc = -1;
        count = 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (progress) {
            fprintf(progress, "\rmedia %zu/%zu", i + 1, count);
            fflush(progress);
        }
        arena_free(&each);
        const char *file = media[i].file;
        const unsigned char *bytes = NULL;
        size_t length = 0;
        const char *why = NULL;
        enum upload_read read =
            read_upload(&each, root, file, settings.limits.max_bytes, &bytes, &length, &why);
        if (read == UPLOAD_MISSING) {
            summary->missing++;
            buf_printf(&summary->missing_lines, "  %s\n", file);
            continue;
        }
        if (read == UPLOAD_REFUSED) {
            summary->refused++;
            buf_printf(&summary->refused_lines, "  %s: %s\n", file, why);
            continue;
        }
        struct media_extra_file extra[SIBLINGS_MAX];
        size_t extra_count;
        if (read_siblings(s, &each, root, file, media[i].id, settings.limits.max_bytes, extra,
                          &extra_count) != STORE_OK) {
            buf_printf(error, "%s: %s", file, store_error(s));
            rc = -1;
            break;
        }
        buf message = {0};
        int attached = media_attach(s, &each, &settings, media[i].id, bytes, length, extra,
                                    extra_count, &message);
        if (attached == 0) {
            summary->attached++;
            summary->extra_files += (long)extra_count;
        } else if (attached == -2) {
            summary->refused++;
            buf_printf(&summary->refused_lines, "  %s: %s\n", file, buf_cstr(&message));
        } else {
            buf_printf(error, "%s: %s", file, buf_cstr(&message));
            buf_free(&message);
            rc = -1;
            break;
        }
        buf_free(&message);
    }
    if (progress && count)
        fputc('\n', progress);
    arena_free(&each);
    arena_free(&a);
    free(root);
    return rc;
}

void import_uploads_print_summary(const struct import_uploads_summary *summary, FILE *out)
{
    fprintf(out,
            "media files: %ld attached (with %ld sizes WordPress made), %ld missing, "
            "%ld refused\n",
            summary->attached, summary->extra_files, summary->missing, summary->refused);
    if (summary->missing)
        fprintf(out, "missing from the folder:\n%s", buf_cstr((buf *)&summary->missing_lines));
    if (summary->refused)
        fprintf(out, "refused:\n%s", buf_cstr((buf *)&summary->refused_lines));
}

void import_uploads_summary_free(struct import_uploads_summary *summary)
{
    buf_free(&summary->missing_lines);
    buf_free(&summary->refused_lines);
}
