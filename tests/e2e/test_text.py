# test_text.py: `gazette render text` of the imported seed reads word for word as seed.txt.
import re

import pytest


def first_difference(got, want, context=12):
    """A readable report of where two word lists part, or None when they are equal."""
    if got == want:
        return None
    n = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    lo = max(0, n - context)
    return (f"word {n} differs (got {len(got)} words, seed.txt has {len(want)}):\n"
            f"  seed.txt: … {' '.join(want[lo:n])} [[{' '.join(want[n:n + 1])}]] "
            f"{' '.join(want[n + 1:n + context])} …\n"
            f"  gazette:  … {' '.join(got[lo:n])} [[{' '.join(got[n:n + 1])}]] "
            f"{' '.join(got[n + 1:n + context])} …")


@pytest.fixture(scope="module")
def rendered(gazette_bin, seed_wxr, tmp_path_factory, module_db):
    from conftest import Gazette
    g = Gazette(gazette_bin, module_db(tmp_path_factory.mktemp("text") / "t.db"))
    g.run("init")
    g.run("import", "wxr", seed_wxr)
    (row,) = g.posts()
    return g, row, g.out("render", "text", row["id"])


def test_seed_text_word_for_word(rendered, seed_txt):
    _, _, out = rendered
    with open(seed_txt, encoding="utf-8") as f:
        want = f.read().split()
    diff = first_difference(out.split(), want)
    assert diff is None, diff


def test_render_text_by_slug_and_path(rendered, seed):
    g, row, out = rendered
    assert g.out("render", "text", seed["slug"]) == out
    assert g.out("render", "text", seed["path"]) == out


NUMBER_LINE = re.compile(r"^([ \t]*)(\d+)\.[ \t]+\S")


def numbered_lines(text):
    return [(len(m.group(1).expandtabs(8)), int(m.group(2)))
            for m in map(NUMBER_LINE.match, text.splitlines()) if m]


def test_comment_layout_numbers_and_indents(rendered, seed_txt):
    _, _, out = rendered
    with open(seed_txt, encoding="utf-8") as f:
        want = numbered_lines(f.read())
    got = numbered_lines(out)
    assert [n for _, n in got] == [n for _, n in want]
    # replies are indented deeper than top-level comments, as in seed.txt
    top_indent = got[0][0]
    want_top = want[0][0]
    assert [i > top_indent for i, _ in got] == [i > want_top for i, _ in want]
    assert out.rstrip().endswith("Comments are closed.")


def test_render_text_open_and_closed(site, tmp_path):
    _, open_path = site.new_post(tmp_path, "Open text post", body="Alpha *beta* gamma.",
                                 status="publish", date="2024-01-01 00:00")
    _, closed_path = site.new_post(tmp_path, "Closed text post", body="Delta epsilon.",
                                   status="publish", comments="closed", date="2024-01-02 00:00")
    out = site.out("render", "text", open_path)
    assert out.split()[:3] == ["Open", "text", "post"]
    assert "Alpha beta gamma." in " ".join(out.split())
    assert "Print Friendly, PDF & Email" in out
    assert "Comments are closed." not in out
    out = site.out("render", "text", closed_path)
    assert out.rstrip().endswith("Comments are closed.")


def test_render_errors(site):
    p = site.run("render", "text", "no-such-post", expect=1)
    assert "no-such-post" in p.stderr
    site.run("render", "text", expect=2)
    site.run("render", "nonsense-format", "1", expect=2)
