/* posts.c: the posts list, the editor (Markdown with preview, scheduling), revisions, trash. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/admin.h"
#include "admin/media.h"
#include "admin/page.h"
#include "model/post.h"
#include "model/post_list.h"
#include "model/user.h"
#include "markup/markdown.h"
#include "render/pages.h"
#include "util/utf8.h"
#include "util/slug.h"

#define POSTS_PER_PAGE 20

static const enum post_status statuses[] = {POST_STATUS_PUBLISH, POST_STATUS_FUTURE,
                                            POST_STATUS_DRAFT,   POST_STATUS_PENDING,
                                            POST_STATUS_PRIVATE, POST_STATUS_TRASH};

static void db_error(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    admin_error(context, req, res, 503, "Database unavailable",
                "The site cannot read or write its database right now; nothing was changed. "
                "Try again in a minute.");
}

/* The post named by the path, if the user may edit it; otherwise `res` is filled. */
static bool load_own_post(struct handler_context *context, const struct web_request *req,
                          struct web_response *res, struct store_post *post)
{
    long long id = admin_path_id(req, "/admin/posts/");
    switch (post_get_editable(context->store, req->arena, id, context->user, post)) {
    case MODEL_OK:
        return true;
    case MODEL_NOT_FOUND:
        admin_error(context, req, res, 404, "No such post", "There is no post with this number.");
        return false;
    case MODEL_NOT_ALLOWED:
        admin_error(context, req, res, 403, "Not allowed",
                    "Authors may edit only their own posts.");
        return false;
    case MODEL_STORE_ERROR:
        break;
    }
    db_error(context, req, res);
    return false;
}

ADMIN_HANDLER(admin_posts)
{
    arena *a = req->arena;
    struct web_form query;
    web_form_parse(a, strview_from_cstr(req->query), &query);
    const char *status = web_form_get(&query, "status");
    const char *author = web_form_get(&query, "author");
    const char *category = web_form_get(&query, "category");
    const char *search = web_form_get(&query, "s");
    const char *page_text = web_form_get(&query, "page");
    long long page = page_text ? atoll(page_text) : 1;
    if (page < 1 || page > 100000)
        page = 1;
    enum post_status status_filter = POST_STATUS_ANY;
    if (status && *status && !post_status_parse(status, &status_filter)) {
        admin_error(context, req, res, 400, "Unknown status",
                    "status must be publish, future, draft, pending, private or trash.");
        return;
    }
    if (search && strlen(search) > 200)
        search = arena_strndup(a, search, utf8_cut(search, strlen(search), 200));
    struct post_list_query list_query = {
        .status = status_filter,
        .author = author,
        .category = category,
        .title = search,
        /* authors list their own posts */
        .own = user_may_moderate(context->user) ? 0 : context->user->id,
        .page = page,
        .per_page = POSTS_PER_PAGE};
    struct post_list list;
    if (post_list_load(context->store, a, &list_query, &list) != STORE_OK) {
        db_error(context, req, res);
        return;
    }
    const struct store_post *posts = list.posts;
    const struct store_user *users = list.users;
    const struct store_term *terms = list.terms;
    long long total = list.total;
    template_data *d = admin_page_data(context, req, "Posts");
    template_set_str(d, "search", search);
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        template_data *item = template_add_item(d, "statuses");
        template_set_str(item, "value", post_status_name(statuses[i]));
        template_set_bool(item, "selected", status_filter == statuses[i]);
    }
    if (user_may_moderate(context->user))
        for (size_t i = 0; i < list.user_count; i++) {
            template_data *item = template_add_item(d, "authors");
            template_set_str(item, "value", users[i].login);
            template_set_str(item, "name", users[i].display_name);
            template_set_bool(item, "selected", author && strcmp(author, users[i].login) == 0);
        }
    for (size_t i = 0; i < list.term_count; i++) {
        if (strcmp(terms[i].taxonomy, "category") != 0)
            continue;
        template_data *item = template_add_item(d, "categories");
        template_set_str(item, "value", terms[i].slug);
        template_set_str(item, "name", terms[i].name);
        template_set_bool(item, "selected", category && strcmp(category, terms[i].slug) == 0);
    }
    for (size_t i = 0; i < list.count; i++) {
        template_data *item = template_add_item(d, "posts");
        template_set_int(item, "id", posts[i].id);
        template_set_str(item, "title", *posts[i].title ? posts[i].title : "(no title)");
        template_set_str(item, "status", post_status_name(posts[i].status));
        template_set_str(item, "path", posts[i].path);
        template_set_bool(item, "public", post_is_public(&posts[i]));
        template_set_str(item, "author", posts[i].author_name ? posts[i].author_name : "");
        template_set_int(item, "comments", posts[i].approved_comments);
        template_set_str(item, "date", render_date_human(a, posts[i].published_at));
        template_set_str(item, "modified", render_date_human(a, posts[i].modified_at));
    }
    template_set_int(d, "total", total);
    /* the other pages of the same list keep its filters */
    const char *filters = arena_printf(
        a, "/admin/posts?status=%s&author=%s&category=%s&s=%s",
        web_url_encode(a, status_filter ? post_status_name(status_filter) : ""),
        web_url_encode(a, author ? author : ""), web_url_encode(a, category ? category : ""),
        web_url_encode(a, search ? search : ""));
    if (page > 1)
        template_set_str(d, "previous_page", arena_printf(a, "%s&page=%lld", filters, page - 1));
    if (page * POSTS_PER_PAGE < total)
        template_set_str(d, "next_page", arena_printf(a, "%s&page=%lld", filters, page + 1));
    admin_render(context, req, res, 200, "admin_posts", d);
}

/* The editor, filled from `post` (or the form sent back), with an error or a preview. */
static void show_editor(struct handler_context *context, const struct web_request *req,
                        struct web_response *res, int status, const struct store_post *post,
                        const struct post_draft *draft, const char *date, const char *error,
                        const char *error_field, const char *preview_html)
{
    arena *a = req->arena;
    template_data *d = admin_page_data(context, req, post->id ? "Edit post" : "Write a post");
    template_set_str(d, "action",
                     post->id ? arena_printf(a, "/admin/posts/%lld", post->id)
                              : "/admin/posts/new");
    template_set_int(d, "id", post->id);
    template_set_str(d, "title", draft->title);
    template_set_str(d, "slug", draft->slug);
    template_set_str(d, "excerpt", draft->excerpt);
    template_set_str(d, "body", draft->markdown);
    template_set_bool(d, "html", draft->html);
    template_set_str(d, "categories", draft->categories);
    template_set_str(d, "tags", draft->tags);
    template_set_str(d, "date", date);
    template_set_bool(d, "comments_open", draft->comments_open);
    template_set_str(d, "error", error);
    template_set_str(d, "error_field", error_field);
    template_set_html(d, "preview", preview_html);
    long long featured = draft->featured_media_id > 0                     ? draft->featured_media_id
                         : draft->featured_media_id == POST_FEATURED_NONE ? 0
                                                                          : post->featured_media_id;
    template_set_bool(d, "no_featured", featured == 0);
    admin_media_recent(context, req, d, featured);
    if (post->id) {
        template_set_str(d, "path", post->path);
        template_set_str(d, "current_status", post_status_name(post->status));
        template_set_bool(d, "public", post_is_public(post));
        template_set_bool(d, "trashed", post->status == POST_STATUS_TRASH);
    }
    static const struct {
        enum post_status status;
        const char *label;
    } choices[] = {{POST_STATUS_DRAFT, "Draft"},
                   {POST_STATUS_PENDING, "Pending review"},
                   {POST_STATUS_PUBLISH, "Published (or scheduled)"},
                   {POST_STATUS_PRIVATE, "Private"}};
    /* the draft's status is the form's text (none selected when it is not a status) */
    enum post_status chosen = POST_STATUS_DRAFT;
    if (draft->status && !post_status_parse(draft->status, &chosen))
        chosen = POST_STATUS_ANY;
    if (chosen == POST_STATUS_FUTURE)
        chosen = POST_STATUS_PUBLISH;
    for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
        template_data *item = template_add_item(d, "statuses");
        template_set_str(item, "value", post_status_name(choices[i].status));
        template_set_str(item, "label", choices[i].label);
        template_set_bool(item, "selected", chosen == choices[i].status);
    }
    admin_render(context, req, res, status, "admin_post_edit", d);
}

/* "YYYY-MM-DD HH:MM" (UTC), as the date field takes it. */
static const char *date_text(arena *a, long long t)
{
    time_t seconds = (time_t)t;
    struct tm tm;
    char text[32];
    if (!gmtime_r(&seconds, &tm) || !strftime(text, sizeof(text), "%Y-%m-%d %H:%M", &tm))
        return "";
    return arena_strdup(a, text);
}

ADMIN_HANDLER(admin_post_new)
{
    struct store_post post = {0};
    struct post_draft draft = {.title = "", .status = "draft", .comments_open = true};
    show_editor(context, req, res, 200, &post, &draft, "", NULL, NULL, NULL);
}

ADMIN_HANDLER(admin_post_edit)
{
    struct store_post post;
    if (!load_own_post(context, req, res, &post))
        return;
    arena *a = req->arena;
    bool html = !*post.body_source && *post.body_html;
    struct post_draft draft = {
        .title = post.title,
        .slug = slug_readable(a, post.slug), /* saved unchanged, it gives the same slug */
        .excerpt = post.excerpt,
        .status = post_status_name(post.status),
        .markdown = html ? post.body_html : post.body_source,
        .html = html,
        .categories = post_term_names(context->store, a, post.id, "category"),
        .tags = post_term_names(context->store, a, post.id, "post_tag"),
        .comments_open = post.comments_open,
    };
    show_editor(context, req, res, 200, &post, &draft, date_text(a, post.published_at), NULL, NULL,
                NULL);
}

ADMIN_HANDLER(admin_post_save)
{
    arena *a = req->arena;
    struct store_post post = {0};
    bool is_new = strcmp(req->path, "/admin/posts/new") == 0;
    if (!is_new && !load_own_post(context, req, res, &post))
        return;
    struct web_form form;
    admin_form(req, &form);
    const char *comments = web_form_get(&form, "comments");
    const char *date = web_form_get(&form, "date");
    const char *action = web_form_get(&form, "action");
    const char *format = web_form_get(&form, "format");
    /* the featured image: absent keeps it, "" or "0" is none, else a media's number */
    const char *featured = web_form_get(&form, "featured");
    long long featured_id = POST_FEATURED_KEEP;
    if (featured) {
        char *end;
        featured_id = strtoll(featured, &end, 10);
        if (*end || featured_id < 0)
            featured_id = -2; /* refused below, once the draft can be shown again */
        else if (featured_id == 0)
            featured_id = POST_FEATURED_NONE;
    }
    struct post_draft draft = {
        .id = post.id,
        .title = web_form_get(&form, "title"),
        .slug = web_form_get(&form, "slug"),
        .excerpt = web_form_get(&form, "excerpt"),
        .status = web_form_get(&form, "status"),
        .markdown = web_form_get(&form, "body"),
        .html = format && strcmp(format, "html") == 0,
        .categories = web_form_get(&form, "categories"),
        .tags = web_form_get(&form, "tags"),
        .author_id = context->user->id,
        .editor_id = context->user->id,
        .comments_open = !comments || strcmp(comments, "closed") != 0,
        .published_at = date && *date ? post_parse_date(date) : 0,
        .featured_media_id = featured_id,
    };
    if (!draft.title)
        draft.title = "";
    if (!draft.markdown)
        draft.markdown = "";
    if (featured_id == -2) {
        draft.featured_media_id = POST_FEATURED_KEEP;
        show_editor(context, req, res, 422, &post, &draft, date,
                    "The featured image must be one of the library's images, or none.", "featured",
                    NULL);
        return;
    }
    if (action && strcmp(action, "preview") == 0) {
        buf html = {0};
        if (draft.html)
            post_html_body(draft.markdown, &html);
        else
            markup_markdown(draft.markdown, strlen(draft.markdown), SANITIZE_ARTICLE, &html);
        const char *preview = arena_take_buf(a, &html);
        show_editor(context, req, res, 200, &post, &draft, date, NULL, NULL,
                    *preview ? preview : "<p>(empty)</p>");
        return;
    }
    long long id;
    const char *field;
    buf error = {0};
    int rc = post_save(context->store, a, &draft, context->now, &id, &field, &error);
    const char *message = arena_take_buf(a, &error);
    if (rc == POST_INVALID) {
        show_editor(context, req, res, 422, &post, &draft, date, message, field, NULL);
        return;
    }
    if (rc != STORE_OK) {
        show_editor(context, req, res, rc == STORE_NOT_FOUND ? 404 : 503, &post, &draft, date,
                    arena_printf(a, "Not saved: %s", message), NULL, NULL);
        return;
    }
    struct store_post saved;
    const char *done = "saved";
    if (post_get(context->store, a, id, &saved) == STORE_OK)
        done = saved.status == POST_STATUS_FUTURE    ? "scheduled"
               : saved.status == POST_STATUS_PUBLISH ? "published"
                                                     : "saved";
    admin_audit(context, is_new ? "post.create" : "post.update", arena_printf(a, "post %lld", id),
                draft.title);
    admin_redirect_done(req, res, arena_printf(a, "/admin/posts/%lld", id), done);
}

ADMIN_HANDLER(admin_post_trash)
{
    struct store_post post;
    if (!load_own_post(context, req, res, &post))
        return;
    bool trash = strstr(req->path, "/untrash") == NULL;
    struct store_audit audit =
        admin_audit_entry(context, trash ? "post.trash" : "post.untrash",
                          arena_printf(req->arena, "post %lld", post.id), post.title);
    if (post_set_trashed(context->store, post.id, trash, &audit) != MODEL_OK) {
        db_error(context, req, res);
        return;
    }
    admin_redirect_done(req, res, arena_printf(req->arena, "/admin/posts/%lld", post.id),
                        trash ? "trashed" : "restored");
}

ADMIN_HANDLER(admin_post_comments_open)
{
    struct store_post post;
    if (!load_own_post(context, req, res, &post))
        return;
    struct web_form form;
    admin_form(req, &form);
    const char *open = web_form_get(&form, "open");
    if (!open || (strcmp(open, "0") != 0 && strcmp(open, "1") != 0)) {
        admin_error(context, req, res, 400, "Open or close?",
                    "The form must say open=1 or open=0.");
        return;
    }
    bool opening = strcmp(open, "1") == 0;
    struct store_audit audit =
        admin_audit_entry(context, opening ? "post.comments_open" : "post.comments_close",
                          arena_printf(req->arena, "post %lld", post.id), post.title);
    if (post_set_comments_open(context->store, post.id, opening, &audit) != MODEL_OK) {
        db_error(context, req, res);
        return;
    }
    const char *back = web_form_get(&form, "back");
    admin_redirect_done(req, res,
                        back && strcmp(back, "article") == 0
                            ? post.path
                            : arena_printf(req->arena, "/admin/posts/%lld", post.id),
                        opening ? "opened" : "closed");
}

ADMIN_HANDLER(admin_post_revisions)
{
    struct store_post post;
    if (!load_own_post(context, req, res, &post))
        return;
    arena *a = req->arena;
    struct store_revision *revisions;
    size_t count;
    if (post_revisions(context->store, a, post.id, &revisions, &count) != STORE_OK) {
        db_error(context, req, res);
        return;
    }
    template_data *d =
        admin_page_data(context, req, arena_printf(a, "Revisions of “%s”", post.title));
    template_set_int(d, "id", post.id);
    template_set_str(d, "title", post.title);
    for (size_t i = 0; i < count; i++) {
        template_data *item = template_add_item(d, "revisions");
        template_set_int(item, "revision_id", revisions[i].id);
        template_set_str(item, "saved", render_date_human(a, revisions[i].saved_at));
        template_set_str(item, "saved_iso", render_date_iso(a, revisions[i].saved_at));
        template_set_str(item, "by", revisions[i].user_login);
        template_set_str(item, "revision_title", revisions[i].title);
        template_set_str(item, "body",
                         *revisions[i].body_source ? revisions[i].body_source
                                                   : revisions[i].body_html);
    }
    admin_render(context, req, res, 200, "admin_revisions", d);
}

ADMIN_HANDLER(admin_post_restore)
{
    struct store_post post;
    if (!load_own_post(context, req, res, &post))
        return;
    arena *a = req->arena;
    struct web_form form;
    admin_form(req, &form);
    const char *revision_text = web_form_get(&form, "revision");
    long long revision_id = revision_text ? atoll(revision_text) : 0;
    buf error = {0};
    enum post_restore_result rc = post_restore_revision(context->store, a, &post, revision_id,
                                                        context->user->id, context->now, &error);
    const char *message = arena_take_buf(a, &error);
    switch (rc) {
    case POST_RESTORED:
        break;
    case POST_RESTORE_UNREADABLE:
        db_error(context, req, res);
        return;
    case POST_RESTORE_NO_REVISION:
        admin_error(context, req, res, 404, "No such revision",
                    "This post has no revision with that number.");
        return;
    case POST_RESTORE_INVALID:
    case POST_RESTORE_NOT_SAVED:
        admin_error(context, req, res, rc == POST_RESTORE_INVALID ? 422 : 503, "Not restored",
                    message);
        return;
    }
    admin_audit(context, "post.restore", arena_printf(a, "post %lld", post.id),
                arena_printf(a, "revision %lld", revision_id));
    admin_redirect_done(req, res, arena_printf(a, "/admin/posts/%lld", post.id), "restored");
}
