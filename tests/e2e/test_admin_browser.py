# test_admin_browser.py: the administration's main story in a real browser (headless Chromium,
# /usr/bin/chromium, driven by playwright-core through tests/browser/admin_flow.js): an editor
# signs in, writes and publishes a post, a reader comments on it, the comment is held, the editor
# approves it from the queue, the reader sees it. Runs on both stores.
#
# The site keeps its spam defences as they ship (honeypot, signed form time stamp with
# comments.min_seconds): the reader's browser waits until the form is old enough, as a person
# typing would. Screenshots (1280 CSS px wide) of the dashboard, the editor with its text and the
# queue with the held comment go to $GAZETTE_SCREENSHOTS/admin-STORE/ (else a temporary
# directory) for a person to look at.
import json
import os
import struct
import subprocess

import pytest

from conftest import Gazette

EDITOR = "ed"
PASSWORD = "ed-browser-pass-phrase"
TITLE = "Notes from the browser desk"
BODY = ("Written in a real browser, with *emphasis*.\n\n"
        "A second paragraph, so the editor holds more than one line.")
AUTHOR = "Wren Marsh"
EMAIL = "wren@example.invalid"
COMMENT = "A thought from a reader, typed into Chromium."
HELD = "Your comment is awaiting moderation."   # themes/default/comment.html
WIDTH = 1280
MAX_WAIT = 3   # seconds of comments.min_seconds the reader waits out; more would be set to 0


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.fixture
def admin_site(gazette_bin, tmp_path, new_db):
    g = Gazette(gazette_bin, new_db(tmp_path / "browser.db"))
    g.run("init")
    g.run("set", "comments.moderation", "all")
    min_seconds = int(g.out("get", "comments.min_seconds").strip())
    if min_seconds > MAX_WAIT:
        g.run("set", "comments.min_seconds", "0")
        min_seconds = 0
    g.add_user(EDITOR, "editor", PASSWORD)
    return g, min_seconds


def run_flow(node_tools, srv, out, min_seconds):
    env = dict(os.environ, GAZETTE_ADMIN_PASSWORD=PASSWORD)
    cmd = ["node", os.path.join(node_tools, "admin_flow.js"),
           "--base", f"http://127.0.0.1:{srv.port}", "--out", out, "--login", EDITOR, "--title", TITLE, "--body", BODY,
           "--author", AUTHOR, "--email", EMAIL, "--comment", COMMENT,
           "--min-seconds", str(min_seconds)]
    p = subprocess.run(cmd, capture_output=True, timeout=180, env=env, cwd=node_tools)
    stderr = p.stderr.decode("utf-8", "replace")[-3000:]
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        pytest.fail(f"admin_flow.js exited {p.returncode} without a JSON summary\n"
                    f"--- stdout\n{p.stdout.decode('utf-8', 'replace')[-2000:]}\n"
                    f"--- stderr\n{stderr}\n{srv.logs()}", pytrace=False)
    if not summary.get("ok"):
        shots = {k: v["file"] for k, v in summary.get("screenshots", {}).items()}
        pytest.fail(f"browser step '{summary.get('failedStep')}' failed: {summary.get('error')}\n"
                    f"screenshots: {shots}\nconsole errors: {summary.get('consoleErrors')}\n"
                    f"page errors: {summary.get('pageErrors')}\n--- stderr\n{stderr}\n"
                    f"{srv.logs()}", pytrace=False)
    assert p.returncode == 0, (p.returncode, stderr)
    return summary


def test_editor_publishes_reader_comments_editor_approves(admin_site, start_server, node_tools,
                                                          store, tmp_path):
    g, min_seconds = admin_site
    srv = start_server(g)
    base = os.environ.get("GAZETTE_SCREENSHOTS") or str(tmp_path / "shots")
    out = os.path.join(base, f"admin-{store}")
    s = run_flow(node_tools, srv, out, min_seconds)

    # the editor signed in with a session cookie scripts cannot read
    assert s["dashboardUrl"] == "/admin/", s["dashboardUrl"]
    session = [c for c in s["editorCookies"] if c["name"] == "gz_session"]
    assert session and session[0]["httpOnly"], ("no HttpOnly gz_session cookie in the editor's "
                                                 "browser", s["editorCookies"])

    # the post was published from the editor, its Markdown rendered on the public page
    assert s["saveNotice"] == "Published.", s["saveNotice"]
    assert s["savedStatus"] == "publish", s["savedStatus"]
    posts = [p for p in g.posts() if p["title"] == TITLE]
    assert len(posts) == 1, g.posts()
    assert posts[0]["id"] == s["postId"] and posts[0]["status"] == "publish", posts[0]
    assert posts[0]["path"] == s["postPath"], (posts[0], s["postPath"])
    assert s["readerTitle"] == TITLE, s["readerTitle"]
    assert s["readerEmphasis"] == ["emphasis"], s["readerEmphasis"]

    # the reader's comment was held, and said so to its author only
    assert s["honeypotPresent"] and not s["honeypotVisible"], (
        "the spam honeypot field must be in the form and hidden from people",
        s["honeypotPresent"], s["honeypotVisible"])
    assert s["stampPresent"] == (min_seconds > 0), s["stampPresent"]
    assert s["heldMessage"] == HELD, s["heldMessage"]
    assert s["heldCommentAuthor"] == AUTHOR and s["heldCommentText"] == COMMENT, s
    assert COMMENT not in s["publicBeforeApproval"], "a held comment is shown to everyone"
    assert "gz_session" not in s["readerCookies"], s["readerCookies"]

    # the queue showed it; Approve approved it and took it out of the queue
    assert s["dashboardPending"] == "1", s["dashboardPending"]
    assert s["queueAuthor"] == AUTHOR and s["queueText"] == COMMENT, (s["queueAuthor"],
                                                                       s["queueText"])
    assert "Approve" in s["queueButtons"], s["queueButtons"]
    assert s["approveNotice"] == "Approved.", s["approveNotice"]
    assert not s["queueStillHasComment"], "the approved comment is still in the pending queue"
    comments = g.comments()
    assert [(c["status"], c["author"], c["post"]) for c in comments] == [
        ("approved", AUTHOR, s["postId"])], comments

    # everyone now sees it, without the moderation note
    assert s["finalCommentText"] == COMMENT and s["finalCommentAuthor"] == AUTHOR, s
    assert s["finalHeldMessages"] == 0, "the approved comment still says it awaits moderation"

    # no script errors, no server errors, and screenshots of the whole width without a
    # horizontal scroll bar
    assert not s["pageErrors"] and not s["consoleErrors"], (s["pageErrors"], s["consoleErrors"])
    assert not s["httpErrors"], s["httpErrors"]
    assert set(s["screenshots"]) == {"dashboard", "editor", "queue"}, s["screenshots"]
    for name, shot in s["screenshots"].items():
        w, h = png_size(shot["file"])
        assert w == WIDTH and h >= 300, (name, w, h)
        assert os.path.getsize(shot["file"]) > 5000, (name, "nearly empty screenshot")
        assert shot["scrollWidth"] <= shot["clientWidth"], (name, "horizontal scroll at 1280 px",
                                                            shot["scrollWidth"])
