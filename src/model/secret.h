/* secret.h: the site's signing key (made once at init) and MACs made with it. */
#ifndef GAZETTE_MODEL_SECRET_H
#define GAZETTE_MODEL_SECRET_H

#include <stdbool.h>

#include "store/store.h"
#include "util/arena.h"

/* Creates the site's random key when the store has none. Returns a store result. */
int secret_ensure(store *s);

/* Hex MAC (128 bits) of `message` under the site's key, in `a`; "" when the key cannot be
 * read (then nothing matches). */
const char *secret_mac(store *s, arena *a, const char *message);

/* Constant-time check of a MAC a client sent back. */
bool secret_mac_ok(store *s, arena *a, const char *message, const char *mac);

#endif
