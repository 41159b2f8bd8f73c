/* test_media_disk.c: the node's disk cache of media files (cache/media_disk.h): files by ETag,
 * the bound kept, the least recently used evicted first, a short file not trusted, a file given
 * for the directory refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/media_disk.h"

static char dir[] = "/tmp/test_media_disk.XXXXXX";

/* Bytes of the files in the cache's directory, and how many. */
static uint64_t directory_bytes(int *count)
{
    DIR *d = opendir(media_disk_dir());
    uint64_t total = 0;
    *count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
            total += (uint64_t)st.st_size;
            (*count)++;
        }
    }
    closedir(d);
    return total;
}

static bool cached(const char *etag, uint64_t size)
{
    int fd = media_disk_get(etag, size);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static void test_bound_and_order(void **state)
{
    (void)state;
    buf error = {0};
    assert_non_null(mkdtemp(dir));
    assert_int_equal(media_disk_open(dir, "unused", &error), 0);
    assert_false(cached("00000000aaaaaaaa", 1000)); /* nothing yet */
    static unsigned char bytes[1000];
    memset(bytes, 'x', sizeof(bytes));
    const char *etags[] = {"00000000aaaaaaaa", "00000000bbbbbbbb", "00000000cccccccc",
                           "00000000dddddddd"};
    for (int i = 0; i < 3; i++) {
        int fd = media_disk_put(etags[i], bytes, sizeof(bytes), 3000);
        assert_true(fd > 0);
        close(fd);
        usleep(10000); /* modification times apart */
    }
    assert_true(cached(etags[0], 1000)); /* used: now the newest */
    assert_false(cached(etags[0], 999)); /* another size is not this file */
    usleep(10000);
    int fd = media_disk_put(etags[3], bytes, sizeof(bytes), 3000);
    assert_true(fd > 0);
    close(fd);
    int count;
    assert_true(directory_bytes(&count) <= 3000);
    assert_int_equal(count, 3);
    assert_true(cached(etags[0], 1000));
    assert_false(cached(etags[1], 1000)); /* the least recently used went */
    assert_true(cached(etags[2], 1000));
    assert_true(cached(etags[3], 1000));
    /* larger than the bound, or a name gazette does not make: not kept */
    assert_int_equal(media_disk_put("00000000eeeeeeee", bytes, sizeof(bytes), 999), -1);
    assert_int_equal(media_disk_put("../escape", bytes, sizeof(bytes), 3000), -1);
    assert_int_equal(media_disk_get("../escape", 1000), -1);
    /* a short file (a crash before its bytes reached the disk) is not served */
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, etags[2]);
    assert_int_equal(truncate(path, 10), 0);
    assert_false(cached(etags[2], 1000));
    /* the bound shrinks: the next write makes room */
    fd = media_disk_put(etags[1], bytes, sizeof(bytes), 1000);
    assert_true(fd > 0);
    close(fd);
    assert_true(directory_bytes(&count) <= 1000);
    assert_int_equal(count, 1);
    char command[300];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
    buf_free(&error);
}

/* A name that exists but is no directory (an operator's --media-cache typo) is refused at
 * start, and nothing is cached then (the server sends the bytes it has). */
static void test_file_for_a_directory(void **state)
{
    (void)state;
    char file[] = "/tmp/test_media_disk_file.XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    buf error = {0};
    assert_int_equal(media_disk_open(file, "unused", &error), -1);
    assert_non_null(strstr(buf_cstr(&error), file));
    assert_string_equal(media_disk_dir(), "");
    static const unsigned char bytes[16] = "sixteen bytes...";
    assert_int_equal(media_disk_put("00000000eeeeeeee", bytes, sizeof(bytes), 1000), -1);
    unlink(file);
    buf_free(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound_and_order),
        cmocka_unit_test(test_file_for_a_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
