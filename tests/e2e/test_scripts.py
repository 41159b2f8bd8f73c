# test_scripts.py: text in every script comes out whole. Excerpts of text without spaces (CJK,
# emoji) are cut between characters wherever the limit falls, so the article page stays valid
# UTF-8 and its JSON-LD holds the description; the print page, the text view and the PDF of an
# article in Arabic, Hebrew, Chinese, Japanese, Thai, Cyrillic and emoji carry all of it, the
# PDF in the Noto fonts scripts/deps installs.
import html
import json
import re
import subprocess

import pytest

from conftest import CLI_TIMEOUT

TOKYO = "東京"  # 3 bytes a character
FACE = "😀"  # 4 bytes


def json_ld(page):
    """The JSON-LD of an article page, parsed."""
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert m, "no JSON-LD on the page"
    return json.loads(m.group(1))


def meta_description(page):
    m = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert m, "no meta description on the page"
    return html.unescape(m.group(1))


@pytest.mark.parametrize("unit", [TOKYO, FACE, "é"], ids=["cjk", "emoji", "latin1"])
def test_excerpts_cut_between_characters(site, tmp_path, start_server, unit):
    # One post per offset of the text's characters against the byte limits (160 for the
    # description, 300 for summaries and feeds): one of them cuts inside a character unless
    # the cut moves back to its start.
    width = len(unit.encode())
    posts = []
    for offset in range(width):
        body = "a" * offset + unit * (400 // width)
        _, path = site.new_post(tmp_path, f"Cut {offset}", body=body, status="publish",
                                date=f"2024-05-{offset + 1:02d} 10:00")
        posts.append((path, body))
    srv = start_server(site)
    for path, body in posts:
        r = srv.get(path)
        assert r.status == 200, (path, r.status)
        page = r.body.decode("utf-8")  # strict: a split character fails here
        description = json_ld(page)["description"]
        assert description.endswith("…"), description
        assert body.startswith(description[:-1]), (description, body[:80])
        assert 150 <= len(description[:-1].encode()) <= 160, description
        assert meta_description(page) == description
    for path in ("/", "/feed/", "/feed/atom/"):
        r = srv.get(path)
        assert r.status == 200, path
        r.body.decode("utf-8")


SCRIPTS = {
    "arabic": "مرحبا بالعالم، هذه فقرة عربية",
    "hebrew": "שלום עולם, זו פסקה בעברית",
    "chinese": "中文段落：你好，世界。",
    "japanese": "日本語の段落：こんにちは世界。",
    "thai": "ภาษาไทยสวัสดีชาวโลก",
    "cyrillic": "Русский текст здесь",
}
EMOJI = "🎉 😀"


@pytest.fixture
def scripts_post(site, tmp_path):
    body = "\n\n".join(list(SCRIPTS.values()) + [f"Emoji: {EMOJI}"])
    _, path = site.new_post(tmp_path, "Every script 世界", body=body, status="publish",
                            date="2024-05-01 10:00")
    return path


def without_bidi_marks(text):
    return re.sub("[\u202a-\u202e]", "", text)


def test_print_text_and_pdf_of_every_script(site, tmp_path, start_server, scripts_post):
    srv = start_server(site)
    r = srv.get(scripts_post + "print/")
    assert r.status == 200
    page = r.body.decode("utf-8")
    for name, text in SCRIPTS.items():
        assert text in page, name
    assert EMOJI in page

    (row,) = [p for p in site.posts() if p["path"] == scripts_post]
    text = site.out("render", "text", row["id"])
    for name, words in SCRIPTS.items():
        assert words in text, name
    assert EMOJI in text

    r = srv.get(scripts_post + "pdf/")
    assert r.status == 200, r.status
    pdf = tmp_path / "scripts.pdf"
    pdf.write_bytes(r.body)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           timeout=CLI_TIMEOUT, check=True).stdout
    for font in ("NotoSerif-Regular", "NotoNaskhArabic-Regular", "NotoSerifHebrew-Regular",
                 "NotoSerifCJKsc-Regular", "NotoSerifCJKjp-Regular", "NotoSerifThai-Regular"):
        rows = [line for line in fonts.splitlines() if f"+{font} " in line]
        assert rows, f"{font} is not in the PDF:\n{fonts}"
        assert all(" yes " in line for line in rows), f"{font} is not embedded:\n{fonts}"
    extracted = without_bidi_marks(subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
        timeout=CLI_TIMEOUT, check=True).stdout)
    # every script's words, Arabic and Hebrew in logical order
    for words in ("مرحبا بالعالم", "هذه فقرة عربية", "שלום עולם", "זו פסקה בעברית",
                  SCRIPTS["chinese"], SCRIPTS["japanese"], SCRIPTS["thai"],
                  SCRIPTS["cyrillic"]):
        assert words in extracted, f"{words!r} not in:\n{extracted}"
