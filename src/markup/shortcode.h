/* shortcode.h: WordPress's shortcode grammar (shortcodes.php) and its core shortcodes
 * (media.php, class-wp-embed.php) rendered as WordPress 6 renders them, for imported content. */
#ifndef GAZETTE_MARKUP_SHORTCODE_H
#define GAZETTE_MARKUP_SHORTCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "markup/wp_content.h"
#include "util/buf.h"

#define SHORTCODE_ATTRIBUTES_MAX 32   /* attributes past this many are ignored */
#define SHORTCODE_NAME_MAX 64         /* longer names are not shortcodes */
#define SHORTCODE_DEPTH_MAX 16        /* nesting rendered; deeper content is copied as it is */
#define SHORTCODE_INPUT_MAX (1 << 24) /* longer input is copied as it is */

/* One attribute, as shortcode_parse_atts() reads them: name="v", name='v', name=v, or a
 * positional "v", 'v' or v (name empty). Names are lower-cased into `name`. */
struct shortcode_attribute {
    char name[SHORTCODE_NAME_MAX]; /* lower case; "" for a positional value */
    strview value;                 /* borrowed from the parsed text, quotes removed */
};

/* A shortcode found at a '[' of a text. Views borrow the parsed text. */
struct shortcode_tag {
    strview whole;   /* from '[' to the last ']' (both brackets of [[escaped]] included) */
    strview name;    /* tag name as written */
    strview content; /* enclosed content (enclosing form only) */
    bool enclosing;  /* [tag]…[/tag] */
    bool escaped;    /* [[tag]] or [[tag]…[/tag]]: written without its outer brackets */
    bool has_equals; /* the opening tag has an '=' (attributes with names) */
    bool self_closing;
    struct shortcode_attribute attributes[SHORTCODE_ATTRIBUTES_MAX];
    size_t attribute_count;
};

/* Reads the shortcode starting at text[0] == '[' (len bytes) with WordPress's grammar: the
 * name runs to white space, '/', ']' or '=' and is not followed by a word character or '-';
 * the opening tag ends at the first ']' ("/]" makes it self-closing); otherwise the content
 * runs to the first "[/name]" after it, when there is one. Returns false when text[0] starts
 * no shortcode. */
bool markup_shortcode_parse(const char *text, size_t len, struct shortcode_tag *tag);

/* Parses `text` (the part of an opening tag after its name) into tag->attributes. */
void markup_shortcode_parse_attributes(const char *text, size_t len, struct shortcode_tag *tag);

/* The value of attribute `name` (lower case), or the empty view when absent. */
strview markup_shortcode_attribute(const struct shortcode_tag *tag, const char *name);

/* True for the shortcodes WordPress core registers: caption (and wp_caption), gallery,
 * embed, video, audio, playlist. */
bool markup_shortcode_is_core(const char *name, size_t len);

/* Appends `html` (len bytes) to `out` with every shortcode rendered, outside HTML tags and
 * comments: the core ones as WordPress renders them ([video] and [audio] become a link to
 * their source; [gallery] and [playlist] a placeholder <div class="gazette-gallery"
 * data-ids=…> (or "gazette-playlist") with their attributes, which render/media_html.c
 * fills from the store when a page is made); [[tag]] written as [tag]; an unknown shortcode loses its
 * tags and keeps its content, and is counted in `report` (may be NULL). Unknown means a
 * name of letters, digits, '-' and '_' in a tag that encloses content, closes itself, has
 * an '=', or whose name has '-' or '_': "[sic]" or "[1]" stay text. Never fails. */
void markup_shortcodes(const char *html, size_t len, buf *out, struct wp_report *report);

#endif
