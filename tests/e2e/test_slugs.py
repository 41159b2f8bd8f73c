# test_slugs.py: every slug-based URL answers, in every script. A small WXR written here holds
# slugs in Arabic, Greek, Cyrillic, CJK and emoji, percent-encoded in lower and upper case and
# raw, old slugs and dates, nested pages (one whose parent comes later in the file) and an
# author whose login has a dot. Over real HTTP: 200 at the canonical form (WordPress's
# lowercase percent-encoding), 301 to it from every other form, /?p=ID, the sitemap and the
# feeds; and a database made before the canonical form is migrated to it. Expected paths are
# made here with Python's own UTF-8 percent-encoding, never from gazette's output.
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import FIXTURES, SOURCE, Gazette, Response, admin_session

BASE = "http://example.test"


def enc(text):
    """WordPress's form: UTF-8 percent-encoded, lowercase hex."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(),
                  urllib.parse.quote(text, safe="/-_.~"))


def upper(text):
    """The same escapes in upper case."""
    return urllib.parse.quote(text, safe="/-_.~")


ARABIC = "العربية"
GREEK = "καλημέρα"
CYRILLIC = "привет-мир"
CJK = "東京タワー"
EMOJI = "🍕-pizza"
CATEGORY = "νέα"
TAG = "новости"

# (wp id, title, post_name as the file has it, link path as the file has it, canonical path)
POSTS = [
    (101, "Arabic", enc(ARABIC), f"/2019/01/{enc(ARABIC)}/", f"/2019/01/{enc(ARABIC)}/"),
    (102, "Greek", upper(GREEK), f"/2019/02/{upper(GREEK)}/", f"/2019/02/{enc(GREEK)}/"),
    (103, "Cyrillic", CYRILLIC, f"/2019/03/{CYRILLIC}/", f"/2019/03/{enc(CYRILLIC)}/"),
    (104, "CJK", enc(CJK), f"/2019/04/{enc(CJK)}/", f"/2019/04/{enc(CJK)}/"),
    (105, "Emoji", upper(EMOJI), f"/2019/05/{enc(EMOJI)}/", f"/2019/05/{enc(EMOJI)}/"),
    (106, "Plain", "plain-post", "/2019/06/plain-post/", "/2019/06/plain-post/"),
]
# (wp id, title, slug, parent wp id, link path); 204's parent comes after it in the file
PAGES = [
    (201, "About", "about", 0, "/about/"),
    (202, "Team", "team", 201, "/about/team/"),
    (203, "Editors", "editors", 202, "/about/team/editors/"),
    (204, "Child first", "child-first", 205, "/later/child-first/"),
    (205, "Later", "later", 0, "/later/"),
]


def item(wp_id, title, slug, link, *, date, post_type="post", parent=0, creator="j.doe",
         terms="", meta=(), status="publish"):
    metas = "".join(f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key>"
                    f"<wp:meta_value><![CDATA[{v}]]></wp:meta_value></wp:postmeta>"
                    for k, v in meta)
    return f"""
<item>
  <title>{title}</title>
  <link>{BASE}{link}</link>
  <pubDate>Tue, 15 Jan 2019 10:00:00 +0000</pubDate>
  <dc:creator><![CDATA[{creator}]]></dc:creator>
  <guid isPermaLink="false">{BASE}/?p={wp_id}</guid>
  <content:encoded><![CDATA[<p>Body of {title}.</p>]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
  <wp:post_id>{wp_id}</wp:post_id>
  <wp:post_date>{date}</wp:post_date>
  <wp:post_date_gmt>{date}</wp:post_date_gmt>
  <wp:comment_status>open</wp:comment_status>
  <wp:ping_status>open</wp:ping_status>
  <wp:post_name>{slug}</wp:post_name>
  <wp:status>{status}</wp:status>
  <wp:post_parent>{parent}</wp:post_parent>
  <wp:menu_order>0</wp:menu_order>
  <wp:post_type>{post_type}</wp:post_type>
  <wp:post_password></wp:post_password>
  <wp:is_sticky>0</wp:is_sticky>
  {terms}{metas}
</item>"""


def export():
    items = []
    for i, (wp_id, title, slug, link, _) in enumerate(POSTS):
        terms = ""
        meta = ()
        if wp_id == 101:
            terms = (f'<category domain="category" nicename="{upper(CATEGORY)}">'
                     f'<![CDATA[{CATEGORY}]]></category>'
                     f'<category domain="post_tag" nicename="{TAG}"><![CDATA[{TAG}]]></category>')
            meta = (("_wp_old_slug", "old-arabic"), ("_wp_old_slug", upper("قديم")),
                    ("_wp_old_date", "2018-12-31"))
        items.append(item(wp_id, title, slug, link, date=f"2019-0{i + 1}-15 10:00:00",
                          terms=terms, meta=meta,
                          creator="mary" if wp_id == 106 else "j.doe"))
    for wp_id, title, slug, parent, link in PAGES:
        items.append(item(wp_id, title, slug, link, date="2019-07-01 10:00:00",
                          post_type="page", parent=parent))
    # a draft page has no pretty <link>: its path is made from its parents' slugs
    items.append(item(206, "Draft child", "draft-child", "/?page_id=206",
                      date="2019-07-01 10:00:00", post_type="page", parent=202, status="draft"))
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Slugs</title>
  <link>{BASE}</link>
  <description>Every script</description>
  <language>en-US</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{BASE}</wp:base_site_url>
  <wp:base_blog_url>{BASE}</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[j.doe]]></wp:author_login>
    <wp:author_email><![CDATA[j@example.test]]></wp:author_email>
    <wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[mary]]></wp:author_login>
    <wp:author_email><![CDATA[m@example.test]]></wp:author_email>
    <wp:author_display_name><![CDATA[Mary]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>{upper(CATEGORY)}</wp:category_nicename>
    <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[{CATEGORY}]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>{TAG}</wp:tag_slug>
    <wp:tag_name><![CDATA[{TAG}]]></wp:tag_name></wp:tag>
  {"".join(items)}
</channel>
</rss>
"""


def raw_get(port, path_bytes):
    """GET with the request target sent as raw bytes (http.client refuses non-ASCII)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(b"GET " + path_bytes + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Connection: close\r\n\r\n")
        r = http.client.HTTPResponse(s, method="GET")
        r.begin()
        return Response(r.status, r.reason, r.getheaders(), r.read())
    finally:
        s.close()


def assert_redirects(srv, path, to, raw=False):
    r = raw_get(srv.port, path.encode("utf-8")) if raw else srv.get(path)
    assert r.status == 301, f"{path}: {r.status}, expected 301 to {to}"
    assert r.location_path() == to, f"{path}: 301 to {r.location_path()}, expected {to}"


@pytest.fixture
def slugs_site(site, tmp_path, start_server):
    wxr = tmp_path / "slugs.xml"
    wxr.write_text(export(), encoding="utf-8")
    out = site.out("import", "wxr", wxr)
    assert "posts: 6 new" in out and "pages: 6 new" in out, out
    srv = start_server(site)
    return site, srv


def test_posts_answer_in_every_form(slugs_site):
    site, srv = slugs_site
    stored = {r["path"] for r in site.posts()}
    for wp_id, title, _, _, canonical in POSTS:
        assert canonical in stored, (canonical, stored)
        r = srv.get(canonical)
        assert r.status == 200, f"{canonical}: {r.status}"
        assert f"Body of {title}." in r.text
        # the page names itself by the stored form: canonical link, Open Graph, JSON-LD
        doc = r.tree()
        assert doc.one("link", rel="canonical").get("href") == BASE + canonical
        assert doc.one("meta", property="og:url").get("content") == BASE + canonical
        ld = json.loads(doc.one("script", type="application/ld+json").text)
        assert ld["mainEntityOfPage"] == BASE + canonical, ld
        decoded = urllib.parse.unquote(canonical)
        if decoded != canonical:
            assert_redirects(srv, upper(decoded), canonical)
            assert_redirects(srv, decoded, canonical, raw=True)
        assert_redirects(srv, f"/?p={wp_id}", canonical)
    # without its slash, in upper case: one 301 to the one URL
    assert_redirects(srv, upper(urllib.parse.unquote(POSTS[0][4]))[:-1], POSTS[0][4])
    # ASCII letters in another case, as WordPress finds them
    assert_redirects(srv, "/2019/06/Plain-Post/", "/2019/06/plain-post/")
    assert_redirects(srv, "/2019/01/Old-Arabic/", POSTS[0][4])


def test_old_slugs_and_dates_redirect(slugs_site):
    _, srv = slugs_site
    canonical = POSTS[0][4]
    for old in ("/2019/01/old-arabic/", f"/2018/12/{enc(ARABIC)}/", "/2018/12/old-arabic/",
                f"/2019/01/{enc('قديم')}/", f"/2019/01/{upper('قديم')}/"):
        assert_redirects(srv, old, canonical)
    assert_redirects(srv, "/2019/01/قديم/", canonical, raw=True)
    assert srv.get("/2019/01/never-was/").status == 404
    assert srv.get("/2017/12/old-arabic/").status == 404


def test_archives_answer_in_every_form(slugs_site):
    _, srv = slugs_site
    category = f"/category/{enc(CATEGORY)}/"
    r = srv.get(category)
    assert r.status == 200 and f"Category: {CATEGORY}" in r.text, r.status
    assert POSTS[0][4] in r.text
    assert_redirects(srv, f"/category/{upper(CATEGORY)}/", category)
    assert_redirects(srv, f"/category/{CATEGORY}/", category, raw=True)
    tag = f"/tag/{enc(TAG)}/"
    r = srv.get(tag)
    assert r.status == 200 and f"Tag: {TAG}" in r.text, r.status
    assert_redirects(srv, f"/tag/{upper(TAG)}/", tag)
    assert_redirects(srv, f"/tag/{TAG}/", tag, raw=True)
    r = srv.get(f"/tag/{upper(TAG)}/feed/")
    assert r.status == 200 and POSTS[0][4] in r.text
    # the author at WordPress's nicename of the login "j.doe"; the login itself redirects
    r = srv.get("/author/j-doe/")
    assert r.status == 200 and "Posts by Jane Doe" in r.text
    assert_redirects(srv, "/author/j.doe/", "/author/j-doe/")
    assert_redirects(srv, "/author/J-Doe/", "/author/j-doe/")
    assert_redirects(srv, f"/tag/{upper(TAG)[:3].lower()}{upper(TAG)[3:]}/", tag)
    assert srv.get("/author/mary/").status == 200


def test_nested_pages(slugs_site, store, request):
    site, srv = slugs_site
    for _, title, _, _, link in PAGES:
        r = srv.get(link)
        assert r.status == 200 and f"Body of {title}." in r.text, (link, r.status)
    parents = dict(query(site, store, request,
                         "SELECT c.wp_id, coalesce(p.wp_id, 0) FROM posts c"
                         " LEFT JOIN posts p ON p.id = c.parent_id WHERE c.type = 'page'"))
    assert parents == {str(wp_id): str(parent) for wp_id, _, _, parent, _ in PAGES} | {
        "206": "202"}, parents
    assert "/about/team/draft-child/" in {r["path"] for r in site.posts()}


def test_editor_slug_change_redirects(slugs_site):
    """The editor shows an Arabic slug as a person reads it; saved unchanged, the address stays;
    changed, the new one answers 200 and the old one 301 to it."""
    site, srv = slugs_site
    site.add_user("boss", "admin", "boss-pass-phrase")
    admin = admin_session(srv, "boss", "boss-pass-phrase")
    pid = next(r["id"] for r in site.posts() if r["path"] == POSTS[0][4])
    doc = admin.page(f"/admin/posts/{pid}")
    shown = doc.one("input", id="slug").get("value")
    assert shown == ARABIC, shown
    fields = dict(title="Arabic", slug=shown, excerpt="", body="<p>Body of Arabic.</p>",
                  categories="", tags="", status="publish", date="", comments="open",
                  action="save")
    r = admin.post(f"/admin/posts/{pid}", fields)
    assert r.status == 303, r.text[:1000]
    assert srv.get(POSTS[0][4]).status == 200
    fields["slug"] = "new-arabic"
    r = admin.post(f"/admin/posts/{pid}", fields)
    assert r.status == 303, r.text[:1000]
    assert srv.get("/2019/01/new-arabic/").status == 200
    assert_redirects(srv, POSTS[0][4], "/2019/01/new-arabic/")
    assert_redirects(srv, "/2019/01/old-arabic/", "/2019/01/new-arabic/")  # _wp_old_slug still


def test_copy_keeps_old_paths_and_parents(slugs_site, store, request, gazette_bin, tmp_path,
                                          new_db, start_server):
    site, _ = slugs_site
    copy = Gazette(gazette_bin, new_db(tmp_path / "copy.db"))
    subprocess.run([gazette_bin, "copy", "--from", site.db, "--to", copy.db], check=True,
                   capture_output=True, timeout=120)
    srv = start_server(copy)
    assert_redirects(srv, "/2019/01/old-arabic/", POSTS[0][4])
    parents = dict(query(copy, store, request,
                         "SELECT c.wp_id, coalesce(p.wp_id, 0) FROM posts c"
                         " LEFT JOIN posts p ON p.id = c.parent_id WHERE c.type = 'page'"))
    assert parents == {str(wp_id): str(parent) for wp_id, _, _, parent, _ in PAGES} | {
        "206": "202"}, parents
    assert srv.get("/author/j-doe/").status == 200


def test_sitemap_and_feed_links_are_canonical(slugs_site):
    site, srv = slugs_site
    url = f"http://127.0.0.1:{srv.port}"
    site.run("set", "site.url", url)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

    def locs(path):
        r = srv.get(path)
        assert r.status == 200, (path, r.status)
        return [e.text for e in ET.fromstring(r.body).iter(f"{{{ns['s']}}}loc")]

    pages = []
    for loc in locs("/sitemap.xml"):
        path = urllib.parse.urlsplit(loc).path
        pages += locs(path) if path.endswith(".xml") else [loc]
    paths = {urllib.parse.urlsplit(loc).path for loc in pages}
    for _, _, _, _, canonical in POSTS:
        assert canonical in paths, (canonical, sorted(paths))
    feed = srv.get("/feed/")
    assert feed.status == 200
    links = [e.text for e in ET.fromstring(feed.body).iter("link")]
    feed_paths = {urllib.parse.urlsplit(link).path for link in links if link}
    for _, _, _, _, canonical in POSTS:
        assert canonical in feed_paths, (canonical, feed_paths)
    for path in paths | feed_paths:
        assert not re.search(r"%[0-9a-f]?[A-F]", path), f"upper-case escape in {path}"
        assert path.isascii(), f"raw UTF-8 in {path}"
        if path != "/":
            r = srv.get(path)
            assert r.status == 200, f"{path}: {r.status}"


def test_new_post_gets_wordpress_slug(site, tmp_path):
    _, path = site.new_post(tmp_path, "Καλημέρα Κόσμε")
    assert path.endswith(f"/{enc('καλημέρα-κόσμε')}/"), path
    _, path = site.new_post(tmp_path, "Déjà vu")
    assert path.endswith("/deja-vu/"), path


# ---------------------------------------------------------------------------------------------
# A database from before the canonical form


def query(site, store, request, sql):
    """Rows of one SQL query on the site's database, every value as text."""
    if store == "sqlite":
        with sqlite3.connect(site.db) as c:
            return [tuple("" if v is None else str(v) for v in row) for row in c.execute(sql)]
    pg = request.getfixturevalue("pg_server")
    out = pg.sql(site.db.rsplit("/", 1)[1], sql)
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def migrations(engine):
    """The SQL of each migration of `engine` (sqlite or pg), read from the source through the C
    preprocessor (the migrations use macros), in order."""
    src = os.path.join(SOURCE, "src", "store", f"{engine}_migrations.c")
    text = subprocess.run(["cc", "-E", "-P", "-I", os.path.join(SOURCE, "src"), src],
                          capture_output=True, text=True, check=True).stdout
    body = text[text.index(f"{engine}_migrations[] = {{") :]
    body = body[body.index("{") + 1 : body.index("};")]
    elements, current, i = [], [], 0
    while i < len(body):
        c = body[i]
        if c == '"':
            j = i + 1
            literal = []
            while body[j] != '"':
                if body[j] == "\\":
                    literal.append({"n": "\n", "t": "\t"}.get(body[j + 1], body[j + 1]))
                    j += 2
                else:
                    literal.append(body[j])
                    j += 1
            current.append("".join(literal))
            i = j + 1
        elif c == ",":
            elements.append("".join(current))
            current = []
            i += 1
        else:
            i += 1
    if current:
        elements.append("".join(current))
    return elements


OLD_ROWS = [
    # users: a login with a dot, and one that has the same nicename
    "INSERT INTO users (id, login, display_name, role) VALUES (1, 'j.doe', 'Jane Doe', 'author')",
    "INSERT INTO users (id, login, display_name, role) VALUES (2, 'j-doe', 'J Doe', 'author')",
    f"INSERT INTO terms (id, taxonomy, slug, name) VALUES (1, 'post_tag', '{upper(TAG)}', '{TAG}')",
    f"INSERT INTO terms (id, taxonomy, slug, name) VALUES (2, 'category', '{CATEGORY}', "
    f"'{CATEGORY}')",
]


def old_post(id, slug, path, author=1):
    return ("INSERT INTO posts (id, type, status, slug, path, title, body_html, author_id,"
            " published_at, modified_at, comments_open) VALUES"
            f" ({id}, 'post', 'publish', '{slug}', '{path}', 'Old {id}', '<p>Old {id}.</p>',"
            f" {author}, 1547546400, 1547546400, true)")


def test_existing_database_is_migrated(store, request, gazette_bin, tmp_path, new_db,
                                       start_server):
    engine = "sqlite" if store == "sqlite" else "pg"
    steps = migrations(engine)
    mine = next(i for i, sql in enumerate(steps) if "gazette_slug_canonical" in sql)
    g = Gazette(gazette_bin, new_db(tmp_path / "old.db"))
    rows = OLD_ROWS + [
        old_post(1, upper(GREEK), f"/2019/01/{upper(GREEK)}/"),
        old_post(2, CYRILLIC, f"/2019/02/{CYRILLIC}/"),
        old_post(3, enc(CJK), f"/2019/03/{enc(CJK)}/", author=2),
        "INSERT INTO post_terms (post_id, term_id) VALUES (1, 1)",
        "INSERT INTO post_terms (post_id, term_id) VALUES (2, 2)",
    ]
    if store == "sqlite":
        with sqlite3.connect(g.db) as c:
            c.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for sql in steps[:mine]:
                c.executescript(sql)
            for sql in rows:
                c.execute(sql)
            c.execute("INSERT INTO schema_version VALUES (?)", (mine,))
    else:
        pg = request.getfixturevalue("pg_server")
        name = g.db.rsplit("/", 1)[1]
        pg.sql(name, "CREATE TABLE schema_version (version integer NOT NULL)")
        for sql in steps[:mine]:
            pg.sql(name, sql)
        for sql in rows:
            pg.sql(name, sql)
        pg.sql(name, f"INSERT INTO schema_version VALUES ({mine})")
    g.run("set", "site.title", "Migrated")  # opens the store: the migrations run
    paths = {r["path"] for r in g.posts()}
    assert paths == {f"/2019/01/{enc(GREEK)}/", f"/2019/02/{enc(CYRILLIC)}/",
                     f"/2019/03/{enc(CJK)}/"}, paths
    srv = start_server(g)
    for path in sorted(paths):
        assert srv.get(path).status == 200, path
    assert_redirects(srv, f"/2019/01/{upper(GREEK)}/", f"/2019/01/{enc(GREEK)}/")
    assert_redirects(srv, f"/2019/02/{CYRILLIC}/", f"/2019/02/{enc(CYRILLIC)}/", raw=True)
    assert srv.get(f"/tag/{enc(TAG)}/").status == 200
    assert srv.get(f"/category/{enc(CATEGORY)}/").status == 200
    # nicenames: "j.doe" gives "j-doe"; the later user with the same one gets "-ID" after it
    r = srv.get("/author/j-doe/")
    assert r.status == 200 and "Posts by Jane Doe" in r.text
    r = srv.get("/author/j-doe-2/")
    assert r.status == 200 and "Posts by J Doe" in r.text


# ---------------------------------------------------------------------------------------------
# The WordPress Theme Unit Test export

@pytest.mark.stores("sqlite")
@pytest.mark.parametrize("export_name", ["themeunittestdata.wordpress.xml",
                                         "64-block-test-data.xml"])
def test_theme_unit_test_links_answer(site, start_server, store, export_name):
    """Every published post and page's <link> path answers 200, directly or after one 301, and
    /?p=ID lands there. Prints the ones that do not."""
    WPTT = os.path.join(FIXTURES, "wptt", export_name)
    if not os.path.isfile(WPTT):
        pytest.skip(f"needs the shared fixture {WPTT} (set GAZETTE_FIXTURES)")
    site.out("import", "wxr", WPTT)
    srv = start_server(site)
    tree = ET.parse(WPTT)
    root = tree.getroot()
    wp = next(f"{{{scheme}://wordpress.org/export/{v}/}}" for scheme in ("https", "http")
              for v in ("1.2", "1.1", "1.0")
              if root.find(f"channel/{{{scheme}://wordpress.org/export/{v}/}}wxr_version")
              is not None)
    checked, redirected, failed = 0, 0, []
    for it in tree.iter("item"):
        if it.findtext(f"{wp}status") != "publish" or it.findtext(f"{wp}post_type") not in (
                "post", "page"):
            continue
        link = it.findtext("link") or ""
        split = urllib.parse.urlsplit(link)
        path = split.path + (f"?{split.query}" if split.query else "")
        checked += 1
        r = raw_get(srv.port, path.encode("utf-8"))
        landed = path
        if r.status == 301:
            redirected += 1
            landed = r.location_path()
            r = srv.get(landed)
        if r.status != 200:
            failed.append((path, r.status))
            continue
        # /?p=ID lands on the same 200, in one 301
        by_id = srv.get(f"/?p={it.findtext(f'{wp}post_id')}")
        if by_id.status != 301 or by_id.location_path() != landed:
            failed.append((f"/?p={it.findtext(f'{wp}post_id')}", by_id.status))
    print(f"\n{export_name}: {checked - len(failed)} of {checked} <link> paths answer 200"
          f" ({redirected} after one 301)")
    for path, status in failed:
        print(f"  {status} {path}")
    assert checked > 0
    assert not failed, failed
