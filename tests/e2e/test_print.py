# test_print.py: "Print Friendly, PDF & Email", the print and PDF half: the bar on the article
# page, the print page (structure, options, print CSS) and the PDF (its text read back with
# pdftotext, pages, paper sizes, metadata, outline, link annotations, the CLI's `render pdf`,
# the render cache), on the imported seed article and posts of our own.
import difflib
import math
import re
import subprocess
import unicodedata
import urllib.parse
import zlib

import pytest

from conftest import Gazette, Server, eventually, import_seed

SITE_TITLE = "Evening Ledger"  # our own site name, so that "gazette" (the default) cannot pass
PDF_TOOL_TIMEOUT = 30


# ---------------------------------------------------------------------------------------------
# Reading PDFs: poppler's tools, and a small parser of our own for the outline and annotations


def pdftotext(data, tmp_path, name="doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    p = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                       timeout=PDF_TOOL_TIMEOUT)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    return p.stdout.decode("utf-8")


def pdfinfo(data, tmp_path, name="info.pdf"):
    """pdfinfo's fields as a dict (UTF-8)."""
    path = tmp_path / name
    path.write_bytes(data)
    p = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True,
                       timeout=PDF_TOOL_TIMEOUT)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    info = {}
    for line in p.stdout.decode("utf-8").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def page_size(info):
    """(width, height) in points, rounded, from pdfinfo's 'Page size: 595.276 x 841.89 pts'."""
    m = re.match(r"([\d.]+) x ([\d.]+) pts", info.get("Page size", ""))
    assert m, f"pdfinfo gave no page size: {info}"
    return round(float(m.group(1))), round(float(m.group(2)))


class Ref:
    def __init__(self, num):
        self.num = num

    def __repr__(self):
        return f"{self.num} R"


class Name(str):
    pass


WS = b" \t\r\n\f\x00"
DELIM = b"()<>[]{}/%"


class PdfParser:
    """Parses one PDF object (dict, array, string, name, number, reference) from bytes."""

    def __init__(self, data, pos=0):
        self.d = data
        self.i = pos

    def skip(self):
        d = self.d
        while self.i < len(d):
            c = d[self.i:self.i + 1]
            if c in (b"",) or c not in WS and c != b"%":
                return
            if c == b"%":
                while self.i < len(d) and d[self.i:self.i + 1] not in (b"\r", b"\n"):
                    self.i += 1
            else:
                self.i += 1

    def token(self):
        self.skip()
        j = self.i
        while j < len(self.d) and self.d[j:j + 1] not in WS and self.d[j:j + 1] not in DELIM:
            j += 1
        return self.d[self.i:j]

    def value(self):
        self.skip()
        d = self.d
        c = d[self.i:self.i + 1]
        if d.startswith(b"<<", self.i):
            self.i += 2
            out = {}
            while True:
                self.skip()
                if d.startswith(b">>", self.i):
                    self.i += 2
                    return out
                key = self.value()
                if not isinstance(key, Name):
                    raise ValueError(f"dictionary key {key!r} at {self.i}")
                out[str(key)] = self.value()
        if c == b"[":
            self.i += 1
            out = []
            while True:
                self.skip()
                if d.startswith(b"]", self.i):
                    self.i += 1
                    return out
                out.append(self.value())
        if c == b"(":
            return self.literal()
        if c == b"<":
            j = d.index(b">", self.i)
            hexits = re.sub(rb"\s", b"", d[self.i + 1:j])
            self.i = j + 1
            if len(hexits) % 2:
                hexits += b"0"
            return bytes.fromhex(hexits.decode("ascii"))
        if c == b"/":
            self.i += 1
            tok = self.token()
            self.i += len(tok)
            return Name(re.sub(rb"#([0-9A-Fa-f]{2})",
                               lambda m: bytes([int(m.group(1), 16)]), tok).decode("latin-1"))
        tok = self.token()
        if not tok:
            raise ValueError(f"unexpected {d[self.i:self.i + 20]!r} at {self.i}")
        self.i += len(tok)
        if re.fullmatch(rb"[+-]?\d+", tok):
            # "N G R" is a reference
            save = self.i
            g = self.token()
            if re.fullmatch(rb"\d+", g):
                self.i += len(g)
                r = self.token()
                if r == b"R":
                    self.i += 1
                    return Ref(int(tok))
            self.i = save
            return int(tok)
        if re.fullmatch(rb"[+-]?\d*\.\d*", tok):
            return float(tok)
        return tok.decode("latin-1")  # true, false, null, operators

    def literal(self):
        d = self.d
        self.i += 1
        depth, out = 1, bytearray()
        escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f",
                   b"(": b"(", b")": b")", b"\\": b"\\"}
        while self.i < len(d):
            c = d[self.i:self.i + 1]
            self.i += 1
            if c == b"\\":
                n = d[self.i:self.i + 1]
                if n in escapes:
                    out += escapes[n]
                    self.i += 1
                elif n in b"01234567" and n:
                    m = re.match(rb"[0-7]{1,3}", d[self.i:self.i + 3])
                    out.append(int(m.group(0), 8) & 0xFF)
                    self.i += len(m.group(0))
                elif n == b"\r":
                    self.i += 2 if d[self.i + 1:self.i + 2] == b"\n" else 1
                elif n == b"\n":
                    self.i += 1
                continue
            if c == b"(":
                depth += 1
            elif c == b")":
                depth -= 1
                if depth == 0:
                    return bytes(out)
            out += c
        raise ValueError("unterminated string")


def pdf_string(b):
    """A PDF text string: UTF-16BE with a byte order mark, else (near enough) PDFDocEncoding."""
    if b.startswith(b"\xfe\xff"):
        return b[2:].decode("utf-16-be")
    if b.startswith(b"\xef\xbb\xbf"):
        return b[3:].decode("utf-8")
    return b.decode("latin-1")


def _stream_data(body, head):
    m = re.search(rb"stream\r?\n", body)
    raw = body[m.end():]
    end = raw.rfind(b"endstream")
    raw = raw[:end] if end >= 0 else raw
    filt = head.get("Filter")
    if filt == "FlateDecode" or filt == ["FlateDecode"]:
        return zlib.decompressobj().decompress(raw)
    if filt is None:
        return raw
    raise ValueError(f"stream filter {filt} not supported")


def pdf_objects(data):
    """{object number: parsed value} for every object: top level, and those inside object
    streams (PDF 1.5), inflated with zlib."""
    objs = {}
    streams = []
    for m in re.finditer(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", data, re.S):
        body = m.group(3)
        try:
            value = PdfParser(body).value()
        except (ValueError, IndexError):
            continue
        objs[int(m.group(1))] = value
        if isinstance(value, dict) and re.search(rb">>\s*stream\r?\n", body):
            streams.append((value, body))
    for head, body in streams:
        if head.get("Type") != "ObjStm":
            continue
        raw = _stream_data(body, head)
        first = head["First"]
        nums = [int(x) for x in raw[:first].split()]
        for k in range(0, len(nums), 2):
            objs.setdefault(nums[k], PdfParser(raw, first + nums[k + 1]).value())
    return objs


def deref(objs, v):
    while isinstance(v, Ref):
        v = objs.get(v.num)
    return v


def pdf_catalog(objs):
    cats = [v for v in objs.values() if isinstance(v, dict) and v.get("Type") == "Catalog"]
    assert len(cats) == 1, f"{len(cats)} /Catalog objects in the PDF"
    return cats[0]


def pdf_outline(data):
    """The document outline as [(level, title)] in order (level 1 = top), [] when the catalog
    has no /Outlines or the outline has no items."""
    objs = pdf_objects(data)
    root = deref(objs, pdf_catalog(objs).get("Outlines"))
    out = []

    def walk(node, level, seen):
        item = deref(objs, node.get("First"))
        while isinstance(item, dict) and id(item) not in seen:
            seen.add(id(item))
            out.append((level, pdf_string(deref(objs, item.get("Title", b"")))))
            walk(item, level + 1, seen)
            item = deref(objs, item.get("Next"))

    if isinstance(root, dict):
        walk(root, 1, set())
    return out


def pdf_link_uris(data):
    """The /URI of every link annotation."""
    objs = pdf_objects(data)
    uris = []
    for v in objs.values():
        if isinstance(v, dict) and v.get("Subtype") == "Link":
            action = deref(objs, v.get("A"))
            if isinstance(action, dict) and action.get("S") == "URI":
                uris.append(pdf_string(deref(objs, action.get("URI"))))
    return uris


# ---------------------------------------------------------------------------------------------
# Words


def words(text):
    """Word tokens for comparing texts: NFKC (ligatures), a line-end hyphen joined back, the
    hyphens inside words dropped (so a hyphenated line break compares equal), punctuation
    ignored. A soft hyphen left inside a word makes it a different word."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[-\u2010]\n\s*", "-", text)
    return [w.replace("-", "").replace("\u2010", "").lower()
            for w in re.findall(r"[\w\u00ad]+(?:[-\u2010'’][\w\u00ad]+)*", text)]


def in_order_ratio(want, got):
    """Share of the words `want` found in `got` in the same order (matching blocks)."""
    sm = difflib.SequenceMatcher(None, want, got, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    return matched / max(1, len(want))


def article_text(render_text):
    """The article of `render text`: between the title (first line) and the
    'Print Friendly, PDF & Email' line."""
    lines = render_text.splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip() == "Print Friendly, PDF & Email")
    return "\n".join(lines[1:end])


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def seeded(gazette_bin, seed_wxr, tmp_path_factory, module_db):
    """The imported seed with our site title, one server for the read-only tests of this
    module: (g, srv, row, article words from `render text`)."""
    d = tmp_path_factory.mktemp("print")
    g = Gazette(gazette_bin, module_db(d / "p.db"))
    g.run("init")
    import_seed(g, seed_wxr)
    g.run("set", "site.title", SITE_TITLE)
    (row,) = g.posts()
    text = g.out("render", "text", row["id"])
    srv = Server(g, str(d)).start()
    yield g, srv, row, words(article_text(text))
    srv.stop()


def get_ok(srv, path, ctype):
    r = srv.get(path)
    assert r.status == 200, (path, r, r.text[:500])
    assert (r.header("Content-Type") or "").startswith(ctype), (path, r.header("Content-Type"))
    return r


def absolute(g, path):
    """`path` under the site's site.url (an import sets it to the export's address)."""
    return g.out("get", "site.url").strip() + path


# ---------------------------------------------------------------------------------------------
# The bar on the article page


def test_article_page_has_the_bar(seeded):
    g, srv, row, _ = seeded
    doc = get_ok(srv, row["path"], "text/html").tree()
    bars = [n for n in doc.find_all("nav") if "Print Friendly, PDF & Email" in n.text]
    assert len(bars) == 1, "no (or more than one) 'Print Friendly, PDF & Email' nav"
    hrefs = [urllib.parse.urlsplit(a.get("href", "")).path for a in bars[0].find_all("a")]
    # no Email link: this site does not send mail (test_email.py has the link when it does)
    assert hrefs == [row["path"] + "print/", row["path"] + "pdf/"]
    for h in hrefs[:2]:
        assert srv.get(h).status == 200, h


# ---------------------------------------------------------------------------------------------
# The print page


def test_print_page_structure(seeded, seed):
    g, srv, row, article_words = seeded
    r = get_ok(srv, row["path"] + "print/", "text/html")
    doc = r.tree()
    permalink = absolute(g, row["path"])

    # self-contained: styles inline, nothing external, not indexed, canonical = the article
    assert doc.find_all("style"), "no <style> element"
    assert not [n for n in doc.find_all("link") if "stylesheet" in n.get("rel", "")]
    assert not [n for n in doc.find_all("script") if n.get("src")]
    robots = doc.one("meta", name="robots")
    assert "noindex" in robots.get("content", "")
    assert doc.one("link", rel="canonical").get("href") == permalink

    # header: site, title, byline with author and date, absolute permalink
    assert doc.one("p", cls="site").text == SITE_TITLE
    assert doc.one("h1").text == seed["title"]
    byline = doc.one("p", cls="byline")
    assert seed["author"] in byline.text
    # (the tree helper ends a <p> at <time>, so look for it outside the article)
    times = [t for t in doc.find_all("time") if t.closest("main") is None]
    assert len(times) == 1, times
    assert times[0].get("datetime", "").startswith(seed["date_gmt"][:10]), times[0].attrs
    assert doc.one("p", cls="permalink").text == permalink

    # the article, with its headings, quotes and footnote; none of the page's furniture
    main = doc.one("main", cls="entry-content")
    headings = [h.text for h in main.find_all("h2")]
    assert len(headings) == 4, headings
    assert main.find_all("blockquote"), "no block quote"
    got = words(main.raw_text())
    assert in_order_ratio(article_words, got) >= 0.99
    assert len(got) <= len(article_words) * 1.02, "the print page adds words to the article"
    assert doc.find("nav") is None, "navigation on the print page"
    assert doc.find("form") is None, "a form on the print page"
    assert doc.find("section", cls="comments") is None, "comments without ?comments=1"
    assert doc.find("ol", cls="comment-list") is None
    body_classes = doc.one("body").classes
    assert "size-normal" in body_classes and "no-images" not in body_classes, body_classes


def style_text(doc):
    return "\n".join(s.raw_text() for s in doc.find_all("style"))


def css_rules(css):
    """[(selector text, declarations)] of the flat rules, and of those inside @media print."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return re.findall(r"([^{}]+)\{([^{}]*)\}", css)


def media_print_block(css):
    m = re.search(r"@media\s+print\s*\{", css)
    assert m, "no @media print in the print page's CSS"
    depth, i = 1, m.end()
    while depth and i < len(css):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        i += 1
    return css[m.end():i - 1]


def test_print_css(seeded):
    g, srv, row, _ = seeded
    css = style_text(get_ok(srv, row["path"] + "print/", "text/html").tree())
    rules = css_rules(css)
    # link URLs after the link text when printed
    printed = css_rules(media_print_block(css))
    assert any("::after" in sel and re.search(r"\ba\b", sel) and "attr(href)" in decl
               for sel, decl in printed), printed
    # page margins
    page = re.search(r"@page[^{]*\{([^}]*)\}", css)
    assert page and "margin" in page.group(1), "no @page margin"
    # headings kept with what follows
    assert any(re.search(r"\bh2\b", sel) and re.search(r"(page-)?break-after\s*:\s*avoid", decl)
               for sel, decl in rules), "h2 may be orphaned at a page end"


def test_print_option_comments(seeded, seed):
    g, srv, row, _ = seeded
    page = get_ok(srv, row["path"], "text/html").tree()
    doc = get_ok(srv, row["path"] + "print/?comments=1", "text/html").tree()
    section = doc.one("section", cls="comments")
    lst = section.one("ol", cls="comment-list")
    approved = [c for c in seed["comments"] if c["approved"] == "1"]
    lis = lst.find_all("li", cls="comment")
    assert len(lis) == len(approved) > 0

    def shape(root):
        out = []
        for li in root.find_all("li", cls="comment"):
            num = [n for n in li.find_all("span", cls="comment-number") if n.closest("li") is li]
            depth = [c for c in li.classes if c.startswith("depth-")]
            parent = li.closest("li")
            out.append((li.id, depth, [n.text for n in num], parent.id if parent else None))
        return out

    # numbered and nested as on the article page
    assert shape(lst) == shape(page.one("ol", cls="comment-list"))
    assert {li.id for li in lis} == {f"comment-{c['id']}" for c in approved}
    top = lst.child_elements("li")
    assert [li.find("span", cls="comment-number").text for li in top] == [
        f"{n}." for n in range(1, len(top) + 1)]
    assert any("depth-2" in li.classes for li in lis), "no nested reply"
    # no reply links or form on paper
    assert doc.find("a", cls="comment-reply-link") is None
    assert doc.find("form") is None


def test_print_option_images_and_size(seeded):
    g, srv, row, _ = seeded
    base = row["path"] + "print/"
    doc = get_ok(srv, base + "?images=0", "text/html").tree()
    assert "no-images" in doc.one("body").classes
    hidden = [sel for sel, decl in css_rules(style_text(doc))
              if re.search(r"\.no-images\b[^,]*\bimg\b", sel)
              and re.search(r"display\s*:\s*none", decl)]
    assert hidden, "no CSS rule hides images under .no-images"
    assert "no-images" not in get_ok(srv, base + "?images=1", "text/html").tree().one(
        "body").classes
    sizes = {}
    for size in ("small", "normal", "large"):
        body = get_ok(srv, f"{base}?size={size}", "text/html").tree().one("body")
        sizes[size] = [c for c in body.classes if c.startswith("size-")]
    assert sizes == {"small": ["size-small"], "normal": ["size-normal"], "large": ["size-large"]}
    # the size classes have rules of their own
    css = style_text(doc)
    for size in ("small", "large"):
        assert re.search(rf"\.size-{size}\s*\{{[^}}]*font-size", css), size
    # nonsense falls back to the default, never into the markup
    body = get_ok(srv, base + "?size=%22%3E%3Cscript%3E", "text/html").tree().one("body")
    assert [c for c in body.classes if c.startswith("size-")] == ["size-normal"]


def test_print_options_combined(seeded):
    g, srv, row, _ = seeded
    doc = get_ok(srv, row["path"] + "print/?size=large&images=0&comments=1", "text/html").tree()
    assert {"size-large", "no-images"} <= set(doc.one("body").classes)
    assert doc.find("section", cls="comments") is not None


def test_print_permalink_uses_site_url(site, tmp_path, start_server):
    site.run("set", "site.url", "https://news.example.org")
    _, path = site.new_post(tmp_path, "Permalink check", body="Short words.", status="publish",
                            date="2024-02-03 04:05")
    srv = start_server(site)
    doc = get_ok(srv, path + "print/", "text/html").tree()
    assert doc.one("p", cls="permalink").text == "https://news.example.org" + path
    assert doc.one("link", rel="canonical").get("href") == "https://news.example.org" + path


def test_unknown_and_draft_posts_are_404(site, tmp_path, start_server):
    site.run("set", "mail.smtp_url", "smtp://127.0.0.1:25")  # PERMALINK/email/ exists
    site.run("set", "mail.from", "news@example.org")
    site.run("set", "site.url", "https://news.example.org")
    _, draft = site.new_post(tmp_path, "Not yet", body="Draft words.", status="draft",
                             date="2024-02-03 04:05")
    _, live = site.new_post(tmp_path, "Live one", body="Live words.", status="publish",
                            date="2024-02-03 04:06")
    srv = start_server(site)
    for what in ("print/", "pdf/", "email/"):
        assert srv.get(live + what).status == 200, live + what
        for base in (draft, "/2024/02/03/no-such-post/"):
            r = srv.get(base + what)
            assert r.status == 404, (base + what, r)
            assert not r.body.startswith(b"%PDF"), base + what
    p = site.run("render", "pdf", "no-such-post", "--out", tmp_path / "x.pdf", expect=1)
    assert "no-such-post" in p.stderr
    assert not (tmp_path / "x.pdf").exists() or (tmp_path / "x.pdf").stat().st_size == 0


# ---------------------------------------------------------------------------------------------
# The PDF


def test_pdf_response(seeded, seed):
    g, srv, row, _ = seeded
    r = get_ok(srv, row["path"] + "pdf/", "application/pdf")
    assert r.body.startswith(b"%PDF-"), r.body[:20]
    assert r.body.rstrip().endswith(b"%%EOF")
    disp = r.header("Content-Disposition") or ""
    assert re.fullmatch(rf'inline;\s*filename="{re.escape(seed["slug"])}\.pdf"', disp), disp


def test_pdf_text_is_the_article(seeded, seed, tmp_path):
    g, srv, row, article_words = seeded
    data = get_ok(srv, row["path"] + "pdf/", "application/pdf").body
    text = pdftotext(data, tmp_path)
    got = words(text)
    ratio = in_order_ratio(article_words, got)
    assert ratio >= 0.99, f"only {ratio:.1%} of the article's words in order in the PDF"
    # typography survives: curly quotes, dashes, accents
    for ch in ("’", "“", "—", "é"):
        assert ch in text, f"{ch!r} missing from the PDF's text"
    assert "\u00ad" not in text, "soft hyphens left in the text layer"
    assert seed["author"] in text
    # the whole title is there (it may wrap), before the first words of the article
    flat = " ".join(text.split())
    assert seed["title"] in flat
    assert flat.index(seed["title"]) < flat.index(" ".join(article_text_first_words(g, row)))


def article_text_first_words(g, row, n=6):
    return article_text(g.out("render", "text", row["id"])).split()[:n]


def test_pdf_pages_and_metadata(seeded, seed, tmp_path):
    g, srv, row, article_words = seeded
    data = get_ok(srv, row["path"] + "pdf/", "application/pdf").body
    info = pdfinfo(data, tmp_path)
    pages = int(info["Pages"])
    n = len(article_words)
    assert n > 1000, "the seed article is expected to be long"
    assert math.ceil(n / 700) <= pages <= n // 150 + 2, f"{pages} pages for {n} words"
    assert page_size(info) == (595, 842), info.get("Page size")  # A4, the default
    assert info.get("Title") == seed["title"]
    assert info.get("Author") == seed["author"]
    assert info.get("CreationDate", "").endswith(seed["date_gmt"][:4] + " UTC") or \
        seed["date_gmt"][:4] in info.get("CreationDate", ""), info.get("CreationDate")
    # every page carries the page number in its footer
    text = pdftotext(data, tmp_path)
    for k in range(1, pages + 1):
        assert re.search(rf"\b{k}\b\s*(of|/)\s*{pages}\b", text), f"no number on page {k}"


def test_pdf_outline_has_the_headings(seeded, tmp_path):
    g, srv, row, _ = seeded
    data = get_ok(srv, row["path"] + "pdf/", "application/pdf").body
    headings = [h.text for h in srv.get(row["path"] + "print/").tree().one(
        "main", cls="entry-content").find_all("h2")]
    assert len(headings) == 4
    outline = pdf_outline(data)
    assert [t for _, t in outline] == headings, outline
    assert {level for level, _ in outline} == {1}
    # the checker itself: without the catalog's /Outlines it finds nothing
    assert pdf_outline(data.replace(b"/Outlines", b"/Outlinez")) == []


def test_pdf_paper_sizes(seeded, tmp_path):
    g, srv, row, _ = seeded
    base = row["path"] + "pdf/"
    sizes = {}
    for q in ("", "?paper=a4", "?paper=letter", "?paper=legal"):
        sizes[q] = page_size(pdfinfo(get_ok(srv, base + q, "application/pdf").body, tmp_path))
    assert sizes == {"": (595, 842), "?paper=a4": (595, 842), "?paper=letter": (612, 792),
                     "?paper=legal": (595, 842)}, sizes


def test_pdf_paper_setting(seeded_site, start_server, tmp_path):
    g = seeded_site
    g.run("set", "print.paper", "letter")
    (row,) = g.posts()
    srv = start_server(g)
    base = row["path"] + "pdf/"
    assert page_size(pdfinfo(get_ok(srv, base, "application/pdf").body, tmp_path)) == (612, 792)
    assert page_size(pdfinfo(get_ok(srv, base + "?paper=a4", "application/pdf").body,
                             tmp_path)) == (595, 842)
    out = tmp_path / "cli.pdf"
    g.run("render", "pdf", row["id"], "--out", out)
    assert page_size(pdfinfo(out.read_bytes(), tmp_path)) == (612, 792)
    g.run("render", "pdf", row["id"], "--out", out, "--paper", "a4")
    assert page_size(pdfinfo(out.read_bytes(), tmp_path)) == (595, 842)


def test_pdf_comments_option(seeded, tmp_path):
    g, srv, row, _ = seeded
    plain = get_ok(srv, row["path"] + "pdf/", "application/pdf").body
    with_comments = get_ok(srv, row["path"] + "pdf/?comments=1", "application/pdf").body
    doc = get_ok(srv, row["path"] + "print/?comments=1", "text/html").tree()
    section = doc.one("section", cls="comments")
    want = words(" ".join(c.raw_text() for c in section.find_all("div", cls="comment-content")))
    assert len(want) > 100
    text = pdftotext(with_comments, tmp_path)
    plain_text = pdftotext(plain, tmp_path)
    assert in_order_ratio(want, words(text)) >= 0.99, "comments missing from ?comments=1"
    # (some comments quote the article, so a few of their words are in any case)
    assert in_order_ratio(want, words(plain_text)) < 0.5, "comments without ?comments=1"
    # numbered as on the page: "N. Author"
    flat = " ".join(text.split())
    for li in section.find_all("li", cls="comment"):
        own = [n for n in li.iter() if n.closest("li") is li]
        number = [n.text for n in own if "comment-number" in n.classes][0]
        author = [n.text for n in own if "comment-author" in n.classes][0]
        assert f"{number} {author}" in flat, (number, author)
    assert int(pdfinfo(with_comments, tmp_path)["Pages"]) > int(pdfinfo(plain, tmp_path)["Pages"])


def test_pdf_link_annotation(site, tmp_path, start_server):
    body = ("Read [the full report](https://example.com/reports/2024?id=7) before you decide.\n\n"
            "## Background\n\nMore words of our own.")
    _, path = site.new_post(tmp_path, "Linked post", body=body, status="publish",
                            date="2024-03-04 05:06")
    _, plain = site.new_post(tmp_path, "Unlinked post", body="No links at all.",
                             status="publish", date="2024-03-04 05:07")
    site.run("set", "site.url", "https://news.example.org")
    srv = start_server(site)
    data = get_ok(srv, path + "pdf/", "application/pdf").body
    uris = pdf_link_uris(data)
    assert "https://example.com/reports/2024?id=7" in uris, uris
    assert "the full report" in " ".join(pdftotext(data, tmp_path).split())
    assert [t for _, t in pdf_outline(data)] == ["Background"]
    # the other post's PDF links nowhere but its own permalink
    others = pdf_link_uris(get_ok(srv, plain + "pdf/", "application/pdf").body)
    assert "https://example.com/reports/2024?id=7" not in others
    assert set(others) <= {"https://news.example.org" + plain}, others


def test_render_pdf_matches_served_pdf(seeded_site, start_server, tmp_path):
    g = seeded_site
    g.run("set", "site.url", "https://news.example.org")  # the same permalink for both
    (row,) = g.posts()
    srv = start_server(g)
    for query, flags in (("", []), ("?comments=1", ["--comments"]),
                         ("?paper=letter", ["--paper", "letter"])):
        served = get_ok(srv, row["path"] + "pdf/" + query, "application/pdf").body
        out = tmp_path / "cli.pdf"
        if out.exists():
            out.unlink()
        g.run("render", "pdf", row["id"], "--out", out, *flags)
        cli = out.read_bytes()
        assert cli.startswith(b"%PDF-")
        si, ci = pdfinfo(served, tmp_path, "s.pdf"), pdfinfo(cli, tmp_path, "c.pdf")
        assert (si["Pages"], si["Page size"], si.get("Title")) == (
            ci["Pages"], ci["Page size"], ci.get("Title")), query
        assert pdftotext(served, tmp_path, "s.pdf") == pdftotext(cli, tmp_path, "c.pdf"), query
    # render print is the print page
    printed = g.out("render", "print", row["id"])
    page = get_ok(srv, row["path"] + "print/", "text/html").text
    from conftest import parse_html
    assert parse_html(printed).one("main", cls="entry-content").text == parse_html(page).one(
        "main", cls="entry-content").text


def test_pdf_is_cached(seeded_site, start_server, tmp_path):
    g = seeded_site
    (row,) = g.posts()
    srv = start_server(g)
    url = row["path"] + "pdf/"
    first = get_ok(srv, url, "application/pdf")
    second = get_ok(srv, url, "application/pdf")
    assert first.header("x-gazette-cache") == "miss"
    assert second.header("x-gazette-cache") == "hit"
    assert second.body == first.body
    # options are part of the key: letter after a4 is not the cached a4 file
    letter = get_ok(srv, url + "?paper=letter", "application/pdf")
    assert letter.header("x-gazette-cache") == "miss"
    assert page_size(pdfinfo(letter.body, tmp_path)) == (612, 792)
    assert get_ok(srv, url + "?paper=letter", "application/pdf").header(
        "x-gazette-cache") == "hit"


def test_pdf_cache_sees_a_new_comment(site, tmp_path, start_server):
    site.run("set", "comments.moderation", "none")
    _, path = site.new_post(tmp_path, "Open for print", body="Words to print.",
                            status="publish", date="2024-04-05 06:07")
    srv = start_server(site)
    url = path + "pdf/?comments=1"
    before = get_ok(srv, url, "application/pdf")
    assert get_ok(srv, url, "application/pdf").header("x-gazette-cache") == "hit"
    r = srv.post_form(path + "comments", dict(author="Quillon", email="q@example.com", url="",
                                              comment="Zanzibar marmalade.", comment_parent="0"))
    assert r.status == 303, (r, r.text[:500])
    after = eventually(lambda: get_ok(srv, url, "application/pdf"),
                       lambda resp: resp.body != before.body)
    text = " ".join(pdftotext(after.body, tmp_path).split())
    assert "Zanzibar marmalade." in text and "Quillon" in text
    assert "Zanzibar" not in pdftotext(before.body, tmp_path)


def test_pdf_unicode_text(site, tmp_path, start_server):
    body = ("Кириллица читается: «Привет, мир».\n\n"
            "العربية من اليمين إلى اليسار\n\n"
            "Curly “quotes” and an em dash — here.")
    _, path = site.new_post(tmp_path, "Мир и дом", body=body, status="publish",
                            date="2024-03-04 05:06")
    srv = start_server(site)
    data = get_ok(srv, path + "pdf/", "application/pdf").body
    text = pdftotext(data, tmp_path)
    flat = " ".join(text.split())
    assert "Кириллица читается" in flat
    assert "Мир и дом" in flat
    assert "“quotes”" in flat and "—" in flat
    # Arabic: the words come back (pdftotext gives logical order for RTL runs)
    for w in ("العربية", "اليمين", "اليسار"):
        assert w in flat, (w, flat[-200:])
    assert pdfinfo(data, tmp_path).get("Title") == "Мир и дом"
