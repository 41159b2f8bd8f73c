/* search.h: what a reader types into the search box, as the store's search groups. */
#ifndef GAZETTE_MODEL_SEARCH_H
#define GAZETTE_MODEL_SEARCH_H

#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

#define SEARCH_QUERY_MAX 200 /* characters of a query (the form's maxlength); longer: refused */
#define SEARCH_GROUPS_MAX 8
#define SEARCH_WORDS_MAX 200 /* a letter of Chinese or Thai is a word: a query holds 200 */

/* Splits `query` into groups: "quoted words" make a phrase, other words stand alone, a word
 * ending in '*' matches as a prefix. Words keep letters and digits (any script; ASCII
 * lower-cased); everything else separates words, so no search syntax reaches the store. Words
 * are folded as the index is (util/search_fold.h): Arabic and Hebrew normalised, and a run of
 * Chinese, Japanese, Thai (…) letters becomes a phrase of its letters, which finds it at any
 * length.
 * Returns the number of groups (0: nothing to search for); -1 when the query is longer than
 * SEARCH_QUERY_MAX or not UTF-8. Groups and words live in `a`. */
int search_parse(arena *a, const char *query, struct store_search_group **groups);

#endif
