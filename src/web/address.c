/* address.c: matching a client address against a list of them. */
#include "web/address.h"

#include <string.h>

bool web_address_listed(const char *list, const char *address)
{
    size_t n = strlen(address);
    for (const char *p = list; *p;) {
        p += strspn(p, " ,\t\r\n");
        size_t len = strcspn(p, " ,\t\r\n");
        if (len == n && n && memcmp(p, address, n) == 0)
            return true;
        p += len;
    }
    return false;
}
