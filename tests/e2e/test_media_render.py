# test_media_render.py: pages use the site's media (issue 17, part 4), on an imported post with
# a featured image, a [caption]ed image, a plain image and a [gallery]: the article's featured
# image and its og:image/twitter:image (absolute from site.url only), width/height/srcset/sizes,
# lazy loading below the first screen and WebP <source>s, the gallery with real files, the
# listing's thumbnail, the feeds' enclosures, the print page, the PDF's pictures (pdfimages)
# and `render text`'s [Image: ALT].
#
# The images are made here with python3-pil; the media rows and the featured image go into the
# store with SQL (sqlite3, or psql on PostgreSQL), as store.h's media tables hold them: the
# files must be at paths the post names, and no command sets a featured image.
import io
import json
import re
import sqlite3
import subprocess

import pytest

from conftest import eventually, serve_at_site_url, wxr_document, wxr_item

PIL = pytest.importorskip("PIL.Image")

UP = "/wp-content/uploads/2024/05/"
SIZES = [("full", 1200, 800), ("large", 1024, 683), ("medium", 300, 200),
         ("thumbnail", 150, 150)]
PDF_TOOL_TIMEOUT = 30

CONTENT = (
    "<p>Intro words of our own.</p>\n"
    '[caption id="attachment_11" align="aligncenter" width="300"]<img class="wp-image-11 '
    f'size-medium" src="{UP}b-300x200.jpg" alt="A blue square" width="300" height="200" /> '
    "The blue caption[/caption]\n"
    f'<p><img class="wp-image-10" src="{UP}a-1024x683.jpg" alt="A red door"></p>\n'
    f'<p><img src="{UP}missing.jpg" alt="Lost picture"></p>\n'
    '<p><img src="https://elsewhere.example/x.jpg" alt="Far away"></p>\n'
    '[gallery ids="10,11" columns="2" link="file"]\n'
    "<p>End words.</p>")


def image_bytes(colour, width, height, fmt):
    out = io.BytesIO()
    PIL.new("RGB", (width, height), colour).save(out, fmt, quality=85)
    return out.getvalue()


class Sql:
    """Runs SQL on the site's database: the SQLite file with sqlite3, or the PostgreSQL database
    with the suite's server's psql. Values are our own; blobs are hex literals of each engine."""

    def __init__(self, g, pg_server):
        self.db = g.db
        self.pg = pg_server

    def rows(self, query):
        if self.pg is None:
            with sqlite3.connect(self.db) as c:
                return [tuple(str(v) for v in row) for row in c.execute(query).fetchall()]
        out = self.pg.sql(self.db.rsplit("/", 1)[-1], query)
        return [tuple(line.split("|")) for line in out.splitlines() if line]

    def blob(self, data):
        return f"X'{data.hex()}'" if self.pg is None else f"'\\x{data.hex()}'::bytea"


def quoted(text):
    return "'" + str(text).replace("'", "''") + "'"


def add_image(sql, media_id, name, colour, post_id, alt, caption):
    """Media `media_id` at 2024/05/NAME.jpg with WordPress's sizes, each but the square
    thumbnail also as WebP. Returns {path: bytes}."""
    files = []
    for size, w, h in SIZES:
        stem = name if size == "full" else f"{name}-{w}x{h}"
        files.append((f"2024/05/{stem}.jpg", size, "image/jpeg", w, h,
                      image_bytes(colour, w, h, "JPEG")))
        if size != "thumbnail":
            files.append((f"2024/05/{stem}.webp", size, "image/webp", w, h,
                          image_bytes(colour, w, h, "WEBP")))
    values = ", ".join(quoted(v) for v in (
        f"2024/05/{name}.jpg", name, f"/attachment/{name}/", name, caption, alt))
    sql.rows("INSERT INTO media (id, post_id, file, slug, page_path, title, caption, alt, "
             "description, mime, width, height, bytes, created_at) VALUES "
             f"({media_id}, {post_id}, {values}, '', 'image/jpeg', 1200, 800, "
             f"{len(files[0][5])}, 1700000000)")
    for path, size, mime, w, h, data in files:
        sql.rows("INSERT INTO media_files (media_id, path, size, mime, width, height, bytes, "
                 f"etag, data) VALUES ({media_id}, {quoted(path)}, {quoted(size)}, "
                 f"{quoted(mime)}, {w}, {h}, {len(data)}, 'e', {sql.blob(data)})")
    return {path: data for path, _, _, _, _, data in files}


def make_media_site(g, tmp_path, sql):
    """Imports our post with images and a plainer one, then gives the site media 10 (featured)
    and 11 (captioned), attached to the post. Returns (post path, {file path: bytes})."""
    wxr = tmp_path / "media.xml"
    wxr.write_text(wxr_document([
        wxr_item(100, "Pictures of our own", slug="pictures", content=CONTENT),
        wxr_item(101, "Plain words", slug="plain", date="2022-03-03 05:06:07"),
    ]), encoding="utf-8")
    g.run("import", "wxr", wxr)
    [(post_id, path)] = sql.rows("SELECT id, path FROM posts WHERE slug = 'pictures'")
    files = add_image(sql, 10, "a", "#c02020", post_id, "A red door", "")
    files.update(add_image(sql, 11, "b", "#2030c0", post_id, "A blue square", "Blue <b>&</b>"))
    sql.rows(f"UPDATE posts SET featured_media_id = 10 WHERE id = {post_id}")
    g.run("set", "site.url", "")  # the import took the old site's
    return path, files


@pytest.fixture
def media_site(site, tmp_path, store, request):
    sql = Sql(site, request.getfixturevalue("pg_server") if store == "postgres" else None)
    path, files = make_media_site(site, tmp_path, sql)
    return site, path, files


def head_meta(tree, key, value):
    return [m.attrs.get("content") for m in tree.find_all("meta") if m.attrs.get(key) == value]


def test_article_listing_feeds(media_site, start_server):
    g, path, files = media_site
    srv = start_server(g)

    # without site.url: no preview image and no enclosure (absolute URLs come from it only)
    page = srv.get(path)
    assert page.status == 200
    assert 'property="og:image"' not in page.text
    assert '<meta name="twitter:card" content="summary">' in page.text
    assert "<enclosure" not in srv.get("/feed/").text

    url = serve_at_site_url(srv)
    page = eventually(lambda: srv.get(path), lambda r: 'property="og:image"' in r.text)
    text = page.text
    tree = page.tree()
    large = f"{UP}a-1024x683.jpg"
    assert head_meta(tree, "property", "og:image") == [url + large]
    assert head_meta(tree, "property", "og:image:width") == ["1024"]
    assert head_meta(tree, "property", "og:image:height") == ["683"]
    assert head_meta(tree, "property", "og:image:alt") == ["A red door"]
    assert head_meta(tree, "name", "twitter:card") == ["summary_large_image"]
    assert head_meta(tree, "name", "twitter:image") == [url + large]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text).group(1))
    assert ld["image"] == url + large

    # the featured image above the text: large, its sizes, WebP, loaded at once
    featured = re.search(r'<figure class="post-thumbnail">(.*?)</figure>', text)
    assert featured, text[:3000]
    assert f'<source type="image/webp" srcset="{UP}a-300x200.webp 300w, {UP}a-1024x683.webp ' \
           f'1024w, {UP}a.webp 1200w"' in featured.group(1)
    assert f'<img src="{large}" alt="A red door" width="1024" height="683"' in featured.group(1)
    assert "loading=" not in featured.group(1)
    assert text.index('class="post-thumbnail"') < text.index('class="entry-content"')

    body = text[text.index('class="entry-content"'):text.index("</article>")]
    imgs = re.findall(r"<img [^>]*>", body)
    by_alt = {}  # the first image of each alt (the gallery shows the same media again)
    for img in imgs:
        by_alt.setdefault(re.search(r'alt="([^"]*)"', img).group(1), img)
    # the caption's image: its own width and height kept, srcset of its shape, lazy (the
    # featured image is the first screen's)
    blue = by_alt["A blue square"]
    assert 'width="300" height="200"' in blue
    assert f'srcset="{UP}b-300x200.jpg 300w, {UP}b-1024x683.jpg 1024w, {UP}b.jpg 1200w"' in blue
    assert 'sizes="(max-width: 300px) 100vw, 300px"' in blue
    assert 'loading="lazy"' in blue and 'decoding="async"' in blue
    assert re.search(r'<figure [^>]*class="wp-caption aligncenter"[^>]*><picture>'
                     r'<source type="image/webp"[^>]*><img [^>]*alt="A blue square"', body)
    # the plain image gets the width and height it lacked
    red = by_alt["A red door"]
    assert 'width="1024" height="683"' in red and 'loading="lazy"' in red
    # an upload the site does not have and another site's image are as written
    assert by_alt["Lost picture"] == f'<img src="{UP}missing.jpg" alt="Lost picture">'
    assert by_alt["Far away"] == '<img src="https://elsewhere.example/x.jpg" alt="Far away">'
    # the gallery: two columns, ids in their order, links to the files, the caption as text
    gallery = re.search(r'<div id="gallery-1" class="gallery galleryid-\d+ gallery-columns-2 '
                        r'gallery-size-thumbnail">(.*?)</figure></div>\n<p>End words', body)
    assert gallery, body
    items = re.findall(r'<figure class="gallery-item">.*?</figure>', gallery.group(0))
    assert len(items) == 2
    assert f'<a href="{UP}a.jpg"><img src="{UP}a-150x150.jpg"' in items[0]
    assert f'<a href="{UP}b.jpg"><img src="{UP}b-150x150.jpg"' in items[1]
    assert "Blue &lt;b&gt;&amp;&lt;/b&gt;</figcaption>" in items[1]
    assert "gazette-gallery" not in text

    # the front page: the thumbnail beside the post's excerpt, the first post's loaded at once
    front = srv.get("/").text
    thumb = re.search(r'<a class="post-thumbnail" href="([^"]+)"[^>]*><img ([^>]*)></a>', front)
    assert thumb, front
    assert thumb.group(1) == path
    assert f'src="{UP}a-150x150.jpg"' in thumb.group(2)
    assert 'width="150" height="150"' in thumb.group(2)
    assert "loading=" not in thumb.group(2)
    assert front.count('class="post-thumbnail"') == 1  # "Plain words" has none

    # the feeds: the featured image as the enclosure, absolute, with its length and type
    rss = srv.get("/feed/").text
    length = len(files["2024/05/a-1024x683.jpg"])
    assert f'<enclosure url="{url}{large}" length="{length}" type="image/jpeg"/>' in rss
    assert rss.count("<enclosure") == 1
    atom = srv.get("/feed/atom/").text
    assert (f'<link rel="enclosure" type="image/jpeg" length="{length}" '
            f'href="{url}{large}"/>') in atom


def test_print_pdf_text(media_site, start_server, tmp_path):
    g, path, files = media_site
    srv = start_server(g)

    # the print page: every image at once (no lazy loading, no <picture>), captions, gallery
    printed = srv.get(path + "print/")
    assert printed.status == 200
    main = printed.text[printed.text.index('<main class="entry-content">'):]
    assert "loading=" not in main and "<picture>" not in main
    assert re.search(r'<img [^>]*src="' + UP + r'b-300x200.jpg"[^>]*width="300" height="200"'
                     r'[^>]*srcset=', main)
    assert "The blue caption</figcaption>" in main
    assert main.count('class="gallery-item"') == 2
    assert "figcaption" in printed.text[:printed.text.index("</style>")]  # print CSS for them

    # the PDF draws the site's images (the largest size up to 1024 px), and shows the alt text
    # of one it does not have
    pdf = srv.get(path + "pdf/")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    (tmp_path / "a.pdf").write_bytes(pdf.body)
    listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "a.pdf")], capture_output=True,
                             timeout=PDF_TOOL_TIMEOUT, text=True)
    assert listing.returncode == 0, listing.stderr
    rows = [line.split() for line in listing.stdout.splitlines()[2:] if line.strip()]
    sizes = sorted((int(r[3]), int(r[4])) for r in rows if r[2] == "image")
    # the caption's image and the red door at 1024x683, the gallery's two thumbnails' files
    # (of the square shape: themselves)
    assert sizes == [(150, 150), (150, 150), (1024, 683), (1024, 683)], listing.stdout
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "a.pdf"), "-"],
                          capture_output=True, timeout=PDF_TOOL_TIMEOUT).stdout.decode()
    assert "The blue caption" in text
    assert "Blue <b>&</b>" in text  # the gallery item's caption, under its image
    assert "[image: Lost picture]" in text
    assert "[image: Far away]" in text
    assert "[image: A blue square]" not in text

    # without images (?images=0) the PDF has none
    bare = srv.get(path + "pdf/?images=0")
    (tmp_path / "b.pdf").write_bytes(bare.body)
    listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "b.pdf")], capture_output=True,
                             timeout=PDF_TOOL_TIMEOUT, text=True)
    assert [line for line in listing.stdout.splitlines()[2:] if line.strip()] == []

    # `render text`: every image as [Image: ALT]
    out = g.run("render", "text", path).stdout
    for alt in ("A blue square", "A red door", "Lost picture", "Far away"):
        assert f"[Image: {alt}]" in out
