# test_copy.py: `gazette copy --from FILE_OR_URI --to FILE_OR_URI [--replace]` moves a whole site
# between stores. The source is always a SQLite file; the target is a database of the store under
# test (so [postgres] copies SQLite -> PostgreSQL -> SQLite, [sqlite] SQLite -> SQLite -> SQLite).
# A non-empty target is refused (exit 1, nothing changed) unless --replace.
import os
import re
import sqlite3
import subprocess

import pytest

from conftest import CLI_TIMEOUT, Gazette


def copy(gazette_bin, src, dst, *extra, expect=0, cwd=None):
    cmd = [gazette_bin, "copy", "--from", str(src), "--to", str(dst)] + list(extra)
    p = subprocess.run(cmd, capture_output=True, timeout=CLI_TIMEOUT, cwd=cwd)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == expect, (f"{' '.join(cmd)}: exit {p.returncode}, expected {expect}\n"
                                    f"--- stdout\n{out[-3000:]}\n--- stderr\n{err[-3000:]}")
    return out, err


def printed_counts(out, table):
    """The numbers printed on the first line that names table ("post": post or posts), as a
    set; empty when no line does."""
    for line in out.splitlines():
        if re.search(rf"\b{table}s?\b", line, re.I):
            nums = {int(n) for n in re.findall(r"\b\d+\b", line)}
            if nums:
                return nums
    return set()


def everything(g):
    """What the CLI shows of a site: listings, one setting, the text of every post."""
    posts = g.posts()
    texts = {p["id"]: g.out("render", "text", p["id"]) for p in posts if p["type"] == "post"}
    return (g.out("post", "list"), g.out("comment", "list"),
            g.out("get", "comments.moderation"), texts)


@pytest.fixture
def source(gazette_bin, seed_wxr, tmp_path):
    """A SQLite site: the seed, a post of our own, a changed setting."""
    g = Gazette(gazette_bin, tmp_path / "source.db")
    g.run("init")
    g.run("import", "wxr", seed_wxr)
    g.new_post(tmp_path, "Moved along with the seed", status="publish", date="2024-05-01 10:00")
    g.run("set", "comments.moderation", "all")
    return g


def test_copy_there_and_back(gazette_bin, source, seed, tmp_path, new_db):
    target = Gazette(gazette_bin, new_db(tmp_path / "target.db"))
    out, _ = copy(gazette_bin, source.db, target.db, cwd=tmp_path)
    assert re.search(r"\bverified\b", out), f"copy did not print 'verified':\n{out}"
    assert len(source.posts()) in printed_counts(out, "post"), f"no post count:\n{out}"
    assert len(source.comments()) in printed_counts(out, "comment"), f"no comment count:\n{out}"

    want = everything(source)
    assert everything(target) == want
    (seed_row,) = [p for p in source.posts() if p["path"] == seed["path"]]
    assert (target.out("render", "text", seed_row["id"])
            == source.out("render", "text", seed_row["id"]))

    back = Gazette(gazette_bin, tmp_path / "back.db")
    out, _ = copy(gazette_bin, target.db, back.db, cwd=tmp_path)
    assert re.search(r"\bverified\b", out), out
    assert everything(back) == want


def test_copy_refuses_a_non_empty_target(gazette_bin, source, tmp_path, new_db):
    target = Gazette(gazette_bin, new_db(tmp_path / "target.db"))
    target.run("init")
    target.new_post(tmp_path, "Already here", status="publish", date="2023-01-01 00:00")
    before = everything(target)

    _, err = copy(gazette_bin, source.db, target.db, expect=1, cwd=tmp_path)
    assert err.strip(), "refusing a non-empty target printed no message"
    assert everything(target) == before, "a refused copy changed the target"

    out, _ = copy(gazette_bin, source.db, target.db, "--replace", cwd=tmp_path)
    assert re.search(r"\bverified\b", out), out
    assert everything(target) == everything(source)


def test_copy_into_an_initialised_empty_target(gazette_bin, source, tmp_path, new_db):
    target = Gazette(gazette_bin, new_db(tmp_path / "target.db"))
    target.run("init")
    out, _ = copy(gazette_bin, source.db, target.db, cwd=tmp_path)
    assert re.search(r"\bverified\b", out), out
    assert everything(target) == everything(source)


# Every table, not only what the CLI shows: rows written straight into the source's file (the
# admin's revisions, audit log, mail outbox, sessions, failed sign-ins and passwords, comment
# edits) come back byte for byte after SQLite -> store under test -> SQLite.
DERIVED_TABLES = ("schema_version", "changes", "comment_counts")
DERIVED_COLUMNS = {("posts", "approved_comments"), ("posts", "search")}


def table_rows(db):
    """Every row of every table of a SQLite file but the derived ones, as sorted tuples of
    (column, value) per table."""
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        out = {}
        for t in tables:
            if t in DERIVED_TABLES or t.startswith("posts_fts"):
                continue
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')
                    if (t, r[1]) not in DERIVED_COLUMNS]
            rows = con.execute(f'SELECT {", ".join(cols)} FROM "{t}"').fetchall()
            out[t] = sorted(tuple(zip(cols, row)) for row in rows)
        return out
    finally:
        con.close()


def add_admin_rows(db):
    con = sqlite3.connect(db)
    with con:
        (post_id, author_id), = con.execute("SELECT id, author_id FROM posts LIMIT 1")
        (comment_id,) = con.execute("SELECT min(id) FROM comments").fetchone()
        con.execute("INSERT INTO post_revisions (post_id, user_id, saved_at, title, slug,"
                    " excerpt, body_source, body_html) VALUES (?, ?, 1700000000, 'Avant',"
                    " 'avant', '', 'src', '<p>東京 😀</p>')", (post_id, author_id))
        for i in range(9):
            con.execute("INSERT INTO audit_log (user_id, at, action, target, detail)"
                        " VALUES (?, ?, 'post.save', ?, 'שלום')",
                        (author_id if i % 2 else None, 1700000000 + i, f"post {i}"))
        for status in ("queued", "sent"):
            con.execute("INSERT INTO outbox (post_id, created_at, status, sender, recipient,"
                        " message, next_attempt_at) VALUES (?, 1700000000, ?,"
                        " 'site@example.org', 'friend@example.org', 'Subject: x', 1700000000)",
                        (post_id, status))
        con.execute("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)"
                    " VALUES ('hash', ?, 'csrf', 1700000000, 4000000000)", (author_id,))
        con.execute("INSERT INTO login_failures (ip, login, at)"
                    " VALUES ('192.0.2.1', 'x', 1700000000)")
        con.execute("INSERT INTO post_password_failures (ip, post_id, at)"
                    " VALUES ('192.0.2.1', ?, 1700000000)", (post_id,))
        con.execute("INSERT INTO comment_edits (comment_id, user_id, edited_at, author, email,"
                    " body_html) VALUES (?, ?, 1700000000, 'A', 'a@example.org', '<p>é</p>')",
                    (comment_id, author_id))
        # a media featured by the post, with more files than the copy reads at once: bytes
        # with NULs and every byte value, an empty one, one of 1 MiB
        cur = con.execute("INSERT INTO media (wp_id, post_id, author_id, file, slug, title,"
                          " created_at) VALUES (4242, ?, ?, '2024/01/ü.jpg', 'u', 'Ünï',"
                          " 1700000000)", (post_id, author_id))
        media_id = cur.lastrowid
        con.execute("UPDATE posts SET featured_media_id = ? WHERE id = ?", (media_id, post_id))
        for i, data in enumerate([bytes(range(256)) * 3, b"", b"\0\0\xff\0", os.urandom(1 << 20),
                                  b"x", b"\\x00", b"\0"]):
            con.execute("INSERT INTO media_files (media_id, path, size, mime, width, height,"
                        " bytes, etag, data) VALUES (?, ?, 'full', 'image/jpeg', ?, 0, ?, 'e', ?)",
                        (media_id, f"2024/01/ü-{i}.jpg", i, len(data), data))
    con.close()


def test_copy_moves_every_table(gazette_bin, source, tmp_path, new_db):
    add_admin_rows(source.db)
    want = table_rows(source.db)
    assert want["audit_log"] and want["post_revisions"] and want["outbox"]
    assert len(want["media_files"]) == 7
    target = Gazette(gazette_bin, new_db(tmp_path / "target.db"))
    out, _ = copy(gazette_bin, source.db, target.db, cwd=tmp_path)
    assert re.search(r"\bverified\b", out), out
    for table, count in (("audit_log", 9), ("post_revisions", 1), ("outbox", 2),
                         ("media", 1), ("media_files", 7)):
        assert count in printed_counts(out, table), f"no {table} count {count}:\n{out}"
    back = tmp_path / "back.db"
    out, _ = copy(gazette_bin, target.db, back, cwd=tmp_path)
    assert re.search(r"\bverified\b", out), out
    got = table_rows(back)
    assert got.keys() == want.keys()
    for table in want:
        assert got[table] == want[table], table


@pytest.mark.stores("sqlite")
def test_copy_refuses_a_table_it_does_not_know(gazette_bin, source, tmp_path):
    con = sqlite3.connect(source.db)
    con.execute("CREATE TABLE plugin_data (x TEXT)")
    con.commit()
    con.close()
    target = Gazette(gazette_bin, tmp_path / "target.db")
    target.run("init")
    before = everything(target)
    _, err = copy(gazette_bin, source.db, target.db, expect=1, cwd=tmp_path)
    assert "plugin_data" in err, err
    assert everything(target) == before
