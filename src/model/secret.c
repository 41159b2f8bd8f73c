/* secret.c: the site key in the settings table and libsodium MACs made with it. */
#include "model/secret.h"

#include <sodium.h>
#include <string.h>

#define SECRET_KEY "internal.secret" /* not in settings_table: never shown or set by hand */

int secret_ensure(store *s)
{
    arena a = {0};
    const char *hex;
    int rc = store_setting_get(s, &a, SECRET_KEY, &hex);
    arena_free(&a);
    if (rc != STORE_NOT_FOUND)
        return rc;
    unsigned char key[crypto_auth_KEYBYTES];
    char key_hex[2 * crypto_auth_KEYBYTES + 1];
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(key_hex, sizeof(key_hex), key, sizeof(key));
    return store_setting_set(s, SECRET_KEY, key_hex);
}

const char *secret_mac(store *s, arena *a, const char *message)
{
    unsigned char key[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
    const char *hex = NULL;
    if (store_setting_get(s, a, SECRET_KEY, &hex) != STORE_OK ||
        sodium_hex2bin(key, sizeof(key), hex, strlen(hex), NULL, NULL, NULL) != 0)
        return "";
    crypto_auth(mac, (const unsigned char *)message, strlen(message), key);
    char *out = arena_alloc(a, 2 * 16 + 1);
    sodium_bin2hex(out, 2 * 16 + 1, mac, 16);
    return out;
}

bool secret_mac_ok(store *s, arena *a, const char *message, const char *mac)
{
    const char *expected = secret_mac(s, a, message);
    size_t n = strlen(expected);
    return n && mac && strlen(mac) == n && sodium_memcmp(expected, mac, n) == 0;
}
