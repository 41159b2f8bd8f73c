/* media.h: what the media library lends the post editor: the recent images to feature or to
 * insert, each with its thumbnail and the Markdown that shows it. */
#ifndef GAZETTE_ADMIN_MEDIA_H
#define GAZETTE_ADMIN_MEDIA_H

#include "render/template.h"
#include "web/request.h"

#define ADMIN_MEDIA_RECENT 12 /* images the editor offers */

/* Adds the list "images" to `d` (id, title, thumb, thumb_width, thumb_height, alt, markdown,
 * featured): the newest ADMIN_MEDIA_RECENT images, and the one `featured_id` names when it is
 * older. Adds "featured_missing" when featured_id names no media. A store error leaves the
 * list empty (the editor still works). */
void admin_media_recent(struct handler_context *context, const struct web_request *req,
                        template_data *d, long long featured_id);

#endif
