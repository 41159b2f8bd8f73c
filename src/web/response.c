/* response.c: helpers handlers use to fill a response. */
#include "web/request.h"

void web_redirect(struct web_response *res, int status, const char *location)
{
    res->status = status;
    res->location = location;
    buf_reset(&res->body);
    res->content_type = "text/plain; charset=utf-8";
    buf_printf(&res->body, "See %s\n", location);
}

void web_add_cookie(struct web_response *res, const char *cookie)
{
    if (res->set_cookie_count < WEB_MAX_SET_COOKIES)
        res->set_cookie[res->set_cookie_count++] = cookie;
}
