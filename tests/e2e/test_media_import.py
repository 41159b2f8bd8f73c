# test_media_import.py: WordPress attachments come over with their files (`import wxr --uploads
# DIR`, `gazette media import DIR`), old upload URLs in posts become this site's, featured
# images are kept, and `gazette media add` stores a file or refuses it by name.
#
# The uploads folders are made here by tests/gen/wp_uploads.py (images with python3-pil) from
# the exports' own attachment metadata: the Theme Unit Test data (a WordPress.com export: no
# _wp_attached_file, files at https://wpthemetestdata.files.wordpress.com/Y/M/NAME) and a
# self-hosted export written by tests/gen/wp_export.py (with the NAME-WxH sizes WordPress made).
import json
import os
import re
import sqlite3
import subprocess
import urllib.parse

import pytest

from conftest import FIXTURES, SOURCE, Gazette

WPTT = os.path.join(FIXTURES, "wptt", "themeunittestdata.wordpress.xml")
WP_UPLOADS = os.path.join(SOURCE, "tests", "gen", "wp_uploads.py")
WP_EXPORT = os.path.join(SOURCE, "tests", "gen", "wp_export.py")
WPTT_ATTACHMENTS = 37  # <wp:attachment_url> elements in the file (counted by hand: grep -c)
OLD_FILES_HOST = "wpthemetestdata.files.wordpress.com"
IMPORT_TIMEOUT = 600  # seconds: every image decoded and resized (libvips) on a shared machine

MAGIC = {  # the first bytes of each kind wp_uploads.py writes
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/gif": b"GIF8",
    "application/pdf": b"%PDF-",
}


def need_wptt():
    if not os.path.isfile(WPTT):
        pytest.skip(f"needs the shared fixture {WPTT} (set GAZETTE_FIXTURES)")


def make_uploads(export, folder):
    p = subprocess.run(["/usr/bin/python3", WP_UPLOADS, str(export), str(folder)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def media_rows(g, *extra):
    """`media list` as dicts: id, file, mime, size, bytes ("missing" or a number), title."""
    rows = []
    for line in g.out("media", "list", *extra).splitlines():
        if line.strip():
            f = line.split("\t")
            assert len(f) == 6, line
            rows.append(dict(id=int(f[0]), file=f[1], mime=f[2], size=f[3], bytes=f[4],
                             title=f[5]))
    return rows


def sql(request, g, query):
    """One SQL query's rows (lists of strings) on either store."""
    if g.db.startswith("postgresql://"):
        pg = request.getfixturevalue("pg_server")
        out = pg.sql(urllib.parse.urlsplit(g.db).path.lstrip("/"), query)
        return [line.split("|") for line in out.splitlines() if line]
    con = sqlite3.connect(g.db, timeout=10)
    try:
        return [[str(v) for v in row] for row in con.execute(query)]
    finally:
        con.close()


def check_file(srv, path, expect_mime=None):
    """GET /wp-content/uploads/PATH: 200, with the bytes of its kind."""
    url = "/wp-content/uploads/" + urllib.parse.quote(path)
    r = srv.get(url)
    assert r.status == 200, (url, r.status, r.text[:300])
    ctype = (r.header("Content-Type") or "").split(";")[0].strip()
    if expect_mime:
        assert ctype == expect_mime, (url, ctype)
    if ctype in MAGIC:
        assert r.body.startswith(MAGIC[ctype]), (url, ctype, r.body[:16])
    return r


def mime_of(path):
    ext = os.path.splitext(path)[1].lower()
    return {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
            ".gif": "image/gif", ".pdf": "application/pdf", ".mp3": "audio/mpeg"}.get(ext)


# ---------------------------------------------------------------------------------------------
# (a) the Theme Unit Test data with --uploads


@pytest.fixture(scope="module")
def wptt_imported(gazette_bin, module_db, tmp_path_factory):
    need_wptt()
    d = tmp_path_factory.mktemp("wptt")
    uploads = make_uploads(WPTT, d / "uploads")
    g = Gazette(gazette_bin, module_db(d / "wptt.db"))
    g.run("init")
    out = g.run("import", "wxr", WPTT, "--uploads", d / "uploads",
                timeout=IMPORT_TIMEOUT).stdout
    return g, out, uploads, d / "uploads"


def test_wptt_every_attachment_is_a_media_with_its_file(wptt_imported):
    g, out, uploads, _ = wptt_imported
    assert re.search(r"^media: %d new, 0 already present" % WPTT_ATTACHMENTS, out, re.M), out
    rows = media_rows(g)
    assert len(rows) == WPTT_ATTACHMENTS, rows
    by_file = {r["file"]: r for r in rows}
    assert set(by_file) == set(uploads["attachments"].values()), sorted(by_file)
    # kept WordPress's IDs: wp-image-N and ?attachment_id=N name them
    assert {str(r["id"]) for r in rows} == set(uploads["attachments"]), rows
    for path in uploads["files"]:
        r = by_file[path]
        assert r["bytes"] != "missing", r
        assert r["mime"] == mime_of(path), r
        if r["mime"].startswith("image/"):
            assert r["size"] == "1200x800", r
    # the .mov wp_uploads.py did not write: listed, the rest imported
    assert uploads["missing"] == ["2013/12/2014-slider-mobile-behavior.mov"], uploads
    assert by_file[uploads["missing"][0]]["bytes"] == "missing"
    assert re.search(r"^missing from the folder:\n  2013/12/2014-slider-mobile-behavior\.mov$",
                     out, re.M), out
    assert [r["file"] for r in media_rows(g, "--missing")] == uploads["missing"]
    assert re.search(r"^media files: %d attached" % len(uploads["files"]), out, re.M), out


def test_wptt_files_answer_with_their_bytes(wptt_imported, start_server):
    g, _, uploads, folder = wptt_imported
    srv = start_server(g)
    for path in uploads["files"]:
        r = check_file(srv, path, mime_of(path))
        if mime_of(path) == "application/pdf" or mime_of(path) == "audio/mpeg":
            with open(os.path.join(folder, path), "rb") as f:
                assert r.body == f.read(), path  # stored as they are
    r = srv.get("/wp-content/uploads/" + uploads["missing"][0])
    assert r.status == 404, r.status


def test_wptt_posts_show_the_local_copies(wptt_imported, start_server):
    g, _, _, _ = wptt_imported
    srv = start_server(g)
    pages = [p for p in g.posts() if p["status"] == "publish"]
    assert len(pages) > 20, pages
    local_images = set()
    for p in pages:
        r = srv.get(p["path"])
        if r.status != 200:
            continue  # a password or such: the article suite covers those
        assert OLD_FILES_HOST not in r.text, (p["path"], re.findall(
            r"[^\"'\s]*%s[^\"'\s]*" % re.escape(OLD_FILES_HOST), r.text)[:5])
        local_images |= set(re.findall(r'<img [^>]*src="/wp-content/uploads/([^"?]+)"',
                                       r.text))
    assert len(local_images) >= 20, local_images
    # every image the posts show (sizes such as image-alignment-300x200.jpg among them) answers
    for path in sorted(local_images):
        check_file(srv, urllib.parse.unquote(path))


def test_wptt_imported_twice_adds_nothing(wptt_imported):
    g, _, uploads, folder = wptt_imported
    before = media_rows(g)
    out = g.run("import", "wxr", WPTT, "--uploads", folder, timeout=IMPORT_TIMEOUT).stdout
    assert re.search(r"^media: 0 new, %d already present" % WPTT_ATTACHMENTS, out, re.M), out
    assert re.search(r"^media files: 0 attached .*, 1 missing", out, re.M), out
    assert media_rows(g) == before


# ---------------------------------------------------------------------------------------------
# (b) without --uploads, then `gazette media import DIR`


def test_wptt_files_added_later_give_the_same_site(wptt_imported, gazette_bin, new_db,
                                                   tmp_path, start_server):
    g_with, _, uploads, folder = wptt_imported
    g = Gazette(gazette_bin, new_db(tmp_path / "later.db"))
    g.run("init")
    out = g.run("import", "wxr", WPTT, timeout=IMPORT_TIMEOUT).stdout
    assert ("%d media records imported without their files; add them with: gazette media "
            "import DIR (a copy of the old site's wp-content/uploads)" % WPTT_ATTACHMENTS
            in out), out
    assert len(media_rows(g, "--missing")) == WPTT_ATTACHMENTS
    out = g.run("media", "import", folder, timeout=IMPORT_TIMEOUT).stdout
    assert re.search(r"^media files: %d attached .*, 1 missing, 0 refused$" % len(
        uploads["files"]), out, re.M), out
    assert "  2013/12/2014-slider-mobile-behavior.mov" in out, out
    assert media_rows(g) == media_rows(g_with)
    # again: nothing left to do but the missing file
    out = g.run("media", "import", folder, timeout=IMPORT_TIMEOUT).stdout
    assert re.search(r"^media files: 0 attached .*, 1 missing", out, re.M), out
    srv = start_server(g)
    for path in uploads["files"][:5]:
        check_file(srv, path, mime_of(path))


def test_media_import_refuses_what_is_not_a_folder_or_leads_out(site, tmp_path):
    need_wptt()
    # a mistyped folder is found before anything is imported
    p = site.run("import", "wxr", WPTT, "--uploads", tmp_path / "nowhere", expect=1)
    assert str(tmp_path / "nowhere") in p.stderr, p.stderr
    assert media_rows(site) == [] and site.posts() == []
    site.run("import", "wxr", WPTT, timeout=IMPORT_TIMEOUT)
    p = site.run("media", "import", tmp_path / "nowhere", expect=1)
    assert str(tmp_path / "nowhere") in p.stderr, p.stderr
    # a folder whose files are links to outside it: refused, nothing attached
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"\xff\xd8\xff not really")
    links = tmp_path / "links" / "2008" / "06"
    links.mkdir(parents=True)
    os.symlink(outside / "secret.jpg", links / "canola2.jpg")
    # and a file that is not what its name says: refused with the reason, the rest goes on
    (links / "windmill.jpg").write_text("<html>not a picture</html>\n")
    out = site.out("media", "import", tmp_path / "links")
    assert re.search(r"^  2008/06/canola2\.jpg: a symbolic link leading out of the folder$",
                     out, re.M), out
    assert re.search(r"^  2008/06/windmill\.jpg: .*not a kind of file gazette stores", out,
                     re.M), out
    assert re.search(r"^media files: 0 attached .*, %d missing, 2 refused$" % (
        WPTT_ATTACHMENTS - 2), out, re.M), out
    assert len(media_rows(site, "--missing")) == WPTT_ATTACHMENTS


# ---------------------------------------------------------------------------------------------
# (c) a self-hosted export: NAME-WxH sizes, featured images, alt text


@pytest.fixture(scope="module")
def self_hosted(gazette_bin, module_db, tmp_path_factory):
    d = tmp_path_factory.mktemp("selfhosted")
    export = d / "blog.xml"
    p = subprocess.run(["/usr/bin/python3", WP_EXPORT, "--items", "120", "--seed", "17",
                        "--out", str(export)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    with open(d / "blog.expected.json", encoding="utf-8") as f:
        expected = json.load(f)
    uploads = make_uploads(export, d / "uploads")
    g = Gazette(gazette_bin, module_db(d / "blog.db"))
    g.run("init")
    out = g.run("import", "wxr", export, "--uploads", d / "uploads",
                timeout=IMPORT_TIMEOUT).stdout
    return g, out, expected, uploads


def test_self_hosted_media_records(self_hosted, request):
    g, out, expected, uploads = self_hosted
    media = expected["media"]
    assert len(media) > 10
    assert re.search(r"^media: %d new" % len(media), out, re.M), out
    assert re.search(r"^media files: %d attached \(with %d sizes WordPress made\), 0 missing, "
                     r"0 refused$" % (len(media), 4 * len(media)), out, re.M), out
    rows = {r["file"]: r for r in media_rows(g)}
    for m in media:
        r = rows[m["file"]]
        assert r["id"] == m["wp_id"] and r["mime"] == "image/jpeg" and r["size"] == "1200x800"
    stored = {int(i): (alt, int(post or 0), page or "") for i, alt, post, page in sql(
        request, g, "SELECT id, alt, coalesce(post_id, 0), page_path FROM media")}
    posts = {int(wp): int(i) for i, wp in sql(request, g, "SELECT id, wp_id FROM posts")}
    for m in media:
        alt, post, page = stored[m["wp_id"]]
        assert alt == m["alt"], (m, alt)
        assert post == posts[m["parent"]], (m, post)
        assert page == (m["page"] or ""), (m, page)


def test_self_hosted_sizes_and_embedded_images_answer(self_hosted, start_server):
    g, _, expected, uploads = self_hosted
    srv = start_server(g)
    assert uploads["sizes"], uploads
    for m in expected["media"]:
        check_file(srv, m["file"], "image/jpeg")
        for sized in m["sizes"]:
            check_file(srv, sized, "image/jpeg")
    assert expected["embedded"]
    for path in expected["embedded"]:
        check_file(srv, path, "image/jpeg")


def test_self_hosted_posts_point_here_and_feature_their_image(self_hosted, request,
                                                              start_server):
    g, _, expected, _ = self_hosted
    featured = {int(k): v for k, v in expected["featured"].items()}
    assert featured
    rows = sql(request, g, "SELECT wp_id, coalesce(featured_media_id, 0) FROM posts")
    got = {int(wp): int(f) for wp, f in rows if int(f)}
    assert got == featured, (got, featured)
    srv = start_server(g)
    items = {i["wp_id"]: i for i in expected["items"]}
    shown = 0
    for wp_id in featured:
        item = items[wp_id]
        if not item["public"] or item["password"]:
            continue
        r = srv.get(item["canonical"])
        assert r.status == 200, (item["canonical"], r.status)
        # the body's images point here (og:image is absolute from site.url, which this test's
        # site shares with the old one, so only attributes of the body count)
        assert not re.search(r'(?:src|srcset)="https?://blog\.example\.test/wp-content/uploads',
                             r.text), item["canonical"]
        shown += len(re.findall(r'src="/wp-content/uploads/\d{4}/\d\d/(?:photo|block)-\d+',
                                r.text))
    assert shown > 0


# ---------------------------------------------------------------------------------------------
# (d) gazette media add


def test_media_add_stores_an_image_and_refuses_text(site, tmp_path):
    from PIL import Image
    png = tmp_path / "Harbour View.png"
    Image.new("RGBA", (640, 480), (10, 120, 200, 180)).save(png, "PNG")
    p = site.run("media", "add", png, "--alt", "The harbour at dawn", "--title", "Harbour")
    first = p.stdout.splitlines()[0]
    m = re.match(r"^media (\d+): (?:https?://[^/]+)?/wp-content/uploads/(\d{4}/\d\d/[^/\s]+\.png)$",
                 first)
    assert m, p.stdout
    # the sizes it made, each with its URL (medium: 300 wide, thumbnail: 150x150)
    assert re.search(r"^  thumbnail 150x150 \S*/wp-content/uploads/", p.stdout, re.M), p.stdout
    assert re.search(r"^  medium 300x225 \S*/wp-content/uploads/", p.stdout, re.M), p.stdout
    rows = media_rows(site)
    assert [(r["id"], r["file"], r["mime"], r["size"], r["title"]) for r in rows] == [
        (int(m.group(1)), m.group(2), "image/png", "640x480", "Harbour")], rows

    text = tmp_path / "notes.png"  # the name says PNG; the content decides
    text.write_text("not an image at all\n")
    p = site.run("media", "add", text, expect=1)
    assert str(text) in p.stderr, p.stderr
    assert len(media_rows(site)) == 1
    p = site.run("media", "add", tmp_path / "absent.jpg", expect=1)
    assert "absent.jpg" in p.stderr, p.stderr
    site.run("media", "add", expect=2)


# ---------------------------------------------------------------------------------------------
# A big image WordPress scaled down (5.3+): its original and sizes are kept beside it


SCALED_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Scaled</title><link>https://old.example</link><description>x</description>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url>
<wp:base_blog_url>https://old.example</wp:base_blog_url>
<item><title>Harbour</title><link>https://old.example/2020/01/05/harbour/</link>
<dc:creator>ed</dc:creator>
<content:encoded><![CDATA[<p><a href="https://old.example/wp-content/uploads/2020/01/big.jpg"><img
 class="wp-image-10 size-large" src="https://old.example/wp-content/uploads/2020/01/big-1024x683.jpg"
 srcset="https://old.example/wp-content/uploads/2020/01/big-300x200.jpg 300w" alt="Big"></a></p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>11</wp:post_id><wp:post_date>2020-01-05 10:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-05 10:00:00</wp:post_date_gmt><wp:post_name>harbour</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>
</item>
<item><title>big</title><link>https://old.example/2020/01/05/harbour/big/</link>
<dc:creator>ed</dc:creator>
<content:encoded><![CDATA[A <b>wide</b> view.]]></content:encoded>
<excerpt:encoded><![CDATA[The harbour &amp; the hills]]></excerpt:encoded>
<wp:post_id>10</wp:post_id><wp:post_date>2020-01-05 09:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-05 09:00:00</wp:post_date_gmt><wp:post_name>big</wp:post_name>
<wp:status>inherit</wp:status><wp:post_parent>11</wp:post_parent>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example/wp-content/uploads/2020/01/big-scaled.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2020/01/big-scaled.jpg</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Boats</wp:meta_value></wp:postmeta>
</item>
</channel></rss>
"""


def test_scaled_image_keeps_its_original_and_sizes(site, tmp_path, request, start_server):
    from PIL import Image
    folder = tmp_path / "uploads" / "2020" / "01"
    folder.mkdir(parents=True)
    for name, size in [("big-scaled.jpg", (2560, 1707)), ("big.jpg", (3000, 2000)),
                       ("big-1024x683.jpg", (1024, 683)), ("big-300x200.jpg", (300, 200)),
                       ("other-300x200.jpg", (300, 200))]:
        Image.new("RGB", size, (30, 90, 160)).save(folder / name, "JPEG")
    export = tmp_path / "scaled.xml"
    export.write_text(SCALED_EXPORT, encoding="utf-8")
    out = site.run("import", "wxr", export, "--uploads", tmp_path / "uploads").stdout
    assert re.search(r"^media: 1 new, 0 already present; featured images: 1 set$", out,
                     re.M), out
    assert re.search(r"^media files: 1 attached \(with 3 sizes WordPress made\), 0 missing, "
                     r"0 refused$", out, re.M), out
    rows = media_rows(site)
    assert [(r["id"], r["file"], r["mime"], r["title"]) for r in rows] == [
        (10, "2020/01/big-scaled.jpg", "image/jpeg", "big")], rows
    stored = sql(request, site, "SELECT alt, caption, description, page_path, post_id FROM media")
    post = sql(request, site, "SELECT id, coalesce(featured_media_id, 0) FROM posts")
    assert stored == [["Boats", "The harbour & the hills", "A wide view.",
                       "/2020/01/05/harbour/big/", post[0][0]]], stored
    assert post[0][1] == "10", post
    srv = start_server(site)
    for name in ("big-scaled.jpg", "big.jpg", "big-1024x683.jpg", "big-300x200.jpg"):
        check_file(srv, "2020/01/" + name, "image/jpeg")
    page = srv.get("/2020/01/05/harbour/")
    assert page.status == 200, page.status
    assert 'href="/wp-content/uploads/2020/01/big.jpg"' in page.text, page.text
    assert 'src="/wp-content/uploads/2020/01/big-1024x683.jpg"' in page.text, page.text
    # the body points here (og:image is absolute from site.url, which is old.example here too)
    assert not re.search(r'(?:src|srcset|href)="https?://old\.example/wp-content', page.text)
