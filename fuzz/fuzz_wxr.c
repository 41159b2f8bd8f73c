/* fuzz_wxr.c: the WXR importer (import/wxr_import.h, over import/wxr_reader.h) on any file,
 * into a real SQLite store: no crash, and everything or nothing: a refused file leaves the
 * store as it was, an accepted one holds what the summary counts. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "import/wxr_import.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WXR_INPUT_MAX (1024 * 1024) /* larger inputs only slow the search */

static struct {
    int fd;                       /* an in-memory file the input is written to */
    char path[64];                /* its name for the importer: /proc/self/fd/N */
    store *store;                 /* an in-memory SQLite store, fresh after every import */
    struct store_counts baseline; /* what a fresh store holds */
} wxr;

static store *open_fresh_store(void)
{
    buf error = {0};
    store *s = store_open(":memory:", &error);
    FUZZ_CHECK(s != NULL, "store: %s", buf_cstr(&error));
    buf_free(&error);
    return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    wxr.fd = memfd_create("fuzz_wxr", 0);
    FUZZ_CHECK(wxr.fd >= 0, "memfd_create");
    snprintf(wxr.path, sizeof(wxr.path), "/proc/self/fd/%d", wxr.fd);
    wxr.store = open_fresh_store();
    FUZZ_CHECK(store_counts(wxr.store, &wxr.baseline) == STORE_OK, "%s", store_error(wxr.store));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > WXR_INPUT_MAX)
        return 0;
    FUZZ_CHECK(ftruncate(wxr.fd, 0) == 0 && pwrite(wxr.fd, data, size, 0) == (ssize_t)size,
               "writing the input");
    struct wxr_import_summary summary;
    buf error = {0};
    int rc = wxr_import(wxr.store, wxr.path, NULL, &summary, &error);
    FUZZ_CHECK(rc == 0 || rc == -1, "wxr_import returned %d", rc);
    struct store_counts counts;
    FUZZ_CHECK(store_counts(wxr.store, &counts) == STORE_OK, "%s", store_error(wxr.store));
    if (rc != 0) {
        FUZZ_CHECK(error.len > 0, "refused without a message");
        FUZZ_CHECK(memcmp(&counts, &wxr.baseline, sizeof(counts)) == 0,
                   "a refused import left rows: %lld posts, %lld comments, %lld users, %lld terms",
                   counts.posts, counts.comments, counts.users, counts.terms);
    } else {
        FUZZ_CHECK(summary.posts_new >= 0 && summary.pages_new >= 0 && summary.skipped >= 0,
                   "negative counts");
        FUZZ_CHECK(counts.posts - wxr.baseline.posts == summary.posts_new + summary.pages_new,
                   "%lld posts stored, the summary says %ld", counts.posts - wxr.baseline.posts,
                   summary.posts_new + summary.pages_new);
        FUZZ_CHECK(
            counts.comments - wxr.baseline.comments == summary.comments_new + summary.pingbacks_new,
            "%lld comments stored, the summary says %ld", counts.comments - wxr.baseline.comments,
            summary.comments_new + summary.pingbacks_new);
        FUZZ_CHECK(counts.users - wxr.baseline.users == summary.authors_new,
                   "%lld users stored, the summary says %ld", counts.users - wxr.baseline.users,
                   summary.authors_new);
        long comments_by_status = 0;
        for (int i = 0; i < 4; i++)
            comments_by_status += summary.comments_by_status[i];
        FUZZ_CHECK(comments_by_status == summary.comments_new, "comments by status");
        /* the next input starts from an empty site again */
        store_close(wxr.store);
        wxr.store = open_fresh_store();
    }
    wxr_import_summary_free(&summary);
    buf_free(&error);
    return 0;
}
