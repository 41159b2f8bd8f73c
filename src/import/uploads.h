/* uploads.h: gives the media that have no file yet (an import's attachments) their files from a
 * copy of the old site's wp-content/uploads folder: `import wxr --uploads DIR` after its
 * transaction, and `gazette media import DIR`. */
#ifndef GAZETTE_IMPORT_UPLOADS_H
#define GAZETTE_IMPORT_UPLOADS_H

#include <stdio.h>

#include "store/store.h"
#include "util/buf.h"

struct import_uploads_summary {
    long attached;     /* media given their file */
    long extra_files;  /* sizes WordPress made (NAME-WxH.EXT) kept beside them */
    long missing;      /* media whose file is not in the folder */
    long refused;      /* files not taken (not a kind gazette stores, too big, outside DIR) */
    buf missing_lines; /* "  2013/12/a.mov\n" */
    buf refused_lines; /* "  2013/12/a.exe: why\n" */
};

/* For every media without its file (store_media_list, missing_only), reads DIR/FILE and the
 * sizes WordPress made beside it (NAME-WIDTHxHEIGHT.EXT in the same folder) and stores them
 * with media_attach: one transaction per media, so that a run stopped half-way goes on where
 * it stopped when started again. A path with a ".." segment, or a symbolic link leading out of
 * DIR, is refused. A missing or refused file is counted and listed, and the rest goes on.
 * `progress`, when not NULL, gets "\rmedia N/TOTAL" (a terminal). 0, or -1 with a message in
 * `error` ("DIR: not a folder", a store error): what was attached before stays. The caller
 * frees the summary (import_uploads_summary_free). */
int import_uploads(store *s, const char *dir, FILE *progress,
                   struct import_uploads_summary *summary, buf *error);

void import_uploads_print_summary(const struct import_uploads_summary *summary, FILE *out);
void import_uploads_summary_free(struct import_uploads_summary *summary);

#endif
