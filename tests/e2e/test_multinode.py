# test_multinode.py: several `gazette serve` nodes on one PostgreSQL database are one site. Each
# node keeps its own page cache (x-gazette-cache: hit|miss); the writes of one node, or of the
# command line, reach the others within a second: a new comment, closing a post's comments, a
# changed setting.
import re
import time
import urllib.parse

import pytest

pytestmark = pytest.mark.stores("postgres")  # several nodes on one database: PostgreSQL only

CACHE = "x-gazette-cache"
PROPAGATION = 1.0   # seconds a write on one node may take to show on the others
POLL = 0.05         # seconds between two polls


def warm(srv, path):
    """GETs path twice: rendered the first time, from the node's cache the second."""
    first = srv.get(path)
    assert first.status == 200, (srv.port, path, first)
    assert first.header(CACHE) == "miss", (
        f"first GET {path} on a fresh node: {CACHE}: {first.header(CACHE)!r}, expected 'miss'")
    second = srv.get(path)
    assert second.status == 200, (srv.port, path, second)
    assert second.header(CACHE) == "hit", (
        f"second GET {path}: {CACHE}: {second.header(CACHE)!r}, expected 'hit'")
    assert second.body == first.body, "the cached page differs from the rendered one"
    return second


def comment_fields(text, author="Node reader", email="node.reader@example.com"):
    return dict(author=author, email=email, url="", comment=text, comment_parent="0")


def wait_for(what, check, timeout=PROPAGATION):
    """Calls check() every POLL seconds until it returns a true value (returned) or timeout
    seconds have passed (the test fails, with the last value)."""
    t0 = time.monotonic()
    while True:
        value = check()
        if value:
            return value, time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            pytest.fail(f"{what}: not within {timeout}s (last: {value!r})", pytrace=False)
        time.sleep(POLL)


class Outcome:
    """A false-valued holder of the last response, so wait_for() reports it."""

    def __init__(self, r):
        self.r = r

    def __bool__(self):
        return False

    def __repr__(self):
        return f"{self.r!r} {self.r.header('Location') or ''} {self.r.text[:300]!r}"


@pytest.fixture
def nodes(site, seed_wxr, seed, tmp_path, start_server):
    """The seed (comments closed) and an open post of our own on one database, two nodes, both
    caches warm. Returns (site, a, b, open post id, its path, seed post path)."""
    site.run("import", "wxr", seed_wxr)
    site.run("set", "comments.moderation", "none")
    pid, path = site.new_post(tmp_path, "Shared by two nodes", body="One post, two nodes.",
                              status="publish", date="2024-05-01 10:00")
    a = start_server(site)
    b = start_server(site)
    for srv in (a, b):
        warm(srv, path)
        warm(srv, seed["path"])
    form = a.get(path).tree().one("form", id="commentform")
    action = urllib.parse.urlsplit(form.get("action", "")).path
    assert action.rstrip("/") == path.rstrip("/") + "/comments", action
    return site, a, b, pid, path, action


def test_comment_on_one_node_shows_on_the_other(nodes):
    site, a, b, pid, path, action = nodes
    r = a.post_form(action, comment_fields("Posted through node A, read on node B."))
    assert r.status == 303, (r, r.text[:2000])
    m = re.fullmatch(re.escape(path) + r"#comment-(\d+)", r.location_path())
    assert m, f"Location {r.location_path()!r} is not {path}#comment-ID"
    anchor = f"comment-{m.group(1)}"

    def shown_on_b():
        page = b.get(path)
        assert page.status == 200, page
        return page.tree().find("li", id=anchor) is not None

    _, took = wait_for(f"#{anchor} posted on node A shown by node B", shown_on_b)
    # node A shows its own write at once
    assert a.get(path).tree().find("li", id=anchor) is not None
    # and B caches the new page again
    wait_for("node B caching the new page", lambda: b.get(path).header(CACHE) == "hit")
    assert [c["id"] for c in site.comments()].count(m.group(1)) == 1, "stored once"


def test_close_on_the_database_refuses_on_every_node(nodes):
    site, a, b, pid, path, action = nodes
    first = a.post_form(action, comment_fields("Before closing."))
    assert first.status == 303, (first, first.text[:2000])
    for srv in (a, b):  # both caches hold the page with the comment form
        wait_for("page cached again", lambda: srv.get(path).header(CACHE) == "hit")

    site.run("post", "close", pid)

    for name, srv in (("A", a), ("B", b)):
        def refused():
            r = srv.post_form(action, comment_fields(f"After closing, through node {name}."))
            return True if r.status == 403 else Outcome(r)
        wait_for(f"node {name} refusing comments (403) after `post close`", refused)
        r = srv.post_form(action, comment_fields("Once more."))
        assert r.status == 403 and "Comments are closed." in r.text, r

        def page_closed():
            doc = srv.get(path).tree()
            return (doc.find("p", cls="comments-closed") is not None
                    and doc.find("form", id="commentform") is None)
        wait_for(f"node {name} showing 'Comments are closed.'", page_closed)


def test_setting_changed_on_the_database_applies_on_every_node(nodes):
    site, a, b, pid, path, action = nodes
    site.run("set", "comments.moderation", "all")
    held_re = re.escape(path) + r"\?unapproved=(\d+)&moderation-hash=[0-9a-fA-F]+#comment-(\d+)"

    def held_on_b():
        r = b.post_form(action, comment_fields("Through node B, after moderation=all.",
                                               email="someone.new@example.com"))
        assert r.status == 303, (r, r.text[:2000])
        m = re.fullmatch(held_re, r.location_path())
        return m if m else Outcome(r)

    m, _ = wait_for("node B holding a comment after `set comments.moderation all`", held_on_b)
    cid = m.group(1)
    assert m.group(2) == cid
    assert cid in [c["id"] for c in site.comments("--status", "pending")]
    for srv in (a, b):
        assert srv.get(path).tree().find("li", id=f"comment-{cid}") is None, "held comment shown"
