# test_limits.py: the resource limits of docs/security.md's table, each at the limit (accepted)
# and just over it (a clear 4xx, or the connection closed where the table says so), and after
# every refusal the server unaffected (/healthz and an article page answer 200 on a new
# connection): request line and header bytes and count (h2o's), the request body of each route
# class and http.max_body_kb above them all, form fields, comment size, reply nesting, Markdown
# nesting, connections per client address (and trusted proxies), the header deadline and the
# keep-alive idle timeout. The settings' defaults are checked against gazette.1 and
# docs/security.md.
#
# Limits do not depend on the store: SQLite only.
import os
import re
import select
import socket
import time
import http.client
import urllib.parse

import pytest

from conftest import SOURCE, eventually, form_encode, free_port, wxr_document, wxr_item

pytestmark = pytest.mark.stores("sqlite")

TITLE = "Limits under test"
MAX_REQLEN = 8192 + 4096 * 100  # h2o 2.2.5's H2O_MAX_REQLEN: request line and headers
MAX_HEADERS = 100               # h2o 2.2.5's H2O_MAX_HEADERS
KIB, MIB = 1024, 1024 * 1024
ROUTE_413 = b"The request body is larger than this address accepts."
PASSWORD = "a long sign-in secret 7"
# http.timeout_s is set to 1: a connection it applies to is closed after about a second; this
# bound is generous, yet below the default 10 s, so a setting not applied fails
DEADLINE_BOUND = 8

# the settings of the table: key -> default (gazette get on a new site, gazette.1, docs/security.md)
LIMIT_SETTINGS = {
    "http.max_body_kb": "1024",
    "comments.max_kb": "64",
    "comments.max_depth": "6",
    "http.max_conns_per_ip": "128",
    "http.timeout_s": "10",
}
OUT_OF_RANGE = {
    "http.max_body_kb": ["0"],
    "comments.max_kb": ["0", "1025"],
    "comments.max_depth": ["0", "21"],
    "http.max_conns_per_ip": ["-1"],
    "http.timeout_s": ["0", "3601"],
}


# ---------------------------------------------------------------------------------------------
# Helpers


def open_post(site, tmp_path):
    """A published post open for comments, comments shown at once; returns its path."""
    site.run("set", "comments.moderation", "none")
    _, path = site.new_post(tmp_path, TITLE, body="Words of our own about limits.",
                            status="publish", date="2024-05-01 10:00")
    return path


def assert_unaffected(srv, path):
    """The server still serves: /healthz and the article answer 200, each on a new connection."""
    r = srv.get("/healthz", timeout=10)
    assert r.status == 200 and r.text.strip() == "ok", (r, r.text[:200])
    r = srv.get(path, timeout=10)
    assert r.status == 200 and TITLE in r.text, (path, r)


def post_raw(port, path, body, headers=None, timeout=30):
    """POSTs body (url-encoded form) over a plain socket with `Connection: close`, tolerating a
    server that answers and closes before the body is all sent. Returns (status, reason,
    headers {lower-name: value}, body bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        h = {"Host": f"127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded",
             "Content-Length": str(len(body)), "Connection": "close"}
        h.update(headers or {})
        head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
        try:
            s.sendall(head.encode("latin-1") + b"\r\n")
            for i in range(0, len(body), 65536):
                s.sendall(body[i:i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = http.client.HTTPResponse(s, method="POST")
        r.begin()
        try:
            data = r.read()
        except (ConnectionResetError, http.client.IncompleteRead) as e:
            data = getattr(e, "partial", b"")
        return r.status, r.reason, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        s.close()


def padded(fields, total, pad_name="pad"):
    """`fields` url-encoded and then a field `pad_name` of 'p's making the body `total` bytes."""
    head = form_encode(fields) + f"&{pad_name}=".encode()
    assert len(head) < total
    return head + b"p" * (total - len(head))


def comment_body(total, **kw):
    """A comment form body of exactly `total` bytes: the comment is 'z's filling it up."""
    f = dict(author="Limit Reader", email="limit.reader@example.com", url="",
             comment_parent="0")
    f.update(kw)
    head = form_encode(f) + b"&comment="
    return head + b"z" * (total - len(head))


def read_until_closed(sock, bound):
    """Reads until the server closes `sock` or `bound` seconds pass. Returns (bytes read, how:
    "eof" | "reset" | "open", seconds waited)."""
    start = time.monotonic()
    data = b""
    while True:
        left = bound - (time.monotonic() - start)
        if left <= 0:
            return data, "open", time.monotonic() - start
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, "open", time.monotonic() - start
        except ConnectionResetError:
            return data, "reset", time.monotonic() - start
        if not chunk:
            return data, "eof", time.monotonic() - start
        data += chunk


def exchange(port, request, bound=10):
    """Sends `request` on a new connection; returns (bytes answered, how it ended)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=bound)
    try:
        try:
            s.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, how, _ = read_until_closed(s, bound)
        return data, how
    finally:
        s.close()


def status_of(data):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    assert m, f"not an HTTP response: {data[:200]!r}"
    return int(m.group(1))


def body_of(data):
    return data.partition(b"\r\n\r\n")[2]


def get_on(sock, path="/healthz"):
    """One keep-alive GET on an open connection; returns (status, body)."""
    sock.settimeout(10)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: limits.test\r\n\r\n".encode())
    r = http.client.HTTPResponse(sock, method="GET")
    r.begin()
    data = r.read()
    assert (r.getheader("Connection") or "").lower() != "close", "the server closed it"
    return r.status, data


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


# ---------------------------------------------------------------------------------------------
# The settings: documented, with the defaults the table gives


def test_limit_settings_defaults_documented_and_checked(site):
    man = open(os.path.join(SOURCE, "docs", "gazette.1"), encoding="utf-8").read()
    security = open(os.path.join(SOURCE, "docs", "security.md"), encoding="utf-8").read()
    table = security[security.index("## Limits and their settings"):]
    table = table[:table.index("\n## ")]
    for key, default in LIMIT_SETTINGS.items():
        assert site.out("get", key).strip() == default, key
        assert re.search(rf"\.B {re.escape(key)}\\fR \({default}\)", man), (
            f"gazette.1 does not document {key} ({default})")
        assert re.search(rf"`{re.escape(key)}` \({default}\b", table), (
            f"docs/security.md's limits table does not give {key} ({default})")
        for bad in OUT_OF_RANGE[key]:
            p = site.run("set", key, bad, expect=None)
            assert p.returncode == 2 and key in p.stderr, (key, bad, p.returncode, p.stderr)
            assert site.out("get", key).strip() == default
    # the table's fixed numbers
    assert "417,792 bytes, 100 headers" in table
    assert f"{MAX_REQLEN:,}" == "417,792"


# ---------------------------------------------------------------------------------------------
# Request line and headers (h2o's own limits)


def test_request_header_bytes_at_and_over_limit(site, tmp_path, start_server):
    path = open_post(site, tmp_path)
    srv = start_server(site)

    def request(total):
        head = "GET /healthz HTTP/1.1\r\nHost: limits.test\r\nX-Big: "
        tail = "\r\nConnection: close\r\n\r\n"
        return (head + "a" * (total - len(head) - len(tail)) + tail).encode()

    assert len(request(MAX_REQLEN)) == MAX_REQLEN
    data, how = exchange(srv.port, request(MAX_REQLEN))
    assert status_of(data) == 200 and body_of(data) == b"ok\n", data[:300]

    data, how = exchange(srv.port, request(MAX_REQLEN + 1))
    assert status_of(data) == 400, data[:300]
    assert how == "eof", how
    assert b"text/plain" in data and body_of(data) == b"Bad Request", data[:300]
    assert_unaffected(srv, path)

    data, how = exchange(srv.port, request(2 * MAX_REQLEN))  # far over: the same
    assert status_of(data) == 400 and how in ("eof", "reset"), (data[:300], how)
    assert_unaffected(srv, path)


def test_header_count_at_and_over_limit(site, tmp_path, start_server):
    path = open_post(site, tmp_path)
    srv = start_server(site)

    def request(count):  # Host and Connection are two of them
        extra = "".join(f"X-Field-{i}: v{i}\r\n" for i in range(count - 2))
        return (f"GET /healthz HTTP/1.1\r\nHost: limits.test\r\n{extra}"
                "Connection: close\r\n\r\n").encode()

    data, _ = exchange(srv.port, request(MAX_HEADERS))
    assert status_of(data) == 200 and body_of(data) == b"ok\n", data[:300]
    for count in (MAX_HEADERS + 1, 3 * MAX_HEADERS):
        data, how = exchange(srv.port, request(count))
        assert status_of(data) == 400, (count, data[:300])
        assert how == "eof" and body_of(data) == b"Bad Request", (count, how, data[:300])
        assert_unaffected(srv, path)


# ---------------------------------------------------------------------------------------------
# Request bodies: each route class at its limit and one byte over


def test_comment_body_at_1mib_and_over(site, tmp_path, start_server):
    site.run("set", "comments.max_kb", "1024")  # the comment's own limit out of the way
    path = open_post(site, tmp_path)
    srv = start_server(site)
    status, _, headers, data = post_raw(srv.port, path + "comments", comment_body(MIB))
    assert status == 303, (status, data[:500])
    (row,) = site.comments()
    assert "#comment-" + row["id"] in headers["location"]

    status, reason, headers, data = post_raw(srv.port, path + "comments", comment_body(MIB + 1))
    assert status == 413, (status, data[:500])
    # http.max_body_kb (1024) is the same 1 MiB; the route's answer (h2o's own limit is the
    # media upload's, above it)
    assert data.strip() == ROUTE_413, data[:300]
    assert len(site.comments()) == 1
    assert_unaffected(srv, path)


def test_sign_in_form_body_at_16kib_and_over(site, tmp_path, start_server):
    path = open_post(site, tmp_path)
    site.add_user("chief", "admin", password=PASSWORD)
    srv = start_server(site)
    fields = [("login", "chief"), ("password", PASSWORD)]
    status, _, headers, data = post_raw(srv.port, "/admin/login", padded(fields, 16 * KIB))
    assert status == 303, (status, data[:500])
    assert "gz_session=" in headers.get("set-cookie", ""), headers

    status, _, headers, data = post_raw(srv.port, "/admin/login", padded(fields, 16 * KIB + 1))
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    assert "set-cookie" not in headers
    assert_unaffected(srv, path)


def test_password_form_body_at_4kib_and_over(site, tmp_path, start_server):
    path = open_post(site, tmp_path)
    doc = wxr_document([wxr_item(700, "Locked limits", slug="locked-limits",
                                 password="opensesame")])
    (tmp_path / "locked.xml").write_text(doc, encoding="utf-8")
    site.run("import", "wxr", tmp_path / "locked.xml")
    locked = "/2022/03/locked-limits/"
    srv = start_server(site)
    assert srv.get(locked).status == 200
    fields = [("post_password", "opensesame")]
    status, _, headers, data = post_raw(srv.port, locked + "password", padded(fields, 4 * KIB))
    assert status == 303, (status, data[:500])
    assert "gz_postpass_" in headers.get("set-cookie", ""), headers

    status, _, headers, data = post_raw(srv.port, locked + "password",
                                        padded(fields, 4 * KIB + 1))
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    assert "set-cookie" not in headers
    assert_unaffected(srv, path)


def test_email_form_body_at_8kib_and_over(site, tmp_path, start_server):
    site.run("set", "mail.smtp_url", f"smtp://127.0.0.1:{free_port()}")  # nothing listens:
    site.run("set", "mail.from", "news@limits.example.org")             # the mail is queued
    site.run("set", "site.url", "https://limits.example.org")          # (needed for mail)
    path = open_post(site, tmp_path)
    srv = start_server(site)
    fields = [("to", "friend@example.net"), ("name", "Ada Quill"), ("email", ""), ("note", "")]
    status, _, headers, data = post_raw(srv.port, path + "email/", padded(fields, 8 * KIB))
    assert status == 303, (status, data[:500])
    assert urllib.parse.urlsplit(headers["location"]).path == path + "email/"
    queued = site.out("mail", "queue").splitlines()
    assert len(queued) == 1, queued

    status, _, _, data = post_raw(srv.port, path + "email/", padded(fields, 8 * KIB + 1))
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    assert site.out("mail", "queue").splitlines() == queued
    assert_unaffected(srv, path)


def test_max_body_kb_caps_every_route(site, tmp_path, start_server):
    """http.max_body_kb caps every route's own limit (but the media upload's, media.max_mb):
    set to 8, a comment (1 MiB route) and the sign-in form (16 KiB route) take 8 KiB and no
    more."""
    site.run("set", "http.max_body_kb", "8")
    path = open_post(site, tmp_path)
    site.add_user("chief", "admin", password=PASSWORD)
    srv = start_server(site)
    status, _, _, data = post_raw(srv.port, path + "comments", comment_body(8 * KIB))
    assert status == 303, (status, data[:500])
    assert len(site.comments()) == 1
    status, _, _, data = post_raw(srv.port, path + "comments", comment_body(8 * KIB + 1))
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    assert len(site.comments()) == 1
    assert_unaffected(srv, path)

    fields = [("login", "chief"), ("password", PASSWORD)]
    status, _, _, data = post_raw(srv.port, "/admin/login", padded(fields, 8 * KIB))
    assert status == 303, (status, data[:500])
    status, _, _, data = post_raw(srv.port, "/admin/login", padded(fields, 8 * KIB + 1))
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    assert_unaffected(srv, path)


def _admin(srv):
    """(Cookie header, CSRF token) of a fresh admin session."""
    status, _, headers, data = post_raw(srv.port, "/admin/login", form_encode(
        [("login", "chief"), ("password", PASSWORD)]))
    assert status == 303, (status, data[:500])
    cookie = headers["set-cookie"].split(";")[0]
    r = srv.get("/admin/posts/new", headers={"Cookie": cookie})
    assert r.status == 200, r
    csrf = r.tree().find("input", name="csrf").get("value")
    assert csrf
    return cookie, csrf


def test_post_editor_body_4mib_only_with_max_body_kb_raised(site, tmp_path, start_server):
    """The editor's route takes 4 MiB, but http.max_body_kb (1024) caps it at 1 MiB until
    raised; raised above 4096, 4 MiB saves and one byte more is the route's own 413."""
    path = open_post(site, tmp_path)
    site.add_user("chief", "admin", password=PASSWORD)

    def body(total):
        return padded(dict(title="Heavy draft", slug="", excerpt="", body="Short.", categories="",
                           tags="", status="draft", date="", comments="open", action="save",
                           csrf=csrf), total)

    srv = start_server(site)
    cookie, csrf = _admin(srv)
    status, _, _, data = post_raw(srv.port, "/admin/posts/new", body(MIB), {"Cookie": cookie})
    assert status == 303, (status, data[:500])
    status, _, _, data = post_raw(srv.port, "/admin/posts/new", body(MIB + 1), {"Cookie": cookie})
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    assert_unaffected(srv, path)
    srv.stop()

    site.run("set", "http.max_body_kb", "8192")
    srv = start_server(site)
    cookie, csrf = _admin(srv)
    status, _, headers, data = post_raw(srv.port, "/admin/posts/new", body(4 * MIB),
                                        {"Cookie": cookie})
    assert status == 303 and "done=" in headers["location"], (status, data[:500])
    status, _, _, data = post_raw(srv.port, "/admin/posts/new", body(4 * MIB + 1),
                                  {"Cookie": cookie})
    assert status == 413 and data.strip() == ROUTE_413, (status, data[:300])
    titles = [p["title"] for p in site.posts()]
    assert titles.count("Heavy draft") == 2, titles
    assert_unaffected(srv, path)


# ---------------------------------------------------------------------------------------------
# Form fields


def test_form_of_256_fields_accepted_257_refused(site, tmp_path, start_server):
    path = open_post(site, tmp_path)
    srv = start_server(site)
    real = [("author", "Field Counter"), ("email", "fields@example.com"), ("url", ""),
            ("comment", "Counting fields."), ("comment_parent", "0")]

    def body(count):
        return form_encode(real + [(f"x{i}", "1") for i in range(count - len(real))])

    assert body(256).count(b"&") == 255
    r = srv.request("POST", path + "comments", body=body(256),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 303, (r, r.text[:500])
    assert len(site.comments()) == 1

    r = srv.request("POST", path + "comments", body=body(257),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400, (r, r.text[:500])
    assert r.text.strip() == "The form has more fields than any form of this site (256).", r.text
    assert len(site.comments()) == 1
    assert_unaffected(srv, path)


# ---------------------------------------------------------------------------------------------
# Comment size, reply nesting, Markdown nesting


def post_comment(srv, path, **kw):
    f = dict(author="Limit Reader", email="limit.reader@example.com", url="",
             comment="A reply of our own.", comment_parent="0")
    f.update({k: str(v) for k, v in kw.items()})
    return srv.post_form(path + "comments", f)


def posted_id(r, path):
    assert r.status == 303, (r, r.text[:1500])
    m = re.fullmatch(re.escape(path) + r"#comment-(\d+)", r.location_path())
    assert m, r.location_path()
    return int(m.group(1))


def test_comment_max_kb_1(site, tmp_path, start_server):
    site.run("set", "comments.max_kb", "1")
    path = open_post(site, tmp_path)
    srv = start_server(site)
    at = "é" * 512  # 1024 bytes of UTF-8
    cid = posted_id(post_comment(srv, path, comment=at), path)
    li = srv.get(path).tree().one("li", id=f"comment-{cid}")
    assert li.one("div", cls="comment-content").text == at

    over = at + "!"
    r = post_comment(srv, path, comment=over)
    assert r.status == 400, (r, r.text[:500])
    assert (r.header("Content-Type") or "").startswith("text/html")
    doc = r.tree()
    said = [b for b in doc.blocks(exclude=("textarea",)) if re.search(r"too long", b, re.I)]
    assert said and "1 KiB" in said[0], said
    kept = doc.one("form", id="commentform").one("textarea", name="comment").raw_text()
    assert kept.lstrip("\n") == over
    assert len(site.comments()) == 1
    assert_unaffected(srv, path)


def depth_of(li):
    d = [c for c in li.classes if re.fullmatch(r"depth-\d+", c)]
    assert len(d) == 1, li.attrs
    return int(d[0][len("depth-"):])


def test_reply_nesting_max_depth_3(site, tmp_path, start_server):
    site.run("set", "comments.max_depth", "3")
    path = open_post(site, tmp_path)
    srv = start_server(site)
    chain = [posted_id(post_comment(srv, path), path)]
    for _ in range(3):  # the third reply would be at depth 4
        chain.append(posted_id(post_comment(srv, path, comment_parent=chain[-1]), path))
    doc = srv.get(path).tree()
    lis = [doc.one("li", id=f"comment-{c}") for c in chain]
    assert [depth_of(li) for li in lis] == [1, 2, 3, 3]
    assert lis[3].closest("li").id == f"comment-{chain[1]}"  # a sibling of the depth-3 one
    assert not [n for n in doc.iter() if n.tag == "li" and any(
        re.fullmatch(r"depth-(\d+)", c) and int(c[6:]) > 3 for c in n.classes)]
    parents = {int(r["id"]): r["parent"] for r in site.comments()}
    assert parents[chain[3]] == str(chain[1])
    assert_unaffected(srv, path)


def test_markdown_nesting(site, tmp_path, start_server):
    """64 levels of Markdown nodes counting the document, the paragraph and its text: 61 nested
    quotes are quotes; 62 (or 200) are too deep, and the whole comment is shown as typed."""
    path = open_post(site, tmp_path)
    srv = start_server(site)
    ids = {n: posted_id(post_comment(srv, path, comment=">" * n + " deep words"), path)
           for n in (61, 62, 200)}
    page = srv.get(path)
    assert page.status == 200
    doc = page.tree()
    content = {n: doc.one("li", id=f"comment-{c}").one("div", cls="comment-content")
               for n, c in ids.items()}
    quotes = content[61].find_all("blockquote")
    assert len(quotes) == 61 and quotes[-1].text == "deep words"
    assert quotes[-1].find("blockquote") is None
    for n in (62, 200):
        assert content[n].find("blockquote") is None, n
        (pre,) = content[n].find_all("pre")
        assert pre.raw_text().strip() == ">" * n + " deep words", n
    assert_unaffected(srv, path)


# ---------------------------------------------------------------------------------------------
# Connections per client address


def assert_refused(sock):
    data, how, _ = read_until_closed(sock, 5)
    assert status_of(data) == 429, data[:300]
    assert body_of(data) == b"Too many connections from your address; close some first.\n"
    assert how == "eof", how


def counted_connections(sock):
    """/metrics' gauge of the connections counted against the limit, asked on an open connection
    (a new one would be counted too)."""
    status, body = get_on(sock, "/metrics")
    assert status == 200, body[:300]
    m = re.search(rb"^gazette_connections_counted (\d+)$", body, re.M)
    assert m, body[:2000]
    return int(m.group(1))


def test_connections_per_address(site, tmp_path, start_server):
    site.run("set", "http.max_conns_per_ip", "5")
    path = open_post(site, tmp_path)
    srv = start_server(site)
    # the start-up check's connections are counted out a moment after they close, by their
    # loop: until then a fifth one here could be the sixth (refused), so wait for it
    held = [connect(srv.port)]
    assert eventually(lambda: counted_connections(held[0]), lambda n: n == 1, timeout=5) == 1
    held += [connect(srv.port) for _ in range(4)]
    try:
        for s in held[:2]:  # two have made a request and stay open; three have sent nothing
            assert get_on(s) == (200, b"ok\n")
        # Each loop thread accepts from its own listener (SO_REUSEPORT): a loaded one may not
        # have taken its idle connections yet when the sixth arrives at the other one
        assert eventually(lambda: counted_connections(held[0]), lambda n: n == 5, timeout=5) == 5

        extra = connect(srv.port)  # the sixth, idle: answered 429 at once and closed
        assert_refused(extra)
        extra.close()
        for _ in range(20):  # a client that sends its request at once reads the 429 too
            extra = connect(srv.port)
            try:
                extra.sendall(f"GET {path} HTTP/1.1\r\nHost: limits.test\r\n\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert_refused(extra)
            extra.close()
        assert get_on(held[0]) == (200, b"ok\n")  # the five are unaffected

        held.pop().close()  # one fewer: a new one is served

        def fresh():
            try:
                return srv.get("/healthz", timeout=5).status
            except (OSError, http.client.HTTPException) as e:
                return repr(e)
        assert eventually(fresh, lambda s: s == 200, timeout=3) == 200

        # the server counts a connection out when its loop sees the close, a moment after the
        # client's close (fresh's included): the fifth place comes back, so try until it has
        def fifth():
            s = connect(srv.port)
            try:
                if get_on(s) == (200, b"ok\n"):
                    return s
            except (AssertionError, OSError, http.client.HTTPException):
                pass
            s.close()
            return None

        held.append(eventually(fifth, lambda s: s is not None, timeout=5))
        assert held[-1] is not None, "no fifth connection was served after one closed"
        assert get_on(held[-1]) == (200, b"ok\n")
        extra = connect(srv.port)  # five again: one more is refused
        assert_refused(extra)
        extra.close()
        status, body = get_on(held[0], "/metrics")
        m = re.search(rb"^gazette_connections_refused_total (\d+)$", body, re.M)
        # 1 + 20 + 1 refused above, and fifth()'s tries made before the place came back
        assert m and int(m.group(1)) >= 22, body[:2000]
    finally:
        for s in held:
            s.close()
    assert eventually(lambda: srv.get("/healthz").status, lambda s: s == 200, timeout=3) == 200
    assert_unaffected(srv, path)


def test_trusted_proxy_is_not_limited(site, tmp_path, start_server):
    site.run("set", "http.max_conns_per_ip", "5")
    site.run("set", "http.trusted_proxies", "127.0.0.1")
    path = open_post(site, tmp_path)
    srv = start_server(site)
    held = [connect(srv.port) for _ in range(8)]
    try:
        for i, s in enumerate(held):
            status, body = get_on(s, path)
            assert status == 200 and TITLE.encode() in body, (i, status)
        for s in held:
            assert get_on(s) == (200, b"ok\n")
    finally:
        for s in held:
            s.close()
    assert_unaffected(srv, path)


# ---------------------------------------------------------------------------------------------
# Header deadline and keep-alive idle timeout (http.timeout_s)


def test_header_deadline(site, tmp_path, start_server):
    site.run("set", "http.timeout_s", "1")  # its minimum
    path = open_post(site, tmp_path)
    srv = start_server(site)
    s = connect(srv.port)
    try:
        s.sendall(b"GET /heal")  # half a request line, then nothing
        data, how, waited = read_until_closed(s, DEADLINE_BOUND)
    finally:
        s.close()
    assert how in ("eof", "reset"), f"still open after {waited:.1f}s"
    assert waited >= 0.5, f"closed after {waited:.2f}s, before the deadline"
    assert data == b"", data[:300]  # h2o 2.2.5 closes without an answer (no 408)
    assert_unaffected(srv, path)

    # a client trickling its headers a byte at a time is closed at the same deadline
    s = connect(srv.port)
    start = time.monotonic()
    closed = False
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: limits.test\r\n")
        while time.monotonic() - start < DEADLINE_BOUND and not closed:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if select.select([s], [], [], 0.2)[0]:
                try:
                    closed = s.recv(65536) == b""
                except ConnectionResetError:
                    closed = True
    finally:
        s.close()
    waited = time.monotonic() - start
    assert closed, "a trickling client was never closed"
    assert 0.5 <= waited < DEADLINE_BOUND, waited
    assert_unaffected(srv, path)


def test_keep_alive_idle_timeout(site, tmp_path, start_server):
    site.run("set", "http.timeout_s", "1")
    path = open_post(site, tmp_path)
    srv = start_server(site)
    s = connect(srv.port)
    try:
        assert get_on(s) == (200, b"ok\n")
        data, how, waited = read_until_closed(s, DEADLINE_BOUND)
    finally:
        s.close()
    assert how in ("eof", "reset"), f"an idle keep-alive connection still open after {waited:.1f}s"
    assert waited >= 0.5, f"closed after {waited:.2f}s, before the deadline"
    assert data == b"", data[:300]
    assert_unaffected(srv, path)
