# test_cli.py: the command line: init, --help, usage errors, settings, `post` commands.
import pytest

from conftest import Gazette, eventually


def test_init_is_idempotent(site, tmp_path):
    pid, _ = site.new_post(tmp_path, "Survives init", status="publish")
    before = site.snapshot()
    site.run("init")
    assert site.snapshot() == before
    assert [r["id"] for r in site.posts()] == [pid]


def test_init_demo(gazette_bin, tmp_path, new_db, start_server):
    g = Gazette(gazette_bin, new_db(tmp_path / "demo.db"))
    g.run("init", "--demo")
    posts = [r for r in g.posts() if r["status"] == "publish"]
    assert len(posts) >= 1
    comments = g.comments()
    assert len(comments) >= 2
    assert any(c["parent"] != "0" for c in comments), "demo comments are not threaded"
    srv = start_server(g)
    doc = srv.get(posts[0]["path"]).tree()
    assert doc.find("ol", cls="children") is not None
    assert srv.get("/").tree().find("h2", cls="entry-title") is not None


@pytest.mark.parametrize("args", [[], ["init"], ["serve"], ["import"], ["render"], ["post"],
                                  ["comment"], ["set"], ["get"]])
def test_help(site, args):
    p = site.run(*args, "--help")
    assert len(p.stdout.strip()) > 20, p.stdout
    if args:
        assert args[0] in p.stdout


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["post", "frobnicate"],
                                  ["comment", "frobnicate"], ["import", "csv", "x"],
                                  ["serve", "--threads"], ["--no-such-option", "init"]])
def test_usage_errors_exit_2(site, args):
    p = site.run(*args, expect=2)
    assert p.stderr.strip(), "usage error without a message"


def test_serve_bad_listen_address(site):
    p = site.run("serve", "--listen", "not-an-address", expect=None, timeout=20)
    assert p.returncode in (1, 2), p.returncode
    assert p.stderr.strip()


DEFAULTS = {"comments.moderation": "first-time", "comments.max_depth": "6",
            "comments.close_after_days": "0"}


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_setting_defaults(site, key):
    assert site.out("get", key).strip() == DEFAULTS[key]


@pytest.mark.parametrize("key,value", [("comments.moderation", "all"),
                                       ("comments.moderation", "none"),
                                       ("comments.moderation", "first-time"),
                                       ("comments.max_depth", "3"),
                                       ("comments.close_after_days", "14")])
def test_setting_round_trip(site, key, value):
    site.run("set", key, value)
    assert site.out("get", key).strip() == value


@pytest.mark.parametrize("key,value,listed", [
    ("comments.moderation", "sometimes", ["all", "first-time", "none"]),
    ("comments.max_depth", "deep", []),
    ("comments.max_depth", "-1", []),
    ("comments.close_after_days", "-5", []),
])
def test_invalid_setting_value(site, key, value, listed):
    before = site.out("get", key)
    p = site.run("set", key, value, expect=None)
    assert p.returncode in (1, 2), p.returncode
    assert p.stderr.strip()
    for word in listed:
        assert word in p.stderr, (word, p.stderr)
    assert site.out("get", key) == before


@pytest.mark.parametrize("verb", ["get", "set"])
def test_unknown_setting_key(site, verb):
    args = ["no.such.key"] + (["1"] if verb == "set" else [])
    p = site.run(verb, *args, expect=None)
    assert p.returncode in (1, 2), p.returncode
    assert "comments.moderation" in p.stderr, "the message does not list the valid keys"


def test_post_new_defaults_and_front_matter(site, tmp_path, start_server):
    pid, path = site.new_post(tmp_path, "Hello, World: Ünïcode & more!")
    (row,) = site.posts()
    assert row["id"] == pid and row["status"] == "draft" and row["type"] == "post"
    assert row["title"] == "Hello, World: Ünïcode & more!"
    assert row["path"] == path
    assert path.startswith("/") and path.endswith("/")
    assert path.count("/") == 5, path  # /YYYY/MM/DD/slug/

    pid2, path2 = site.new_post(tmp_path, "Custom slug post", slug="chosen-slug",
                                status="publish", date="2023-12-31 23:30",
                                categories="News, Other", tags="a, b")
    assert path2 == "/2023/12/31/chosen-slug/"
    assert site.out("post", "show", pid2).count("Custom slug post") >= 1
    assert "Custom slug post" in site.out("post", "show", path2)
    assert "Custom slug post" in site.out("post", "show", "chosen-slug")
    srv = start_server(site)
    doc = srv.get(path2).tree()
    assert sorted(a.text for a in doc.find_all("a", rel="category tag")) == ["News", "Other"]
    assert sorted(a.text for a in doc.find_all("a", rel="tag")) == ["a", "b"]
    t = doc.find("time")
    assert t is not None and t.get("datetime", "").startswith("2023-12-31")


def test_post_new_slug_from_title(site, tmp_path):
    _, path = site.new_post(tmp_path, "My title", status="publish", date="2024-05-01 10:00")
    assert path == "/2024/05/01/my-title/"
    # the same title again must not take the same permalink: a new one, or a refusal
    md = tmp_path / "same.md"
    md.write_text("---\ntitle: My title\nstatus: publish\ndate: 2024-05-01 10:00\n---\nx\n",
                  encoding="utf-8")
    p = site.run("post", "new", md, expect=None)
    if p.returncode == 0:
        again = p.stdout.split(" at ")[-1].strip()
        assert again != path and again.startswith("/2024/05/01/my-title"), again
        assert len({r["path"] for r in site.posts()}) == 2
    else:
        assert p.returncode == 1 and p.stderr.strip()
        assert len(site.posts()) == 1


@pytest.mark.parametrize("front", [
    "---\nstatus: publish\n---\nNo title.\n",
    "---\ntitle: Bad status\nstatus: sometimes\n---\nBody.\n",
    "---\ntitle: Bad comments\ncomments: maybe\n---\nBody.\n",
    "---\ntitle: Bad date\ndate: yesterday-ish\n---\nBody.\n",
    "No front matter at all.\n",
])
def test_post_new_rejects_bad_front_matter(site, tmp_path, front):
    md = tmp_path / "bad.md"
    md.write_text(front, encoding="utf-8")
    p = site.run("post", "new", md, expect=None)
    assert p.returncode in (1, 2), (p.returncode, p.stdout)
    assert p.stderr.strip()
    assert site.posts() == []


def test_post_new_missing_file(site, tmp_path):
    p = site.run("post", "new", tmp_path / "missing.md", expect=1)
    assert "missing.md" in p.stderr


@pytest.mark.parametrize("verb", ["show", "open", "close", "publish"])
def test_post_commands_unknown_post(site, verb):
    p = site.run("post", verb, "424242", expect=1)
    assert p.stderr.strip()


def test_post_open_close_publish_listed(site, tmp_path, start_server):
    pid, path = site.new_post(tmp_path, "Toggle me", status="draft", date="2024-02-02 02:02")
    site.run("post", "publish", pid)
    assert [r["status"] for r in site.posts()] == ["publish"]
    srv = start_server(site)
    assert srv.get(path).tree().find("form", id="commentform") is not None
    page = lambda: srv.get(path).tree()  # noqa: E731
    site.run("post", "close", path)
    closed = eventually(page, lambda d: d.find("p", cls="comments-closed") is not None)
    assert closed.find("p", cls="comments-closed") is not None
    site.run("post", "open", "toggle-me")
    opened = eventually(page, lambda d: d.find("form", id="commentform") is not None)
    assert opened.find("form", id="commentform") is not None
