/* response.c: helpers handlers use to fill a response. */
#include "web/request.h"

void http_redirect(struct http_response *res, int status, const char *location)
{
    res->status = status;
    res->location = location;
    buf_reset(&res->body);
    res->content_type = "text/plain; charset=utf-8";
    buf_printf(&res->body, "See %s\n", location);
}

void http_add_cookie(struct http_response *res, const char *cookie)
{
    if (res->set_cookie_count < HTTP_MAX_SET_COOKIES)
        res->set_cookie[res->set_cookie_count++] = cookie;
}
