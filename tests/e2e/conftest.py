# conftest.py: shared fixtures of the black-box suite: the gazette binary, fresh databases, a real
# server on a free loopback port, an HTTP client that never follows redirects, an HTML tree.
#
# Environment (set by ctest): GAZETTE_BIN (the binary), GAZETTE_FIXTURES (read-only seed files),
# GAZETTE_SOURCE (the source tree). Expectations about the seed article are read from the fixture
# files at run time; none of their text lives in this repository.
#
# Every test that uses a database runs once per store: the session-scoped parameter `store` is
# "sqlite" (a database file in the test's temporary directory) or "postgres" (a fresh database on
# a PostgreSQL server the suite starts itself, see pg.py). Test ids end in [sqlite] or
# [postgres]; all SQLite tests run first, then all PostgreSQL ones (the server starts only then).
# Only one store: `-k 'not postgres'` or `-k 'not sqlite'`. A test that is about one store only
# says so with @pytest.mark.stores("postgres").
import html.parser
import http.client
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

import pg

SOURCE = os.environ.get("GAZETTE_SOURCE") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.environ.get("GAZETTE_FIXTURES") or os.path.join(SOURCE, "..", "shared", "fixtures")
BIN = os.environ.get("GAZETTE_BIN") or os.path.join(SOURCE, "build", "gazette")

CLI_TIMEOUT = 60      # seconds for one CLI command (the hostile import is the slowest)
START_TIMEOUT = 15    # seconds for `serve` to answer /healthz
STOP_TIMEOUT = 15     # seconds for `serve` to exit after SIGTERM


# ---------------------------------------------------------------------------------------------
# The command-line tool


class Gazette:
    """Runs `gazette --db DB …` and returns the CompletedProcess (text mode, UTF-8)."""

    def __init__(self, binary, db):
        self.binary = binary
        self.db = str(db)

    def run(self, *args, expect=0, stdin=None, timeout=CLI_TIMEOUT):
        cmd = [self.binary, "--db", self.db] + [str(a) for a in args]
        proc = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
        proc.stdout = proc.stdout.decode("utf-8", "replace")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
        if expect is not None:
            assert proc.returncode == expect, (
                f"{' '.join(cmd)}: exit {proc.returncode}, expected {expect}\n"
                f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}")
        return proc

    def out(self, *args):
        return self.run(*args).stdout

    # Parsed listings -------------------------------------------------------------------------

    def posts(self, *extra):
        """`post list` as a list of dicts (id, type, status, date, path, title)."""
        rows = []
        for line in self.out("post", "list", *extra).splitlines():
            if not line.strip():
                continue
            cols = line.split("\t")
            assert len(cols) >= 6, f"post list line has {len(cols)} columns: {line!r}"
            rows.append(dict(id=cols[0], type=cols[1], status=cols[2], date=cols[3],
                             path=cols[4], title="\t".join(cols[5:])))
        return rows

    def comments(self, *extra):
        """`comment list` as a list of dicts (id, status, post, parent, date, author, excerpt,
        held_by: the rule that held the comment, "" when none)."""
        rows = []
        for line in self.out("comment", "list", *extra).splitlines():
            if not line.strip():
                continue
            cols = line.split("\t")
            assert len(cols) in (7, 8), f"comment list line has {len(cols)} columns: {line!r}"
            parent = cols[3].strip()
            rows.append(dict(id=cols[0], status=cols[1], post=cols[2],
                             parent="0" if parent in ("", "-") else parent, date=cols[4],
                             author=cols[5], excerpt=cols[6],
                             held_by=cols[7] if len(cols) == 8 else ""))
        return rows

    def snapshot(self):
        """Everything the CLI can list, to compare a database before and after."""
        return (self.out("post", "list"), self.out("comment", "list"))

    def users(self):
        """`user list` as {login: dict(id, login, role, state, name)} (state: enabled|disabled)."""
        rows = {}
        for line in self.out("user", "list").splitlines():
            if not line.strip():
                continue
            cols = line.split("\t")
            assert len(cols) >= 5, f"user list line has {len(cols)} columns: {line!r}"
            rows[cols[1]] = dict(id=cols[0], login=cols[1], role=cols[2], state=cols[3],
                                 name="\t".join(cols[4:]))
        return rows

    def add_user(self, login, role, password=None):
        """`user add LOGIN --role ROLE [--password-stdin]` (no password: a disabled account)."""
        if password is None:
            return self.run("user", "add", login, "--role", role)
        return self.run("user", "add", login, "--role", role, "--password-stdin",
                        stdin=(password + "\n").encode("utf-8"))

    def new_post(self, tmp_path, title, body="A short body of our own.", **front):
        """`post new` from a Markdown file; returns (id, path)."""
        lines = ["---", f"title: {title}"]
        for key, value in front.items():
            lines.append(f"{key}: {value}")
        lines += ["---", body, ""]
        md = tmp_path / f"post-{abs(hash((title, time.monotonic_ns())))}.md"
        md.write_text("\n".join(lines), encoding="utf-8")
        out = self.out("post", "new", md)
        m = re.search(r"created post (\d+) at (\S+)", out)
        assert m, f"`post new` printed {out!r}, expected 'created post ID at PATH'"
        return m.group(1), m.group(2)


@pytest.fixture(scope="session")
def gazette_bin():
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        pytest.fail(f"gazette binary not found at {BIN} (set GAZETTE_BIN)", pytrace=False)
    return BIN


@pytest.fixture(scope="session")
def fixtures_dir():
    # A clone without ../shared beside it (a user's own) skips what needs the shared fixtures,
    # naming the file; everything else runs on data the tests make.
    for name in ("seed.wxr", "seed.txt"):
        if not os.path.isfile(os.path.join(FIXTURES, name)):
            pytest.skip(f"needs the shared fixture {os.path.join(FIXTURES, name)} "
                        f"(set GAZETTE_FIXTURES)")
    return FIXTURES


@pytest.fixture(scope="session")
def seed_wxr(fixtures_dir):
    return os.path.join(fixtures_dir, "seed.wxr")


@pytest.fixture(scope="session")
def seed_txt(fixtures_dir):
    return os.path.join(fixtures_dir, "seed.txt")


# ---------------------------------------------------------------------------------------------
# The stores

STORES = ("sqlite", "postgres")


def pytest_configure(config):
    config.addinivalue_line("markers", "stores(*names): run the test on these stores only "
                            "(default: sqlite and postgres)")


@pytest.fixture(scope="session", params=STORES)
def store(request):
    """The store of this run of the test: "sqlite" or "postgres". Session scope, so that pytest
    runs all tests of one store together."""
    return request.param


def pytest_collection_modifyitems(config, items):
    """Drops the runs of a @pytest.mark.stores(...) test on the other stores. (Filtering here
    rather than parametrizing `store` per test keeps pytest's grouping by store intact.)"""
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("stores")
        callspec = getattr(item, "callspec", None)
        if marker and callspec and callspec.params.get("store", marker.args[0]) not in marker.args:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server():
    """The suite's own PostgreSQL server (pg.PgServer), started on first use, removed at the end.
    Missing binaries fail the tests (not skip): `make test` promises both stores."""
    srv = pg.PgServer()
    try:
        srv.start()
        problem = None
    except pg.PgError as e:
        problem = str(e)
    if problem:  # outside the except clause: one message, not a chain of two
        srv.destroy()
        pytest.fail(f"PostgreSQL test server: {problem}", pytrace=False)
    yield srv
    srv.destroy()


class Databases:
    """new(path) gives a fresh, empty database for the store: the SQLite file `path` itself, or
    the URI of a new PostgreSQL database named after the file; drop_all() drops the latter."""

    def __init__(self, store, request):
        self.store = store
        self.pg = request.getfixturevalue("pg_server") if store == "postgres" else None
        self.created = []

    def new(self, path):
        if self.pg is None:
            return str(path)
        uri = self.pg.create_database(os.path.basename(str(path)).split(".")[0])
        self.created.append(uri)
        return uri

    def drop_all(self):
        for uri in self.created:
            self.pg.drop_database(uri)  # still in use (a server left running): left to the end
        self.created = []


@pytest.fixture
def new_db(store, request):
    """Factory: new_db(tmp_path / "x.db") is a fresh database for this test (see Databases).
    Dropped after the test's servers have stopped (start_server depends on this fixture)."""
    dbs = Databases(store, request)
    yield dbs.new
    dbs.drop_all()


@pytest.fixture(scope="module")
def module_db(store, request):
    """new_db for module-scoped fixtures: databases live until the end of the module."""
    dbs = Databases(store, request)
    yield dbs.new
    dbs.drop_all()


def allow_quick_comments(g):
    """Turns off the spam rules that tell a program from a person by time and count: the
    minimum time between a form and its comment (which needs the form's signed time stamp,
    comments.min_seconds) and the per-address limit (comments.per_ip_10min). Tests post many
    comments at once from one address, mostly without fetching the form first; test_spam.py
    tests these rules on sites that keep them."""
    g.run("set", "comments.min_seconds", "0")
    g.run("set", "comments.per_ip_10min", "0")


@pytest.fixture
def site(gazette_bin, tmp_path, new_db):
    """A fresh, initialised, empty site (its own database) for one test, with
    allow_quick_comments."""
    g = Gazette(gazette_bin, new_db(tmp_path / "site.db"))
    g.run("init")
    allow_quick_comments(g)
    return g


@pytest.fixture
def seeded_site(site, seed_wxr):
    """A fresh site with seed.wxr imported."""
    site.run("import", "wxr", seed_wxr)
    return site


def import_seed(g, seed_wxr):
    """Imports seed.wxr into site `g`; returns the import's stdout."""
    return g.out("import", "wxr", seed_wxr)


# ---------------------------------------------------------------------------------------------
# The server


# A running server sees a write made by another process (the command line, another node) within
# a second: it polls SQLite's change feed ten times a second and gets PostgreSQL notifications.
CROSS_PROCESS = 1.0


def eventually(fetch, ok, timeout=CROSS_PROCESS, poll=0.02):
    """Calls fetch() until ok(value) holds or `timeout` seconds pass; returns the last value, so
    the caller's asserts on it report what was last seen."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ok(value) or time.monotonic() >= deadline:
            return value
        time.sleep(poll)


def serve_at_site_url(srv):
    """Sets site.url to the running server's own address, as a real site's is its public one
    (absolute links are made from site.url only, never from the Host header), and waits until
    the server makes its links from it. Returns the URL."""
    url = f"http://127.0.0.1:{srv.port}"
    srv.g.run("set", "site.url", url)
    r = eventually(lambda: srv.get("/robots.txt"),
                   lambda r: f"Sitemap: {url}/sitemap.xml" in r.text, timeout=3.0)
    assert f"Sitemap: {url}/sitemap.xml" in r.text, r.text
    return url


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gazette serve` on a free loopback port; stop() sends SIGTERM and checks exit 0, kill()
    sends SIGKILL."""

    def __init__(self, g, log_dir, threads=2):
        self.g = g
        self.log_dir = log_dir
        self.threads = threads
        self.proc = None
        self.port = None

    def start(self):
        last = ""
        for attempt in range(3):  # a port taken between free_port() and bind: try another one
            self.port = free_port()
            self.out_path = os.path.join(self.log_dir, f"serve-{self.port}.out")
            self.err_path = os.path.join(self.log_dir, f"serve-{self.port}.err")
            with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
                self.proc = subprocess.Popen(
                    [self.g.binary, "--db", self.g.db, "serve", "--listen",
                     f"127.0.0.1:{self.port}", "--threads", str(self.threads)],
                    stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    r = self.get("/healthz", timeout=2)
                    if r.status == 200 and r.text.strip() == "ok":
                        return self
                except (OSError, http.client.HTTPException):
                    pass
                time.sleep(0.05)
            last = self.logs()
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
                pytest.fail(f"gazette serve did not answer /healthz 200 'ok' within "
                            f"{START_TIMEOUT}s\n{last}", pytrace=False)
        pytest.fail(f"gazette serve exited at start ({self.proc.returncode})\n{last}",
                    pytrace=False)

    def logs(self):
        text = ""
        for p in (getattr(self, "out_path", None), getattr(self, "err_path", None)):
            if p and os.path.exists(p):
                with open(p, "rb") as f:
                    text += f"--- {os.path.basename(p)}\n" + f.read()[-4000:].decode(
                        "utf-8", "replace")
        return text

    def stop(self):
        """SIGTERM; the server must exit 0 within STOP_TIMEOUT. Returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            rc = None if self.proc is None else self.proc.returncode
            self.proc = None
            assert rc == 0, f"gazette serve had already exited with {rc}\n{self.logs()}"
            return rc
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            pytest.fail(f"gazette serve ignored SIGTERM for {STOP_TIMEOUT}s\n{self.logs()}",
                        pytrace=False)
        self.proc = None
        assert rc == 0, f"gazette serve exited {rc} after SIGTERM\n{self.logs()}"
        return rc

    def kill(self):
        """SIGKILL: the server dies at once, as in a crash or a power cut (no clean shutdown).
        The fixture's cleanup then leaves it alone."""
        assert self.proc is not None and self.proc.poll() is None, (
            f"gazette serve is not running\n{self.logs()}")
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    # HTTP ------------------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=30):
        return http_request(self.port, method, path, body, headers, timeout)

    def get(self, path, headers=None, timeout=30):
        return self.request("GET", path, headers=headers, timeout=timeout)

    def post_form(self, path, fields, headers=None, timeout=30):
        """POSTs fields (dict or list of pairs; values str or bytes) url-encoded."""
        body = form_encode(fields)
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h, timeout=timeout)


@pytest.fixture
def start_server(tmp_path, new_db):
    """Factory: start_server(g) serves site g; every server started is stopped (SIGTERM, exit 0)
    at the end of the test (before the test's databases are dropped)."""
    servers = []

    def start(g, threads=2):
        s = Server(g, str(tmp_path), threads).start()
        servers.append(s)
        return s

    yield start
    for s in servers:
        if s.proc is not None:
            s.stop()


@pytest.fixture
def server(site, start_server):
    """A server on a fresh empty site (the site is `server.g`)."""
    return start_server(site)


# ---------------------------------------------------------------------------------------------
# HTTP client (never follows redirects)


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def tree(self):
        return parse_html(self.text)

    def location_path(self):
        """The Location header reduced to path?query#fragment (it may be absolute)."""
        loc = self.header("Location")
        assert loc, f"no Location header in {self.status} response"
        u = urllib.parse.urlsplit(loc)
        out = u.path
        if u.query:
            out += "?" + u.query
        if u.fragment:
            out += "#" + u.fragment
        return out

    def __repr__(self):
        return f"<Response {self.status} {self.reason}>"


def http_request(port, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        conn.close()


def form_encode(fields):
    pairs = fields.items() if isinstance(fields, dict) else fields
    parts = []
    for k, v in pairs:
        if isinstance(v, str):
            v = v.encode("utf-8")
        parts.append(urllib.parse.quote_plus(k) + "=" + urllib.parse.quote_plus(v))
    return "&".join(parts).encode("ascii")


def raw_post(port, path, body, content_type="application/x-www-form-urlencoded", timeout=30):
    """POSTs body over a plain socket, tolerating a server that answers and closes before the
    body is sent (as it may for 413). Returns the Response."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                f"Connection: close\r\n\r\n").encode("ascii")
        try:
            s.sendall(head)
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
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        s.close()


# ---------------------------------------------------------------------------------------------
# A small HTML tree on html.parser (tolerant: void elements, implied </p> and </li>)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "keygen"}
BLOCK = {"address", "article", "aside", "blockquote", "div", "dl", "fieldset", "figure",
         "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav",
         "ol", "p", "pre", "section", "table", "ul", "li", "dd", "dt", "figcaption", "br", "tr",
         "td", "th", "time", "textarea", "label", "input", "button", "select", "option"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = {}
        for k, v in attrs:
            self.attrs.setdefault(k, "" if v is None else v)
        self.parent = parent
        self.children = []  # Node or str

    # attributes
    def get(self, name, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self):
        return self.attrs.get("class", "").split()

    @property
    def id(self):
        return self.attrs.get("id")

    # navigation
    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, cls=None, id=None, **attrs):
        out = []
        for n in self.iter():
            if tag is not None and n.tag != tag:
                continue
            if cls is not None and cls not in n.classes:
                continue
            if id is not None and n.id != id:
                continue
            if any(n.attrs.get(k.rstrip("_")) != v for k, v in attrs.items()):
                continue
            out.append(n)
        return out

    def find(self, tag=None, cls=None, id=None, **attrs):
        found = self.find_all(tag, cls, id, **attrs)
        return found[0] if found else None

    def one(self, tag=None, cls=None, id=None, **attrs):
        found = self.find_all(tag, cls, id, **attrs)
        assert len(found) == 1, (
            f"expected exactly one <{tag or '*'}> class={cls} id={id} {attrs}, found {len(found)}")
        return found[0]

    def child_elements(self, tag=None, cls=None):
        return [c for c in self.children if isinstance(c, Node)
                and (tag is None or c.tag == tag) and (cls is None or cls in c.classes)]

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent

    def closest(self, tag=None, cls=None):
        for a in self.ancestors():
            if (tag is None or a.tag == tag) and (cls is None or cls in a.classes):
                return a
        return None

    # text
    def raw_text(self):
        parts = []

        def walk(n):
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                elif c.tag not in ("script", "style"):
                    walk(c)
        walk(self)
        return "".join(parts)

    @property
    def text(self):
        """Text content with white space collapsed."""
        return norm(self.raw_text())

    def blocks(self, exclude=()):
        """Text split at block boundaries: a list of non-empty normalised strings."""
        parts = []

        def walk(n):
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                elif c.tag in ("script", "style") or c.tag in exclude:
                    continue
                else:
                    if c.tag in BLOCK:
                        parts.append("\n")
                    walk(c)
                    if c.tag in BLOCK:
                        parts.append("\n")
        walk(self)
        return [norm(b) for b in "".join(parts).split("\n") if norm(b)]

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


def norm(s):
    return " ".join(s.split())


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [])
        self.stack = [self.root]
        self.start_tags = []  # every (tag, attrs) in document order, for hostile-content checks

    def _close_implied(self, tag):
        top = self.stack[-1]
        if tag == "li":
            for i in range(len(self.stack) - 1, 0, -1):
                t = self.stack[i].tag
                if t in ("ol", "ul"):
                    break
                if t == "li":
                    del self.stack[i:]
                    return
        if tag in BLOCK and top.tag == "p":
            self.stack.pop()

    def handle_starttag(self, tag, attrs):
        self.start_tags.append((tag, attrs))
        self._close_implied(tag)
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.start_tags.append((tag, attrs))
        self._close_implied(tag)
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        # stray end tag: ignored

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text):
    b = TreeBuilder()
    b.feed(text)
    b.close()
    b.root.start_tags = b.start_tags
    return b.root


# ---------------------------------------------------------------------------------------------
# Expectations read from the fixtures at run time

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _t(el, path):
    found = el.find(path, NS)
    return (found.text or "") if found is not None else ""


@pytest.fixture(scope="session")
def seed(seed_wxr):
    """The seed post as the WXR describes it (dict), parsed with ElementTree."""
    root = ET.parse(seed_wxr).getroot()
    channel = root.find("channel")
    authors = {_t(a, "wp:author_login"): _t(a, "wp:author_display_name")
               for a in channel.findall("wp:author", NS)}
    items = [i for i in channel.findall("item") if _t(i, "wp:post_type") == "post"]
    assert len(items) == 1, "seed.wxr is expected to hold one post"
    item = items[0]
    link = _t(item, "link")
    comments = []
    for c in item.findall("wp:comment", NS):
        comments.append(dict(
            id=int(_t(c, "wp:comment_id")), parent=int(_t(c, "wp:comment_parent") or 0),
            author=_t(c, "wp:comment_author"), date=_t(c, "wp:comment_date_gmt"),
            content=_t(c, "wp:comment_content"), approved=_t(c, "wp:comment_approved")))
    comments.sort(key=lambda c: (c["date"], c["id"]))
    return dict(
        title=_t(item, "title"),
        path=urllib.parse.urlsplit(link).path,
        wp_id=int(_t(item, "wp:post_id")),
        slug=_t(item, "wp:post_name"),
        date_gmt=_t(item, "wp:post_date_gmt"),
        author=authors.get(_t(item, "dc:creator"), _t(item, "dc:creator")),
        content=_t(item, "content:encoded"),
        comment_status=_t(item, "wp:comment_status"),
        categories=[(c.get("nicename"), c.text) for c in item.findall("category")
                    if c.get("domain") == "category"],
        tags=[(c.get("nicename"), c.text) for c in item.findall("category")
              if c.get("domain") == "post_tag"],
        comments=comments,
    )


# ---------------------------------------------------------------------------------------------
# Hostile-content check shared by tests

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster",
             "background", "cite", "longdesc", "usemap", "data", "codebase", "ping"}


def hostile_markup(text, allowed_tags=()):
    """Problems found in a served page: script/style/iframe/object/embed elements (other than
    the exact start tags in allowed_tags, e.g. the theme's own), event-handler attributes,
    and javascript:/vbscript:/data: URLs. Escaped text (e.g. '&lt;script') is not a problem."""
    b = TreeBuilder()
    b.feed(text)
    b.close()
    problems = []

    # A <meta> is the theme's when it names the same thing (name/property/charset/http-equiv)
    # as one on a clean page: its content differs per page and is an escaped attribute value.
    def meta_identity(attrs):
        return tuple((k, v) for k, v in attrs if k in ("name", "property", "charset", "http-equiv"))

    allowed_meta = {meta_identity(a) for t, a in allowed_tags if t == "meta"}
    for tag, attrs in b.start_tags:
        sig = (tag, tuple(attrs))
        if tag == "meta":
            if meta_identity(attrs) not in allowed_meta:
                problems.append(f"<{tag} {attrs}>")
        elif tag in ("script", "style", "iframe", "object", "embed", "frame", "frameset",
                     "applet", "base") and sig not in allowed_tags:
            problems.append(f"<{tag} {attrs}>")
        for k, v in attrs:
            if k.startswith("on"):
                problems.append(f"<{tag}> has event handler {k}={v!r}")
            if v and k in URL_ATTRS:
                squashed = re.sub(r"[\x00-\x20]", "", v).lower()
                if squashed.startswith(DANGEROUS_SCHEMES) or "javascript:" in squashed:
                    problems.append(f"<{tag}> {k}={v!r}")
            if v and k == "style" and re.search(r"expression|javascript:|url\s*\(", v, re.I):
                problems.append(f"<{tag}> style={v!r}")
    return problems


def page_start_tags(text):
    b = TreeBuilder()
    b.feed(text)
    b.close()
    return {(tag, tuple(attrs)) for tag, attrs in b.start_tags}


# ---------------------------------------------------------------------------------------------
# A small WXR 1.2 writer for our own test data (our own words, never the fixtures' text)


def _cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wxr_item(wp_id, title, status="publish", post_type="post", date="2022-03-04 05:06:07",
             content="<p>Plain words of our own.</p>", comment_status="open", password="",
             slug=None, link=None, comments=(), categories=(), tags=(), sticky=0):
    slug = slug or f"test-item-{wp_id}"
    link = link or f"/2022/03/{slug}/"
    parts = [
        "\t<item>",
        f"\t\t<title>{_cdata(title)}</title>",
        f"\t\t<link>http://old.example.invalid{link}</link>",
        "\t\t<pubDate>Fri, 04 Mar 2022 05:06:07 +0000</pubDate>",
        f"\t\t<dc:creator>{_cdata('tester')}</dc:creator>",
        f"\t\t<guid isPermaLink=\"false\">http://old.example.invalid/?p={wp_id}</guid>",
        "\t\t<description></description>",
        f"\t\t<content:encoded>{_cdata(content)}</content:encoded>",
        f"\t\t<excerpt:encoded>{_cdata('')}</excerpt:encoded>",
        f"\t\t<wp:post_id>{wp_id}</wp:post_id>",
        f"\t\t<wp:post_date>{_cdata(date)}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{_cdata(date)}</wp:post_date_gmt>",
        f"\t\t<wp:comment_status>{_cdata(comment_status)}</wp:comment_status>",
        f"\t\t<wp:ping_status>{_cdata('closed')}</wp:ping_status>",
        f"\t\t<wp:post_name>{_cdata(slug)}</wp:post_name>",
        f"\t\t<wp:status>{_cdata(status)}</wp:status>",
        "\t\t<wp:post_parent>0</wp:post_parent>",
        "\t\t<wp:menu_order>0</wp:menu_order>",
        f"\t\t<wp:post_type>{_cdata(post_type)}</wp:post_type>",
        f"\t\t<wp:post_password>{_cdata(password)}</wp:post_password>",
        f"\t\t<wp:is_sticky>{sticky}</wp:is_sticky>",
    ]
    for nicename, name in categories:
        parts.append(f"\t\t<category domain=\"category\" nicename=\"{nicename}\">"
                     f"{_cdata(name)}</category>")
    for nicename, name in tags:
        parts.append(f"\t\t<category domain=\"post_tag\" nicename=\"{nicename}\">"
                     f"{_cdata(name)}</category>")
    for c in comments:
        parts += [
            "\t\t<wp:comment>",
            f"\t\t\t<wp:comment_id>{c['id']}</wp:comment_id>",
            f"\t\t\t<wp:comment_author>{_cdata(c.get('author', 'Reader'))}</wp:comment_author>",
            f"\t\t\t<wp:comment_author_email>{_cdata(c.get('email', 'reader@example.invalid'))}"
            "</wp:comment_author_email>",
            f"\t\t\t<wp:comment_author_url>{c.get('url', '')}</wp:comment_author_url>",
            f"\t\t\t<wp:comment_author_IP>{_cdata('')}</wp:comment_author_IP>",
            f"\t\t\t<wp:comment_date>{_cdata(c.get('date', '2022-03-05 00:00:00'))}"
            "</wp:comment_date>",
            f"\t\t\t<wp:comment_date_gmt>{_cdata(c.get('date', '2022-03-05 00:00:00'))}"
            "</wp:comment_date_gmt>",
            f"\t\t\t<wp:comment_content>{_cdata(c.get('content', '<p>A reply.</p>'))}"
            "</wp:comment_content>",
            f"\t\t\t<wp:comment_approved>{_cdata(c.get('approved', '1'))}"
            "</wp:comment_approved>",
            f"\t\t\t<wp:comment_type>{_cdata(c.get('type', 'comment'))}</wp:comment_type>",
            f"\t\t\t<wp:comment_parent>{c.get('parent', 0)}</wp:comment_parent>",
            "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>",
            "\t\t</wp:comment>",
        ]
    parts.append("\t</item>")
    return "\n".join(parts)


def wxr_document(items, wxr_version="1.2"):
    head = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<rss version="2.0"',
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"',
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"',
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"',
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"',
        '\txmlns:wp="http://wordpress.org/export/1.2/"',
        '>',
        '<channel>',
        '\t<title>Test site</title>',
        '\t<link>http://old.example.invalid</link>',
        '\t<description>e2e</description>',
        '\t<language>en-US</language>',
    ]
    if wxr_version:
        head.append(f'\t<wp:wxr_version>{wxr_version}</wp:wxr_version>')
    head += [
        '\t<wp:base_site_url>http://old.example.invalid</wp:base_site_url>',
        '\t<wp:base_blog_url>http://old.example.invalid</wp:base_blog_url>',
        '\t<wp:author><wp:author_id>1</wp:author_id>'
        f'<wp:author_login>{_cdata("tester")}</wp:author_login>'
        f'<wp:author_email>{_cdata("tester@example.invalid")}</wp:author_email>'
        f'<wp:author_display_name>{_cdata("Test Author")}</wp:author_display_name>'
        '</wp:author>',
    ]
    return "\n".join(head + list(items) + ["</channel>", "</rss>", ""])


# ---------------------------------------------------------------------------------------------
# The administration: signing in, and a client that keeps the session cookie

SESSION_COOKIE = "gz_session"


def admin_login(srv, login, password, next=None, headers=None):
    """POST /admin/login as a browser's sign-in form would; returns the Response."""
    fields = [("login", login), ("password", password)]
    if next is not None:
        fields.append(("next", next))
    return srv.post_form("/admin/login", fields, headers=headers)


def set_cookie(r, name=SESSION_COOKIE):
    """The first Set-Cookie of `name` in response r as (value, {attribute-lower: value}), or
    None."""
    for header in r.header_all("Set-Cookie"):
        parts = [p.strip() for p in header.split(";")]
        key, _, value = parts[0].partition("=")
        if key.strip() != name:
            continue
        attrs = {}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            attrs[k.strip().lower()] = v.strip()
        return value, attrs
    return None


class AdminClient:
    """A signed-in browser: sends the session cookie with every request and the session's CSRF
    token (read once from an admin page's forms) with every POST unless told otherwise."""

    def __init__(self, srv, token, login=""):
        self.srv = srv
        self.token = token
        self.login = login
        self._csrf = None

    def headers(self, extra=None):
        h = {"Cookie": f"{SESSION_COOKIE}={self.token}"}
        h.update(extra or {})
        return h

    def get(self, path, headers=None):
        return self.srv.get(path, headers=self.headers(headers))

    def page(self, path):
        """GET path, which must answer 200; returns the tree."""
        r = self.get(path)
        assert r.status == 200, (path, r, r.text[:1500])
        return r.tree()

    @property
    def csrf(self):
        if self._csrf is None:
            r = self.get("/admin/")
            assert r.status == 200, ("/admin/ for the CSRF token", r, r.text[:1500])
            inputs = r.tree().find_all("input", name="csrf")
            assert inputs, "no <input name=csrf> on /admin/"
            self._csrf = inputs[0].get("value")
            assert self._csrf, "empty CSRF token on /admin/"
        return self._csrf

    def post(self, path, fields=(), csrf=True, headers=None):
        """POSTs fields (dict or list of pairs). csrf=True adds the session's token, a string
        sends that string as the token, None sends no token."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf is True:
            pairs.append(("csrf", self.csrf))
        elif csrf is not None:
            pairs.append(("csrf", csrf))
        return self.srv.post_form(path, pairs, headers=self.headers(headers))

    def signed_in(self):
        """Whether the session still opens the dashboard (not sent to the login page)."""
        r = self.get("/admin/")
        return r.status == 200

    def __repr__(self):
        return f"<AdminClient {self.login}>"


def admin_session(srv, login, password):
    """Signs in through POST /admin/login; returns an AdminClient with the new session."""
    r = admin_login(srv, login, password)
    assert r.status == 303, (f"sign-in of {login!r}", r, r.text[:1500])
    got = set_cookie(r)
    assert got and re.fullmatch(r"[0-9a-f]{64}", got[0]), (
        f"sign-in of {login!r}: no {SESSION_COOKIE}=<64 hex> cookie: {r.header_all('Set-Cookie')}")
    return AdminClient(srv, got[0], login)


def db_execute(g, query, pg_server=None):
    """Runs one SQL statement directly on site g's database (behind gazette's back: for tests
    that must age or damage data). PostgreSQL needs the suite's pg_server fixture."""
    if g.db.startswith("postgresql://"):
        assert pg_server is not None, "db_execute on PostgreSQL needs pg_server"
        return pg_server.sql(g.db.rsplit("/", 1)[-1].split("?")[0], query)
    import sqlite3
    con = sqlite3.connect(g.db, timeout=10)
    try:
        with con:
            con.execute(query)
    finally:
        con.close()
    return ""


# ---------------------------------------------------------------------------------------------
# The Node tools of the feed, html-validate and browser tests (tests/browser)

BROWSER = os.path.join(SOURCE, "tests", "browser")


@pytest.fixture(scope="session")
def node_tools():
    """tests/browser/install.sh (npm ci from the lockfile) once per session; returns the dir."""
    import shutil
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH (Node.js 20.19+ with npm is needed by the feed, "
                        "html-validate and browser tests)", pytrace=False)
    p = subprocess.run(["bash", os.path.join(BROWSER, "install.sh")], capture_output=True,
                       timeout=600)
    if p.returncode != 0:
        pytest.fail("tests/browser/install.sh failed:\n" + p.stdout.decode() + p.stderr.decode(),
                    pytrace=False)
    return BROWSER
