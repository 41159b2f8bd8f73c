# test_copy.py: `gazette copy --from FILE_OR_URI --to FILE_OR_URI [--replace]` moves a whole site
# between stores. The source is always a SQLite file; the target is a database of the store under
# test (so [postgres] copies SQLite -> PostgreSQL -> SQLite, [sqlite] SQLite -> SQLite -> SQLite).
# A non-empty target is refused (exit 1, nothing changed) unless --replace.
import re
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
