# test_cache.py: the page cache as readers see it: miss then hit (and HEAD), invalidation on every
# write path (comments in the server, moderation, post state, settings and imports from the command
# line), exact invalidation (other posts stay cached), no per-user data in shared bytes (remembered
# commenters, held comments, password-protected posts), the gzip and brotli variants against
# Accept-Encoding and Vary, a stress test of comments against readers (never stale after the 303),
# and the counters on /metrics with LRU eviction under cache.max_mb.
import gzip
import random
import re
import socket
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import eventually, wxr_document, wxr_item

try:  # Debian's python3-brotli (scripts/deps installs it); its absence fails the variant tests
    import brotli
except ImportError:  # pragma: no cover - reported by the tests that need it
    brotli = None

CACHE = "x-gazette-cache"
BODY = "A post of our own for the page cache."


# ---------------------------------------------------------------------------------------------
# Helpers


def serve(start_server, site, store, threads=2):
    """Starts a server and lets it settle: on PostgreSQL the change listener starts by dropping
    everything once (notifications missed before LISTEN are unknown), which may happen just after
    /healthz answers; wait for that so that it does not land between a test's miss and hit."""
    srv = start_server(site, threads=threads)
    if store == "postgres":
        eventually(lambda: metrics(srv), lambda m: m["invalidations"] >= 1, timeout=2.0)
    return srv


def metrics(srv):
    r = srv.get("/metrics")
    assert r.status == 200, r
    out = {}
    for key, name in (("hits", "gazette_cache_hits_total"),
                      ("misses", "gazette_cache_misses_total"),
                      ("evictions", "gazette_cache_evictions_total"),
                      ("invalidations", "gazette_cache_invalidations_total"),
                      ("pages", "gazette_cache_pages"), ("bytes", "gazette_cache_bytes")):
        m = re.search(rf"^{name} (\d+)$", r.text, re.M)
        assert m, f"/metrics has no {name}:\n{r.text}"
        out[key] = int(m.group(1))
    return out


def settle(srv, quiet=0.3, timeout=2.0):
    """Waits until the server has stopped invalidating (its own writes come back to it through the
    change feed or NOTIFY a moment later and drop the same pages again), so that a miss-then-hit
    check after a write is not raced by that echo."""
    deadline = time.monotonic() + timeout
    last, since = metrics(srv)["invalidations"], time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = metrics(srv)["invalidations"]
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def drop_cache(srv, site, n):
    """Empties the page cache as any write does (here a setting changed from the command line),
    so that the next request of a page is a miss. Query parameters a page does not read cannot
    give a fresh key: they are not part of it."""
    before = metrics(srv)["invalidations"]
    site.run("set", "site.description", f"Cache dropped {n}")
    eventually(lambda: metrics(srv)["invalidations"], lambda now: now > before, timeout=3.0)
    settle(srv)


def open_post(site, tmp_path, title, moderation="none", **front):
    if moderation is not None:
        site.run("set", "comments.moderation", moderation)
    front.setdefault("status", "publish")
    front.setdefault("date", "2024-05-01 10:00")
    return site.new_post(tmp_path, title, body=BODY, **front)


_n = [0]


def comment(srv, path, expect="approved", **kw):
    """Posts a comment to the post at `path`; returns (id, response). expect: "approved" (303 to
    path#comment-ID) or "held" (303 to the moderation URL)."""
    _n[0] += 1
    fields = dict(author=f"Reader {_n[0]}", email=f"reader{_n[0]}@example.com", url="",
                  comment=f"Comment number {_n[0]} of our own.", comment_parent="0")
    fields.update(kw)
    r = srv.post_form(path + "comments", fields)
    assert r.status == 303, (r, r.text[:1000])
    loc = r.location_path()
    if expect == "approved":
        m = re.fullmatch(re.escape(path) + r"#comment-(\d+)", loc)
    else:
        m = re.fullmatch(re.escape(path) + r"\?unapproved=(\d+)&moderation-hash=[0-9a-fA-F]+"
                         r"#comment-\d+", loc)
    assert m, f"{expect} comment: Location {loc!r}"
    return int(m.group(1)), r


def get200(srv, path, headers=None):
    r = srv.get(path, headers=headers)
    assert r.status == 200, (path, r, r.text[:500])
    return r


def cached(srv, path, headers=None):
    """GETs `path` until it is answered from the cache (a fill may race with an echo of an
    earlier write); the hit must come within a second. Returns the hit."""
    r = eventually(lambda: get200(srv, path, headers), lambda r: r.header(CACHE) == "hit")
    assert r.header(CACHE) == "hit", (path, r.headers)
    return r


def comment_ids(text):
    return {int(i) for i in re.findall(r'<li[^>]*\bid="comment-(\d+)"', text)}


def front_count(srv, path):
    """The comment count the front page gives for the post at `path` (its "N comments" link)."""
    doc = get200(srv, "/").tree()
    links = [a for a in doc.find_all("a") if a.get("href") == path + "#comments"]
    assert len(links) == 1, f"front page has {len(links)} comment links to {path}"
    m = re.fullmatch(r"(\d+) comments?", links[0].text)
    assert m, links[0].text
    return int(m.group(1))


def pdftotext(data, tmp_path):
    p = tmp_path / f"doc-{time.monotonic_ns()}.pdf"
    p.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(p), "-"], capture_output=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.decode("utf-8").split())


def decode(r):
    enc = (r.header("Content-Encoding") or "").strip().lower()
    if enc == "":
        return r.body
    if enc == "gzip":
        return gzip.decompress(r.body)
    if enc == "br":
        assert brotli is not None, "python3-brotli is not installed (scripts/deps installs it)"
        return brotli.decompress(r.body)
    raise AssertionError(f"unexpected Content-Encoding {enc!r}")


def raw_exchange(port, request_bytes, timeout=10):
    """Sends request_bytes (ending with Connection: close) and returns everything the server sent
    until it closed: (head as text, the bytes after the blank line)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(request_bytes)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head, sep, rest = data.partition(b"\r\n\r\n")
    assert sep, f"no end of headers in {data[:500]!r}"
    return head.decode("latin-1"), rest


def header_set(headers):
    return sorted((k.lower(), v) for k, v in headers if k.lower() not in ("date", "connection"))


def parse_head(head):
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return status, headers


# ---------------------------------------------------------------------------------------------
# Miss, hit, HEAD


def test_miss_then_hit_and_head(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Cache me")
    srv = serve(start_server, site, store)
    for p in (path, "/"):
        first = get200(srv, p)
        assert first.header(CACHE) == "miss", (p, first.headers)
        second = get200(srv, p)
        assert second.header(CACHE) == "hit", (p, second.headers)
        assert second.body == first.body
        assert second.header("Content-Type") == first.header("Content-Type")

        # HEAD of the cached page: the hit's very headers, and not one byte of body
        head, rest = raw_exchange(srv.port, (f"HEAD {p} HTTP/1.1\r\n"
                                             f"Host: 127.0.0.1:{srv.port}\r\n"
                                             "Connection: close\r\n\r\n").encode())
        status, headers = parse_head(head)
        assert status == 200, head
        assert rest == b"", f"HEAD {p} sent {len(rest)} body bytes"
        assert header_set(headers) == header_set(second.headers), (headers, second.headers)
        assert dict((k.lower(), v) for k, v in headers).get("content-length") == str(
            len(second.body))
        assert dict((k.lower(), v) for k, v in headers).get(CACHE) == "hit"


# ---------------------------------------------------------------------------------------------
# Invalidation on each write path


def test_approved_comment_changes_article_and_front_at_once(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Counted")
    srv = serve(start_server, site, store)
    cached(srv, path)
    cached(srv, "/")
    assert front_count(srv, path) == 0
    assert get200(srv, "/").header(CACHE) == "hit"
    cid, _ = comment(srv, path)
    # in-process write: invalidated before the 303 was sent, so no waiting here
    r = get200(srv, path)
    assert r.header(CACHE) == "miss", r.headers
    assert cid in comment_ids(r.text)
    assert r.tree().one("h2", cls="comments-title").text == "1 comment"
    assert front_count(srv, path) == 1
    cid2, _ = comment(srv, path)
    assert comment_ids(get200(srv, path).text) == {cid, cid2}
    assert front_count(srv, path) == 2


def test_held_comment_then_cli_approve(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Moderated", moderation="all")
    srv = serve(start_server, site, store)
    article = cached(srv, path).body
    front = cached(srv, "/").body
    cid, r = comment(srv, path, expect="held", comment="Held words, Wombatquill.")
    # nothing public changed
    assert get200(srv, path).body == article
    assert get200(srv, "/").body == front
    assert "Wombatquill" not in get200(srv, path).text
    # the CLI approves: the running server shows it within a second
    site.run("comment", "approve", cid)
    page = eventually(lambda: get200(srv, path), lambda r: cid in comment_ids(r.text))
    assert cid in comment_ids(page.text), "approved comment not shown within 1 s"
    assert "Wombatquill" in page.text
    assert eventually(lambda: front_count(srv, path), lambda n: n == 1) == 1


def test_cli_close_open_publish(site, tmp_path, start_server, store):
    pid, path = open_post(site, tmp_path, "Open then closed")
    draft_id, draft_path = site.new_post(tmp_path, "Unpublished yet", body="Draft words.",
                                         date="2024-05-02 10:00")
    srv = serve(start_server, site, store)
    assert cached(srv, path).tree().find("form", id="commentform") is not None

    site.run("post", "close", pid)
    doc = eventually(lambda: get200(srv, path).tree(),
                     lambda d: d.find("form", id="commentform") is None)
    assert doc.find("form", id="commentform") is None, "post close not seen within 1 s"
    assert doc.one("p", cls="comments-closed").text == "Comments are closed."
    assert cached(srv, path).tree().find("form", id="commentform") is None

    site.run("post", "open", pid)
    doc = eventually(lambda: get200(srv, path).tree(),
                     lambda d: d.find("form", id="commentform") is not None)
    assert doc.find("form", id="commentform") is not None, "post open not seen within 1 s"
    assert doc.find("p", cls="comments-closed") is None

    def titles():
        return [h.text for h in get200(srv, "/").tree().find_all("h2", cls="entry-title")]

    assert "Unpublished yet" not in [h.text for h in cached(srv, "/").tree().find_all(
        "h2", cls="entry-title")]
    assert srv.get(draft_path).status == 404
    site.run("post", "publish", draft_id)
    got = eventually(titles, lambda t: "Unpublished yet" in t)
    assert "Unpublished yet" in got, "post publish not on the front page within 1 s"
    r = eventually(lambda: srv.get(draft_path), lambda r: r.status == 200)
    assert r.status == 200


def test_set_site_title_changes_every_cached_page(site, tmp_path, start_server, store):
    _, a = open_post(site, tmp_path, "First of two")
    _, b = open_post(site, tmp_path, "Second of two", date="2024-05-02 10:00")
    srv = serve(start_server, site, store)
    pages = ["/", a, b, a + "print/", b + "print/?comments=1"]
    for p in pages:
        assert "Evening Ledger" not in cached(srv, p).text
    pdf_before = cached(srv, a + "pdf/").body
    site.run("set", "site.title", "Evening Ledger")
    for p in pages:
        r = eventually(lambda: get200(srv, p), lambda r: "Evening Ledger" in r.text)
        assert "Evening Ledger" in r.text, f"{p} still has the old site title after 1 s"
    r = eventually(lambda: get200(srv, a + "pdf/"), lambda r: r.header(CACHE) == "miss")
    assert r.header(CACHE) == "miss", "the PDF stayed cached across a site-wide change"
    assert r.body != pdf_before


def test_import_of_a_new_post_reaches_the_front_page(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Already here")
    srv = serve(start_server, site, store)
    before = [h.text for h in cached(srv, "/").tree().find_all("h2", cls="entry-title")]
    assert before == ["Already here"]
    doc = wxr_document([wxr_item(4242, "Imported later", slug="imported-later",
                                 date="2024-06-01 00:00:00")])
    (tmp_path / "new.xml").write_text(doc, encoding="utf-8")
    site.run("import", "wxr", tmp_path / "new.xml")
    got = eventually(lambda: [h.text for h in get200(srv, "/").tree().find_all(
        "h2", cls="entry-title")], lambda t: "Imported later" in t)
    assert got == ["Imported later", "Already here"], got


def test_print_and_pdf_with_comments_change_after_a_comment(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Printed")
    srv = serve(start_server, site, store)
    prn = cached(srv, path + "print/?comments=1")
    pdf = cached(srv, path + "pdf/?comments=1")
    plain_print = cached(srv, path + "print/")
    assert "Quokkaplume" not in prn.text
    assert "Quokkaplume" not in pdftotext(pdf.body, tmp_path)
    comment(srv, path, comment="Printable Quokkaplume words.")
    r = get200(srv, path + "print/?comments=1")
    assert r.header(CACHE) == "miss" and "Quokkaplume" in r.text
    r = get200(srv, path + "pdf/?comments=1")
    assert r.header(CACHE) == "miss"
    assert r.header("Content-Type") == "application/pdf"
    assert "Quokkaplume" in pdftotext(r.body, tmp_path)
    # without ?comments=1 the print page shows no comments: same bytes as before
    assert get200(srv, path + "print/").body == plain_print.body


# ---------------------------------------------------------------------------------------------
# Exact invalidation


def test_comment_on_one_post_leaves_another_cached(site, tmp_path, start_server, store):
    _, a = open_post(site, tmp_path, "Post A")
    _, b = open_post(site, tmp_path, "Post B", date="2024-05-02 10:00")
    srv = serve(start_server, site, store)
    b_page = cached(srv, b).body
    b_print = cached(srv, b + "print/").body
    cached(srv, a)
    m0 = metrics(srv)
    cid, _ = comment(srv, a)
    r = get200(srv, b)
    assert r.header(CACHE) == "hit", "a comment on post A dropped post B's page"
    assert r.body == b_page
    r = get200(srv, b + "print/")
    assert r.header(CACHE) == "hit" and r.body == b_print
    r = get200(srv, a)
    assert r.header(CACHE) == "miss" and cid in comment_ids(r.text)
    # and still after the server has seen its own write come back through the change feed
    time.sleep(0.5)
    assert metrics(srv)["invalidations"] > m0["invalidations"]
    assert get200(srv, b).header(CACHE) == "hit"


# ---------------------------------------------------------------------------------------------
# No per-user data in cached bytes


def test_remembered_commenter_is_not_in_cached_html(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Remember me")
    srv = serve(start_server, site, store)
    email = "remy.unique@example.com"
    cid, r = comment(srv, path, author="Remy Rememberable", email=email,
                     url="https://remy.example.com/", remember="1")
    cookies = [c.split(";")[0] for c in r.header_all("Set-Cookie")]
    names = {c.split("=")[0] for c in cookies}
    assert {"comment_author", "comment_author_email"} <= names, cookies
    jar = "; ".join(cookies)
    settle(srv)  # so that the hit below is not raced by the write's own echo

    with_cookie = get200(srv, path, {"Cookie": jar})
    without = get200(srv, path)
    with_again = get200(srv, path, {"Cookie": jar})
    assert without.header(CACHE) == "hit", "the page a remembered reader filled is not shared"
    assert with_cookie.body == without.body == with_again.body
    for r in (with_cookie, without):
        assert email not in r.text and urllib.parse.quote(email) not in r.text
        form = r.tree().one("form", id="commentform")
        for name in ("author", "email", "url"):
            assert form.one("input", name=name).get("value", "") == "", name
        assert "checked" not in form.one("input", name="remember").attrs
    # the comment itself is public (its author's name and link are part of it); the form is not
    # filled
    assert cid in comment_ids(without.text)
    assert "Remy Rememberable" in without.tree().one("li", id=f"comment-{cid}").text


def test_held_comment_link_is_never_cached(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Held here", moderation="all")
    srv = serve(start_server, site, store)
    cached(srv, path)
    cid, r = comment(srv, path, expect="held", comment="Only mine: Pangolinquest.")
    link = r.location_path().split("#")[0]
    settle(srv)
    hits = metrics(srv)["hits"]
    said = []
    for _ in range(3):
        mine = get200(srv, link)
        assert mine.header(CACHE) != "hit", mine.headers
        assert cid in comment_ids(mine.text) and "Pangolinquest" in mine.text
        said.append(mine.header(CACHE))
    assert metrics(srv)["hits"] == hits
    for _ in range(2):
        public = get200(srv, path)
        assert "Pangolinquest" not in public.text and cid not in comment_ids(public.text)
        assert "awaiting moderation" not in public.text
    assert get200(srv, path).header(CACHE) == "hit"
    # a forged hash shows nothing either
    forged = get200(srv, f"{path}?unapproved={cid}&moderation-hash=00000000")
    assert "Pangolinquest" not in forged.text
    # the author's page is personal: the cache is not even looked at (docs/security.md)
    assert said == [None] * 3, f"the held comment's page carries {CACHE}: {said}"


def test_password_protected_post_only_with_its_cookie(site, tmp_path, start_server, store):
    doc = wxr_document([wxr_item(700, "Locked away", slug="locked-away", password="opensesame",
                                 content="<p>Secret Narwhalvault words.</p>")])
    (tmp_path / "locked.xml").write_text(doc, encoding="utf-8")
    site.run("import", "wxr", tmp_path / "locked.xml")
    path = "/2022/03/locked-away/"
    srv = serve(start_server, site, store)
    for _ in range(2):
        r = get200(srv, path)
        assert "Narwhalvault" not in r.text
        assert r.tree().find("input", type="password") is not None
        assert r.header(CACHE) != "hit"
    bad = srv.post_form(path + "password", {"post_password": "wrong"})
    assert bad.status == 403
    ok = srv.post_form(path + "password", {"post_password": "opensesame"})
    assert ok.status == 303, ok
    cookie = [c.split(";")[0] for c in ok.header_all("Set-Cookie") if "gz_postpass_" in c]
    assert len(cookie) == 1, ok.header_all("Set-Cookie")
    for _ in range(2):
        mine = get200(srv, path, {"Cookie": cookie[0]})
        assert "Narwhalvault" in mine.text, "the unlock cookie does not unlock"
        assert mine.header(CACHE) != "hit"
        public = get200(srv, path)
        assert "Narwhalvault" not in public.text, "an unlocked page reached an anonymous reader"
        assert public.header(CACHE) != "hit"
    # another (forged) unlock cookie does not unlock, and is not answered from a cache either
    forged = get200(srv, path, {"Cookie": cookie[0].split("=")[0] + "=00"})
    assert "Narwhalvault" not in forged.text


def test_request_host_is_not_shared_through_the_cache(site, tmp_path, start_server, store):
    """With site.url unset the print page's links use the request's Host; one reader's Host must
    not reach another reader through the shared cached bytes."""
    _, path = open_post(site, tmp_path, "Hosted")
    srv = serve(start_server, site, store)
    first = get200(srv, path + "print/", {"Host": "attacker.example"})
    assert first.header(CACHE) == "miss"
    later = get200(srv, path + "print/", {"Host": f"127.0.0.1:{srv.port}"})
    assert "attacker.example" not in later.text, (
        f"a print page made for another Host was served from the cache ({later.header(CACHE)})")


# ---------------------------------------------------------------------------------------------
# Variants: identity, gzip, brotli


def test_brotli_module_is_installed():
    assert brotli is not None, "python3-brotli is missing: run scripts/deps"


ENCODINGS = [
    # Accept-Encoding, expected Content-Encoding
    (None, None),
    ("identity", None),
    ("gzip", "gzip"),
    ("br", "br"),
    ("gzip, deflate, br", "br"),
    ("br;q=0, gzip", "gzip"),
    ("gzip;q=0, br;q=0", None),
    ("gzip;q=0", None),
    ("br;q=0.0, gzip;q=1.0", "gzip"),
    ("*", "br"),
    ("*;q=0", None),
    ("br;q=0, *", "gzip"),
]


@pytest.mark.parametrize("kind", ["article", "front", "print"])
def test_variants_match_accept_encoding(site, tmp_path, start_server, store, kind):
    assert brotli is not None, "python3-brotli is missing: run scripts/deps"
    _, path = open_post(site, tmp_path, "Variants " + "é" * 3,
                        moderation="none")
    srv = serve(start_server, site, store)
    comment(srv, path, comment="Some text " * 200)
    settle(srv)
    key = {"article": path, "front": "/", "print": path + "print/?comments=1"}[kind]
    for i, (accept, want) in enumerate(ENCODINGS):
        drop_cache(srv, site, i)  # the first request is a miss
        headers = {"Accept-Encoding": accept} if accept is not None else {}
        seen = []
        for expect_cache in ("miss", "hit"):
            r = get200(srv, key, headers)
            assert r.header(CACHE) == expect_cache, (key, accept, r.headers)
            assert r.header("Content-Encoding") == want, (accept, r.header("Content-Encoding"))
            assert r.header("Vary") is not None and "accept-encoding" in r.header(
                "Vary").lower(), (accept, expect_cache, r.headers)
            assert r.header("Content-Length") == str(len(r.body)), (accept, r.headers)
            assert r.header("Content-Type").startswith("text/html")
            seen.append(decode(r))
        identity = get200(srv, key)
        assert identity.header("Content-Encoding") is None
        assert seen[0] == seen[1] == identity.body, (key, accept)
        if want is not None:
            # a compressed variant is smaller than what it encodes
            assert len(get200(srv, key, headers).body) < len(identity.body)


def test_vary_on_every_cached_html_response(site, tmp_path, start_server, store):
    _, a = open_post(site, tmp_path, "Vary A")
    srv = serve(start_server, site, store)
    for p in ("/", a, a + "print/"):
        for accept in (None, "gzip", "br"):
            h = {"Accept-Encoding": accept} if accept else {}
            drop_cache(srv, site, f"{p} {accept}")
            miss = get200(srv, p, h)
            hit = get200(srv, p, h)
            assert (miss.header(CACHE), hit.header(CACHE)) == ("miss", "hit")
            for r in (miss, hit):
                vary = [v.lower() for v in r.header_all("Vary")]
                assert any("accept-encoding" in v for v in vary), (p, accept, r.headers)


# ---------------------------------------------------------------------------------------------
# Stress: never stale after the 303


def test_stress_never_stale_after_303(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Busy post")
    srv = serve(start_server, site, store, threads=4)
    action = path + "comments"
    deadline = time.monotonic() + 3.0
    errors = []
    posted = []  # (comment id, time the 303 had arrived)
    reads = []   # (time the request was started, ids on the page, cache header)
    lock = threading.Lock()

    def poster(n):
        i = 0
        try:
            while time.monotonic() < deadline:
                i += 1
                r = srv.post_form(action, dict(author=f"Poster {n}", email=f"p{n}@example.com",
                                               url="", comment=f"Stress {n}.{i}",
                                               comment_parent="0"))
                done = time.monotonic()
                if r.status != 303:
                    errors.append(f"poster {n}: {r.status} {r.text[:200]}")
                    return
                m = re.fullmatch(re.escape(path) + r"#comment-(\d+)", r.location_path())
                if not m:
                    errors.append(f"poster {n}: Location {r.location_path()}")
                    return
                cid = int(m.group(1))
                with lock:
                    posted.append((cid, done))
                page = srv.get(path)
                if page.status != 200 or cid not in comment_ids(page.text):
                    errors.append(f"poster {n}: comment {cid} missing from the GET after its 303 "
                                  f"(status {page.status}, {CACHE}: {page.header(CACHE)})")
        except Exception as e:  # reported below
            errors.append(f"poster {n}: {e!r}")

    def reader(n):
        try:
            while time.monotonic() < deadline:
                headers = {"Accept-Encoding": "gzip"} if n % 2 else {}
                start = time.monotonic()
                r = srv.get(path, headers=headers)
                if r.status != 200:
                    errors.append(f"reader {n}: {r.status}")
                    return
                reads.append((start, comment_ids(decode(r).decode("utf-8")), r.header(CACHE)))
        except Exception as e:
            errors.append(f"reader {n}: {e!r}")

    threads = ([threading.Thread(target=poster, args=(n,)) for n in range(2)]
               + [threading.Thread(target=reader, args=(n,)) for n in range(4)])
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "stress threads hung"
    assert not errors, errors[:10]
    assert len(posted) >= 20, f"only {len(posted)} comments in 3 s"
    assert len(reads) >= 20, f"only {len(reads)} reads in 3 s"
    assert any(c == "hit" for _, _, c in reads), "readers never got a cached page"
    # no reader request started after a 303 arrived saw the page without that comment
    stale = [(cid, start) for cid, done in posted for start, ids, _ in reads
             if start > done and cid not in ids]
    assert not stale, f"{len(stale)} stale reads after a 303, e.g. {stale[:5]}"
    final = comment_ids(get200(srv, path).text)
    assert final == {cid for cid, _ in posted}


# ---------------------------------------------------------------------------------------------
# /metrics and the bound


def test_metrics_counters_move(site, tmp_path, start_server, store):
    _, path = open_post(site, tmp_path, "Measured")
    srv = serve(start_server, site, store)
    m0 = metrics(srv)
    assert m0["pages"] == 0 and m0["bytes"] == 0, m0
    assert get200(srv, path).header(CACHE) == "miss"
    m1 = metrics(srv)
    assert (m1["misses"], m1["hits"]) == (m0["misses"] + 1, m0["hits"]), (m0, m1)
    assert m1["pages"] == 1 and m1["bytes"] > 0
    assert get200(srv, path).header(CACHE) == "hit"
    m2 = metrics(srv)
    assert (m2["misses"], m2["hits"]) == (m1["misses"], m1["hits"] + 1), (m1, m2)
    assert get200(srv, "/").header(CACHE) == "miss"

    # bytes: each page's key, body and both variants, plus a small fixed overhead per page
    total = 0
    for p in (path, "/"):
        ident = get200(srv, p)
        gz = get200(srv, p, {"Accept-Encoding": "gzip"})
        br = get200(srv, p, {"Accept-Encoding": "br"})
        assert (gz.header("Content-Encoding"), br.header("Content-Encoding")) == ("gzip", "br")
        total += len(p) + len(ident.body) + len(gz.body) + len(br.body)
    m3 = metrics(srv)
    assert m3["pages"] == 2, m3
    assert m3["hits"] == m2["hits"] + 6, (m2, m3)
    assert total < m3["bytes"] <= total + 2 * 1024, (total, m3)
    assert m3["evictions"] == 0

    comment(srv, path)
    m4 = metrics(srv)
    assert m4["invalidations"] >= m3["invalidations"] + 1, (m3, m4)
    assert m4["pages"] == 0 and m4["bytes"] == 0, m4  # the article and the listing are gone

    # a write from the command line is counted too
    settle(srv)
    cached(srv, path)
    m5 = metrics(srv)
    site.run("set", "site.title", "Counted Ledger")
    m6 = eventually(lambda: metrics(srv), lambda m: m["invalidations"] > m5["invalidations"])
    assert m6["invalidations"] > m5["invalidations"] and m6["pages"] == 0, (m5, m6)


def _noise(rng, n):
    """n bytes or so of words that do not compress much."""
    words = []
    size = 0
    while size < n:
        w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
        words.append(w)
        size += len(w) + 1
    return " ".join(words)


def test_eviction_keeps_the_cache_within_max_mb(site, tmp_path, start_server, store):
    site.run("set", "cache.max_mb", "1")
    rng = random.Random(7)
    items = [wxr_item(600 + i, f"Large post {i}", slug=f"large-{i}",
                      date=f"2022-03-{i + 1:02d} 05:06:07",
                      content=f"<p>{_noise(rng, 90_000)}</p>") for i in range(20)]
    (tmp_path / "large.xml").write_text(wxr_document(items), encoding="utf-8")
    site.run("import", "wxr", tmp_path / "large.xml")
    srv = serve(start_server, site, store)
    paths = [f"/2022/03/large-{i}/" for i in range(20)]
    peak = 0
    for p in paths:
        r = get200(srv, p)
        assert len(r.body) > 90_000
        assert r.header(CACHE) == "miss"
        m = metrics(srv)
        peak = max(peak, m["bytes"])
        assert m["bytes"] <= 1 << 20, m
    m = metrics(srv)
    assert m["evictions"] > 0, m
    assert 1 <= m["pages"] < 20, m
    assert peak <= 1 << 20
    # least recently used goes first: the newest page is still there, the oldest is not
    assert get200(srv, paths[-1]).header(CACHE) == "hit"
    assert get200(srv, paths[0]).header(CACHE) == "miss"
    assert metrics(srv)["bytes"] <= 1 << 20


def test_cache_off_renders_every_request(site, tmp_path, start_server, store):
    site.run("set", "cache.max_mb", "0")
    _, path = open_post(site, tmp_path, "Never kept")
    srv = serve(start_server, site, store)
    for p in (path, "/"):
        first = get200(srv, p, headers={"Accept-Encoding": "gzip, br"})
        second = get200(srv, p, headers={"Accept-Encoding": "gzip, br"})
        for r in (first, second):
            assert r.header(CACHE) == "miss", (p, r.headers)
            # no variants are made for a cache that keeps nothing: the body goes as it is
            assert r.header("Content-Encoding") is None, (p, r.headers)
            assert r.header("ETag"), (p, r.headers)
        assert second.body == first.body
        assert second.header("ETag") == first.header("ETag")
    m = metrics(srv)
    assert m["pages"] == 0 and m["bytes"] == 0 and m["hits"] == 0, m
    cid, _ = comment(srv, path)
    assert cid in comment_ids(get200(srv, path).text)
