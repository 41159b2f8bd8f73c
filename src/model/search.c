/* search.c: reader queries to search groups; no operator of any search engine passes through. */
#include "model/search.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

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
    if (n > SEARCH_QUERY_MAX || !utf8_valid(query, n))
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
        if (word_count == SEARCH_WORDS_MAX)
            break;
        char *word = arena_strndup(a, query + start, i - start);
        for (char *p = word; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        bool prefix = i < n && query[i] == '*';
        if (!current) {
            if (group_count == SEARCH_GROUPS_MAX)
                break;
            current = &groups[group_count++];
            current->words = &words[word_count];
            current->word_count = 0;
            current->prefix = false;
        }
        words[word_count++] = word;
        current->word_count++;
        current->prefix = prefix;
        if (!in_phrase)
            current = NULL;
    }
    *out = groups;
    return (int)group_count;
}
