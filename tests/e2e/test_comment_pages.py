# test_comment_pages.py: the thread readers see over HTTP, as WordPress shows it: every approved
# comment whose ancestors are all approved (an imported export with hidden parents, replies
# older than their parents, children before parents in the file), the "N comments" count that
# matches it, comment pages (comments.per_page, PERMALINK/comment-page-N/) and ?replytocom=ID.
import re

import pytest

from conftest import eventually, wxr_document, wxr_item

CACHE = "x-gazette-cache"
THREADS = "/2022/03/threads/"
PAGED = "/2022/03/paged/"


def comment(id, parent=0, approved="1", date="2022-03-05 01:00:00", author=None, type="comment"):
    return dict(id=id, parent=parent, approved=approved, date=date, type=type,
                author=author or f"Author {id}", content=f"<p>Words of comment {id}.</p>")


# The thread of THREADS; in the file children come before their parents, as exports may have.
THREAD = [
    comment(5, parent=4, date="2022-03-04 23:00:00"),   # older than its parent: shown under it
    comment(3, parent=2, date="2022-03-05 02:00:00"),   # under a pending comment: hidden
    comment(1, date="2022-03-05 01:00:00"),
    comment(2, parent=1, approved="0", date="2022-03-05 01:30:00"),   # pending
    comment(4, parent=1, date="2022-03-05 03:00:00"),   # after the hidden branch: shown
    comment(6, approved="spam", date="2022-03-05 03:30:00"),
    comment(7, parent=6, date="2022-03-05 03:40:00"),   # under spam: hidden
    comment(8, date="2022-03-05 04:00:00"),
    comment(9, parent=8, approved="trash", date="2022-03-05 04:10:00"),
    comment(10, parent=9, date="2022-03-05 04:20:00"),  # under trash: hidden
    comment(11, parent=8, date="2022-03-05 05:00:00"),
    comment(12, date="2022-03-05 05:30:00", type="pingback"),  # pings are not in the thread
]
# shown: (id, depth), in order
SHOWN = [(1, 1), (4, 2), (5, 3), (8, 1), (11, 2)]

# PAGED: five threads (each a top-level comment 100+i with a reply 200+i), oldest first
PAGED_COMMENTS = []
for i in range(1, 6):
    PAGED_COMMENTS.append(comment(100 + i, date=f"2022-03-0{i} 10:00:00"))
    PAGED_COMMENTS.append(comment(200 + i, parent=100 + i, date=f"2022-03-0{i} 11:00:00"))


@pytest.fixture
def imported(site, tmp_path):
    site.run("set", "comments.moderation", "none")
    doc = wxr_document([
        wxr_item(900, "Threads", slug="threads", comments=THREAD),
        wxr_item(901, "Paged", slug="paged", comments=PAGED_COMMENTS),
        wxr_item(902, "Quiet", slug="quiet", comments=[comment(300)]),
        wxr_item(903, "Odd slug", slug="comment-page-2"),  # a permalink of its own
    ])
    path = tmp_path / "threads.xml"
    path.write_text(doc, encoding="utf-8")
    site.run("import", "wxr", path)
    return site


def shown_comments(tree):
    """(id, depth) of every comment on the page, in document order."""
    out = []
    for li in tree.find_all("li", cls="comment"):
        m = re.fullmatch(r"comment-(\d+)", li.id or "")
        assert m, li.id
        depth = [c for c in li.classes if c.startswith("depth-")]
        out.append((int(m.group(1)), int(depth[0][len("depth-"):])))
    return out


def count_label(tree):
    return tree.one("h2", cls="comments-title").text.strip()


def test_every_approved_comment_with_approved_ancestors_is_shown(imported, start_server):
    srv = start_server(imported)
    r = srv.get(THREADS)
    assert r.status == 200, r
    tree = r.tree()
    assert shown_comments(tree) == SHOWN
    for hidden in (2, 3, 6, 7, 9, 10, 12):
        assert tree.find(id=f"comment-{hidden}") is None, hidden
        assert f"Words of comment {hidden}." not in r.text
    # the count is the comments shown, not the store's approved count (which is 9 here)
    assert count_label(tree) == "5 comments"
    # numbering: top-level 1, 2; replies 1 within each parent
    numbers = [li.find("span", cls="comment-number").text.strip()
               for li in tree.find_all("li", cls="comment")]
    assert numbers == ["1.", "1.", "1.", "2.", "1."]
    # the front page says the same as the post
    front = srv.get("/")
    assert front.status == 200, front
    link = front.tree().one("a", href=f"{THREADS}#comments")
    assert link.text == "5 comments"


def test_comment_pages_off_redirect_to_the_comments(imported, start_server):
    srv = start_server(imported)
    for n in (1, 2, 9):
        r = srv.get(f"{PAGED}comment-page-{n}/")
        assert r.status == 301, r
        assert r.header("Location").endswith(f"{PAGED}#comments"), r.header("Location")
    r = srv.get(PAGED)
    assert [i for i, _ in shown_comments(r.tree())] == [
        x for i in range(1, 6) for x in (100 + i, 200 + i)]
    assert r.tree().find("nav", cls="comment-navigation") is None


def test_comment_pages(imported, start_server):
    imported.run("set", "comments.per_page", "2")
    srv = start_server(imported)
    # five threads, two a page: 1-2, 3-4, and the permalink shows the newest, 5
    expect = {
        f"{PAGED}comment-page-1/": [101, 201, 102, 202],
        f"{PAGED}comment-page-2/": [103, 203, 104, 204],
        PAGED: [105, 205],
    }
    links = {
        f"{PAGED}comment-page-1/": (None, f"{PAGED}comment-page-2/#comments"),
        f"{PAGED}comment-page-2/": (f"{PAGED}comment-page-1/#comments", f"{PAGED}#comments"),
        PAGED: (f"{PAGED}comment-page-2/#comments", None),
    }
    for path, ids in expect.items():
        r = srv.get(path)
        assert r.status == 200, (path, r)
        tree = r.tree()
        assert [i for i, _ in shown_comments(tree)] == ids, path
        assert count_label(tree) == "10 comments", path  # the whole thread, on every page
        nav = tree.one("nav", cls="comment-navigation")
        older, newer = nav.find("a", cls="nav-previous"), nav.find("a", cls="nav-next")
        assert (older.get("href") if older else None,
                newer.get("href") if newer else None) == links[path], path
        if older:
            assert older.text.strip() == "« Older Comments"
        if newer:
            assert newer.text.strip() == "Newer Comments »"
        canonical = tree.one("link", rel="canonical").get("href")
        assert canonical.endswith(path), (path, canonical)
        # numbers stay those of the whole thread
        if path.endswith("comment-page-2/"):
            assert tree.one(id="comment-103").find("span", cls="comment-number").text == "3."
    # the last page is the permalink's; past it, nothing
    r = srv.get(f"{PAGED}comment-page-3/")
    assert r.status == 301 and r.header("Location").endswith(f"{PAGED}#comments"), r
    for n in ("4", "40", "0", "01"):
        assert srv.get(f"{PAGED}comment-page-{n}/").status == 404, n
    # the slashless form goes to the slash form
    r = srv.get(f"{PAGED}comment-page-1")
    assert r.status == 301 and r.header("Location").endswith(f"{PAGED}comment-page-1/"), r
    # a post whose threads fit one page has no comment pages
    r = srv.get("/2022/03/quiet/comment-page-1/")
    assert r.status == 301 and r.header("Location").endswith("/2022/03/quiet/#comments"), r
    # a comment page of no post is a 404; a post whose slug looks like one is that post
    assert srv.get("/2022/03/nothing-here/comment-page-1/").status == 404
    r = srv.get("/2022/03/comment-page-2/")
    assert r.status == 200 and r.tree().one("h1").text == "Odd slug", r


def test_comment_pages_are_cached_and_follow_new_comments(imported, start_server):
    imported.run("set", "comments.per_page", "2")
    srv = start_server(imported)
    page1 = f"{PAGED}comment-page-1/"
    assert srv.get(page1).status == 200
    hit = eventually(lambda: srv.get(page1), lambda r: r.header(CACHE) == "hit", timeout=3.0)
    assert hit.status == 200
    # a reply to the first thread lands on page 1, and the redirect after posting says so
    r = srv.post_form(f"{PAGED}comments", dict(author="Late reader", email="late@example.com",
                                               url="", comment="A late reply.",
                                               comment_parent="101"))
    assert r.status == 303, r
    new_id = int(re.search(r"#comment-(\d+)$", r.header("Location")).group(1))
    assert r.header("Location").endswith(f"{PAGED}comment-page-1/#comment-{new_id}"), r
    r = eventually(lambda: srv.get(page1), lambda r: "A late reply." in r.text)
    assert r.tree().find(id=f"comment-{new_id}") is not None
    # a new top-level comment goes to the permalink, the newest page
    r = srv.post_form(f"{PAGED}comments", dict(author="New reader", email="new@example.com",
                                               url="", comment="A new thread."))
    assert r.status == 303, r
    assert re.search(rf"{PAGED}#comment-\d+$", r.header("Location")), r.header("Location")
    # the comment feed links each comment to its page; its guid stays at the permalink
    feed = srv.get(f"{PAGED}feed/")
    assert feed.status == 200, feed
    assert f"{PAGED}comment-page-1/#comment-101</link>" in feed.text, feed.text
    assert f"{PAGED}#comment-101</guid>" in feed.text, feed.text


def test_reply_to_comment(imported, start_server):
    srv = start_server(imported)
    r = srv.get(f"{THREADS}?replytocom=4")
    assert r.status == 200, r
    tree = r.tree()
    title = tree.one(id="reply-title")
    assert re.sub(r"\s+", " ", title.text).strip() == "Reply to Author 4 Cancel reply"
    cancel = tree.one("a", id="cancel-comment-reply-link")
    assert cancel.get("href") == f"{THREADS}#respond"
    assert tree.one("input", id="comment_parent").get("value") == "4"
    # the reply is accepted under that comment
    form = tree.one("form", id="commentform")
    fields = dict(author="Replier", email="replier@example.com", url="",
                  comment="Replying to four.", comment_parent="4")
    r = srv.post_form(form.get("action"), fields)
    assert r.status == 303, r
    # hidden, a pingback, another post's, unknown, or not a number: the normal form
    for bad in ("3", "12", "300", "999999", "abc", "-4", ""):
        r = srv.get(f"{THREADS}?replytocom={bad}")
        assert r.status == 200, (bad, r)
        tree = r.tree()
        assert tree.one(id="reply-title").text.strip() == "Leave a comment", bad
        assert tree.find("a", id="cancel-comment-reply-link") is None, bad
        assert tree.one("input", id="comment_parent").get("value") == "0", bad


def test_reply_to_comment_on_a_comment_page(imported, start_server):
    imported.run("set", "comments.per_page", "2")
    srv = start_server(imported)
    r = srv.get(f"{PAGED}comment-page-1/?replytocom=201")
    assert r.status == 200, r
    tree = r.tree()
    assert "Reply to Author 201" in tree.one(id="reply-title").text
    # cancelling stays on this comment page
    assert tree.one("a", id="cancel-comment-reply-link").get("href") == \
        f"{PAGED}comment-page-1/#respond"
    assert tree.one("input", id="comment_parent").get("value") == "201"
    # the reply link of a comment keeps the page it is on
    link = tree.one(id="comment-101").find("a", cls="comment-reply-link")
    assert link.get("href") == "?replytocom=101#respond"
