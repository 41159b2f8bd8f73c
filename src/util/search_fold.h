/* search_fold.h: text as search sees it. The same functions fold what is indexed and what a
 * reader asks for, so that both engines (SQLite FTS5, PostgreSQL tsvector) compare like with
 * like. Pure functions of their input; no locale, no library. */
#ifndef GAZETTE_UTIL_SEARCH_FOLD_H
#define GAZETTE_UTIL_SEARCH_FOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* U+200B ZERO WIDTH SPACE: what search_fold_text puts between the letters of a script written
 * without spaces. Both engines' tokenizers take it as a separator; a reader never sees it. */
#define SEARCH_FOLD_SEPARATOR "\xE2\x80\x8B"

/* Appends `text` (`len` bytes of UTF-8) to `out` with Arabic and Hebrew normalised:
 * - Arabic: the harakat and other marks (tanwin, shadda, sukun, dagger alef, Quranic marks,
 *   U+0610-061A, U+064B-065F, U+0670, U+06D6-06ED but the letters among them) and the
 *   tatweel U+0640 are removed; alef with hamza above or below, with madda and wasla (أ إ آ ٱ)
 *   become a bare alef ا; alef maksura ى and the Persian yeh ی become yeh ي; the Persian kaf
 *   ک becomes kaf ك; teh marbuta ة becomes heh ه.
 * - Hebrew: the points (niqqud U+05B0-05BD, U+05BF, U+05C1-05C2, U+05C4-05C5, U+05C7) and the
 *   cantillation marks (U+0591-05AF) are removed.
 * Everything else, malformed bytes included, is copied unchanged. */
void search_fold_normalise(buf *out, const char *text, size_t len);

/* search_fold_normalise, and then the letters of scripts written without spaces between words
 * (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar, Tibetan, and the like) are made words of one
 * letter each (with the combining marks that follow it) by a SEARCH_FOLD_SEPARATOR before and
 * after, so that a search for a run of them is a phrase of those letters: "東京" is found in
 * "東京都" at any length, one letter included. Appends to `out`. */
void search_fold_text(buf *out, const char *text, size_t len);

/* True when the `len` bytes at `text` hold a character search indexes: an ASCII letter or
 * digit, or a character beyond ASCII that is not punctuation, a symbol, an emoji or a format
 * control (the engines' tokenizers drop those, and PostgreSQL would then take a phrase's
 * neighbours as two apart). */
bool search_fold_has_letter(const char *text, size_t len);

/* An engine's snippet is cut from the folded text (`snippet`: a stretch of
 * search_fold_text(original), its matches between \x01 and \x02, with an ellipsis "…" at
 * either end where it was cut). Appends to `out` the same stretch of `original` itself (the
 * letters and marks the post has, no separators), the highlights around the same letters and
 * the ellipses kept, and returns true; false (nothing appended) when the stretch is not in the
 * folded original. */
bool search_fold_unfold_snippet(buf *out, const char *original, size_t original_len,
                                const char *snippet);

/* Removes every SEARCH_FOLD_SEPARATOR from the NUL-terminated `text` in place; one between a
 * highlight's end (\x02) and the next one's start (\x01) goes with both, so that a run of
 * letters highlighted one by one reads as one highlight. */
void search_fold_strip_separators(char *text);

#endif
