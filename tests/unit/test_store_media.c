/* test_store_media.c: media and their files in the store (store.h's Media section), on SQLite
 * and, with GAZETTE_TEST_POSTGRES, on PostgreSQL: inserts and the finds, the list's filters and
 * count, files written with their bytes (NULs, a 20 MiB one, an empty one), replaced by their
 * own media and refused to another, listed in order and cleared; a delete that takes the files
 * and leaves the posts that featured it with none; a post's featured image through its writes
 * and reads; and what the writes tell the change hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "temp_store.h"

#define NOW 1700000000LL

static int setup(void **state)
{
    return temp_fixture_setup(state, "media");
}

static long long insert_media(struct temp_fixture *f, long long wp_id, const char *file,
                              const char *page_path, const char *title, long long created_at)
{
    struct store_media m = {
        .wp_id = wp_id,
        .file = file,
        .slug = "a",
        .page_path = page_path,
        .title = title,
        .caption = "",
        .alt = "",
        .description = "",
        .mime = "image/jpeg",
        .width = 640,
        .height = 480,
        .bytes = 1000,
        .created_at = created_at,
    };
    long long id = 0;
    assert_int_equal(store_media_insert(f->s, &m, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static long long insert_post(struct temp_fixture *f, const char *slug, long long featured)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = slug,
        .body_html = "<p>x</p>",
        .body_text = "x",
        .published_at = NOW,
        .modified_at = NOW,
        .comments_open = true,
        .featured_media_id = featured,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    return id;
}

static long long put_file(struct temp_fixture *f, long long media_id, const char *path,
                          const char *size, long long width, const unsigned char *data,
                          size_t length)
{
    struct store_media_file file = {
        .media_id = media_id,
        .path = path,
        .size = size,
        .mime = "image/jpeg",
        .width = width,
        .height = width / 2,
        .bytes = (long long)length,
        .etag = "e",
        .data = data,
    };
    long long id = 0;
    assert_int_equal(store_media_file_put(f->s, &file, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static void test_insert_get_find(void **state)
{
    struct temp_fixture *f = *state;
    long long author = 0;
    struct store_user user = {.login = "ann",
                              .display_name = "Ann",
                              .role = USER_AUTHOR,
                              .email = "",
                              .password_hash = "",
                              .nicename = "ann"};
    assert_int_equal(store_user_insert(f->s, &user, &author), STORE_OK);
    long long post = insert_post(f, "parent", 0);
    struct store_media m = {
        .id = 500,
        .wp_id = 77,
        .post_id = post,
        .author_id = author,
        .file = "2013/01/a.jpg",
        .slug = "a",
        .page_path = "/parent/a/",
        .title = "A title",
        .caption = "A caption",
        .alt = "An alt",
        .description = "A description",
        .mime = "image/jpeg",
        .width = 1200,
        .height = 800,
        .bytes = 123456,
        .created_at = NOW,
    };
    long long id = 0;
    assert_int_equal(store_media_insert(f->s, &m, &id), STORE_OK);
    assert_int_equal(id, 500); /* the given id is kept */
    /* the next id the store picks comes after it */
    long long next = insert_media(f, 0, "2013/01/b.jpg", "", "B", NOW);
    assert_true(next > 500);

    struct store_media got;
    assert_int_equal(store_media_get(f->s, &f->a, 500, &got), STORE_OK);
    assert_int_equal(got.id, 500);
    assert_int_equal(got.wp_id, 77);
    assert_int_equal(got.post_id, post);
    assert_int_equal(got.author_id, author);
    assert_string_equal(got.file, "2013/01/a.jpg");
    assert_string_equal(got.slug, "a");
    assert_string_equal(got.page_path, "/parent/a/");
    assert_string_equal(got.title, "A title");
    assert_string_equal(got.caption, "A caption");
    assert_string_equal(got.alt, "An alt");
    assert_string_equal(got.description, "A description");
    assert_string_equal(got.mime, "image/jpeg");
    assert_int_equal(got.width, 1200);
    assert_int_equal(got.height, 800);
    assert_int_equal(got.bytes, 123456);
    assert_int_equal(got.created_at, NOW);

    assert_int_equal(store_media_find_wp_id(f->s, &f->a, 77, &got), STORE_OK);
    assert_int_equal(got.id, 500);
    assert_int_equal(store_media_find_file(f->s, &f->a, "2013/01/b.jpg", &got), STORE_OK);
    assert_int_equal(got.id, next);
    assert_int_equal(got.wp_id, 0);
    assert_int_equal(got.post_id, 0);
    assert_int_equal(got.author_id, 0);
    assert_int_equal(store_media_find_page(f->s, &f->a, "/parent/a/", &got), STORE_OK);
    assert_int_equal(got.id, 500);
    /* "" is no page: the media without one are not found by it */
    assert_int_equal(store_media_find_page(f->s, &f->a, "", &got), STORE_NOT_FOUND);
    assert_int_equal(store_media_get(f->s, &f->a, 9999, &got), STORE_NOT_FOUND);
    assert_int_equal(store_media_find_wp_id(f->s, &f->a, 78, &got), STORE_NOT_FOUND);
    assert_int_equal(store_media_find_file(f->s, &f->a, "2013/01/c.jpg", &got), STORE_NOT_FOUND);

    /* unique: a WordPress ID, a file, a page; but many have none of the first and last */
    insert_media(f, 0, "2013/01/c.jpg", "", "C", NOW);
    struct store_media dup = m;
    dup.id = 0;
    dup.file = "2013/01/d.jpg";
    dup.page_path = "";
    assert_int_not_equal(store_media_insert(f->s, &dup, &id), STORE_OK); /* wp_id 77 */
    dup.wp_id = 0;
    dup.file = "2013/01/a.jpg";
    assert_int_not_equal(store_media_insert(f->s, &dup, &id), STORE_OK); /* the file */
    dup.file = "2013/01/d.jpg";
    dup.page_path = "/parent/a/";
    assert_int_not_equal(store_media_insert(f->s, &dup, &id), STORE_OK); /* the page */
    long long count = 0;
    assert_int_equal(store_media_count(f->s, &(struct store_media_filter){0}, &count), STORE_OK);
    assert_int_equal(count, 3);
}

static void test_update(void **state)
{
    struct temp_fixture *f = *state;
    long long id = insert_media(f, 5, "2014/02/x.png", "", "Old", NOW);
    long long post = insert_post(f, "p", 0);
    struct store_media m = {
        .id = id,
        .wp_id = 6, /* not written by an update */
        .post_id = post,
        .file = "2014/02/y.png",
        .slug = "y",
        .page_path = "/p/y/",
        .title = "New",
        .caption = "c",
        .alt = "a",
        .description = "d",
        .mime = "image/png",
        .width = 10,
        .height = 20,
        .bytes = 30,
        .created_at = NOW + 1,
    };
    assert_int_equal(store_media_update(f->s, &m), STORE_OK);
    struct store_media got;
    assert_int_equal(store_media_get(f->s, &f->a, id, &got), STORE_OK);
    assert_int_equal(got.wp_id, 5);
    assert_int_equal(got.post_id, post);
    assert_string_equal(got.file, "2014/02/y.png");
    assert_string_equal(got.slug, "y");
    assert_string_equal(got.page_path, "/p/y/");
    assert_string_equal(got.title, "New");
    assert_string_equal(got.caption, "c");
    assert_string_equal(got.alt, "a");
    assert_string_equal(got.description, "d");
    assert_string_equal(got.mime, "image/png");
    assert_int_equal(got.width, 10);
    assert_int_equal(got.height, 20);
    assert_int_equal(got.bytes, 30);
    assert_int_equal(got.created_at, NOW + 1);
    /* post 0: attached to none */
    m.post_id = 0;
    assert_int_equal(store_media_update(f->s, &m), STORE_OK);
    assert_int_equal(store_media_get(f->s, &f->a, id, &got), STORE_OK);
    assert_int_equal(got.post_id, 0);
    m.id = id + 100;
    assert_int_equal(store_media_update(f->s, &m), STORE_NOT_FOUND);
}

/* The files of a listing, joined by spaces. */
static const char *listed(struct temp_fixture *f, struct store_media_filter filter)
{
    struct store_media *media;
    size_t count;
    assert_int_equal(store_media_list(f->s, &f->a, &filter, &media, &count), STORE_OK);
    long long total = -1;
    filter.limit = filter.offset = 0;
    assert_int_equal(store_media_count(f->s, &filter, &total), STORE_OK);
    assert_true((long long)count <= total);
    buf out = {0};
    for (size_t i = 0; i < count; i++)
        buf_printf(&out, "%s%s", i ? " " : "", media[i].file);
    return arena_take_buf(&f->a, &out);
}

static long long counted(struct temp_fixture *f, struct store_media_filter filter)
{
    long long total = -1;
    assert_int_equal(store_media_count(f->s, &filter, &total), STORE_OK);
    return total;
}

static void test_list_filters(void **state)
{
    struct temp_fixture *f = *state;
    long long post = insert_post(f, "p", 0);
    long long a = insert_media(f, 0, "a.jpg", "", "Sunset over Sea", NOW);
    long long b = insert_media(f, 0, "b.jpg", "", "Mountain", NOW + 10);
    long long c = insert_media(f, 0, "c_100%.jpg", "", "Forest", NOW); /* same time as a */
    long long d = insert_media(f, 0, "d.jpg", "", "Desert", NOW - 10);
    struct store_media m;
    /* b attached to the post; c with its caption, d with its alt; d missing its bytes */
    assert_int_equal(store_media_get(f->s, &f->a, b, &m), STORE_OK);
    m.post_id = post;
    assert_int_equal(store_media_update(f->s, &m), STORE_OK);
    assert_int_equal(store_media_get(f->s, &f->a, c, &m), STORE_OK);
    m.caption = "A GREEN sea of trees";
    assert_int_equal(store_media_update(f->s, &m), STORE_OK);
    assert_int_equal(store_media_get(f->s, &f->a, d, &m), STORE_OK);
    m.alt = "sand";
    m.bytes = 0;
    assert_int_equal(store_media_update(f->s, &m), STORE_OK);
    (void)a;

    /* newest first; at the same time, the later id first */
    assert_string_equal(listed(f, (struct store_media_filter){0}), "b.jpg c_100%.jpg a.jpg d.jpg");
    assert_int_equal(counted(f, (struct store_media_filter){0}), 4);
    assert_string_equal(listed(f, (struct store_media_filter){.limit = 2, .offset = 1}),
                        "c_100%.jpg a.jpg");
    /* a substring of title, caption, alt or file, in any case */
    assert_string_equal(listed(f, (struct store_media_filter){.search = "SEA"}),
                        "c_100%.jpg a.jpg");
    assert_int_equal(counted(f, (struct store_media_filter){.search = "sea"}), 2);
    assert_string_equal(listed(f, (struct store_media_filter){.search = "SAND"}), "d.jpg");
    assert_string_equal(listed(f, (struct store_media_filter){.search = "b.jp"}), "b.jpg");
    /* % and _ are plain characters */
    assert_string_equal(listed(f, (struct store_media_filter){.search = "0%"}), "c_100%.jpg");
    assert_string_equal(listed(f, (struct store_media_filter){.search = "_"}), "c_100%.jpg");
    assert_string_equal(listed(f, (struct store_media_filter){.search = "%"}), "c_100%.jpg");
    assert_string_equal(listed(f, (struct store_media_filter){.search = "nowhere"}), "");
    assert_int_equal(counted(f, (struct store_media_filter){.search = "nowhere"}), 0);
    /* "" is any */
    assert_int_equal(counted(f, (struct store_media_filter){.search = ""}), 4);
    assert_string_equal(listed(f, (struct store_media_filter){.post_id = post}), "b.jpg");
    assert_int_equal(counted(f, (struct store_media_filter){.post_id = post}), 1);
    assert_string_equal(listed(f, (struct store_media_filter){.missing_only = true}), "d.jpg");
    assert_int_equal(counted(f, (struct store_media_filter){.missing_only = true}), 1);
    assert_string_equal(listed(f, (struct store_media_filter){.search = "sea", .post_id = post}),
                        "");
}

static void test_file_put_find_data(void **state)
{
    struct temp_fixture *f = *state;
    long long media = insert_media(f, 0, "2020/05/p.jpg", "", "P", NOW);
    long long other = insert_media(f, 0, "2020/05/q.jpg", "", "Q", NOW);
    static const unsigned char bytes[] = {0xff, 0xd8, 0x00, 0x00, 0x5c, 0x78, 0x00, 0x01,
                                          0x27, 0x00, 0x80, 0xfe, 0xff, 0xd9, 0x00};
    long long id = put_file(f, media, "2020/05/p.jpg", "full", 640, bytes, sizeof(bytes));

    struct store_media_file got;
    assert_int_equal(store_media_file_find(f->s, &f->a, "2020/05/p.jpg", &got), STORE_OK);
    assert_int_equal(got.id, id);
    assert_int_equal(got.media_id, media);
    assert_string_equal(got.path, "2020/05/p.jpg");
    assert_string_equal(got.size, "full");
    assert_string_equal(got.mime, "image/jpeg");
    assert_int_equal(got.width, 640);
    assert_int_equal(got.height, 320);
    assert_int_equal(got.bytes, sizeof(bytes));
    assert_string_equal(got.etag, "e");
    assert_null(got.data);
    assert_int_equal(store_media_file_find(f->s, &f->a, "2020/05/none.jpg", &got), STORE_NOT_FOUND);

    const unsigned char *data = NULL;
    size_t length = 0;
    assert_int_equal(store_media_file_data(f->s, &f->a, "2020/05/p.jpg", &data, &length), STORE_OK);
    assert_int_equal(length, sizeof(bytes));
    assert_memory_equal(data, bytes, sizeof(bytes));
    assert_int_equal(store_media_file_data(f->s, &f->a, "2020/05/none.jpg", &data, &length),
                     STORE_NOT_FOUND);

    /* the same media writes the path again: replaced, the same row */
    static const unsigned char again[] = {0x00, 0x01, 0x02};
    struct store_media_file file = {.media_id = media,
                                    .path = "2020/05/p.jpg",
                                    .size = "full",
                                    .mime = "image/webp",
                                    .width = 10,
                                    .height = 5,
                                    .bytes = sizeof(again),
                                    .etag = "f",
                                    .data = again};
    long long replaced = 0;
    assert_int_equal(store_media_file_put(f->s, &file, &replaced), STORE_OK);
    assert_int_equal(replaced, id);
    assert_int_equal(store_media_file_find(f->s, &f->a, "2020/05/p.jpg", &got), STORE_OK);
    assert_string_equal(got.mime, "image/webp");
    assert_int_equal(got.width, 10);
    assert_int_equal(got.height, 5);
    assert_int_equal(got.bytes, 3);
    assert_string_equal(got.etag, "f");
    assert_int_equal(store_media_file_data(f->s, &f->a, "2020/05/p.jpg", &data, &length), STORE_OK);
    assert_int_equal(length, 3);
    assert_memory_equal(data, again, 3);

    /* another media may not take it */
    file.media_id = other;
    file.data = bytes;
    file.bytes = sizeof(bytes);
    assert_int_equal(store_media_file_put(f->s, &file, &replaced), STORE_CONFLICT);
    assert_int_equal(store_media_file_find(f->s, &f->a, "2020/05/p.jpg", &got), STORE_OK);
    assert_int_equal(got.media_id, media);
    assert_int_equal(store_media_file_data(f->s, &f->a, "2020/05/p.jpg", &data, &length), STORE_OK);
    assert_int_equal(length, 3);

    /* an empty file is empty bytes, not none */
    put_file(f, other, "2020/05/empty.txt", "full", 0, NULL, 0);
    data = NULL;
    length = 99;
    assert_int_equal(store_media_file_data(f->s, &f->a, "2020/05/empty.txt", &data, &length),
                     STORE_OK);
    assert_non_null(data);
    assert_int_equal(length, 0);
}

static void test_large_file(void **state)
{
    struct temp_fixture *f = *state;
    long long media = insert_media(f, 0, "big.bin", "", "Big", NOW);
    size_t size = 20u << 20;
    unsigned char *bytes = malloc(size);
    assert_non_null(bytes);
    unsigned long long x = 88172645463325252ULL; /* xorshift: every byte value, NULs too */
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes[i] = (unsigned char)x;
    }
    put_file(f, media, "big.bin", "full", 0, bytes, size);
    const unsigned char *data = NULL;
    size_t length = 0;
    assert_int_equal(store_media_file_data(f->s, &f->a, "big.bin", &data, &length), STORE_OK);
    assert_int_equal(length, size);
    assert_true(memcmp(data, bytes, size) == 0);
    free(bytes);
}

static void test_files_order_and_clear(void **state)
{
    struct temp_fixture *f = *state;
    long long media = insert_media(f, 0, "m.jpg", "", "M", NOW);
    long long other = insert_media(f, 0, "o.jpg", "", "O", NOW);
    static const unsigned char b[] = {1};
    put_file(f, media, "m.jpg", "full", 1024, b, 1);
    put_file(f, media, "m-300x150.jpg", "medium", 300, b, 1);
    put_file(f, media, "m-150x75.jpg", "thumbnail", 150, b, 1);
    put_file(f, media, "m-300x150.webp", "medium", 300, b, 1);
    put_file(f, media, "M-300x150.jpg", "medium", 300, b, 1); /* capitals sort first */
    put_file(f, other, "o.jpg", "full", 50, b, 1);
    struct store_media_file *files;
    size_t count;
    assert_int_equal(store_media_files(f->s, &f->a, media, &files, &count), STORE_OK);
    assert_int_equal(count, 5);
    const char *expected[] = {"m-150x75.jpg", "M-300x150.jpg", "m-300x150.jpg", "m-300x150.webp",
                              "m.jpg"};
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(files[i].path, expected[i]);
        assert_int_equal(files[i].media_id, media);
        assert_null(files[i].data);
    }
    assert_string_equal(files[0].size, "thumbnail");
    assert_int_equal(files[4].width, 1024);

    assert_int_equal(store_media_files_clear(f->s, media), STORE_OK);
    assert_int_equal(store_media_files(f->s, &f->a, media, &files, &count), STORE_OK);
    assert_int_equal(count, 0);
    assert_int_equal(store_media_files(f->s, &f->a, other, &files, &count), STORE_OK);
    assert_int_equal(count, 1);
    /* the media stays, and its paths are free again */
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, media, &m), STORE_OK);
    put_file(f, media, "m.jpg", "full", 1024, b, 1);
}

static void test_delete(void **state)
{
    struct temp_fixture *f = *state;
    long long media = insert_media(f, 0, "gone.jpg", "/gone/", "Gone", NOW);
    long long kept = insert_media(f, 0, "kept.jpg", "", "Kept", NOW);
    static const unsigned char b[] = {1, 2};
    put_file(f, media, "gone.jpg", "full", 10, b, 2);
    put_file(f, media, "gone-5x5.jpg", "thumbnail", 5, b, 2);
    put_file(f, kept, "kept.jpg", "full", 10, b, 2);
    long long featuring = insert_post(f, "featuring", media);
    long long featuring_kept = insert_post(f, "featuring-kept", kept);

    assert_int_equal(store_media_delete(f->s, media), STORE_OK);
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, media, &m), STORE_NOT_FOUND);
    assert_int_equal(store_media_find_page(f->s, &f->a, "/gone/", &m), STORE_NOT_FOUND);
    struct store_media_file file;
    assert_int_equal(store_media_file_find(f->s, &f->a, "gone.jpg", &file), STORE_NOT_FOUND);
    assert_int_equal(store_media_file_find(f->s, &f->a, "gone-5x5.jpg", &file), STORE_NOT_FOUND);
    assert_int_equal(store_media_file_find(f->s, &f->a, "kept.jpg", &file), STORE_OK);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, featuring, &post), STORE_OK);
    assert_int_equal(post.featured_media_id, 0);
    assert_int_equal(store_post_get(f->s, &f->a, featuring_kept, &post), STORE_OK);
    assert_int_equal(post.featured_media_id, kept);
    assert_int_equal(store_media_delete(f->s, media), STORE_NOT_FOUND);
}

static void test_featured_media_of_posts(void **state)
{
    struct temp_fixture *f = *state;
    long long first = insert_media(f, 0, "first.jpg", "", "First", NOW);
    long long second = insert_media(f, 0, "second.jpg", "", "Second", NOW);
    long long id = insert_post(f, "featured", first);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    assert_int_equal(post.featured_media_id, first);
    assert_int_equal(store_post_find_path(f->s, &f->a, "/featured/", &post), STORE_OK);
    assert_int_equal(post.featured_media_id, first);
    struct store_post *posts;
    size_t count;
    struct store_post_filter filter = {.type = POST_TYPE_POST, .status = POST_STATUS_PUBLISH};
    assert_int_equal(store_post_list(f->s, &f->a, &filter, &posts, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(posts[0].featured_media_id, first);

    post.featured_media_id = second;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    assert_int_equal(post.featured_media_id, second);
    post.featured_media_id = 0;
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    assert_int_equal(post.featured_media_id, 0);
    long long plain = insert_post(f, "plain", 0);
    assert_int_equal(store_post_get(f->s, &f->a, plain, &post), STORE_OK);
    assert_int_equal(post.featured_media_id, 0);
    /* a media that is not there cannot be featured */
    post.featured_media_id = second + 1000;
    assert_int_not_equal(store_post_update(f->s, &post), STORE_OK);
}

/* What the writes told the change hook. */
static long long changes[16];
static size_t change_count;

static void on_change(void *context, long long scope)
{
    (void)context;
    if (change_count < sizeof(changes) / sizeof(changes[0]))
        changes[change_count++] = scope;
}

static void test_change_scopes(void **state)
{
    struct temp_fixture *f = *state;
    store_on_change(on_change, NULL);
    change_count = 0;
    long long media = insert_media(f, 0, "s.jpg", "", "S", NOW);
    assert_int_equal(change_count, 0); /* no page shows a new media yet */
    static const unsigned char b[] = {1};
    put_file(f, media, "s.jpg", "full", 1, b, 1);
    assert_int_equal(change_count, 1);
    assert_int_equal(changes[0], -1);
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, media, &m), STORE_OK);
    assert_int_equal(change_count, 1); /* reads change nothing */
    assert_int_equal(store_media_update(f->s, &m), STORE_OK);
    assert_int_equal(store_media_files_clear(f->s, media), STORE_OK);
    assert_int_equal(store_media_delete(f->s, media), STORE_OK);
    assert_int_equal(change_count, 4);
    assert_int_equal(changes[1], -1);
    assert_int_equal(changes[2], -1);
    assert_int_equal(changes[3], -1);
    store_on_change(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_get_find, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_file_put_find_data, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_large_file, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_files_order_and_clear, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_featured_media_of_posts, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_change_scopes, setup, temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
