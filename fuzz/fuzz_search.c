/* fuzz_search.c: what a reader types into the search box, through model/search.h's parser and
 * util/search_fold.h's folding: no crash, folding twice changes nothing, the groups the store
 * gets hold only folded words with a letter and no search syntax, and a snippet of the whole
 * folded text maps back onto the text itself. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "model/search.h"
#include "util/search_fold.h"
#include "util/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

static void check_parse(const char *text)
{
    arena a = {0};
    struct store_search_group *groups;
    int n = search_parse(&a, text, &groups);
    FUZZ_CHECK(n >= -1 && n <= SEARCH_GROUPS_MAX, "%d groups", n);
    size_t words = 0;
    for (int g = 0; g < n; g++) {
        FUZZ_CHECK(groups[g].word_count > 0, "group %d is empty", g);
        for (size_t w = 0; w < groups[g].word_count; w++) {
            const char *word = groups[g].words[w];
            size_t len = strlen(word);
            words++;
            FUZZ_CHECK(len > 0 && search_fold_has_letter(word, len), "word \"%s\"", word);
            FUZZ_CHECK(!strpbrk(word, "\"*'():^{}&|!<>\\ \t\n") &&
                           !strstr(word, SEARCH_FOLD_SEPARATOR),
                       "syntax in word \"%s\"", word);
            buf again = {0};
            search_fold_text(&again, word, len);
            FUZZ_CHECK(strcmp(buf_cstr(&again), word) == 0, "word \"%s\" not folded", word);
            buf_free(&again);
        }
    }
    FUZZ_CHECK(words <= SEARCH_WORDS_MAX, "%zu words", words);
    arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup((const char *)data, size);
    size_t len = strlen(text);
    check_parse(text);

    buf once = {0}, twice = {0}, normal = {0};
    search_fold_text(&once, text, len);
    search_fold_normalise(&normal, text, len);
    FUZZ_CHECK(normal.len <= len, "normalising made \"%s\" longer", text);
    /* (malformed bytes are copied, and a mark removed between two can join them into a
     * character: stored text and queries are well-formed, and there folding is idempotent) */
    if (utf8_valid(text, len)) {
        search_fold_text(&twice, buf_cstr(&once), once.len);
        FUZZ_CHECK(once.len == twice.len &&
                       memcmp(buf_cstr(&once), buf_cstr(&twice), once.len) == 0,
                   "folding twice changed \"%s\"", text);
        FUZZ_CHECK(utf8_valid(buf_cstr(&once), once.len), "folded \"%s\" is not UTF-8", text);
        /* the whole folded text, highlighted, comes back as a stretch of the original (whose
         * text has no highlight markers of its own: the plain text of a post has no C0
         * controls) */
        buf snippet = {0}, back = {0};
        buf_putc(&snippet, '\x01');
        buf_append(&snippet, buf_cstr(&once), once.len);
        buf_putc(&snippet, '\x02');
        if (!memchr(text, '\x01', len) && !memchr(text, '\x02', len) &&
            search_fold_unfold_snippet(&back, text, len, buf_cstr(&snippet))) {
            char *plain = fuzz_strndup(buf_cstr(&back), back.len);
            char *to = plain;
            for (const char *p = plain; *p; p++)
                if (*p != '\x01' && *p != '\x02')
                    *to++ = *p;
            *to = '\0';
            /* (an ellipsis at either end may be the engine's, put back where it was cut) */
            char *core = plain;
            if (strncmp(core, "\u2026", 3) == 0)
                core += 3;
            size_t n = strlen(core);
            if (n >= 3 && strcmp(core + n - 3, "\u2026") == 0)
                core[n - 3] = '\0';
            FUZZ_CHECK(strstr(text, core) != NULL, "\"%s\" is not in \"%s\"", core, text);
            free(plain);
        }
        buf_free(&snippet);
        buf_free(&back);
        char *stripped = fuzz_strndup(buf_cstr(&once), once.len);
        search_fold_strip_separators(stripped);
        FUZZ_CHECK(!strstr(stripped, SEARCH_FOLD_SEPARATOR), "a separator left in \"%s\"",
                   stripped);
        free(stripped);
    }
    buf_free(&once);
    buf_free(&twice);
    buf_free(&normal);
    free(text);
    return 0;
}
