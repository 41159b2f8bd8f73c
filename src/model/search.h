/* search.h: what a reader types into the search box, as the store's search groups. */
#ifndef GAZETTE_MODEL_SEARCH_H
#define GAZETTE_MODEL_SEARCH_H

#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

#define SEARCH_QUERY_MAX 200 /* bytes of a query; longer ones are refused, not cut */
#define SEARCH_GROUPS_MAX 8
#define SEARCH_WORDS_MAX 16

/* Splits `query` into groups: "quoted words" make a phrase, other words stand alone, a word
 * ending in '*' matches as a prefix. Words keep letters and digits (any script; ASCII
 * lower-cased); everything else separates words, so no search syntax reaches the store.
 * Returns the number of groups (0: nothing to search for); -1 when the query is longer than
 * SEARCH_QUERY_MAX or not UTF-8. Groups and words live in `a`. */
int search_parse(arena *a, const char *query, struct store_search_group **groups);

#endif
