# test_security.py: the security review's findings that live in the request path (issue 14), on
# both stores: the shared page cache never keeps nor serves a page made for one reader (signed in,
# a post unlocked, a held comment's link), for every page kind and right after a restart; query
# parameters a page does not read neither bypass the cache nor reach the page; imported links and
# slugs cannot split a response or redirect off the site, and the HTTP layer refuses to send a
# header holding CR/LF (500 and a log line) or a redirect elsewhere; absolute URLs come from
# site.url only (never Host or an untrusted X-Forwarded-Proto).
import re
import time

import pytest

from conftest import Gazette, admin_session, db_execute, eventually, wxr_document, wxr_item

CACHE = "x-gazette-cache"
EDITOR_PASSWORD = "editor password 1"


def metric(srv, name):
    r = srv.get("/metrics")
    assert r.status == 200, r
    m = re.search(rf"^{name} (\d+)$", r.text, re.M)
    assert m, f"/metrics has no {name}"
    return int(m.group(1))


def serve(start_server, g, store):
    """A server, settled: on PostgreSQL the change listener drops every page once when it starts
    listening, which must not fall between a test's miss and hit."""
    srv = start_server(g)
    if store == "postgres":
        eventually(lambda: metric(srv, "gazette_cache_invalidations_total"), lambda n: n >= 1,
                   timeout=2.0)
    time.sleep(0.2)
    return srv


def publish(g, tmp_path, title, **front):
    """A published post; returns (id, path)."""
    front.setdefault("status", "publish")
    front.setdefault("date", "2024-05-01 10:00")
    front.setdefault("categories", "News")
    return g.new_post(tmp_path, title, body="Words of our own about harbours and boats.", **front)


def post_path(g, title):
    for p in g.posts():
        if p["title"] == title:
            return p["path"]
    raise AssertionError(f"no post {title!r} in {g.posts()}")


def pages(path):
    """One address of each page kind the cache keeps."""
    return {
        "article": path,
        "front": "/",
        "archive": "/category/news/",
        "search": "/?s=harbours",
        "print": path + "print/",
        "feed": "/feed/",
        "comments feed": path + "feed/",
    }


@pytest.fixture
def editor_site(site, tmp_path):
    site.run("set", "comments.moderation", "none")
    publish(site, tmp_path, "Harbour notes")
    site.add_user("ed", "editor", EDITOR_PASSWORD)
    return site


# ---------------------------------------------------------------------------------------------
# Finding 1: a page made for one reader never enters the shared cache, nor comes out of it


def check_signed_in_never_shared(srv, editor, path):
    for kind, address in pages(path).items():
        mine = editor.get(address)
        assert mine.status == 200, (kind, address, mine)
        assert mine.header(CACHE) is None, (kind, "a signed-in request touched the cache")
        assert "no-store" in (mine.header("Cache-Control") or ""), (
            kind, "a signed-in page may be kept by a proxy", mine.header("Cache-Control"))
        anonymous = srv.get(address)
        assert anonymous.status == 200, (kind, anonymous)
        assert anonymous.header(CACHE) == "miss", (
            kind, address, "the editor's page was put in the shared cache")
        assert editor.csrf not in anonymous.text, (kind, "the editor's CSRF token leaked")
        assert srv.get(address).header(CACHE) == "hit", (kind, "anonymous pages are cached")
        again = editor.get(address)
        assert again.header(CACHE) is None, (kind, "a signed-in reader got the shared page")
    article = editor.get(path)
    assert editor.csrf in article.text, "the editor's own article page has no moderation forms"


def test_signed_in_pages_never_shared(editor_site, start_server, store):
    srv = serve(start_server, editor_site, store)
    editor = admin_session(srv, "ed", EDITOR_PASSWORD)
    path = post_path(editor_site, "Harbour notes")
    check_signed_in_never_shared(srv, editor, path)
    # right after a restart, when nothing is cached yet and the editor comes first
    srv.stop()
    srv = serve(start_server, editor_site, store)
    editor.srv = srv
    check_signed_in_never_shared(srv, editor, path)


def test_personal_cookies_and_links_never_shared(editor_site, start_server, store):
    srv = serve(start_server, editor_site, store)
    path = post_path(editor_site, "Harbour notes")
    personal = [
        ({"Cookie": "gz_postpass_1=anything"}, path),
        ({"Cookie": "gz_session=0123"}, path),
        ({}, path + "?unapproved=1&moderation-hash=00"),
    ]
    for headers, address in personal:
        r = srv.get(address, headers=headers)
        assert r.status == 200, (address, headers, r)
        assert r.header(CACHE) is None, (address, headers, "a personal request used the cache")
        assert "no-store" in (r.header("Cache-Control") or ""), (address, headers)
    assert srv.get(path).header(CACHE) == "miss", "a personal request filled the cache"
    assert srv.get(path).header(CACHE) == "hit"
    for headers, address in personal:
        r = srv.get(address, headers=headers)
        assert r.header(CACHE) is None, (address, headers, "the shared page was served")


# ---------------------------------------------------------------------------------------------
# Finding 6: query parameters a page does not read are not part of its cache key


def test_unused_query_parameters_share_the_cache(editor_site, start_server, store):
    srv = serve(start_server, editor_site, store)
    path = post_path(editor_site, "Harbour notes")
    for address, other in [("/?x=1", "/?x=2"), (path + "?utm_source=a", path + "?fbclid=b"),
                           ("/?s=harbours&x=1", "/?x=9&s=harbours"),
                           (path + "print/?n=1", path + "print/?n=2")]:
        first = srv.get(address)
        assert first.status == 200, (address, first)
        second = srv.get(other)
        assert second.header(CACHE) == "hit", (other, "bypassed the cache after", address)
        assert second.body == first.body
    # a parameter the page reads still makes its own page
    assert srv.get("/?s=boats").header(CACHE) == "miss"
    assert srv.get(path + "print/?comments=1").header(CACHE) == "miss"


# ---------------------------------------------------------------------------------------------
# Finding 2: imported links and slugs; the HTTP layer's last line of defence


def item_line(document, wp_id):
    """The line (1-based) of the <item> holding <wp:post_id>wp_id</wp:post_id>."""
    lines = document.split("\n")
    at = lines.index(f"\t\t<wp:post_id>{wp_id}</wp:post_id>")
    while lines[at].strip() != "<item>":
        at -= 1
    return at + 1


HOSTILE_LINKS = {
    101: "/a&#13;&#10;Set-Cookie: x=1/",
    102: "//evil.example/x/",
    103: "/\\evil.example/y/",
    104: "/2022/03/../../admin/",
    105: "/2022/%2e%2e/z/",
}


def test_import_hostile_links_and_slugs(site, tmp_path, start_server, store):
    items = [wxr_item(wp_id, f"Hostile {wp_id}", link=link, slug=f"hostile-{wp_id}")
             for wp_id, link in HOSTILE_LINKS.items()]
    items.append(wxr_item(106, "Dotted", slug="..", link="/2022/03/dotted/"))
    items.append(wxr_item(107, "Broken slug", slug="a\nSet-Cookie: y=2",
                          link="/2022/03/broken-slug/"))
    items.append(wxr_item(108, "Fine one", slug="fine-one"))
    document = wxr_document(items)
    f = tmp_path / "hostile.xml"
    f.write_text(document)
    out = site.out("import", "wxr", str(f))
    assert re.search(r"^posts: 8 new", out, re.M), out
    assert re.search(r"^warnings: 7$", out, re.M), out
    for wp_id in list(HOSTILE_LINKS) + [106, 107]:
        assert f"{f}:{item_line(document, wp_id)}: " in out, (wp_id, out)
    assert "fine-one" not in out.split("warnings:")[1]

    srv = start_server(site)
    for wp_id in list(HOSTILE_LINKS) + [106, 107, 108]:
        r = srv.get(f"/?p={wp_id}")
        assert r.status == 301, (wp_id, r, r.text)
        location = r.header("Location")
        assert location.startswith("/") and location[1] not in "/\\", (wp_id, location)
        assert ".." not in location and "%2e" not in location.lower(), (wp_id, location)
        assert not r.header_all("Set-Cookie"), (wp_id, r.headers)
        page = srv.get(location)
        assert page.status == 200, (wp_id, location, page)
        assert f"Hostile {wp_id}" in page.text or wp_id in (106, 107, 108)
        # the slashless form's 301 and the comment form's 303 stay here too
        slashless = srv.get(location.rstrip("/"))
        assert slashless.status == 301 and slashless.header("Location") == location
        posted = srv.post_form(location + "comments",
                               {"author": "Ann", "email": "ann@example.invalid",
                                "comment": "Fine words.", "url": ""})
        assert posted.status == 303, (wp_id, posted, posted.text[:500])
        assert posted.header("Location").startswith(location), posted.header("Location")
    assert post_path(site, "Fine one") == "/2022/03/fine-one/"


def test_unsafe_stored_paths_are_never_sent(site, tmp_path, start_server, store, request):
    """Paths stored before these checks existed (or written behind gazette's back): the HTTP
    layer answers 500 and logs, rather than split a response or redirect off the site."""
    ids = {"Split me": publish(site, tmp_path, "Split me")[0],
           "Send me away": publish(site, tmp_path, "Send me away")[0]}
    pg = request.getfixturevalue("pg_server") if store == "postgres" else None
    char = "chr" if store == "postgres" else "char"
    crlf = f"'/x' || {char}(13) || {char}(10) || 'Set-Cookie: evil=1/'"
    db_execute(site, f"UPDATE posts SET path = {crlf} WHERE id = {ids['Split me']}", pg)
    db_execute(site, "UPDATE posts SET path = '//evil.example/' "
               f"WHERE id = {ids['Send me away']}", pg)
    srv = start_server(site)
    for title, what in (("Split me", "Location header holding a control character"),
                        ("Send me away", "redirect off this site")):
        r = srv.get(f"/?p={ids[title]}")
        assert r.status == 500, (title, r, r.headers)
        assert r.header("Location") is None and not r.header_all("Set-Cookie"), r.headers
        assert eventually(srv.logs, lambda text, w=what: w in text), (title, srv.logs())


def test_settings_refuse_control_characters(site):
    r = site.run("set", "cache.control_pages", "public\r\nSet-Cookie: x=1", expect=2)
    assert "one line" in r.stderr, r.stderr
    for bad in ("javascript:alert(1)", "https://", "https://a.example/x?y", "//a.example",
                "https://a.example/\nb"):
        r = site.run("set", "site.url", bad, expect=2)
        assert "site.url takes an http:// or https:// address" in r.stderr, (bad, r.stderr)
    site.run("set", "site.url", "https://news.example.org/blog/")
    assert site.out("get", "site.url").strip() == "https://news.example.org/blog"


# ---------------------------------------------------------------------------------------------
# Finding 3: absolute URLs come from site.url only


EVIL = {"Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}


def test_no_absolute_url_from_request_headers(editor_site, start_server, store):
    srv = serve(start_server, editor_site, store)
    path = post_path(editor_site, "Harbour notes")
    for address in list(pages(path).values()) + ["/sitemap.xml", "/robots.txt"]:
        r = srv.get(address, headers=EVIL)
        assert r.status == 200, (address, r)
        assert "evil.example" not in r.text, (address, "a link was made from the Host header")
        again = srv.get(address)
        assert "evil.example" not in again.text, (address, "the cache was poisoned")
    article = srv.get(path).tree()
    assert article.one("link", rel="canonical").get("href") == path
    assert "Sitemap:" not in srv.get("/robots.txt").text

    editor_site.run("set", "site.url", "https://news.example.org")
    r = eventually(lambda: srv.get(path, headers=EVIL),
                   lambda r: "https://news.example.org" in r.text)
    assert r.tree().one("link", rel="canonical").get("href") == "https://news.example.org" + path
    assert "evil.example" not in r.text
    robots = srv.get("/robots.txt", headers=EVIL).text
    assert "Sitemap: https://news.example.org/sitemap.xml" in robots, robots
    feed = srv.get("/feed/", headers=EVIL).text
    assert f"<link>https://news.example.org{path}</link>" in feed, feed[:2000]


def test_forwarded_proto_only_from_trusted_proxies(site, tmp_path, start_server):
    f = tmp_path / "locked.xml"
    f.write_text(wxr_document([wxr_item(301, "Locked", slug="locked", password="open sesame")]))
    site.run("import", "wxr", str(f))
    path = post_path(site, "Locked")
    srv = start_server(site)

    def unlock_cookie():
        r = srv.post_form(path + "password", {"post_password": "open sesame"},
                          headers={"X-Forwarded-Proto": "https"})
        assert r.status == 303, (r, r.text[:500])
        header = [h for h in r.header_all("Set-Cookie") if h.startswith("gz_postpass_")]
        assert header, r.headers
        return header[0]

    assert "Secure" not in unlock_cookie(), "an untrusted client's X-Forwarded-Proto was believed"
    srv.stop()
    site.run("set", "http.trusted_proxies", "127.0.0.1 ::1")
    srv = start_server(site)
    assert "Secure" in unlock_cookie(), "the trusted proxy's X-Forwarded-Proto was ignored"


def test_init_url_and_import_take_site_url(gazette_bin, tmp_path, new_db):
    g = Gazette(gazette_bin, new_db(tmp_path / "a.db"))
    g.run("init", "--url", "https://news.example.org/")
    assert g.out("get", "site.url").strip() == "https://news.example.org"
    bad = Gazette(gazette_bin, new_db(tmp_path / "b.db"))
    r = bad.run("init", "--url", "javascript:alert(1)", expect=2)
    assert "site.url takes an http:// or https:// address" in r.stderr, r.stderr

    # an import into a site without site.url takes the export's address, and says so
    f = tmp_path / "one.xml"
    f.write_text(wxr_document([wxr_item(201, "Imported")]))
    fresh = Gazette(gazette_bin, new_db(tmp_path / "c.db"))
    fresh.run("init")
    out = fresh.out("import", "wxr", str(f))
    assert "site.url: set to http://old.example.invalid" in out, out
    assert fresh.out("get", "site.url").strip() == "http://old.example.invalid"
    # but never replaces one that is set
    out = g.out("import", "wxr", str(f))
    assert "site.url:" not in out, out
    assert g.out("get", "site.url").strip() == "https://news.example.org"
