# test_import.py: `gazette import wxr`: the seed's counts, re-import, broken files (one
# transaction: nothing changes), and a large hostile export from tests/gen/hostile_wxr.py.
import json
import os
import re
import subprocess

import pytest

from conftest import (SOURCE, hostile_markup, page_start_tags, wxr_document, wxr_item)

SUMMARY_RE = {
    "posts": re.compile(r"^\s*posts:\s*(\d+) new, (\d+) already present", re.M),
    "pages": re.compile(r"^\s*pages:\s*(\d+) new, (\d+) already present", re.M),
    "comments": re.compile(
        r"^\s*comments:\s*(\d+) new \(approved (\d+), pending (\d+), spam (\d+), trash (\d+)\), "
        r"(\d+) already present", re.M),
    "pingbacks": re.compile(r"^\s*pingbacks:\s*(\d+) new", re.M),
    "skipped": re.compile(r"^\s*skipped:\s*(\d+)", re.M),
}


def parse_summary(out):
    """The import summary as a dict of int tuples; fails naming the missing line."""
    s = {}
    for key, rx in SUMMARY_RE.items():
        m = rx.search(out)
        assert m, f"import summary has no '{key}:' line in the contract's form:\n{out}"
        s[key] = tuple(int(x) for x in m.groups())
    return s


# ---------------------------------------------------------------------------------------------
# The seed


def test_seed_import_summary(site, seed_wxr, seed):
    out = site.out("import", "wxr", seed_wxr)
    s = parse_summary(out)
    assert s["posts"] == (1, 0)
    assert s["pages"] == (0, 0)
    assert s["comments"] == (10, 10, 0, 0, 0, 0)
    assert s["pingbacks"] == (0,)
    assert s["skipped"] == (0,)


def test_seed_import_lists(seeded_site, seed):
    posts = seeded_site.posts()
    assert len(posts) == 1, posts
    p = posts[0]
    assert p["type"] == "post"
    assert p["status"] == "publish"
    assert p["path"] == seed["path"]
    assert p["title"] == seed["title"]
    assert p["date"].startswith(seed["date_gmt"][:10]), p["date"]

    comments = seeded_site.comments()
    assert len(comments) == 10, comments
    by_id = {int(c["id"]): c for c in comments}
    assert set(by_id) == {c["id"] for c in seed["comments"]}
    for c in seed["comments"]:
        row = by_id[c["id"]]
        assert row["status"] == "approved", row
        assert row["post"] == p["id"], row
        assert int(row["parent"]) == c["parent"], row
        assert row["author"] == c["author"], row
    assert sorted(int(c["id"]) for c in comments if c["parent"] != "0") == [5, 6]

    # filters
    assert len(seeded_site.comments("--status", "approved")) == 10
    assert seeded_site.comments("--status", "pending") == []
    assert seeded_site.comments("--status", "spam") == []
    assert len(seeded_site.comments("--post", p["id"])) == 10
    assert len(seeded_site.comments("--post", seed["path"])) == 10


def test_seed_reimport_is_idempotent(seeded_site, seed_wxr):
    before = seeded_site.snapshot()
    out = seeded_site.out("import", "wxr", seed_wxr)
    s = parse_summary(out)
    assert s["posts"] == (0, 1)
    assert s["pages"] == (0, 0)
    assert s["comments"] == (0, 0, 0, 0, 0, 10)
    assert s["pingbacks"] == (0,)
    assert seeded_site.snapshot() == before


def test_import_missing_file(site, tmp_path):
    before = site.snapshot()
    missing = tmp_path / "no-such-export.xml"
    p = site.run("import", "wxr", missing, expect=1)
    assert str(missing) in p.stderr, p.stderr
    assert site.snapshot() == before


def test_import_usage_error(site):
    p = site.run("import", "wxr", expect=2)
    assert p.stderr.strip(), "usage error without a message on stderr"


# ---------------------------------------------------------------------------------------------
# Broken files: exit 1, "PATH:LINE:" on stderr, database unchanged


def _own_items(first_id):
    return [wxr_item(first_id + i, f"Complete item number {i}", slug=f"complete-item-{i}",
                     comments=[dict(id=first_id * 10 + i, content="<p>Complete reply.</p>")])
            for i in range(2)]


def _truncated_seed(seed_bytes):
    cut = seed_bytes[: int(len(seed_bytes) * 0.6)]
    item_line = seed_bytes[: seed_bytes.index(b"<item>")].count(b"\n") + 1
    return cut, (item_line, cut.count(b"\n") + 1)


def _truncated_own(seed_bytes):
    doc = wxr_document(_own_items(9100) + [wxr_item(9102, "Cut short", content="<p>Half")])
    data = doc.encode("utf-8")
    cut = data[: data.rindex(b"<p>Half") + 7]
    item_line = cut[: cut.rindex(b"<item>")].count(b"\n") + 1
    return cut, (item_line, cut.count(b"\n") + 1)


def _not_xml(seed_bytes):
    return b"This is not XML at all.\nJust two lines of text.\n", (1, 1)


def _not_wxr(seed_bytes):
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
           '<title>Plain feed</title>\n<link>http://feed.example.invalid/</link>\n'
           '<item><title>An ordinary RSS item</title>'
           '<link>http://feed.example.invalid/a/</link></item>\n</channel>\n</rss>\n')
    return doc.encode(), (1, doc.count("\n") + 1)


def _html_not_wxr(seed_bytes):
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
           '\n<body><p>An XHTML page, well-formed but no export.</p></body>\n</html>\n')
    return doc.encode(), (1, doc.count("\n") + 1)


def _bad_utf8_seed(seed_bytes):
    # invalid bytes inside the last comment, after the post and nine comments were read
    marker = b"<wp:comment_id>11</wp:comment_id>"
    at = seed_bytes.index(b"<p>", seed_bytes.index(marker)) + 3
    line = seed_bytes[:at].count(b"\n") + 1
    return seed_bytes[:at] + b"\xff\xfe\xc3(" + seed_bytes[at:], (line, line)


def _bad_utf8_own(seed_bytes):
    doc = wxr_document(_own_items(9200) + [wxr_item(9202, "Bad bytes", content="<p>BADBYTES</p>")])
    data = doc.encode("utf-8")
    at = data.index(b"BADBYTES")
    line = data[:at].count(b"\n") + 1
    return data.replace(b"BADBYTES", b"caf\xe9 \x80\x80"), (line, line)


BROKEN = {
    "truncated-seed": _truncated_seed,
    "truncated-own": _truncated_own,
    "not-xml": _not_xml,
    "rss-not-wxr": _not_wxr,
    "xhtml-not-wxr": _html_not_wxr,
    "invalid-utf8-seed": _bad_utf8_seed,
    "invalid-utf8-own": _bad_utf8_own,
    "empty": lambda b: (b"", (0, 1)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_changes_nothing(site, seed_wxr, tmp_path, case):
    # a site with content of its own, so "unchanged" is not "empty"
    site.new_post(tmp_path, "Existing post before a broken import", status="publish",
                  date="2021-01-02 03:04")
    with open(seed_wxr, "rb") as f:
        seed_bytes = f.read()
    data, (lo, hi) = BROKEN[case](seed_bytes)
    path = tmp_path / f"broken-{case}.xml"
    path.write_bytes(data)
    before = site.snapshot()

    p = site.run("import", "wxr", path, expect=1)

    m = re.search(re.escape(str(path)) + r":(\d+):", p.stderr)
    assert m, f"stderr does not name '{path}:LINE:':\n{p.stderr}"
    line = int(m.group(1))
    assert lo <= line <= hi, f"error reported at line {line}, expected {lo}..{hi}:\n{p.stderr}"
    assert site.snapshot() == before, "a failed import changed the database"

    # and the site still imports a good file afterwards
    good = tmp_path / "good.xml"
    good.write_text(wxr_document(_own_items(9300)), encoding="utf-8")
    s = parse_summary(site.out("import", "wxr", good))
    assert s["posts"] == (2, 0)
    assert s["comments"][:2] == (2, 2)


# ---------------------------------------------------------------------------------------------
# Every status, pages, pingbacks, reply structure: a small export of our own


def test_statuses_pages_pingbacks(site, tmp_path, start_server):
    items = []
    wp = 500
    statuses = ["publish", "draft", "pending", "private", "future", "trash"]
    for i, st in enumerate(statuses):
        items.append(wxr_item(wp + i, f"Status {st}", status=st, slug=f"status-{st}"))
    items.append(wxr_item(520, "A page", post_type="page", slug="a-page", link="/a-page/"))
    items.append(wxr_item(521, "Attachment", post_type="attachment", slug="att",
                          status="inherit"))
    items.append(wxr_item(530, "Discussed", slug="discussed", comments=[
        dict(id=601, approved="1", content="<p>one</p>", date="2022-03-05 01:00:00"),
        dict(id=602, approved="0", content="<p>two</p>", date="2022-03-05 02:00:00"),
        dict(id=603, approved="spam", content="<p>three</p>", date="2022-03-05 03:00:00"),
        dict(id=604, approved="trash", content="<p>four</p>", date="2022-03-05 04:00:00"),
        dict(id=605, approved="1", parent=601, content="<p>five</p>",
             date="2022-03-05 05:00:00"),
        dict(id=606, approved="1", parent=605, content="<p>six</p>",
             date="2022-03-05 06:00:00"),
        dict(id=607, approved="1", type="pingback", content="<p>ping</p>",
             date="2022-03-05 07:00:00"),
        dict(id=608, approved="1", type="trackback", content="<p>track</p>",
             date="2022-03-05 08:00:00"),
    ]))
    path = tmp_path / "statuses.xml"
    path.write_text(wxr_document(items), encoding="utf-8")

    s = parse_summary(site.out("import", "wxr", path))
    assert s["posts"] == (7, 0)
    assert s["pages"] == (1, 0)
    assert s["comments"] == (6, 3, 1, 1, 1, 0)
    assert s["pingbacks"] == (2,)
    assert s["skipped"][0] >= 1  # the attachment, at least

    rows = site.posts()
    status_of = {r["path"]: r["status"] for r in rows}
    for st in statuses:
        assert status_of.get(f"/2022/03/status-{st}/") == st, rows
    assert [r["type"] for r in rows if r["path"] == "/a-page/"] == ["page"]

    comments = {int(c["id"]): c for c in site.comments()}
    assert {i: comments[i]["status"] for i in range(601, 607)} == {
        601: "approved", 602: "pending", 603: "spam", 604: "trash", 605: "approved",
        606: "approved"}
    assert comments[605]["parent"] == "601" and comments[606]["parent"] == "605"

    again = parse_summary(site.out("import", "wxr", path))
    assert again["posts"] == (0, 7) and again["pages"] == (0, 1)
    assert again["comments"] == (0, 0, 0, 0, 0, 6)
    assert again["pingbacks"] == (0,)

    srv = start_server(site)
    doc = srv.get("/2022/03/discussed/").tree()
    shown = {li.id for li in doc.find_all("li", cls="comment")}
    assert shown == {"comment-601", "comment-605", "comment-606"}, shown
    assert "depth-1" in doc.one("li", id="comment-601").classes
    assert "depth-2" in doc.one("li", id="comment-605").classes
    assert "depth-3" in doc.one("li", id="comment-606").classes
    assert doc.one("li", id="comment-606").closest("li").id == "comment-605"
    assert doc.one("li", id="comment-605").closest("li").id == "comment-601"


def test_unicode_and_entities(site, tmp_path, start_server):
    title = "Кириллица, العربية & emoji 🎉 <b>not bold</b>"
    content = ("<p>Привет мир — مرحبا بالعالم — 👩‍💻 &amp; &lt;tag&gt; &#x263A; &eacute;</p>"
               "<h2>Заголовок</h2><blockquote><p>Цитата</p></blockquote>")
    path = tmp_path / "unicode.xml"
    path.write_text(wxr_document([wxr_item(700, title, slug="unicode", content=content,
                                           comments=[dict(id=701, author="Зоя 🐱")])]),
                    encoding="utf-8")
    site.out("import", "wxr", path)
    rows = site.posts()
    assert [r["title"] for r in rows] == [title]
    srv = start_server(site)
    r = srv.get("/2022/03/unicode/")
    assert r.status == 200
    doc = r.tree()
    assert doc.one("h1", cls="entry-title").text == title
    body = doc.one("div", cls="entry-content")
    assert "Привет мир — مرحبا بالعالم — 👩‍💻 & <tag> ☺ é" in body.text
    assert [h.text for h in body.find_all("h2")] == ["Заголовок"]
    assert [q.text for q in body.find_all("blockquote")] == ["Цитата"]
    assert doc.one("li", id="comment-701").one("b", cls="comment-author").text == "Зоя 🐱"
    assert all(b.text != "not bold" for b in doc.find_all("b")), "title HTML was not escaped"


# ---------------------------------------------------------------------------------------------
# The hostile generator (tests/gen/hostile_wxr.py)

GENERATOR = os.path.join(SOURCE, "tests", "gen", "hostile_wxr.py")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, gazette_bin, module_db):
    """Generates and imports a hostile export once for the module; yields (site, json, out)."""
    from conftest import Gazette
    if not os.path.isfile(GENERATOR):
        pytest.fail(f"hostile generator missing: {GENERATOR}", pytrace=False)
    d = tmp_path_factory.mktemp("hostile")
    out_file = d / "hostile.xml"
    p = subprocess.run(["/usr/bin/python3", GENERATOR, "--posts", "150", "--comments", "1500",
                        "--seed", "20240501", "--out", str(out_file)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"generator failed ({p.returncode}):\n{p.stderr}"
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        pytest.fail(f"generator did not print JSON:\n{p.stdout[:2000]}", pytrace=False)
    g = Gazette(gazette_bin, module_db(d / "hostile.db"))
    g.run("init")
    out = g.run("import", "wxr", out_file, timeout=120).stdout
    return g, summary, out, out_file


def test_hostile_import_counts(hostile):
    """The import summary and the listings agree with what the generator says it wrote."""
    g, gen, out, _ = hostile
    s = parse_summary(out)
    types = gen["items_by_type"]
    assert s["posts"] == (types["post"], 0), (s, gen)
    assert s["pages"] == (types.get("page", 0), 0), (s, gen)
    assert s["skipped"][0] >= types.get("attachment", 0) + types.get("nav_menu_item", 0)

    ordinary = gen["comments_by_type"]["comment"]
    pings = gen["comments_by_type"]["pingback"] + gen["comments_by_type"]["trackback"]
    assert s["comments"][0] == ordinary, (s, gen)
    assert sum(s["comments"][1:5]) == ordinary, s
    assert s["pingbacks"] == (pings,), (s, gen)
    by_approved = gen["comments_by_approved"]  # these include pingbacks and trackbacks
    for i, key in enumerate(("1", "0", "spam", "trash"), start=1):
        assert s["comments"][i] <= by_approved[key], (key, s, gen)

    rows = g.posts()
    for kind, by_status in (("post", gen["posts_by_status"]), ("page", gen["pages_by_status"])):
        got = {}
        for r in rows:
            if r["type"] == kind:
                got[r["status"]] = got.get(r["status"], 0) + 1
        assert got == {k: v for k, v in by_status.items() if v}, (kind, got, by_status)
    assert len({r["path"] for r in rows}) == len(rows), "two items share a permalink"

    listed = {st: len(g.comments("--status", st))
              for st in ("approved", "pending", "spam", "trash")}
    total = len(g.comments())
    assert sum(listed.values()) == total
    # pingbacks may or may not be listed by `comment list`; ordinary comments must all be
    assert total in (ordinary, ordinary + pings), (total, ordinary, pings)
    if total == ordinary:
        assert tuple(listed[st] for st in ("approved", "pending", "spam", "trash")) == \
            s["comments"][1:5]


def test_hostile_reimport_adds_nothing(hostile):
    g, summary, out, path = hostile
    first = parse_summary(out)
    before = g.snapshot()
    s = parse_summary(g.out("import", "wxr", path))
    assert s["posts"] == (0, first["posts"][0])
    assert s["pages"] == (0, first["pages"][0])
    assert s["comments"] == (0, 0, 0, 0, 0, first["comments"][0])
    assert s["pingbacks"] == (0,)
    assert g.snapshot() == before


def test_hostile_pages_are_clean(hostile, site, start_server, tmp_path):
    g, summary, out, _ = hostile
    # the theme's own script/style/meta tags, from a clean site's front page and article
    _, clean_path = site.new_post(tmp_path, "A clean post", status="publish")
    clean = start_server(site)
    allowed = set()
    for path in ("/", clean_path):
        r = clean.get(path)
        assert r.status == 200, (path, r.status)
        allowed |= {t for t in page_start_tags(r.text)
                    if t[0] in ("script", "style", "meta", "base")
                    and not any(k.startswith("on") for k, _ in t[1])}
    clean.stop()
    # the clean post has no author, so the theme's article:author <meta> is not on it
    allowed.add(("meta", (("property", "article:author"), ("content", ""))))

    rows = g.posts()
    srv = start_server(g)
    front = srv.get("/")
    assert front.status == 200
    problems = []
    n = 2
    while True:
        r = srv.get(f"/page/{n}/")
        if r.status == 404 or n > 100:
            break
        assert r.status == 200, (n, r.status)
        problems += [f"/page/{n}/: {p}" for p in hostile_markup(r.text, allowed)]
        n += 1
    problems += [f"/: {p}" for p in hostile_markup(front.text, allowed)]
    served = 0
    for row in rows:
        r = srv.get(urllib_quote(row["path"]))
        if row["status"] == "publish":
            assert r.status == 200, (row, r.status)
            served += 1
            problems += [f"{row['path']}: {p}" for p in hostile_markup(r.text, allowed)]
        elif row["status"] in ("draft", "pending", "private", "future", "trash"):
            assert r.status == 404, (row, r.status)
    assert served > 0, "no published post in the hostile export"
    assert not problems, "hostile markup served:\n" + "\n".join(problems[:40])


def urllib_quote(path):
    import urllib.parse
    return urllib.parse.quote(path, safe="/%?=&#:@!$'()*+,;~")
