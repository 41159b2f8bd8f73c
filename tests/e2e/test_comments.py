# test_comments.py: commenting on an open post over HTTP: replies and their numbering, every
# validation error, closed posts, moderation modes, the depth rule, the remember cookie,
# Markdown and hostile input, the body limit.
import re
import threading
import urllib.parse

import pytest

from conftest import (allow_quick_comments, eventually, hostile_markup, page_start_tags, parse_html,
                      raw_post, wxr_document, wxr_item)

TITLE = "My title"
BODY = "An open post of our own, with *plain* words."
AWAITING = "Your comment is awaiting moderation."


def make_open_post(site, tmp_path, moderation="none", **front):
    if moderation is not None:
        site.run("set", "comments.moderation", moderation)
    front.setdefault("status", "publish")
    front.setdefault("date", "2024-05-01 10:00")
    pid, path = site.new_post(tmp_path, TITLE, body=BODY, **front)
    return pid, path


class Commenter:
    """Posts comments to one post through the action of its own comment form."""

    def __init__(self, srv, path):
        self.srv = srv
        self.path = path
        self._action = None
        self.n = 0

    @property
    def action(self):
        if self._action is None:
            r = self.srv.get(self.path)
            assert r.status == 200, r
            form = r.tree().one("form", id="commentform")
            action = urllib.parse.urlsplit(form.get("action", "")).path
            assert action.rstrip("/") == self.path.rstrip("/") + "/comments", action
            self._action = action
        return self._action

    def fields(self, **kw):
        self.n += 1
        f = dict(author=f"Reader {self.n}", email=f"reader{self.n}@example.com", url="",
                 comment=f"Comment number {self.n} of our own.", comment_parent="0")
        f.update({k: str(v) if isinstance(v, int) else v for k, v in kw.items()})
        return f

    def post(self, **kw):
        return self.srv.post_form(self.action, self.fields(**kw))

    def approved(self, **kw):
        """Posts a comment that must be approved at once; returns its id."""
        r = self.post(**kw)
        assert r.status == 303, (r, r.text[:2000])
        loc = r.location_path()
        m = re.fullmatch(re.escape(self.path) + r"#comment-(\d+)", loc)
        assert m, f"Location {loc!r} is not {self.path}#comment-ID"
        return int(m.group(1))

    def held(self, **kw):
        """Posts a comment that must be held; returns (id, the moderation URL)."""
        r = self.post(**kw)
        assert r.status == 303, (r, r.text[:2000])
        loc = r.location_path()
        m = re.fullmatch(re.escape(self.path) + r"\?unapproved=(\d+)&moderation-hash=([0-9a-fA-F]+)"
                         r"#comment-(\d+)", loc)
        assert m and m.group(1) == m.group(3), (
            f"Location {loc!r} is not {self.path}?unapproved=ID&moderation-hash=HEX#comment-ID")
        return int(m.group(1)), loc

    def page(self, suffix=""):
        r = self.srv.get(self.path + suffix)
        assert r.status == 200, r
        return r.tree()


def li_number(li):
    nums = [n for n in li.find_all("span", cls="comment-number") if n.closest("li") is li]
    assert nums, f"{li.id} has no comment-number"
    return nums[0].text


def depth(li):
    d = [c for c in li.classes if re.fullmatch(r"depth-\d+", c)]
    assert len(d) == 1, li.attrs
    return int(d[0][6:])


def parent_li(li):
    p = li.closest("li")
    return p.id if p is not None else None


@pytest.fixture
def open_site(site, tmp_path, start_server):
    pid, path = make_open_post(site, tmp_path)
    srv = start_server(site)
    return site, srv, pid, path, Commenter(srv, path)


# ---------------------------------------------------------------------------------------------


def test_new_post_permalink_and_form(open_site):
    site, srv, pid, path, c = open_site
    assert path == "/2024/05/01/my-title/"
    doc = c.page()
    assert doc.one("h1", cls="entry-title").text == TITLE
    assert doc.one("div", cls="entry-content").find("em").text == "plain"
    assert doc.find("p", cls="comments-closed") is None
    form = doc.one("form", id="commentform")
    assert form.get("method", "").lower() == "post"
    assert urllib.parse.urlsplit(form.get("action")).path.rstrip("/") == path + "comments"
    for name in ("author", "email", "url"):
        assert form.find("input", name=name) is not None, f"no input {name}"
    assert form.find("textarea", name="comment") is not None
    parent = form.one("input", name="comment_parent")
    assert parent.get("type") == "hidden" and parent.get("value") == "0"
    remember = form.one("input", name="remember")
    assert remember.get("type") == "checkbox"
    assert (form.find("input", type="submit") is not None
            or form.find("button") is not None), "no submit button"
    assert doc.find(id="respond") is not None, "no #respond target for reply links"
    # no comments yet: nothing numbered
    assert doc.find_all("li", cls="comment") == []


def test_comment_reply_and_reply_to_reply(open_site):
    site, srv, pid, path, c = open_site
    c1 = c.approved(author="Alice", comment="First words.")
    c2 = c.approved(author="Bob", comment="A reply to Alice.", comment_parent=c1)
    c3 = c.approved(author="Carol", comment="A reply to Bob.", comment_parent=c2)
    c4 = c.approved(author="Dave", comment="Second top-level.")
    c5 = c.approved(author="Erin", comment="Second reply to Alice.", comment_parent=c1)
    assert len({c1, c2, c3, c4, c5}) == 5

    doc = c.page()
    top = doc.one("ol", cls="comment-list").child_elements("li")
    assert [li.id for li in top] == [f"comment-{c1}", f"comment-{c4}"]
    assert [li_number(li) for li in top] == ["1.", "2."]
    li1 = doc.one("li", id=f"comment-{c1}")
    own_lists = [ol for ol in li1.find_all("ol", cls="children") if ol.closest("li") is li1]
    assert len(own_lists) == 1
    kids = own_lists[0].child_elements("li")
    assert [li.id for li in kids] == [f"comment-{c2}", f"comment-{c5}"]
    assert [li_number(li) for li in kids] == ["1.", "2."]
    li3 = doc.one("li", id=f"comment-{c3}")
    assert parent_li(li3) == f"comment-{c2}"
    assert li_number(li3) == "1."
    assert [depth(doc.one("li", id=f"comment-{i}")) for i in (c1, c2, c3, c4, c5)] == [
        1, 2, 3, 1, 2]

    for cid, author, text in ((c1, "Alice", "First words."), (c3, "Carol", "A reply to Bob.")):
        li = doc.one("li", id=f"comment-{cid}")
        own = [n for n in li.iter() if n.closest("li") is li]
        assert [n.text for n in own if n.tag == "b" and "comment-author" in n.classes] == [author]
        assert [n.text for n in own if "comment-content" in n.classes] == [text]
        assert [n for n in own if n.tag == "time"], "no <time>"
        links = [n for n in own if n.tag == "a" and "comment-reply-link" in n.classes]
        assert len(links) == 1 and links[0].text == "Reply"
        href = links[0].get("href")
        assert re.search(rf"[?&]replytocom={cid}#respond$", href), href

    # the reply link's page sets comment_parent
    form = c.page(f"?replytocom={c3}").one("form", id="commentform")
    assert form.one("input", name="comment_parent").get("value") == str(c3)

    rows = {int(r["id"]): r for r in site.comments("--post", pid)}
    assert {i: rows[i]["parent"] for i in rows} == {
        c1: "0", c2: str(c1), c3: str(c2), c4: "0", c5: str(c1)}
    assert all(r["status"] == "approved" and r["post"] == pid for r in rows.values())
    assert rows[c1]["author"] == "Alice"


def test_top_level_numbering_in_date_order(open_site):
    site, srv, pid, path, c = open_site
    ids = [c.approved() for _ in range(4)]
    top = c.page().one("ol", cls="comment-list").child_elements("li")
    assert [li.id for li in top] == [f"comment-{i}" for i in ids]
    assert [li_number(li) for li in top] == ["1.", "2.", "3.", "4."]


def test_concurrent_comments(open_site):
    site, srv, pid, path, c = open_site
    action = c.action
    results = []

    def one(i):
        r = srv.post_form(action, dict(author=f"Parallel {i}", email=f"p{i}@example.com",
                                       url="", comment=f"Parallel comment {i}.",
                                       comment_parent="0"))
        results.append(r.status)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [303] * 16
    top = c.page().one("ol", cls="comment-list").child_elements("li")
    assert len(top) == 16 and len({li.id for li in top}) == 16
    assert [li_number(li) for li in top] == [f"{n}." for n in range(1, 17)]
    assert len(site.comments("--post", pid)) == 16


# ---------------------------------------------------------------------------------------------
# Validation

PROBLEM = (r"required|missing|empty|blank|invalid|not valid|too long|too large|too big|exceed|"
           r"must|please|enter|provide|no such|not found|cannot|can't|can ?not|isn't|is not|"
           r"not an?\b|doesn't|does not|unknown|longer|limit|at most|maximum|not allowed|bad|"
           r"wrong|malformed")
SUBJECT = {
    "name": r"\bname\b",
    "email": r"e-?mail",
    "comment": r"comment|message|text",
    "long": r"long|large|big|64|KiB|KB|bytes|size|exceed|limit|maximum",
    "utf8": r"utf-?8|encoding|invalid (byte|character|text)|characters?",
    "parent": r"parent|repl(y|ies|ying)|comment",
}


def _validation_cases(ids):
    approved, pending, spam, other = ids
    big = "y" * (64 * 1024 + 1)
    return {
        "missing-name": (dict(author=""), "name"),
        "blank-name": (dict(author="   "), "name"),
        "missing-email": (dict(email=""), "email"),
        "invalid-email": (dict(email="not-an-email"), "email"),
        "invalid-email-2": (dict(email="two@at@example.com"), "email"),
        "empty-comment": (dict(comment=""), "comment"),
        "too-long-comment": (dict(comment=big), "long"),
        "invalid-utf8": (dict(comment=b"caf\xe9 \xff\xfe broken"), "utf8"),
        "invalid-utf8-name": (dict(author=b"Bad \xc3\x28 name"), "utf8"),
        "parent-unknown": (dict(comment_parent="999999"), "parent"),
        "parent-pending": (dict(comment_parent=str(pending)), "parent"),
        "parent-spam": (dict(comment_parent=str(spam)), "parent"),
        "parent-other-post": (dict(comment_parent=str(other)), "parent"),
        "parent-not-a-number": (dict(comment_parent="abc"), "parent"),
    }


VALIDATION_NAMES = sorted(_validation_cases((0, 0, 0, 0)))


@pytest.fixture(scope="module")
def validation_site(gazette_bin, tmp_path_factory, module_db):
    """An open post (imported, with an approved, a pending and a spam comment) and another post
    with an approved comment; one server for all validation cases (they store nothing)."""
    from conftest import Gazette, Server
    d = tmp_path_factory.mktemp("validation")
    g = Gazette(gazette_bin, module_db(d / "v.db"))
    g.run("init")
    allow_quick_comments(g)
    g.run("set", "comments.moderation", "none")
    doc = wxr_document([
        wxr_item(901, "Open for comments", slug="open-for-comments", comments=[
            dict(id=9001, approved="1", content="<p>approved</p>"),
            dict(id=9002, approved="0", content="<p>pending</p>"),
            dict(id=9003, approved="spam", content="<p>spam</p>")]),
        wxr_item(902, "Another post", slug="another-post", comments=[
            dict(id=9011, approved="1", content="<p>elsewhere</p>")]),
    ])
    (d / "v.xml").write_text(doc, encoding="utf-8")
    g.run("import", "wxr", d / "v.xml")
    srv = Server(g, str(d)).start()
    yield g, srv, "/2022/03/open-for-comments/", (9001, 9002, 9003, 9011)
    srv.stop()


@pytest.mark.parametrize("case", VALIDATION_NAMES)
def test_validation_error(validation_site, case):
    g, srv, path, ids = validation_site
    c = Commenter(srv, path)
    baseline = c.page()
    base_blocks = set(baseline.blocks())
    before = g.snapshot()

    changes, subject = _validation_cases(ids)[case]
    fields = dict(author="Valid Name", email="valid@example.com", url="https://example.com/me",
                  comment="Text the reader typed.", comment_parent="0")
    fields.update(changes)
    r = srv.post_form(c.action, fields)

    assert r.status == 400, (case, r, r.text[:1000])
    assert (r.header("Content-Type") or "").startswith("text/html")
    doc = r.tree()
    new = [b for b in doc.blocks(exclude=("textarea",)) if b not in base_blocks]
    said = [b for b in new if re.search(SUBJECT[subject], b, re.I)
            and (subject in ("long",) or re.search(PROBLEM, b, re.I))]
    assert said, f"{case}: the 400 page does not say what is wrong; new text: {new[:20]}"

    # the form is there again with what the reader typed
    form = doc.one("form", id="commentform")
    for name in ("author", "email", "url"):
        sent = fields[name]
        if isinstance(sent, bytes):
            continue
        assert form.one("input", name=name).get("value") == sent, name
    if isinstance(fields["comment"], str):
        got = form.one("textarea", name="comment").raw_text()
        got = got[1:] if got.startswith("\n") else got
        assert got.replace("\r\n", "\n") == fields["comment"], (case, got[:80])
    assert g.snapshot() == before, f"{case}: a refused comment changed the database"


def test_comment_of_exactly_64k_is_accepted(open_site):
    site, srv, pid, path, c = open_site
    cid = c.approved(comment="z" * (64 * 1024))
    li = c.page().one("li", id=f"comment-{cid}")
    assert li.one("div", cls="comment-content").text == "z" * (64 * 1024)


def test_comment_on_unknown_or_hidden_post(open_site, tmp_path):
    site, srv, pid, path, c = open_site
    _, draft = site.new_post(tmp_path, "Draft here", status="draft", date="2024-05-02 10:00")
    fields = c.fields()
    for target in ("/2024/05/01/no-such-post/comments", draft + "comments"):
        r = srv.post_form(target, fields)
        assert r.status == 404, (target, r)
    assert site.comments() == []


def test_body_over_limit_is_413(open_site):
    site, srv, pid, path, c = open_site
    body = b"author=Big&email=big%40example.com&comment_parent=0&comment=" + b"x" * 1_100_000
    r = raw_post(srv.port, c.action, body)
    assert r.status == 413, r
    assert site.comments() == []
    assert srv.get("/healthz").status == 200
    # a normal comment still goes through afterwards
    c.approved()


# ---------------------------------------------------------------------------------------------
# Closed posts


def test_closed_post_refuses_with_403(site, tmp_path, start_server):
    pid, path = make_open_post(site, tmp_path, comments="closed")
    srv = start_server(site)
    doc = srv.get(path).tree()
    assert doc.one("p", cls="comments-closed").text == "Comments are closed."
    assert doc.find("form", id="commentform") is None
    r = srv.post_form(path + "comments", dict(author="Late", email="late@example.com", url="",
                                              comment="Too late.", comment_parent="0"))
    assert r.status == 403, r
    assert "Comments are closed." in r.text
    assert site.comments() == []


def test_close_and_reopen(open_site):
    site, srv, pid, path, c = open_site
    action = c.action
    first = c.approved()
    site.run("post", "close", pid)
    doc = eventually(c.page, lambda d: d.find("p", cls="comments-closed") is not None)
    assert doc.one("p", cls="comments-closed").text == "Comments are closed."
    assert doc.find("form", id="commentform") is None
    assert doc.find("a", cls="comment-reply-link") is None
    assert doc.find("li", id=f"comment-{first}") is not None, "closing hid the comments"
    r = srv.post_form(action, c.fields())
    assert r.status == 403 and "Comments are closed." in r.text
    assert len(site.comments()) == 1
    site.run("post", "open", pid)
    doc = eventually(c.page, lambda d: d.find("form", id="commentform") is not None)
    assert doc.find("form", id="commentform") is not None
    c.approved()
    assert len(site.comments()) == 2


def test_close_after_days(site, tmp_path, start_server):
    site.run("set", "comments.moderation", "none")
    site.run("set", "comments.close_after_days", "30")
    assert site.out("get", "comments.close_after_days").strip() == "30"
    _, old = site.new_post(tmp_path, "Old post", status="publish", date="2020-01-01 00:00")
    _, new = site.new_post(tmp_path, "Fresh post", status="publish")
    srv = start_server(site)
    doc = srv.get(old).tree()
    assert doc.find("p", cls="comments-closed") is not None
    assert doc.find("form", id="commentform") is None
    r = srv.post_form(old + "comments", dict(author="A", email="a@example.com", url="",
                                             comment="hello", comment_parent="0"))
    assert r.status == 403
    Commenter(srv, new).approved()
    assert len(site.comments()) == 1


# ---------------------------------------------------------------------------------------------
# Moderation


def test_default_moderation_is_first_time(site, tmp_path, start_server):
    assert site.out("get", "comments.moderation").strip() == "first-time"
    pid, path = make_open_post(site, tmp_path, moderation=None)
    c = Commenter(start_server(site), path)
    cid, _ = c.held(email="stranger@example.com")
    assert [r["status"] for r in site.comments()] == ["pending"]


def test_moderation_none(site, tmp_path, start_server):
    pid, path = make_open_post(site, tmp_path, moderation="none")
    c = Commenter(start_server(site), path)
    cid = c.approved(email="brand.new@example.com")
    assert c.page().find("li", id=f"comment-{cid}") is not None
    assert AWAITING not in c.page().text
    assert [r["status"] for r in site.comments()] == ["approved"]


def test_moderation_all_and_awaiting_notice(site, tmp_path, start_server):
    pid, path = make_open_post(site, tmp_path, moderation="all")
    c = Commenter(start_server(site), path)
    cid, loc = c.held(email="held@example.com", comment="Held *words*.")
    assert [(int(r["id"]), r["status"]) for r in site.comments("--status", "pending")] == [
        (cid, "pending")]

    # the author's notice URL shows it, with the notice
    mine = c.page(loc[len(path):].split("#")[0])
    li = mine.one("li", id=f"comment-{cid}")
    assert AWAITING in li.text
    assert li.one("div", cls="comment-content").find("em").text == "words"
    # nobody else sees it
    public = c.page()
    assert public.find("li", id=f"comment-{cid}") is None
    assert AWAITING not in public.text
    forged = c.page(f"?unapproved={cid}&moderation-hash=00000000")
    assert forged.find("li", id=f"comment-{cid}") is None
    assert AWAITING not in forged.text

    # approve: public now, and the same email is still held under "all"
    site.run("comment", "approve", cid)
    assert [r["status"] for r in site.comments()] == ["approved"]
    li = eventually(c.page, lambda d: d.find("li", id=f"comment-{cid}") is not None).one(
        "li", id=f"comment-{cid}")
    assert AWAITING not in li.text
    again, _ = c.held(email="held@example.com")
    assert again != cid
    assert [int(r["id"]) for r in site.comments("--status", "pending")] == [again]


def test_moderation_first_time(site, tmp_path, start_server):
    pid, path = make_open_post(site, tmp_path, moderation="first-time")
    c = Commenter(start_server(site), path)
    first, _ = c.held(author="Known Reader", email="known@example.com")
    assert c.page().find("li", id=f"comment-{first}") is None
    site.run("comment", "approve", first)
    second = c.approved(author="Known Reader", email="known@example.com")
    assert c.page().find("li", id=f"comment-{second}") is not None
    third, _ = c.held(email="unknown@example.com")
    statuses = {int(r["id"]): r["status"] for r in site.comments()}
    assert statuses == {first: "approved", second: "approved", third: "pending"}


def test_spam_and_trash_hide_comments(open_site):
    site, srv, pid, path, c = open_site
    a = c.approved()
    b = c.approved()
    keep = c.approved()
    site.run("comment", "spam", a)
    site.run("comment", "trash", b)
    statuses = {int(r["id"]): r["status"] for r in site.comments()}
    assert statuses == {a: "spam", b: "trash", keep: "approved"}
    assert [int(r["id"]) for r in site.comments("--status", "spam")] == [a]
    assert [int(r["id"]) for r in site.comments("--status", "trash")] == [b]
    top = c.page().one("ol", cls="comment-list").child_elements("li")
    assert [li.id for li in top] == [f"comment-{keep}"]
    assert li_number(top[0]) == "1."
    # a reply to a spammed comment is refused
    r = c.post(comment_parent=a)
    assert r.status == 400


def test_comment_command_errors(site):
    p = site.run("comment", "approve", "424242", expect=1)
    assert p.stderr.strip()
    p = site.run("comment", "approve", expect=2)
    assert p.stderr.strip()


# ---------------------------------------------------------------------------------------------
# Depth


def test_max_depth_3_attaches_to_deepest_allowed(site, tmp_path, start_server):
    site.run("set", "comments.max_depth", "3")
    assert site.out("get", "comments.max_depth").strip() == "3"
    pid, path = make_open_post(site, tmp_path)
    c = Commenter(start_server(site), path)
    c1 = c.approved()
    c2 = c.approved(comment_parent=c1)
    c3 = c.approved(comment_parent=c2)
    c4 = c.approved(comment_parent=c3)  # would be depth 4: becomes c3's sibling
    doc = c.page()
    li3, li4 = doc.one("li", id=f"comment-{c3}"), doc.one("li", id=f"comment-{c4}")
    assert depth(li3) == 3 and depth(li4) == 3
    assert parent_li(li4) == f"comment-{c2}"
    assert [li_number(li3), li_number(li4)] == ["1.", "2."]
    assert li3.find("ol", cls="children") is None
    rows = {int(r["id"]): r["parent"] for r in site.comments()}
    assert rows[c4] == str(c2)


def test_default_max_depth_6(open_site):
    site, srv, pid, path, c = open_site
    assert site.out("get", "comments.max_depth").strip() == "6"
    chain = [c.approved()]
    for _ in range(6):
        chain.append(c.approved(comment_parent=chain[-1]))
    doc = c.page()
    depths = [depth(doc.one("li", id=f"comment-{i}")) for i in chain]
    assert depths == [1, 2, 3, 4, 5, 6, 6]
    assert parent_li(doc.one("li", id=f"comment-{chain[6]}")) == f"comment-{chain[4]}"


# ---------------------------------------------------------------------------------------------
# Cookie, Markdown, hostile input


def test_remember_sets_cookie(open_site):
    site, srv, pid, path, c = open_site
    r = c.post(author="Remy", email="remy@example.com", remember="1")
    assert r.status == 303
    cookies = r.header_all("Set-Cookie")
    assert any("Remy" in v for v in cookies), cookies
    r = c.post(author="Forgetful", email="forgetful@example.com")
    assert r.status == 303
    cookies = r.header_all("Set-Cookie")
    assert not [v for v in cookies if "Forgetful" in v or "forgetful" in v], cookies


def test_markdown_rendered_safely(open_site):
    site, srv, pid, path, c = open_site
    base = srv.get(path).text
    before = parse_html(base)
    allowed = page_start_tags(base)
    text = ("*x* and **bold** and `code`\n\n"
            "<script>alert(1)</script>\n\n"
            "<img src=x onerror=alert(2)>\n\n"
            "[click](javascript:alert(3)) [ok](https://example.com/ok)\n\n"
            "<a href=\"javascript:alert(4)\">raw</a> <iframe src=\"https://evil.example\">"
            "</iframe>\n")
    cid = c.approved(author="<script>alert(5)</script>Eve", url="https://example.com/eve",
                     comment=text)
    r = srv.get(path)
    problems = hostile_markup(r.text, {t for t in allowed if t[0] != "iframe"})
    assert not problems, problems
    assert r.text.lower().count("<script") == base.lower().count("<script")
    li = r.tree().one("li", id=f"comment-{cid}")
    content = li.one("div", cls="comment-content")
    assert [e.text for e in content.find_all("em")] == ["x"]
    assert [e.text for e in content.find_all("strong")] == ["bold"]
    assert [e.text for e in content.find_all("code")] == ["code"]
    assert "https://example.com/ok" in [a.get("href") for a in content.find_all("a")]
    author = li.one("b", cls="comment-author")
    assert author.text == "<script>alert(5)</script>Eve"
    link = author.one("a")
    assert link.get("href") == "https://example.com/eve"
    assert before.find("li", id=f"comment-{cid}") is None


def test_javascript_url_never_becomes_a_link(open_site):
    site, srv, pid, path, c = open_site
    allowed = page_start_tags(srv.get(path).text)
    r = c.post(author="Mallory", url="javascript:alert(1)")
    assert r.status in (303, 400), r
    page = srv.get(path).text
    assert not hostile_markup(page, allowed)
    if r.status == 303:
        authors = [b for b in parse_html(page).find_all("b", cls="comment-author")
                   if b.text == "Mallory"]
        assert len(authors) == 1, "the accepted comment is not shown"
        assert authors[0].find("a") is None or not authors[0].find("a").get(
            "href", "").lower().startswith("javascript")


# ---------------------------------------------------------------------------------------------
# Origin check (a browser sends Origin with every form POST)


def test_same_origin_comment_is_accepted(open_site):
    site, srv, pid, path, c = open_site
    r = srv.post_form(c.action, c.fields(), headers={"Origin": f"http://127.0.0.1:{srv.port}"})
    assert r.status == 303, (r, r.text[:500])
    assert len(site.comments()) == 1


def test_cross_origin_comment_is_refused(open_site):
    site, srv, pid, path, c = open_site
    r = srv.post_form(c.action, c.fields(), headers={"Origin": "http://evil.example"})
    assert r.status == 403, (r, r.text[:500])
    assert site.comments() == []
