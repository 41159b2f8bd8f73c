/* search.c: reader queries to search groups; no operator of any search engine passes through.
 * Words are folded as the index folds the posts (util/search_fold.h). */
#include "model/search.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "util/search_fold.h"
#include "util/utf8.h"

/* A byte that belongs to a word: ASCII letters and digits, and every byte of a non-ASCII
 * character (the store's tokenizer knows which of those are letters). */
static bool word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

int search_parse(arena *a, const char *query, struct store_search_group **out)
{
    size_t n = strlen(query);
    if (n > 4 * SEARCH_QUERY_MAX || !utf8_valid(query, n) ||
        utf8_count(query, n) > SEARCH_QUERY_MAX)
        return -1;
    struct store_search_group *groups = arena_alloc(a, SEARCH_GROUPS_MAX * sizeof(*groups));
    const char **words = arena_alloc(a, SEARCH_WORDS_MAX * sizeof(*words));
    size_t group_count = 0, word_count = 0;
    bool in_phrase = false;
    struct store_search_group *current = NULL;
    for (size_t i = 0; i < n && group_count <= SEARCH_GROUPS_MAX;) {
        if (query[i] == '"') {
            in_phrase = !in_phrase;
            current = NULL; /* a quote ends the group either way */
            i++;
            continue;
        }
        if (!word_byte((unsigned char)query[i])) {
            if (!in_phrase)
                current = NULL;
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && word_byte((unsigned char)query[i]))
            i++;
        /* folded as the index is: a run of letters of a script without spaces becomes a
         * phrase of its letters, punctuation beyond ASCII goes */
        buf folded = {0};
        search_fold_text(&folded, query + start, i - start);
        bool prefix = i < n && query[i] == '*';
        size_t sep = strlen(SEARCH_FOLD_SEPARATOR);
        for (const char *p = buf_cstr(&folded); *p;) {
            const char *end = strstr(p, SEARCH_FOLD_SEPARATOR);
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len && search_fold_has_letter(p, len) && word_count < SEARCH_WORDS_MAX) {
                if (!current && group_count < SEARCH_GROUPS_MAX) {
                    current = &groups[group_count++];
                    current->words = &words[word_count];
                    current->word_count = 0;
                    current->prefix = false;
                }
                if (current) {
                    char *word = arena_strndup(a, p, len);
                    for (char *c = word; *c; c++)
                        *c = (char)tolower((unsigned char)*c);
                    words[word_count++] = word;
                    current->word_count++;
                    current->prefix = prefix && !end;
                }
            }
            p = end ? end + sep : p + len;
        }
        buf_free(&folded);
        if (!in_phrase)
            current = NULL;
    }
    *out = groups;
    return (int)group_count;
}
