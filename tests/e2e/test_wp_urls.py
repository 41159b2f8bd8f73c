# test_wp_urls.py: every other URL form WordPress accepts answers as WordPress answers it: 200 at
# one canonical form, 301 from the others (wp-includes/canonical.php, the rewrite rules), 404 for
# what names nothing. On an export of our own, with WordPress's term and user IDs.
import urllib.parse

import pytest

from conftest import _cdata, wxr_document, wxr_item

PAGED_BODY = ("<p>Alpha page words.</p>\n\n<!--nextpage-->\n\n<p>Beta page words.</p>\n"
              "<!--nextpage-->\n<p>Gamma <em>page</em> words.</p>")


def export_text():
    items = [
        wxr_item(101, "First post", slug="first", date="2019-01-15 10:00:00",
                 link="/2019/01/first/", categories=[("local", "Local")],
                 tags=[("quiet", "Quiet")]),
        wxr_item(102, "Paged post", slug="paged", date="2019-02-03 09:00:00",
                 link="/2019/02/paged/", content=PAGED_BODY),
        wxr_item(103, "About us", post_type="page", slug="about", link="/about/"),
        wxr_item(104, "Teaser post", slug="teaser", date="2019-02-04 09:00:00",
                 link="/2019/02/teaser/",
                 content="<p>Before the fold.</p>\n<!--more Read it all-->\n<p>After it.</p>"
                         "<!-- wp:paragraph --><!-- a note -->"),
    ]
    text = wxr_document(items)
    extra = "\n".join([
        "\t<wp:author><wp:author_id>7</wp:author_id>"
        f"<wp:author_login>{_cdata('second')}</wp:author_login>"
        f"<wp:author_email>{_cdata('second@example.invalid')}</wp:author_email>"
        f"<wp:author_display_name>{_cdata('Second Writer')}</wp:author_display_name>"
        "</wp:author>",
        "\t<wp:category><wp:term_id>11</wp:term_id>"
        f"<wp:category_nicename>{_cdata('news')}</wp:category_nicename>"
        f"<wp:category_parent>{_cdata('')}</wp:category_parent>"
        f"<wp:cat_name>{_cdata('News')}</wp:cat_name></wp:category>",
        "\t<wp:category><wp:term_id>12</wp:term_id>"
        f"<wp:category_nicename>{_cdata('local')}</wp:category_nicename>"
        f"<wp:category_parent>{_cdata('news')}</wp:category_parent>"
        f"<wp:cat_name>{_cdata('Local')}</wp:cat_name></wp:category>",
        "\t<wp:tag><wp:term_id>21</wp:term_id>"
        f"<wp:tag_slug>{_cdata('quiet')}</wp:tag_slug>"
        f"<wp:tag_name>{_cdata('Quiet')}</wp:tag_name></wp:tag>",
    ])
    marker = "</wp:author>"
    at = text.index(marker) + len(marker)
    return text[:at] + "\n" + extra + text[at:]


@pytest.fixture
def srv(site, tmp_path, start_server):
    path = tmp_path / "wp-urls.xml"
    path.write_text(export_text(), encoding="utf-8")
    site.run("import", "wxr", path)
    site.run("set", "site.posts_per_page", "1")
    return start_server(site)


def moved(srv, path, to):
    """GET path is a 301 to `to`, and `to` is a page (200): never a redirect to nothing."""
    r = srv.get(path)
    assert r.status == 301, f"{path}: {r.status}, expected 301 to {to}"
    assert r.location_path() == to, f"{path}: 301 to {r.location_path()}, expected {to}"
    there = srv.get(to)
    assert there.status == 200, f"{path} -> {to}: {there.status}"
    return there


def missing(srv, path):
    r = srv.get(path)
    assert r.status == 404, f"{path}: {r.status}, expected 404"


def test_query_forms(srv):
    moved(srv, "/?p=101", "/2019/01/first/")
    moved(srv, "/?page_id=103", "/about/")
    moved(srv, "/?cat=11", "/category/news/")
    moved(srv, "/?cat=12", "/category/news/local/")
    moved(srv, "/?category_name=local", "/category/news/local/")
    moved(srv, "/?tag=quiet", "/tag/quiet/")
    moved(srv, "/?tag_id=21", "/tag/quiet/")
    moved(srv, "/?author=1", "/author/tester/")
    moved(srv, "/?m=2019", "/2019/")
    moved(srv, "/?m=201901", "/2019/01/")
    moved(srv, "/?m=20190115", "/2019/01/15/")
    moved(srv, "/?year=2019&monthnum=2", "/2019/02/")
    moved(srv, "/?feed=rss2", "/feed/")
    moved(srv, "/?feed=rss", "/feed/")
    moved(srv, "/?feed=rdf", "/feed/")
    moved(srv, "/?feed=atom", "/feed/atom/")
    moved(srv, "/?feed=comments-rss2", "/comments/feed/")
    moved(srv, "/?feed=comments-atom", "/comments/feed/atom/")
    moved(srv, "/?cat=11&feed=rss2", "/category/news/feed/")
    moved(srv, "/?m=201901&feed=atom", "/2019/01/feed/atom/")
    moved(srv, "/?p=101&feed=rss2", "/2019/01/first/feed/")
    moved(srv, "/?paged=2", "/page/2/")
    moved(srv, "/?m=2019&paged=2", "/2019/page/2/")
    # unknown IDs, slugs, dates and feeds: 404, never the front page
    for path in ["/?p=999", "/?p=abc", "/?page_id=0", "/?cat=99", "/?cat=21", "/?cat=x",
                 "/?tag=nothing", "/?tag_id=11", "/?author=99", "/?author=abc",
                 "/?author_name=nobody", "/?m=201913", "/?m=20190230", "/?m=2019x",
                 "/?m=20190116", "/?feed=nothing", "/?paged=0", "/?paged=99"]:
        missing(srv, path)
    # an author without published posts has no archive, as in WordPress
    missing(srv, "/?author=7")
    # a search stays a search, whatever else the query says
    r = srv.get("/?s=alpha&cat=11")
    assert r.status == 200 and "Paged post" in r.text
    front = srv.get("/")
    assert front.status == 200


FEED_ALIASES = ["feed/rss2/", "feed/rss/", "feed/rdf/", "feed/feed/", "rss/", "rss2/", "rdf/"]


@pytest.mark.parametrize("base", ["/", "/category/news/", "/category/news/local/", "/tag/quiet/",
                                  "/author/tester/", "/2019/", "/2019/01/", "/2019/01/15/",
                                  "/2019/01/first/", "/comments/"])
def test_feed_aliases(srv, base):
    rss = srv.get(base + "feed/")
    assert rss.status == 200 and "rss" in rss.header("Content-Type"), base
    atom = srv.get(base + "feed/atom/")
    assert atom.status == 200 and "atom" in atom.header("Content-Type"), base
    for alias in FEED_ALIASES + ["feed"]:
        moved(srv, base + alias, base + "feed/")
    moved(srv, base + "atom/", base + "feed/atom/")
    moved(srv, base + "feed/atom", base + "feed/atom/")
    moved(srv, base + "rss2", base + "feed/")


def test_date_feeds_hold_their_dates(srv):
    january = srv.get("/2019/01/feed/").text
    assert "First post" in january and "Paged post" not in january
    february = srv.get("/2019/02/feed/atom/").text
    assert "Paged post" in february and "First post" not in february
    for path in ["/2019/13/feed/", "/nothing/rss2/", "/nothing/feed/atom/", "/2019/01/none/atom/"]:
        missing(srv, path)
    moved(srv, "/feed" + "/feed" * 1000 + "/", "/feed/")  # one hop, however long


def test_one_trailing_slash_rule(srv):
    for path in ["/tag/quiet/", "/category/news/", "/author/tester/", "/2019/", "/2019/01/",
                 "/2019/01/15/", "/page/2/", "/2019/01/first/", "/about/", "/feed/",
                 "/2019/01/first/print/"]:
        r = srv.get(path)
        assert r.status == 200, path
        if "html" in r.header("Content-Type"):  # its canonical link names itself (or its article)
            links = r.tree().find_all("link", rel="canonical")
            own = path[:-len("print/")] if path.endswith("/print/") else path
            assert [urllib.parse.urlsplit(c.get("href")).path for c in links] in ([], [own])
        moved(srv, path.rstrip("/"), path)
    # page 1 of a listing is the listing itself
    for base in ["/", "/category/news/", "/tag/quiet/", "/author/tester/", "/2019/"]:
        moved(srv, base + "page/1/", base)
        moved(srv, base + "page/1", base)
    # a category without its parents: one hop to its canonical path
    moved(srv, "/category/local", "/category/news/local/")
    moved(srv, "/category/local/", "/category/news/local/")
    for path in ["/nothing", "/tag/nothing", "/2019/13", "/page/99"]:
        missing(srv, path)
    # files keep their names
    assert srv.get("/sitemap.xml").status == 200
    assert srv.get("/robots.txt").status == 200
    missing(srv, "/sitemap.xml/")


def test_administration_and_endpoints(srv):
    for path in ["/wp-admin/", "/wp-admin", "/wp-admin/post.php?post=101&action=edit",
                 "/wp-login.php", "/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1"]:
        r = srv.get(path)
        assert r.status == 301 and r.location_path() == "/admin/", (path, r.status)
    moved(srv, "/index.php", "/")
    moved(srv, "/index.php?p=101", "/2019/01/first/")
    moved(srv, "/index.php?cat=11", "/category/news/")
    moved(srv, "/index.php?s=alpha", "/?s=alpha")
    missing(srv, "/index.php?p=999")
    moved(srv, "/2019/01/first/amp/", "/2019/01/first/")
    moved(srv, "/2019/01/first/embed/", "/2019/01/first/")
    moved(srv, "/about/embed/", "/about/")
    moved(srv, "/2019/01/first/amp", "/2019/01/first/")
    for path in ["/nothing/amp/", "/nothing/embed/", "/category/news/amp/"]:
        missing(srv, path)


def test_nextpage_pages(srv):
    first = srv.get("/2019/02/paged/")
    assert first.status == 200
    pages = {1: first}
    for n in (2, 3):
        pages[n] = srv.get(f"/2019/02/paged/{n}/")
        assert pages[n].status == 200, n
    words = {1: "Alpha", 2: "Beta", 3: "Gamma"}
    for n, r in pages.items():
        doc = r.tree()
        content = doc.one("div", cls="entry-content").text
        assert words[n] in content
        assert all(w not in content for m, w in words.items() if m != n), (n, content)
        assert "nextpage" not in r.text
        links = doc.one("p", cls="post-nav-links")
        assert links.text == "Pages: 1 2 3"
        hrefs = [a.get("href") for a in links.find_all("a")]
        expected = {1: "/2019/02/paged/", 2: "/2019/02/paged/2/", 3: "/2019/02/paged/3/"}
        assert hrefs == [expected[m] for m in (1, 2, 3) if m != n]
        assert links.one("span", cls="current").text == str(n)
        canonical = doc.one("link", rel="canonical").get("href")
        assert canonical.endswith(expected[n]), canonical
    assert "<em>page</em>" in pages[3].text
    moved(srv, "/2019/02/paged/1/", "/2019/02/paged/")
    moved(srv, "/2019/02/paged/2", "/2019/02/paged/2/")
    missing(srv, "/2019/02/paged/4/")
    missing(srv, "/2019/02/paged/0/")
    # a post of one page has no page 2, and no page links
    missing(srv, "/2019/01/first/2/")
    moved(srv, "/2019/01/first/1/", "/2019/01/first/")
    assert srv.get("/2019/01/first/").tree().find("p", cls="post-nav-links") is None
    # the printable view shows the whole article
    whole = srv.get("/2019/02/paged/print/").text
    assert all(w in whole for w in words.values())


def test_more_comment_kept_others_dropped(srv):
    r = srv.get("/2019/02/teaser/")
    assert r.status == 200
    assert "<!--more Read it all-->" in r.text
    assert "wp:paragraph" not in r.text and "a note" not in r.text
