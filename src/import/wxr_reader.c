/* wxr_reader.c: streams a WordPress export (WXR) through libxml2's xmlTextReader into callbacks. */
#include "import/wxr_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "util/arena.h"

/* No NOENT (entities stay references, external ones are never fetched), no DTDLOAD/DTDATTR/
 * DTDVALID (no external subset), NONET (nothing from the network even if asked). NOCDATA makes
 * CDATA sections plain text. No HUGE: libxml2's default limits (10 MB per text node, entity
 * amplification checks) stay on. */
#define WXR_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING)

#define WXR_PROGRESS_STEP ((size_t)1 << 20) /* report progress every MiB of input */

/* The namespaces a WXR element can be in; matched by URI whatever the prefix. */
enum wxr_ns {
    WXR_NS_NONE,    /* no namespace: RSS's own elements */
    WXR_NS_WP,      /* wp: */
    WXR_NS_CONTENT, /* content: */
    WXR_NS_EXCERPT, /* excerpt: */
    WXR_NS_DC,      /* dc: */
    WXR_NS_OTHER,   /* anything else (atom:, wfw:, …): ignored */
};

static const struct {
    const char *uri;
    enum wxr_ns ns;
} wxr_namespace_uris[] = {
    {"http://wordpress.org/export/1.0/", WXR_NS_WP},
    {"http://wordpress.org/export/1.1/", WXR_NS_WP},
    {"http://wordpress.org/export/1.2/", WXR_NS_WP},
    {"http://wordpress.org/export/1.0/excerpt/", WXR_NS_EXCERPT},
    {"http://wordpress.org/export/1.1/excerpt/", WXR_NS_EXCERPT},
    {"http://wordpress.org/export/1.2/excerpt/", WXR_NS_EXCERPT},
    {"http://purl.org/rss/1.0/modules/content/", WXR_NS_CONTENT},
    {"http://purl.org/dc/elements/1.1/", WXR_NS_DC},
};

/* Fallback for elements whose prefix was never declared (libxml2 reports that, not fatally). */
static const struct {
    const char *prefix;
    enum wxr_ns ns;
} wxr_namespace_prefixes[] = {
    {"wp", WXR_NS_WP},
    {"excerpt", WXR_NS_EXCERPT},
    {"content", WXR_NS_CONTENT},
    {"dc", WXR_NS_DC},
};

/* How an element's text is stored into a struct field. */
enum wxr_kind {
    WXR_TEXT, /* const char *: the text as is */
    WXR_LONG, /* long: decimal, 0 when missing or not a number */
    WXR_FLAG, /* bool: a non-zero number */
};

/* One simple element of a record and the struct field it fills. */
struct wxr_field {
    enum wxr_ns ns;     /* namespace of the element */
    const char *name;   /* local name of the element */
    enum wxr_kind kind; /* how its text is converted */
    size_t offset;      /* offset of the field in the record struct */
};

#define WXR_FIELD_COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const struct wxr_field wxr_site_fields[] = {
    {WXR_NS_NONE, "title", WXR_TEXT, offsetof(struct wxr_site, title)},
    {WXR_NS_NONE, "link", WXR_TEXT, offsetof(struct wxr_site, link)},
    {WXR_NS_NONE, "description", WXR_TEXT, offsetof(struct wxr_site, description)},
    {WXR_NS_NONE, "language", WXR_TEXT, offsetof(struct wxr_site, language)},
    {WXR_NS_WP, "wxr_version", WXR_TEXT, offsetof(struct wxr_site, wxr_version)},
    {WXR_NS_WP, "base_site_url", WXR_TEXT, offsetof(struct wxr_site, base_site_url)},
    {WXR_NS_WP, "base_blog_url", WXR_TEXT, offsetof(struct wxr_site, base_blog_url)},
};

static const struct wxr_field wxr_author_fields[] = {
    {WXR_NS_WP, "author_id", WXR_LONG, offsetof(struct wxr_author, wp_id)},
    {WXR_NS_WP, "author_login", WXR_TEXT, offsetof(struct wxr_author, login)},
    {WXR_NS_WP, "author_email", WXR_TEXT, offsetof(struct wxr_author, email)},
    {WXR_NS_WP, "author_display_name", WXR_TEXT, offsetof(struct wxr_author, display_name)},
    {WXR_NS_WP, "author_first_name", WXR_TEXT, offsetof(struct wxr_author, first_name)},
    {WXR_NS_WP, "author_last_name", WXR_TEXT, offsetof(struct wxr_author, last_name)},
};

static const struct wxr_field wxr_category_fields[] = {
    {WXR_NS_WP, "term_id", WXR_LONG, offsetof(struct wxr_term, wp_id)},
    {WXR_NS_WP, "category_nicename", WXR_TEXT, offsetof(struct wxr_term, slug)},
    {WXR_NS_WP, "category_parent", WXR_TEXT, offsetof(struct wxr_term, parent_slug)},
    {WXR_NS_WP, "cat_name", WXR_TEXT, offsetof(struct wxr_term, name)},
    {WXR_NS_WP, "category_description", WXR_TEXT, offsetof(struct wxr_term, description)},
};

static const struct wxr_field wxr_tag_fields[] = {
    {WXR_NS_WP, "term_id", WXR_LONG, offsetof(struct wxr_term, wp_id)},
    {WXR_NS_WP, "tag_slug", WXR_TEXT, offsetof(struct wxr_term, slug)},
    {WXR_NS_WP, "tag_name", WXR_TEXT, offsetof(struct wxr_term, name)},
    {WXR_NS_WP, "tag_description", WXR_TEXT, offsetof(struct wxr_term, description)},
};

static const struct wxr_field wxr_generic_term_fields[] = {
    {WXR_NS_WP, "term_id", WXR_LONG, offsetof(struct wxr_term, wp_id)},
    {WXR_NS_WP, "term_taxonomy", WXR_TEXT, offsetof(struct wxr_term, taxonomy)},
    {WXR_NS_WP, "term_slug", WXR_TEXT, offsetof(struct wxr_term, slug)},
    {WXR_NS_WP, "term_parent", WXR_TEXT, offsetof(struct wxr_term, parent_slug)},
    {WXR_NS_WP, "term_name", WXR_TEXT, offsetof(struct wxr_term, name)},
    {WXR_NS_WP, "term_description", WXR_TEXT, offsetof(struct wxr_term, description)},
};

/* The three term elements of a channel: which fields each has and its fixed taxonomy. */
static const struct {
    const char *element;            /* local name in the wp: namespace */
    const char *taxonomy;           /* taxonomy, or NULL when wp:term_taxonomy says it */
    const struct wxr_field *fields; /* its child elements */
    size_t field_count;             /* entries in fields */
} wxr_term_kinds[] = {
    {"category", "category", wxr_category_fields, WXR_FIELD_COUNT(wxr_category_fields)},
    {"tag", "post_tag", wxr_tag_fields, WXR_FIELD_COUNT(wxr_tag_fields)},
    {"term", NULL, wxr_generic_term_fields, WXR_FIELD_COUNT(wxr_generic_term_fields)},
};

static const struct wxr_field wxr_item_fields[] = {
    {WXR_NS_NONE, "title", WXR_TEXT, offsetof(struct wxr_item, title)},
    {WXR_NS_NONE, "link", WXR_TEXT, offsetof(struct wxr_item, link)},
    {WXR_NS_NONE, "guid", WXR_TEXT, offsetof(struct wxr_item, guid)},
    {WXR_NS_NONE, "pubDate", WXR_TEXT, offsetof(struct wxr_item, pub_date)},
    {WXR_NS_DC, "creator", WXR_TEXT, offsetof(struct wxr_item, creator)},
    {WXR_NS_CONTENT, "encoded", WXR_TEXT, offsetof(struct wxr_item, content)},
    {WXR_NS_EXCERPT, "encoded", WXR_TEXT, offsetof(struct wxr_item, excerpt)},
    {WXR_NS_WP, "post_id", WXR_LONG, offsetof(struct wxr_item, wp_id)},
    {WXR_NS_WP, "post_date", WXR_TEXT, offsetof(struct wxr_item, post_date)},
    {WXR_NS_WP, "post_date_gmt", WXR_TEXT, offsetof(struct wxr_item, post_date_gmt)},
    {WXR_NS_WP, "post_modified", WXR_TEXT, offsetof(struct wxr_item, post_modified)},
    {WXR_NS_WP, "post_modified_gmt", WXR_TEXT, offsetof(struct wxr_item, post_modified_gmt)},
    {WXR_NS_WP, "comment_status", WXR_TEXT, offsetof(struct wxr_item, comment_status)},
    {WXR_NS_WP, "ping_status", WXR_TEXT, offsetof(struct wxr_item, ping_status)},
    {WXR_NS_WP, "post_name", WXR_TEXT, offsetof(struct wxr_item, post_name)},
    {WXR_NS_WP, "status", WXR_TEXT, offsetof(struct wxr_item, status)},
    {WXR_NS_WP, "post_parent", WXR_LONG, offsetof(struct wxr_item, parent_wp_id)},
    {WXR_NS_WP, "menu_order", WXR_LONG, offsetof(struct wxr_item, menu_order)},
    {WXR_NS_WP, "post_type", WXR_TEXT, offsetof(struct wxr_item, post_type)},
    {WXR_NS_WP, "post_password", WXR_TEXT, offsetof(struct wxr_item, post_password)},
    {WXR_NS_WP, "is_sticky", WXR_FLAG, offsetof(struct wxr_item, sticky)},
    {WXR_NS_WP, "attachment_url", WXR_TEXT, offsetof(struct wxr_item, attachment_url)},
};

static const struct wxr_field wxr_comment_fields[] = {
    {WXR_NS_WP, "comment_id", WXR_LONG, offsetof(struct wxr_comment, wp_id)},
    {WXR_NS_WP, "comment_author", WXR_TEXT, offsetof(struct wxr_comment, author)},
    {WXR_NS_WP, "comment_author_email", WXR_TEXT, offsetof(struct wxr_comment, author_email)},
    {WXR_NS_WP, "comment_author_url", WXR_TEXT, offsetof(struct wxr_comment, author_url)},
    {WXR_NS_WP, "comment_author_IP", WXR_TEXT, offsetof(struct wxr_comment, author_ip)},
    {WXR_NS_WP, "comment_date", WXR_TEXT, offsetof(struct wxr_comment, date)},
    {WXR_NS_WP, "comment_date_gmt", WXR_TEXT, offsetof(struct wxr_comment, date_gmt)},
    {WXR_NS_WP, "comment_content", WXR_TEXT, offsetof(struct wxr_comment, content)},
    {WXR_NS_WP, "comment_approved", WXR_TEXT, offsetof(struct wxr_comment, approved)},
    {WXR_NS_WP, "comment_type", WXR_TEXT, offsetof(struct wxr_comment, type)},
    {WXR_NS_WP, "comment_parent", WXR_LONG, offsetof(struct wxr_comment, parent_wp_id)},
    {WXR_NS_WP, "comment_user_id", WXR_LONG, offsetof(struct wxr_comment, user_id)},
};

static const struct wxr_field wxr_postmeta_fields[] = {
    {WXR_NS_WP, "meta_key", WXR_TEXT, offsetof(struct wxr_postmeta, key)},
    {WXR_NS_WP, "meta_value", WXR_TEXT, offsetof(struct wxr_postmeta, value)},
};

/* State of one import_wxr_read call; lives on its stack. */
struct wxr_parse {
    const char *path;            /* file being read, for messages */
    const struct wxr_sink *sink; /* the caller's callbacks */
    buf *error;                  /* the caller's message buffer (may be NULL) */
    xmlTextReaderPtr reader;     /* owned: freed at the end of the call */
    buf text;                    /* owned scratch: text of the element being read */
    arena site_arena;            /* owned: the site's strings, for the whole call */
    arena record_arena;          /* owned: one author, term or item; freed after its callback */
    struct wxr_site site;        /* channel fields, strings in site_arena */
    bool site_sent;              /* the site callback has been called */
    bool have_channel;           /* a <channel> was seen */
    bool have_version;           /* a <wp:wxr_version> was seen */
    size_t bytes_total;          /* file size (0 when unknown) */
    size_t next_progress;        /* byte count at which progress is reported next */
    bool xml_failed;             /* libxml2 reported a fatal error */
    int xml_error_line;          /* line of the first libxml2 error */
    int xml_error_code;          /* its xmlParserErrors code */
    buf xml_error;               /* owned: message of the first fatal (else first) error */
};

static pthread_once_t wxr_init_once = PTHREAD_ONCE_INIT;

static void wxr_init_libxml(void)
{
    xmlInitParser();
}

/* Swallows libxml2's own reporting; keeps the first fatal error (or the first error). */
#if LIBXML_VERSION >= 21200
static void wxr_on_xml_error(void *context, const xmlError *error)
#else
static void wxr_on_xml_error(void *context, xmlErrorPtr error)
#endif
{
    struct wxr_parse *p = context;
    if (!error || error->level < XML_ERR_ERROR)
        return;
    bool fatal = error->level == XML_ERR_FATAL;
    if (p->xml_failed || (p->xml_error.len && !fatal))
        return;
    buf_reset(&p->xml_error);
    buf_puts(&p->xml_error, error->message ? error->message : "XML error");
    while (p->xml_error.len && (p->xml_error.ptr[p->xml_error.len - 1] == '\n' ||
                                p->xml_error.ptr[p->xml_error.len - 1] == ' '))
        p->xml_error.ptr[--p->xml_error.len] = '\0';
    p->xml_error_line = error->line;
    p->xml_error_code = error->code;
    p->xml_failed = fatal;
}

/* The line of the reader's current node; the parser's line when the node cannot say (libxml2
 * stores element lines in 16 bits, so beyond line 65534 this is where parsing has got to). */
static int wxr_line(struct wxr_parse *p)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(p->reader);
    long line = node ? xmlGetLineNo(node) : -1;
    if (line <= 0 || line >= USHRT_MAX)
        line = xmlTextReaderGetParserLineNumber(p->reader);
    return line > INT_MAX ? INT_MAX : (int)line;
}

static int wxr_fail(struct wxr_parse *p, int line, const char *what)
{
    if (p->error)
        buf_printf(p->error, "%s:%d: %s", p->path, line, what);
    return -1;
}

static int wxr_fail_not_wxr(struct wxr_parse *p, int line, const char *why)
{
    if (p->error)
        buf_printf(p->error, "%s:%d: not a WordPress export (WXR) file: %s", p->path, line, why);
    return -1;
}

static void wxr_report_progress(struct wxr_parse *p, bool done)
{
    if (!p->sink->progress)
        return;
    long consumed = xmlTextReaderByteConsumed(p->reader);
    size_t bytes = consumed > 0 ? (size_t)consumed : 0;
    if (done) {
        if (p->bytes_total > bytes)
            bytes = p->bytes_total;
        p->sink->progress(p->sink->context, bytes, p->bytes_total);
        return;
    }
    if (bytes < p->next_progress)
        return;
    p->next_progress = (bytes / WXR_PROGRESS_STEP + 1) * WXR_PROGRESS_STEP;
    p->sink->progress(p->sink->context, bytes, p->bytes_total);
}

/* Moves to the next node. Returns 1 at a node, 0 at the end of the input, -1 on an XML error
 * (message written). */
static int wxr_advance(struct wxr_parse *p)
{
    int rc = xmlTextReaderRead(p->reader);
    if (rc < 0 || p->xml_failed) {
        if (!p->xml_error.len)
            return wxr_fail(p, xmlTextReaderGetParserLineNumber(p->reader), "malformed XML");
        /* libxml2's reader words these two confusingly; say what they mean */
        const char *meaning = NULL;
        if (p->xml_error_code == XML_ERR_DOCUMENT_EMPTY)
            meaning = "not XML: no root element";
        else if (p->xml_error_code == XML_ERR_DOCUMENT_END)
            meaning = "the document is cut short or has something after its end (truncated?)";
        if (!meaning)
            return wxr_fail(p, p->xml_error_line, p->xml_error.ptr);
        buf message = {0};
        buf_printf(&message, "%s (libxml2: %s)", meaning, p->xml_error.ptr);
        rc = wxr_fail(p, p->xml_error_line, message.ptr);
        buf_free(&message);
        return rc;
    }
    if (rc == 0)
        return 0;
    wxr_report_progress(p, false);
    return 1;
}

/* Moves to the next child element of the element at `depth`. Returns 1 at a child element, 0
 * when the parent has ended, -1 on error. Text, comments and PIs between children are skipped. */
static int wxr_next_child(struct wxr_parse *p, int depth)
{
    for (;;) {
        int rc = wxr_advance(p);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return wxr_fail(p, xmlTextReaderGetParserLineNumber(p->reader),
                            "unexpected end of file");
        int type = xmlTextReaderNodeType(p->reader);
        if (type == XML_READER_TYPE_ELEMENT)
            return 1;
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(p->reader) <= depth)
            return 0;
    }
}

/* Skips the current element and everything in it. */
static int wxr_skip(struct wxr_parse *p)
{
    if (xmlTextReaderIsEmptyElement(p->reader))
        return 0;
    int depth = xmlTextReaderDepth(p->reader);
    for (;;) {
        int rc = wxr_next_child(p, depth);
        if (rc <= 0)
            return rc;
        if (wxr_skip(p) < 0)
            return -1;
    }
}

/* Reads the text of the current element (text and CDATA of all its descendants, entities
 * resolved) into p->text. The reader ends on the element's end tag. */
static int wxr_read_text(struct wxr_parse *p)
{
    buf_reset(&p->text);
    buf_puts(&p->text, "");
    if (xmlTextReaderIsEmptyElement(p->reader))
        return 0;
    int depth = xmlTextReaderDepth(p->reader);
    for (;;) {
        int rc = wxr_advance(p);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return wxr_fail(p, xmlTextReaderGetParserLineNumber(p->reader),
                            "unexpected end of file");
        switch (xmlTextReaderNodeType(p->reader)) {
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
            const xmlChar *value = xmlTextReaderConstValue(p->reader);
            if (value)
                buf_puts(&p->text, (const char *)value);
            break;
        }
        case XML_READER_TYPE_END_ELEMENT:
            if (xmlTextReaderDepth(p->reader) <= depth)
                return 0;
            break;
        default:
            break; /* nested elements contribute their text; entity references stay out */
        }
    }
}

static enum wxr_ns wxr_ns_of_prefix(const char *prefix, size_t len)
{
    for (size_t i = 0; i < WXR_FIELD_COUNT(wxr_namespace_prefixes); i++)
        if (strlen(wxr_namespace_prefixes[i].prefix) == len &&
            memcmp(wxr_namespace_prefixes[i].prefix, prefix, len) == 0)
            return wxr_namespace_prefixes[i].ns;
    return WXR_NS_OTHER;
}

/* Another version of WordPress's export namespaces (http[s]://wordpress.org/export/V/ and
 * …/V/excerpt/), or WXR_NS_OTHER. A prefix bound to a foreign URI is not trusted. */
static enum wxr_ns wxr_ns_of_export_uri(const char *uri)
{
    static const char base[] = "wordpress.org/export/";
    if (strncmp(uri, "http://", 7) == 0)
        uri += 7;
    else if (strncmp(uri, "https://", 8) == 0)
        uri += 8;
    else
        return WXR_NS_OTHER;
    if (strncmp(uri, base, sizeof(base) - 1) != 0)
        return WXR_NS_OTHER;
    const char *version = uri + sizeof(base) - 1;
    const char *slash = strchr(version, '/');
    if (!slash || slash == version)
        return WXR_NS_OTHER;
    if (slash[1] == '\0')
        return WXR_NS_WP;
    return strcmp(slash + 1, "excerpt/") == 0 ? WXR_NS_EXCERPT : WXR_NS_OTHER;
}

/* The namespace and local name of the current element. */
static enum wxr_ns wxr_name(struct wxr_parse *p, const char **local)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(p->reader);
    const char *uri = (const char *)xmlTextReaderConstNamespaceUri(p->reader);
    *local = name ? name : "";
    if (uri) {
        for (size_t i = 0; i < WXR_FIELD_COUNT(wxr_namespace_uris); i++)
            if (strcmp(uri, wxr_namespace_uris[i].uri) == 0)
                return wxr_namespace_uris[i].ns;
        return wxr_ns_of_export_uri(uri);
    }
    /* an undeclared prefix leaves "wp:name" as the local name (libxml2 reports it, not fatal) */
    const char *colon = strchr(*local, ':');
    if (!colon)
        return WXR_NS_NONE;
    enum wxr_ns ns = wxr_ns_of_prefix(*local, (size_t)(colon - *local));
    *local = colon + 1;
    return ns;
}

static const struct wxr_field *wxr_find_field(const struct wxr_field *fields, size_t count,
                                              enum wxr_ns ns, const char *local)
{
    for (size_t i = 0; i < count; i++)
        if (fields[i].ns == ns && strcmp(fields[i].name, local) == 0)
            return &fields[i];
    return NULL;
}

static long wxr_parse_long(const char *s)
{
    char *end;
    errno = 0;
    long value = strtol(s, &end, 10);
    if (end == s || errno)
        return 0;
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
        end++;
    return *end ? 0 : value;
}

/* Stores p->text into `record` as `field` says; strings are copied into `a`. */
static void wxr_store_field(struct wxr_parse *p, const struct wxr_field *field, void *record,
                            arena *a)
{
    char *slot = (char *)record + field->offset;
    switch (field->kind) {
    case WXR_TEXT:
        *(const char **)(void *)slot = arena_strndup(a, p->text.ptr, p->text.len);
        break;
    case WXR_LONG:
        *(long *)(void *)slot = wxr_parse_long(p->text.ptr);
        break;
    case WXR_FLAG:
        *(bool *)(void *)slot = wxr_parse_long(p->text.ptr) != 0;
        break;
    }
}

/* Sets every text field of `record` listed in `fields` that is still NULL to "". */
static void wxr_default_fields(const struct wxr_field *fields, size_t count, void *record)
{
    for (size_t i = 0; i < count; i++) {
        const char **slot = (const char **)(void *)((char *)record + fields[i].offset);
        if (fields[i].kind == WXR_TEXT && !*slot)
            *slot = "";
    }
}

/* If the current element is one of `fields`, reads it into `record` and sets *matched. */
static int wxr_try_field(struct wxr_parse *p, const struct wxr_field *fields, size_t count,
                         void *record, arena *a, bool *matched)
{
    const char *local;
    enum wxr_ns ns = wxr_name(p, &local);
    const struct wxr_field *field = wxr_find_field(fields, count, ns, local);
    *matched = field != NULL;
    if (!field)
        return 0;
    if (wxr_read_text(p) < 0)
        return -1;
    wxr_store_field(p, field, record, a);
    return 0;
}

/* Reads the current element as a flat record of `fields`; other children are skipped. */
static int wxr_read_record(struct wxr_parse *p, const struct wxr_field *fields, size_t count,
                           void *record, arena *a)
{
    if (xmlTextReaderIsEmptyElement(p->reader))
        return 0;
    int depth = xmlTextReaderDepth(p->reader);
    for (;;) {
        int rc = wxr_next_child(p, depth);
        if (rc <= 0)
            return rc;
        bool matched;
        if (wxr_try_field(p, fields, count, record, a, &matched) < 0)
            return -1;
        if (!matched && wxr_skip(p) < 0)
            return -1;
    }
}

/* Makes room for one more element in an arena-backed array (the old block stays in the arena
 * until the record is done, at most doubling its footprint). */
static void *wxr_grow(arena *a, void *items, size_t count, size_t *capacity, size_t size)
{
    if (count < *capacity)
        return items;
    size_t new_capacity = *capacity ? *capacity * 2 : 8;
    void *bigger = arena_alloc(a, new_capacity * size);
    if (count)
        memcpy(bigger, items, count * size);
    *capacity = new_capacity;
    return bigger;
}

static int wxr_send_site(struct wxr_parse *p)
{
    if (p->site_sent)
        return 0;
    p->site_sent = true;
    wxr_default_fields(wxr_site_fields, WXR_FIELD_COUNT(wxr_site_fields), &p->site);
    return p->sink->site ? p->sink->site(p->sink->context, &p->site) : 0;
}

static int wxr_read_author(struct wxr_parse *p)
{
    struct wxr_author author = {.line = wxr_line(p)};
    int rc = wxr_read_record(p, wxr_author_fields, WXR_FIELD_COUNT(wxr_author_fields), &author,
                             &p->record_arena);
    if (rc < 0)
        goto out;
    wxr_default_fields(wxr_author_fields, WXR_FIELD_COUNT(wxr_author_fields), &author);
    rc = wxr_send_site(p);
    if (rc == 0 && p->sink->author)
        rc = p->sink->author(p->sink->context, &author);
out:
    arena_free(&p->record_arena);
    return rc;
}

static int wxr_read_term(struct wxr_parse *p, size_t kind)
{
    struct wxr_term term = {.taxonomy = wxr_term_kinds[kind].taxonomy, .line = wxr_line(p)};
    const struct wxr_field *fields = wxr_term_kinds[kind].fields;
    size_t count = wxr_term_kinds[kind].field_count;
    int rc = wxr_read_record(p, fields, count, &term, &p->record_arena);
    if (rc < 0)
        goto out;
    wxr_default_fields(wxr_generic_term_fields, WXR_FIELD_COUNT(wxr_generic_term_fields), &term);
    rc = wxr_send_site(p);
    if (rc == 0 && p->sink->term)
        rc = p->sink->term(p->sink->context, &term);
out:
    arena_free(&p->record_arena);
    return rc;
}

/* An item's growing arrays, in the record arena. */
struct wxr_item_lists {
    struct wxr_item_term *terms; /* <category> elements */
    size_t term_count, term_capacity;
    struct wxr_comment *comments; /* <wp:comment> elements */
    size_t comment_count, comment_capacity;
    struct wxr_postmeta *meta; /* <wp:postmeta> elements */
    size_t meta_count, meta_capacity;
};

static char *wxr_attribute(struct wxr_parse *p, const char *name)
{
    xmlChar *value = xmlTextReaderGetAttribute(p->reader, (const xmlChar *)name);
    char *copy = arena_strdup(&p->record_arena, value ? (const char *)value : "");
    xmlFree(value);
    return copy;
}

static int wxr_read_item_term(struct wxr_parse *p, struct wxr_item_lists *lists)
{
    arena *a = &p->record_arena;
    lists->terms =
        wxr_grow(a, lists->terms, lists->term_count, &lists->term_capacity, sizeof(*lists->terms));
    struct wxr_item_term *term = &lists->terms[lists->term_count];
    term->domain = wxr_attribute(p, "domain");
    term->nicename = wxr_attribute(p, "nicename");
    if (wxr_read_text(p) < 0)
        return -1;
    term->name = arena_strndup(a, p->text.ptr, p->text.len);
    lists->term_count++;
    return 0;
}

static int wxr_read_comment(struct wxr_parse *p, struct wxr_item_lists *lists)
{
    arena *a = &p->record_arena;
    lists->comments = wxr_grow(a, lists->comments, lists->comment_count, &lists->comment_capacity,
                               sizeof(*lists->comments));
    struct wxr_comment *comment = &lists->comments[lists->comment_count];
    *comment = (struct wxr_comment){.line = wxr_line(p)};
    /* wp:commentmeta is not a field, so wxr_read_record skips it */
    if (wxr_read_record(p, wxr_comment_fields, WXR_FIELD_COUNT(wxr_comment_fields), comment, a) < 0)
        return -1;
    wxr_default_fields(wxr_comment_fields, WXR_FIELD_COUNT(wxr_comment_fields), comment);
    lists->comment_count++;
    return 0;
}

static int wxr_read_postmeta(struct wxr_parse *p, struct wxr_item_lists *lists)
{
    arena *a = &p->record_arena;
    lists->meta =
        wxr_grow(a, lists->meta, lists->meta_count, &lists->meta_capacity, sizeof(*lists->meta));
    struct wxr_postmeta *meta = &lists->meta[lists->meta_count];
    *meta = (struct wxr_postmeta){0};
    if (wxr_read_record(p, wxr_postmeta_fields, WXR_FIELD_COUNT(wxr_postmeta_fields), meta, a) < 0)
        return -1;
    wxr_default_fields(wxr_postmeta_fields, WXR_FIELD_COUNT(wxr_postmeta_fields), meta);
    lists->meta_count++;
    return 0;
}

/* The structured children of an item (everything but its simple fields). */
static const struct {
    enum wxr_ns ns;                                             /* namespace of the element */
    const char *name;                                           /* its local name */
    int (*read)(struct wxr_parse *p, struct wxr_item_lists *l); /* reads it into the lists */
} wxr_item_children[] = {
    {WXR_NS_NONE, "category", wxr_read_item_term},
    {WXR_NS_WP, "comment", wxr_read_comment},
    {WXR_NS_WP, "postmeta", wxr_read_postmeta},
};

static int wxr_read_item(struct wxr_parse *p)
{
    struct wxr_item item = {.line = wxr_line(p)};
    struct wxr_item_lists lists = {0};
    int rc = 0;
    if (!p->have_version) {
        rc = wxr_fail_not_wxr(p, item.line, "no <wp:wxr_version> before the first <item>");
        goto out;
    }
    rc = wxr_send_site(p);
    if (rc != 0)
        goto out;
    if (!xmlTextReaderIsEmptyElement(p->reader)) {
        int depth = xmlTextReaderDepth(p->reader);
        while ((rc = wxr_next_child(p, depth)) > 0) {
            bool matched;
            rc = wxr_try_field(p, wxr_item_fields, WXR_FIELD_COUNT(wxr_item_fields), &item,
                               &p->record_arena, &matched);
            if (rc < 0)
                goto out;
            if (matched)
                continue;
            const char *local;
            enum wxr_ns ns = wxr_name(p, &local);
            size_t i = 0;
            while (i < WXR_FIELD_COUNT(wxr_item_children) &&
                   (wxr_item_children[i].ns != ns || strcmp(wxr_item_children[i].name, local)))
                i++;
            rc = i < WXR_FIELD_COUNT(wxr_item_children) ? wxr_item_children[i].read(p, &lists)
                                                        : wxr_skip(p);
            if (rc < 0)
                goto out;
        }
        if (rc < 0)
            goto out;
    }
    wxr_default_fields(wxr_item_fields, WXR_FIELD_COUNT(wxr_item_fields), &item);
    item.terms = lists.terms;
    item.term_count = lists.term_count;
    item.comments = lists.comments;
    item.comment_count = lists.comment_count;
    item.meta = lists.meta;
    item.meta_count = lists.meta_count;
    rc = p->sink->item ? p->sink->item(p->sink->context, &item) : 0;
out:
    arena_free(&p->record_arena);
    return rc;
}

/* Reads a channel-level element into the site if it is one of its fields. The first of each
 * wins, and fields after the first author, term or item (the site has been sent) are skipped:
 * the site's memory stays bounded whatever the file repeats. */
static int wxr_read_site_field(struct wxr_parse *p, enum wxr_ns ns, const char *local)
{
    const struct wxr_field *field =
        wxr_find_field(wxr_site_fields, WXR_FIELD_COUNT(wxr_site_fields), ns, local);
    if (field && ns == WXR_NS_WP && strcmp(local, "wxr_version") == 0)
        p->have_version = true;
    const char **slot = field ? (const char **)(void *)((char *)&p->site + field->offset) : NULL;
    if (!slot || *slot || p->site_sent)
        return wxr_skip(p);
    if (wxr_read_text(p) < 0)
        return -1;
    wxr_store_field(p, field, &p->site, &p->site_arena);
    return 0;
}

static int wxr_read_channel(struct wxr_parse *p)
{
    p->have_channel = true;
    if (xmlTextReaderIsEmptyElement(p->reader))
        return 0;
    int depth = xmlTextReaderDepth(p->reader);
    int rc;
    while ((rc = wxr_next_child(p, depth)) > 0) {
        const char *local;
        enum wxr_ns ns = wxr_name(p, &local);
        if (ns == WXR_NS_NONE && strcmp(local, "item") == 0) {
            rc = wxr_read_item(p);
        } else if (ns == WXR_NS_WP && strcmp(local, "author") == 0) {
            rc = wxr_read_author(p);
        } else {
            size_t kind = 0;
            while (kind < WXR_FIELD_COUNT(wxr_term_kinds) &&
                   (ns != WXR_NS_WP || strcmp(local, wxr_term_kinds[kind].element)))
                kind++;
            if (kind < WXR_FIELD_COUNT(wxr_term_kinds)) {
                rc = wxr_read_term(p, kind);
            } else {
                rc = wxr_read_site_field(p, ns, local);
            }
        }
        if (rc != 0)
            return rc;
    }
    return rc;
}

/* Walks the document: <rss> root, its <channel>s, then the rest of the file (so trailing
 * garbage is still reported). */
static int wxr_read_document(struct wxr_parse *p)
{
    int rc;
    while ((rc = wxr_advance(p)) > 0 && xmlTextReaderNodeType(p->reader) != XML_READER_TYPE_ELEMENT)
        ;
    if (rc < 0)
        return -1;
    if (rc == 0)
        return wxr_fail_not_wxr(p, xmlTextReaderGetParserLineNumber(p->reader), "no root element");
    const char *local;
    if (wxr_name(p, &local) != WXR_NS_NONE || strcmp(local, "rss") != 0) {
        const char *name = (const char *)xmlTextReaderConstName(p->reader);
        buf why = {0};
        buf_printf(&why, "the root element is <%s>, not <rss>", name ? name : "");
        rc = wxr_fail_not_wxr(p, wxr_line(p), why.ptr);
        buf_free(&why);
        return rc;
    }
    if (!xmlTextReaderIsEmptyElement(p->reader)) {
        int depth = xmlTextReaderDepth(p->reader);
        while ((rc = wxr_next_child(p, depth)) > 0) {
            bool channel = wxr_name(p, &local) == WXR_NS_NONE && strcmp(local, "channel") == 0;
            rc = channel ? wxr_read_channel(p) : wxr_skip(p);
            if (rc != 0)
                return rc;
        }
        if (rc < 0)
            return -1;
    }
    while ((rc = wxr_advance(p)) > 0)
        ;
    if (rc < 0)
        return -1;
    int line = xmlTextReaderGetParserLineNumber(p->reader);
    if (!p->have_channel)
        return wxr_fail_not_wxr(p, line, "no <channel> in <rss>");
    if (!p->have_version)
        return wxr_fail_not_wxr(p, line, "no <wp:wxr_version> in the <channel>");
    rc = wxr_send_site(p);
    if (rc == 0)
        wxr_report_progress(p, true);
    return rc;
}

int import_wxr_read(const char *path, const struct wxr_sink *sink, buf *error)
{
    static const struct wxr_sink no_callbacks = {0};
    struct wxr_parse p = {.path = path, .sink = sink ? sink : &no_callbacks, .error = error};
    int rc = -1;
    int fd = -1;

    pthread_once(&wxr_init_once, wxr_init_libxml);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            buf_printf(error, "%s:0: cannot open: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (error)
            buf_printf(error, "%s:0: cannot read: %s", path, strerror(EISDIR));
        goto out;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        p.bytes_total = (size_t)st.st_size;
        if (p.bytes_total == 0) {
            if (error)
                buf_printf(error, "%s:1: not XML: the file is empty", path);
            goto out;
        }
    }
    p.next_progress = WXR_PROGRESS_STEP;
    /* The reader only looks at the first bytes here; parsing (and error reporting, which the
     * handler installed next takes over) starts with the first xmlTextReaderRead. */
    p.reader = xmlReaderForFd(fd, path, NULL, WXR_PARSE_OPTIONS);
    if (!p.reader) {
        if (error)
            buf_printf(error, "%s:0: cannot start the XML reader", path);
        goto out;
    }
    xmlTextReaderSetStructuredErrorHandler(p.reader, wxr_on_xml_error, &p);
    rc = wxr_read_document(&p);
out:
    if (p.reader)
        xmlFreeTextReader(p.reader);
    if (fd >= 0)
        close(fd);
    buf_free(&p.text);
    buf_free(&p.xml_error);
    arena_free(&p.site_arena);
    arena_free(&p.record_arena);
    return rc;
}

/* The string fields of the records, for wxr_item_copy: a string field added to these structs
 * is added here too. */
static const size_t item_strings[] = {
    offsetof(struct wxr_item, title),
    offsetof(struct wxr_item, link),
    offsetof(struct wxr_item, guid),
    offsetof(struct wxr_item, creator),
    offsetof(struct wxr_item, content),
    offsetof(struct wxr_item, excerpt),
    offsetof(struct wxr_item, pub_date),
    offsetof(struct wxr_item, post_date),
    offsetof(struct wxr_item, post_date_gmt),
    offsetof(struct wxr_item, post_name),
    offsetof(struct wxr_item, status),
    offsetof(struct wxr_item, post_type),
    offsetof(struct wxr_item, post_password),
    offsetof(struct wxr_item, comment_status),
    offsetof(struct wxr_item, ping_status),
    offsetof(struct wxr_item, post_modified),
    offsetof(struct wxr_item, post_modified_gmt),
    offsetof(struct wxr_item, attachment_url),
};
static const size_t term_strings[] = {
    offsetof(struct wxr_item_term, domain),
    offsetof(struct wxr_item_term, nicename),
    offsetof(struct wxr_item_term, name),
};
static const size_t comment_strings[] = {
    offsetof(struct wxr_comment, author),     offsetof(struct wxr_comment, author_email),
    offsetof(struct wxr_comment, author_url), offsetof(struct wxr_comment, author_ip),
    offsetof(struct wxr_comment, date),       offsetof(struct wxr_comment, date_gmt),
    offsetof(struct wxr_comment, content),    offsetof(struct wxr_comment, approved),
    offsetof(struct wxr_comment, type),
};
static const size_t meta_strings[] = {
    offsetof(struct wxr_postmeta, key),
    offsetof(struct wxr_postmeta, value),
};

#define COUNT_OF(table) (sizeof(table) / sizeof((table)[0]))

/* Copies `count` records of `size` bytes into `a`, and the strings at `offsets` in each; adds
 * the strings' bytes to *bytes and returns the copy. */
static void *copy_records(arena *a, const void *from, size_t count, size_t size,
                          const size_t *offsets, size_t offset_count, size_t *bytes)
{
    char *to = arena_alloc(a, (count ? count : 1) * size);
    if (count)
        memcpy(to, from, count * size);
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < offset_count; k++) {
            const char **field = (const char **)(void *)(to + i * size + offsets[k]);
            size_t len = strlen(*field);
            *bytes += len;
            *field = len ? arena_strndup(a, *field, len) : "";
        }
    return to;
}

size_t wxr_item_copy(arena *a, const struct wxr_item *item, struct wxr_item *copy)
{
    size_t bytes = 0;
    *copy = *(const struct wxr_item *)copy_records(a, item, 1, sizeof(*item), item_strings,
                                                   COUNT_OF(item_strings), &bytes);
    copy->terms = copy_records(a, item->terms, item->term_count, sizeof(*item->terms), term_strings,
                               COUNT_OF(term_strings), &bytes);
    copy->comments = copy_records(a, item->comments, item->comment_count, sizeof(*item->comments),
                                  comment_strings, COUNT_OF(comment_strings), &bytes);
    copy->meta = copy_records(a, item->meta, item->meta_count, sizeof(*item->meta), meta_strings,
                              COUNT_OF(meta_strings), &bytes);
    return bytes;
}
