# test_import_identity.py: after `gazette import wxr` the site keeps its identity (title,
# tagline, language, time zone, menus) and each item its metadata (local dates, post format,
# custom fields, page order, nested categories, post-trashed comments), with every name escaped
# exactly once. The export is written here, shaped as WordPress writes one; then the public
# Theme Unit Test export, when ../shared has it.
import html
import os
import re

import pytest

from conftest import _cdata, admin_session, db_execute

OLD = "http://old.example.invalid"


def channel(items, terms=(), title="News &amp; Notes", language="de-AT"):
    """A WXR 1.2 document. `title` is XML text (WordPress writes the name as it stores it,
    HTML-escaped); `terms` and `items` are XML fragments."""
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">',
        "<channel>",
        f"\t<title>{title}</title>",
        f"\t<link>{OLD}</link>",
        "\t<description>Small &amp;amp; local</description>",
        f"\t<language>{language}</language>",
        "\t<wp:wxr_version>1.2</wp:wxr_version>",
        f"\t<wp:base_site_url>{OLD}</wp:base_site_url>",
        f"\t<wp:base_blog_url>{OLD}</wp:base_blog_url>",
        "\t<wp:author><wp:author_id>1</wp:author_id>"
        f"<wp:author_login>{_cdata('tester')}</wp:author_login>"
        f"<wp:author_email>{_cdata('tester@example.invalid')}</wp:author_email>"
        f"<wp:author_display_name>{_cdata('Ann &amp; Bob')}</wp:author_display_name>"
        "</wp:author>",
        *terms,
        *items,
        "</channel>",
        "</rss>",
        "",
    ])


def category(term_id, slug, name, parent=""):
    return (f"\t<wp:category><wp:term_id>{term_id}</wp:term_id>"
            f"<wp:category_nicename>{_cdata(slug)}</wp:category_nicename>"
            f"<wp:category_parent>{_cdata(parent)}</wp:category_parent>"
            f"<wp:cat_name>{_cdata(name)}</wp:cat_name></wp:category>")


def nav_menu_term(term_id, slug, name):
    return (f"\t<wp:term><wp:term_id>{term_id}</wp:term_id>"
            f"<wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
            f"<wp:term_slug>{_cdata(slug)}</wp:term_slug>"
            f"<wp:term_name>{_cdata(name)}</wp:term_name></wp:term>")


def item(wp_id, title, *, post_type="post", status="publish", slug=None, link=None,
         date="2022-03-04 05:06:07", date_gmt=None, modified_gmt=None, content="<p>Words.</p>",
         menu_order=0, terms=(), meta=(), comments=()):
    slug = slug if slug is not None else f"item-{wp_id}"
    link = link if link is not None else f"/{slug}/"
    date_gmt = date_gmt or date
    parts = [
        "\t<item>",
        f"\t\t<title>{_cdata(title)}</title>",
        f"\t\t<link>{OLD}{link}</link>",
        f"\t\t<dc:creator>{_cdata('tester')}</dc:creator>",
        f"\t\t<guid isPermaLink=\"false\">{OLD}/?p={wp_id}</guid>",
        f"\t\t<content:encoded>{_cdata(content)}</content:encoded>",
        f"\t\t<excerpt:encoded>{_cdata('')}</excerpt:encoded>",
        f"\t\t<wp:post_id>{wp_id}</wp:post_id>",
        f"\t\t<wp:post_date>{_cdata(date)}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{_cdata(date_gmt)}</wp:post_date_gmt>",
        f"\t\t<wp:post_modified_gmt>{_cdata(modified_gmt or date_gmt)}</wp:post_modified_gmt>",
        "\t\t<wp:comment_status>open</wp:comment_status>",
        f"\t\t<wp:post_name>{_cdata(slug)}</wp:post_name>",
        f"\t\t<wp:status>{_cdata(status)}</wp:status>",
        "\t\t<wp:post_parent>0</wp:post_parent>",
        f"\t\t<wp:menu_order>{menu_order}</wp:menu_order>",
        f"\t\t<wp:post_type>{_cdata(post_type)}</wp:post_type>",
        "\t\t<wp:post_password></wp:post_password>",
        "\t\t<wp:is_sticky>0</wp:is_sticky>",
    ]
    for domain, nicename, name in terms:
        parts.append(f"\t\t<category domain=\"{domain}\" nicename=\"{nicename}\">"
                     f"{_cdata(name)}</category>")
    for key, value in meta:
        parts.append(f"\t\t<wp:postmeta><wp:meta_key>{_cdata(key)}</wp:meta_key>"
                     f"<wp:meta_value>{_cdata(value)}</wp:meta_value></wp:postmeta>")
    for c in comments:
        parts.append(
            "\t\t<wp:comment>"
            f"<wp:comment_id>{c['id']}</wp:comment_id>"
            f"<wp:comment_author>{_cdata(c.get('author', 'Reader'))}</wp:comment_author>"
            f"<wp:comment_author_email>reader@example.invalid</wp:comment_author_email>"
            f"<wp:comment_date>{_cdata(date)}</wp:comment_date>"
            f"<wp:comment_date_gmt>{_cdata(date_gmt)}</wp:comment_date_gmt>"
            f"<wp:comment_content>{_cdata(c.get('content', 'A reply.'))}</wp:comment_content>"
            f"<wp:comment_approved>{_cdata(c['approved'])}</wp:comment_approved>"
            "<wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent>"
            "</wp:comment>")
    parts.append("\t</item>")
    return "\n".join(parts)


def nav_item(wp_id, menu, position, *, kind, obj, object_id=0, url="", parent=0, title=""):
    return item(wp_id, title, post_type="nav_menu_item", slug=str(wp_id), menu_order=position,
                terms=[("nav_menu", menu, menu)],
                meta=[("_menu_item_type", kind), ("_menu_item_menu_item_parent", str(parent)),
                      ("_menu_item_object_id", str(object_id)), ("_menu_item_object", obj),
                      ("_menu_item_url", url)])


# The posts' dates: a New York winter evening (UTC-5: the next day in UTC), and the newest, a
# summer evening (UTC-4, daylight saving time), which gives the site its time zone.
EVENING = dict(date="2023-01-15 22:30:00", date_gmt="2023-01-16 03:30:00")
SUMMER = dict(date="2023-07-04 21:00:00", date_gmt="2023-07-05 01:00:00")

# The categories three deep, each child before its parent, as an export may have them.
TERMS = [
    category(33, "leaf", "Leaf &amp; Branch", parent="middle"),
    category(32, "middle", "Middle", parent="top"),
    category(31, "top", "Tech &amp; Science"),
    nav_menu_term(900, "main", "Main"),
    nav_menu_term(901, "footer", "Footer"),
]

ITEMS = [
    # the menus first, as WordPress writes them (by ID): what they point at comes later
    nav_item(100, "main", 1, kind="custom", obj="custom", url=OLD + "/", title="Home"),
    nav_item(101, "main", 2, kind="post_type", obj="page", object_id=21),
    nav_item(102, "main", 3, kind="taxonomy", obj="category", object_id=33, parent=101),
    nav_item(103, "main", 4, kind="custom", obj="custom", url="https://example.org/x?a=1&b=2",
             parent=102, title="Far &amp; away"),
    nav_item(104, "main", 5, kind="post_type", obj="post", object_id=9999, title="Gone"),
    nav_item(105, "footer", 1, kind="custom", obj="custom", url="https://example.org/",
             title="Only footer"),
    item(11, "Evening &amp; night", slug="evening", link="/2023/01/15/evening/", **EVENING,
         modified_gmt="2023-02-01 10:00:00",
         content=(f'<p>See <a href="{OLD}/2023/07/04/summer/">the summer post</a>,'
                  f' <a href="{OLD}.evil.example/x/">not ours</a>'
                  f' <img src="{OLD}/wp-content/uploads/2023/01/a.jpg" alt="a"></p>'),
         terms=[("category", "leaf", "Leaf &amp; Branch"),
                ("post_format", "post-format-aside", "Aside")],
         meta=[("mood", "<b>happy</b> & calm"), ("_edit_lock", "1690000000:1"),
               ("listening", "Nocturnes")],
         comments=[dict(id=401, approved="1", author="Tom &amp; Jerry")]),
    item(12, "Summer", slug="summer", link="/2023/07/04/summer/", **SUMMER),
    item(13, "Thrown away", status="trash", slug="thrown", link="/2023/01/10/thrown/",
         date="2023-01-10 10:00:00", date_gmt="2023-01-10 15:00:00",
         meta=[("_wp_trash_meta_status", "publish"),
               ("_wp_trash_meta_comments_status", 'a:2:{i:501;s:1:"1";i:502;s:1:"0";}')],
         comments=[dict(id=501, approved="post-trashed", content="Approved before."),
                   dict(id=502, approved="post-trashed", content="Held before.")]),
    item(21, "Alpha page", post_type="page", slug="alpha", menu_order=2),
    item(22, "Zeta page", post_type="page", slug="zeta", menu_order=1),
    item(23, "Mid page", post_type="page", slug="mid", menu_order=3),
    item(30, "photo.jpg", post_type="attachment", slug="photo", status="inherit"),
    item(31, "A reusable block", post_type="wp_block", slug="block"),
]


@pytest.fixture
def imported(site, tmp_path):
    path = tmp_path / "identity.xml"
    path.write_text(channel(ITEMS, TERMS), encoding="utf-8")
    out = site.out("import", "wxr", path)
    return site, out


@pytest.fixture
def served(imported, start_server):
    g, out = imported
    return start_server(g), g, out


def ok(srv, path):
    r = srv.get(path)
    assert r.status == 200, (path, r.status, r.text[:800])
    return r.text


def nav_html(page):
    m = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', page, re.S)
    assert m, "no site navigation in the page"
    return m.group(1)


def test_summary_names_what_was_set_and_left_out(imported):
    _, out = imported
    assert "site.title: News & Notes" in out, out
    assert "site.language: de-AT" in out, out
    assert "site.utc_offset: -240" in out, out  # the newest post's: summer time
    assert "site.menu: main" in out, out  # the larger menu
    assert re.search(r"^menus: 2 written, 5 items$", out, re.M), out
    assert re.search(r"^custom fields: 2 new$", out, re.M), out
    assert re.search(r"^comments trashed with their post: 2\b", out, re.M), out
    kinds = dict((m.group(2), int(m.group(1)))
                 for m in re.finditer(r"^  (\d+) ([^:\n]+): ", out, re.M))
    assert kinds.get("attachment") == 1, out
    assert kinds.get("item of post type 'wp_block'") == 1, out
    assert kinds.get("menu item pointing nowhere") == 1, out


def test_identity_title_language_and_feed(served):
    srv, g, _ = served
    page = ok(srv, "/")
    assert re.search(r'<html lang="de-AT">', page), page[:300]
    assert "<title>News &amp; Notes</title>" in page, page[:800]
    assert "Small &amp; local" in page  # the tagline, escaped once
    assert "&amp;amp;" not in page
    feed = ok(srv, "/feed/")
    assert "<language>de-AT</language>" in feed, feed[:800]
    assert g.out("get", "site.title").strip() == "News & Notes"


def test_local_dates_make_the_day_archive(served):
    srv, g, _ = served
    posts = {p["title"]: p for p in g.posts()}
    assert posts["Evening & night"]["path"] == "/2023/01/15/evening/", posts
    day = ok(srv, "/2023/01/15/")
    assert "/2023/01/15/evening/" in day, day
    # the UTC day has no post in local time: an empty day archive is a 404, as on WordPress
    assert srv.get("/2023/01/16/").status == 404
    summer_day = ok(srv, "/2023/07/04/")
    assert "/2023/07/04/summer/" in summer_day
    article = ok(srv, "/2023/01/15/evening/")
    assert "January 15, 2023" in article  # the local date, not the UTC one (the 16th)
    # the link to the old site became a path of this one; another host's did not, and an image
    # of the old uploads is this site's copy (its file comes with media import)
    assert 'href="/2023/07/04/summer/"' in article, article
    assert f'href="{OLD}.evil.example/x/"' in article, article
    assert 'src="/wp-content/uploads/2023/01/a.jpg"' in article, article
    assert f"{OLD}/wp-content/uploads" not in article, article


def test_new_posts_follow_the_site_time_zone(imported, tmp_path):
    g, _ = imported
    g.run("set", "site.utc_offset", "-300")
    _, path = g.new_post(tmp_path, "Late note", date="2024-03-01 02:30", status="publish")
    assert path.startswith("/2024/02/29/"), path  # 21:30 in New York, the day before in UTC


def test_categories_nest_three_deep_in_any_order(served):
    srv, _, _ = served
    page = ok(srv, "/category/top/middle/leaf/")
    assert "/2023/01/15/evening/" in page
    assert "Leaf &amp; Branch" in page and "&amp;amp;" not in page
    top = ok(srv, "/category/top/")
    assert "Tech &amp; Science" in top and "&amp;amp;" not in top
    assert "/2023/01/15/evening/" in top  # a post of a grandchild is in the top's archive
    # the parents came after their children in the file, and still keep their WordPress IDs
    for wp_id, path in ((31, "/category/top/"), (32, "/category/top/middle/"),
                        (33, "/category/top/middle/leaf/")):
        r = srv.get(f"/?cat={wp_id}")
        assert r.status == 301 and r.location_path() == path, (wp_id, r.status)


def test_article_format_custom_fields_and_comment_author(served):
    srv, _, _ = served
    page = ok(srv, "/2023/01/15/evening/")
    assert re.search(r'<article class="post format-aside"', page), page
    m = re.search(r'<ul class="post-meta">(.*?)</ul>', page, re.S)
    assert m, "no custom field list"
    fields = re.findall(r'<li><span class="post-meta-key">(.*?):</span> (.*?)</li>', m.group(1))
    assert fields == [("mood", "&lt;b&gt;happy&lt;/b&gt; &amp; calm"),
                      ("listening", "Nocturnes")], fields
    assert "_edit_lock" not in page
    assert "<title>Evening &amp; night" in page and "&amp;amp;" not in page
    assert "Tom &amp; Jerry" in page
    assert '"inLanguage":"de-AT"' in page  # the JSON-LD's language
    listing = ok(srv, "/2023/01/15/")
    assert re.search(r'<article class="post-summary format-aside"', listing), listing
    plain = ok(srv, "/2023/07/04/summer/")
    assert re.search(r'<article class="post format-standard"', plain)
    assert 'class="post-meta"' not in plain


def test_menu_is_the_navigation(served):
    srv, _, _ = served
    nav = nav_html(ok(srv, "/"))
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', nav)
    assert links == [("/", "Home"), ("/alpha/", "Alpha page"),
                     ("/category/top/middle/leaf/", "Leaf &amp; Branch"),
                     ("https://example.org/x?a=1&amp;b=2", "Far &amp; away")], links
    # nested: the category under the page, the far link under the category
    assert re.search(r'Alpha page</a>\s*<ul class="sub-menu">\s*<li[^>]*><a href="/category/'
                     r'top/middle/leaf/">Leaf &amp; Branch</a>\s*<ul class="sub-menu">\s*<li[^>]*>'
                     r'<a href="https://example.org/x', nav), nav
    assert "Gone" not in nav and "Only footer" not in nav


def test_pages_in_their_order_without_a_menu(imported, start_server):
    g, _ = imported
    g.run("set", "site.menu", "no-such-menu")
    srv = start_server(g)
    nav = nav_html(ok(srv, "/"))
    titles = re.findall(r'<a href="[^"]*">([^<]*)</a>', nav)
    assert titles == ["Zeta page", "Alpha page", "Mid page"], titles


def test_post_trashed_comments_come_back_with_their_post(served):
    srv, g, _ = served
    post = next(p for p in g.posts() if p["title"] == "Thrown away")
    assert post["status"] == "trash"
    by_id = {c["id"]: c for c in g.comments()}
    assert by_id["501"]["status"] == "trash" and by_id["502"]["status"] == "trash", by_id
    g.add_user("boss", "admin", "a long admin password")
    adm = admin_session(srv, "boss", "a long admin password")
    r = adm.post(f"/admin/posts/{post['id']}/untrash")
    assert r.status == 303, (r.status, r.text[:500])
    by_id = {c["id"]: c for c in g.comments()}
    assert by_id["501"]["status"] == "approved", by_id
    assert by_id["502"]["status"] == "pending", by_id
    # the admin's lists show names escaped once
    users = adm.page("/admin/users")
    text = adm.get("/admin/users").text
    assert "Ann &amp; Bob" in text and "&amp;amp;" not in text, users
    comments = adm.get("/admin/comments?status=approved").text
    assert "&amp;amp;" not in comments


def test_author_page_escapes_once(served):
    srv, _, _ = served
    page = ok(srv, "/author/tester/")
    assert "Ann &amp; Bob" in page and "&amp;amp;" not in page


def test_a_second_import_duplicates_nothing(imported, tmp_path, start_server):
    g, _ = imported
    path = tmp_path / "identity.xml"
    out = g.out("import", "wxr", path)
    assert re.search(r"^custom fields: 0 new$", out, re.M), out
    assert re.search(r"^menus: 2 written, 5 items$", out, re.M), out  # replaced, not added
    assert "site settings from the export" not in out, out  # all set by the first
    srv = start_server(g)
    nav = nav_html(ok(srv, "/"))
    assert len(re.findall(r"<a href=", nav)) == 4, nav
    page = ok(srv, "/2023/01/15/evening/")
    assert page.count('class="post-meta-key"') == 2


def test_a_second_import_mends_names_an_older_import_left_escaped(imported, tmp_path,
                                                                  start_server, request):
    g, _ = imported
    pg = request.getfixturevalue("pg_server") if g.db.startswith("postgresql://") else None
    # as gazette before this change stored them: the export's text, still HTML-escaped
    db_execute(g, "UPDATE terms SET name = 'Tech &amp; Science' WHERE slug = 'top'", pg)
    db_execute(g, "UPDATE users SET display_name = 'Ann &amp; Bob' WHERE login = 'tester'", pg)
    db_execute(g, "UPDATE terms SET name = 'Our own' WHERE slug = 'middle'", pg)
    g.out("import", "wxr", tmp_path / "identity.xml")
    srv = start_server(g)
    top = ok(srv, "/category/top/")
    assert "Tech &amp; Science" in top and "&amp;amp;" not in top, top
    author = ok(srv, "/author/tester/")
    assert "Ann &amp; Bob" in author and "&amp;amp;" not in author
    assert "Our own" in ok(srv, "/category/top/middle/")  # a person's name stays


def test_an_import_does_not_replace_settings_a_person_made(site, tmp_path):
    site.run("set", "site.title", "Our own name")
    path = tmp_path / "identity.xml"
    path.write_text(channel(ITEMS, TERMS), encoding="utf-8")
    out = site.out("import", "wxr", path)
    assert "site.title:" not in out
    assert site.out("get", "site.title").strip() == "Our own name"
    assert site.out("get", "site.language").strip() == "de-AT"


# ---------------------------------------------------------------------------------------------
# The public Theme Unit Test export


def test_theme_unit_test_data_menus_and_title(site, fixtures_dir, start_server):
    path = os.path.join(fixtures_dir, "wptt", "themeunittestdata.wordpress.xml")
    if not os.path.exists(path):
        pytest.skip(f"needs the shared fixture {path}")
    out = site.out("import", "wxr", path)
    assert "site.title: Theme Unit Test Data" in out, out
    assert "site.menu: testing-menu" in out, out
    m = re.search(r"^menus: (\d+) written, (\d+) items$", out, re.M)
    assert m and int(m.group(1)) >= 4 and int(m.group(2)) >= 50, out
    srv = start_server(site)
    page = ok(srv, "/")
    assert "<title>Theme Unit Test Data</title>" in page
    assert '<html lang="en">' in page
    nav = nav_html(page)
    titles = [html.unescape(t) for t in re.findall(r'<a href="[^"]*">([^<]*)</a>', nav)]
    # the Testing Menu, in its order: "Pages" with its pages nested under it, then
    # "Categories" with the categories under it
    assert titles[0] == "Pages" and "Categories" in titles, titles
    assert re.search(r'>Pages</a>\s*<ul class="sub-menu">', nav), nav
    assert re.search(r'>Categories</a>\s*<ul class="sub-menu">', nav), nav
    assert nav.count('class="sub-menu"') >= 3, nav
    for href in set(re.findall(r'<a href="(/[^"]*)"', nav)):
        assert srv.get(href).status == 200, href
