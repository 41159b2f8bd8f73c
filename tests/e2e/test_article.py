# test_article.py: the seed article as served: structure, body, the 10 comments' numbering and
# nesting, closed comments; /?p=ID, 404, the front page and its pagination, what stays hidden.
import urllib.parse

import pytest

from conftest import Gazette, Server, norm, parse_html, wxr_document, wxr_item


@pytest.fixture(scope="module")
def seed_server(gazette_bin, seed_wxr, tmp_path_factory, module_db):
    d = tmp_path_factory.mktemp("seedsite")
    g = Gazette(gazette_bin, module_db(d / "seed.db"))
    g.run("init")
    g.run("import", "wxr", seed_wxr)
    srv = Server(g, str(d)).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def article(seed_server, seed):
    r = seed_server.get(seed["path"])
    assert r.status == 200, r
    assert (r.header("Content-Type") or "").startswith("text/html"), r.header("Content-Type")
    return r


@pytest.fixture(scope="module")
def doc(article):
    return article.tree()


def expected_body(seed):
    return parse_html(seed["content"])


def body_paragraphs(body):
    """The <p>s of .entry-content, without the Print Friendly line (it may sit in there)."""
    return [p for p in body.find_all("p") if "Print Friendly" not in p.text]


def test_title_author_date_terms(doc, seed):
    assert doc.one("h1", cls="entry-title").text == norm(seed["title"])
    assert norm(seed["title"].split("?")[0]) in doc.one("title").text
    authors = doc.find_all(cls="author")
    assert authors and any(a.text == seed["author"] or seed["author"] in a.text
                           for a in authors), [a.text for a in authors]
    times = [t for t in doc.find_all("time") if t.closest(cls="comment") is None]
    assert any(t.get("datetime", "").startswith(seed["date_gmt"][:10]) for t in times), [
        t.attrs for t in times]
    cats = doc.find_all("a", rel="category tag")
    assert sorted(a.text for a in cats) == sorted(name for _, name in seed["categories"])
    for a in cats:
        slug = dict((n, s) for s, n in seed["categories"])[a.text]
        assert slug in a.get("href", ""), a.attrs
    tags = doc.find_all("a", rel="tag")
    assert sorted(a.text for a in tags) == sorted(name for _, name in seed["tags"])
    for a in tags:
        slug = dict((n, s) for s, n in seed["tags"])[a.text]
        assert slug in a.get("href", ""), a.attrs


def test_body_headings_quotes_paragraphs(doc, seed):
    body = doc.one("div", cls="entry-content")
    want = expected_body(seed)
    got_h2 = [h.text for h in body.find_all("h2")]
    assert len(got_h2) == 4
    assert got_h2 == [h.text for h in want.find_all("h2")]
    got_q = [q.text for q in body.find_all("blockquote")]
    assert len(got_q) == len(want.find_all("blockquote")) == 6
    assert got_q == [q.text for q in want.find_all("blockquote")]
    # every paragraph, in order, with its words intact
    assert [p.text for p in body_paragraphs(body)] == [p.text for p in want.find_all("p")]
    # paragraphs inside quotes stay inside quotes
    assert sum(len(q.find_all("p")) for q in body.find_all("blockquote")) == sum(
        len(q.find_all("p")) for q in want.find_all("blockquote"))


def test_footnote_paragraph(doc, seed):
    body = doc.one("div", cls="entry-content")
    footnote = expected_body(seed).one("p", cls="footnote").text
    assert footnote.startswith("*")
    last = body_paragraphs(body)[-1]
    assert last.text == footnote
    assert last.closest("blockquote") is None


def test_print_friendly_line(doc):
    assert "Print Friendly, PDF & Email" in doc.text


def test_comment_numbering_and_nesting(doc, seed):
    section = doc.one("section", id="comments")
    top_list = section.one("ol", cls="comment-list")
    top = top_list.child_elements("li")
    expected_top = [c for c in seed["comments"] if c["parent"] == 0]
    assert len(top) == len(expected_top) == 8
    assert [li.id for li in top] == [f"comment-{c['id']}" for c in expected_top]
    for n, li in enumerate(top, start=1):
        assert "comment" in li.classes and "depth-1" in li.classes, li.attrs
        numbers = li.find_all("span", cls="comment-number")
        assert numbers and numbers[0].text == f"{n}.", (li.id, [x.text for x in numbers])
    # the third top-level comment holds the two replies, numbered 1. and 2.
    parent = top[2]
    assert parent.id == "comment-4"
    children = parent.one("ol", cls="children").child_elements("li")
    assert [li.id for li in children] == ["comment-5", "comment-6"]
    for n, li in enumerate(children, start=1):
        assert "depth-2" in li.classes, li.attrs
        assert li.find_all("span", cls="comment-number")[0].text == f"{n}."
    # no other comment has replies
    assert len(section.find_all("ol", cls="children")) == 1
    # all ten anchors, once each
    ids = [li.id for li in section.find_all("li", cls="comment")]
    assert sorted(ids) == sorted(f"comment-{i}" for i in range(2, 12))


def test_comment_authors_times_contents(doc, seed):
    for c in seed["comments"]:
        li = doc.one("li", id=f"comment-{c['id']}")
        # look only at this comment's own parts, not its replies'
        own = [n for n in li.iter() if n.closest("li") is li]
        authors = [n for n in own if n.tag == "b" and "comment-author" in n.classes]
        assert len(authors) == 1 and authors[0].text == c["author"], (c["id"], authors)
        assert authors[0].find("a") is None, "a link for a commenter without a URL"
        times = [n for n in own if n.tag == "time"]
        assert times, f"comment {c['id']} has no <time>"
        assert times[0].get("datetime", "").startswith(c["date"][:10]), times[0].attrs
        contents = [n for n in own if n.tag == "div" and "comment-content" in n.classes]
        assert len(contents) == 1
        assert contents[0].text == parse_html(c["content"]).text, c["id"]


def test_comments_closed_no_form(doc, article, seed):
    assert seed["comment_status"] == "closed"
    closed = doc.find_all("p", cls="comments-closed")
    assert len(closed) == 1 and closed[0].text == "Comments are closed."
    assert doc.find("form", id="commentform") is None
    assert not [f for f in doc.find_all("form")
                if f.get("action", "").rstrip("/").endswith("/comments")]
    assert doc.find("textarea") is None
    assert doc.find("a", cls="comment-reply-link") is None
    assert "replytocom" not in article.text


def test_ids_unique(doc):
    ids = [n.id for n in doc.iter() if n.id]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, dupes


def test_permalink_variants(seed_server, seed):
    r = seed_server.get(f"/?p={seed['wp_id']}")
    assert r.status == 301, r
    assert r.location_path() == seed["path"] or r.header("Location").endswith(seed["path"])
    # a closed post ignores ?replytocom= (no form appears), it does not break
    r = seed_server.get(seed["path"] + "?replytocom=5")
    assert r.status == 200
    assert r.tree().find("form", id="commentform") is None


@pytest.mark.parametrize("path", ["/no/such/page/", "/2023/04/no-such-post/", "/?p=999999",
                                  "/page/999/", "/wp-config.php"])
def test_not_found(seed_server, path):
    r = seed_server.get(path)
    assert r.status == 404, (path, r)
    assert (r.header("Content-Type") or "").startswith("text/html")
    assert "<html" in r.text.lower() and "</html>" in r.text.lower()


def test_healthz(seed_server):
    r = seed_server.get("/healthz")
    assert r.status == 200 and r.text.strip() == "ok"


def test_front_page_lists_the_post(seed_server, seed):
    r = seed_server.get("/")
    assert r.status == 200
    doc = r.tree()
    links = [h.find("a") for h in doc.find_all("h2", cls="entry-title")]
    assert len(links) == 1
    assert urllib.parse.urlsplit(links[0].get("href")).path == seed["path"]
    assert links[0].text == norm(seed["title"])


def test_keep_alive_serves_several_requests(seed_server, seed):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", seed_server.port, timeout=10)
    try:
        for path in ("/healthz", seed["path"], "/", "/nope/"):
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            assert r.status in (200, 404)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Front page order and pagination; what stays hidden


def test_front_page_pagination(site, tmp_path, start_server):
    published = []
    for i in range(23):
        day = 1 + i
        _, path = site.new_post(tmp_path, f"Paged post {i:02d}", status="publish",
                                date=f"2024-03-{day:02d} 12:00")
        published.append(path)
    site.new_post(tmp_path, "Paged draft", status="draft", date="2024-03-30 12:00")
    newest_first = list(reversed(published))
    srv = start_server(site)

    seen = []
    page = 1
    while True:
        r = srv.get("/" if page == 1 else f"/page/{page}/")
        if page > 1 and r.status == 404:
            break
        assert r.status == 200, (page, r)
        doc = r.tree()
        hrefs = [urllib.parse.urlsplit(h.one("a").get("href")).path
                 for h in doc.find_all("h2", cls="entry-title")]
        assert hrefs, f"page {page} is empty"
        if page == 1:
            assert len(hrefs) < len(published), "23 posts on one page: no pagination"
            assert any(urllib.parse.urlsplit(a.get("href", "")).path == "/page/2/"
                       for a in doc.find_all("a")), "front page has no link to /page/2/"
        seen += hrefs
        page += 1
        assert page < 30
    assert seen == newest_first
    assert page - 1 >= 2


def test_hidden_statuses_and_password(site, tmp_path, start_server):
    items = [wxr_item(800 + i, f"Hidden {st}", status=st, slug=f"hidden-{st}",
                      content=f"<p>SECRETWORD{st}</p>",
                      date="2099-01-01 00:00:00" if st == "future" else "2022-03-04 05:06:07")
             for i, st in enumerate(["draft", "pending", "private", "future", "trash"])]
    items.append(wxr_item(810, "Locked post", slug="locked", password="opensesame",
                          content="<p>SECRETWORDlocked</p>"))
    items.append(wxr_item(811, "Visible post", slug="visible", content="<p>PUBLICWORD</p>"))
    items.append(wxr_item(812, "About page", post_type="page", slug="about", link="/about/",
                          content="<p>PAGEWORD</p>"))
    path = tmp_path / "hidden.xml"
    path.write_text(wxr_document(items), encoding="utf-8")
    site.run("import", "wxr", path)
    _, draft_path = site.new_post(tmp_path, "A new draft", body="SECRETWORDnewdraft")
    _, future_path = site.new_post(tmp_path, "Scheduled", body="SECRETWORDscheduled",
                                   status="future", date="2099-01-01 00:00")
    srv = start_server(site)

    for i, st in enumerate(["draft", "pending", "private", "future", "trash"]):
        r = srv.get(f"/2022/03/hidden-{st}/")
        assert r.status == 404, (st, r)
        assert "SECRETWORD" not in r.text
        r = srv.get(f"/?p={800 + i}")
        assert r.status == 404, (st, "?p", r)
    for p in (draft_path, future_path):
        r = srv.get(p)
        assert r.status == 404, (p, r)
        assert "SECRETWORD" not in r.text

    r = srv.get("/2022/03/visible/")
    assert r.status == 200 and "PUBLICWORD" in r.text
    r = srv.get("/about/")
    assert r.status == 200 and "PAGEWORD" in r.text

    r = srv.get("/2022/03/locked/")
    assert r.status == 200, r
    assert "SECRETWORDlocked" not in r.text
    doc = r.tree()
    assert doc.find("input", type="password") is not None, "no password form"
    assert "Locked post" in doc.one("h1", cls="entry-title").text

    front = srv.get("/")
    assert "SECRETWORD" not in front.text
    titles = [h.text for h in front.tree().find_all("h2", cls="entry-title")]
    assert "Visible post" in titles
    assert not [t for t in titles if t.startswith("Hidden") or t in ("A new draft", "Scheduled")]
    assert "About page" not in titles, "pages do not belong in the list of posts"


def test_publish_makes_a_draft_visible(site, tmp_path, start_server):
    pid, path = site.new_post(tmp_path, "Soon public", body="Draft words.")
    assert [r["status"] for r in site.posts() if r["id"] == pid] == ["draft"]
    srv = start_server(site)
    assert srv.get(path).status == 404
    site.run("post", "publish", pid)
    assert [r["status"] for r in site.posts() if r["id"] == pid] == ["publish"]
    r = srv.get(path)
    assert r.status == 200, r
    assert r.tree().one("h1", cls="entry-title").text == "Soon public"
    assert "Soon public" in [h.text for h in srv.get("/").tree().find_all("h2", cls="entry-title")]


def test_render_html_matches_served_article(seed_server, seed, doc):
    g = seed_server.g
    out = g.out("render", "html", seed["path"])
    rendered = parse_html(out)
    assert rendered.one("h1", cls="entry-title").text == doc.one("h1", cls="entry-title").text
    assert [li.id for li in rendered.find_all("li", cls="comment")] == [
        li.id for li in doc.find_all("li", cls="comment")]
    assert rendered.one("div", cls="entry-content").text == doc.one(
        "div", cls="entry-content").text
    (row,) = g.posts()
    for key in (row["id"], seed["slug"]):
        assert g.out("render", "html", key) == out, key


def test_security_headers_on_pages_misses_and_hits(seed_server, seed):
    """Every page says: no sniffing, no framing, scripts only from the site, forms only to it."""
    seen = set()
    # a fresh cache key (replytocom is a parameter articles read): a miss, then a hit
    for query in ("?replytocom=987654", "?replytocom=987654"):
        r = seed_server.get(seed["path"] + query)
        assert r.status == 200
        seen.add(r.header("x-gazette-cache"))
        assert r.header("X-Content-Type-Options") == "nosniff"
        assert r.header("X-Frame-Options") == "DENY"
        assert r.header("Referrer-Policy") == "strict-origin-when-cross-origin"
        csp = {d.split()[0]: d.split()[1:] for d in
               (part.strip() for part in r.header("Content-Security-Policy").split(";")) if d}
        assert csp["script-src"] == ["'self'"], csp
        assert csp["frame-ancestors"] == ["'none'"], csp
        assert csp["form-action"] == ["'self'"], csp
        # the theme keeps to it: no inline script that would be executed
        assert not any(t == "script" and ("type", "application/ld+json") not in attrs
                       and not any(k == "src" for k, _ in attrs)
                       for t, attrs in parse_html(r.text).start_tags), "inline script on the page"
    assert seen == {"miss", "hit"}, seen
    r = seed_server.get("/no/such/page/")
    assert r.status == 404 and r.header("X-Frame-Options") == "DENY"
