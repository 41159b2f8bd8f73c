# test_media_serve.py: media files at /wp-content/uploads/ and attachment pages, served as
# WordPress's old URLs expect: the stored type (never from the name) with nosniff, ETag and 304,
# one byte range (206, 416), HEAD, immutable lifetimes for the names gazette makes, SVG as a
# sandboxed download, the stored size that stands for an old NAME-WxH.EXT, the attachment page
# and its ?attachment_id= and ?p= forms, 404s for what no file can be, the node's bounded disk
# cache, and (PostgreSQL) a second node serving what the first stored.
#
# Most media are put in the store with SQL in its own tables (media, media_files), so that a test
# chooses every field (a polyglot stored as image/jpeg, an SVG, WordPress's old sizes); one test
# and the two-node one use `gazette media add`. The images are made here with PIL.
import hashlib
import io
import os
import sqlite3
import subprocess
import time
import urllib.parse

import pytest

import pg

PIL = pytest.importorskip("PIL.Image", reason="needs python3-pil to make test images")

IMMUTABLE = "public, max-age=31536000, immutable"
REPLACEABLE = "public, max-age=86400"


def jpeg(width, height, color=(200, 40, 40), quality=90):
    img = PIL.new("RGB", (width, height), color)
    for x in range(0, width, 7):  # some detail, so sizes differ in bytes
        img.putpixel((x, (x * 3) % height), (x % 256, 0, 255 - x % 256))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def noise(n, seed):
    """n bytes that do not compress, the same for the same seed."""
    out = bytearray()
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:n])


class Media:
    """Writes media rows straight into the site's store (SQLite file or PostgreSQL database)."""

    def __init__(self, site, store, request):
        self.site = site
        self.store = store
        self.pg = request.getfixturevalue("pg_server") if store == "postgres" else None
        self.next_id = 1000

    def _sql(self, statements):
        if self.pg is None:
            con = sqlite3.connect(self.site.db)
            try:
                for sql, params in statements:
                    con.execute(sql, params)
                con.commit()
            finally:
                con.close()
            return
        dbname = self.site.db.rsplit("/", 1)[-1]
        text = []
        for sql, params in statements:
            values = []
            for p in params:
                if p is None:
                    values.append("NULL")
                elif isinstance(p, bytes):
                    values.append(f"decode('{p.hex()}', 'hex')")
                elif isinstance(p, int):
                    values.append(str(p))
                else:
                    values.append("'" + str(p).replace("'", "''") + "'")
            q = sql
            for i in range(len(values), 0, -1):
                q = q.replace(f"?{i}", values[i - 1])
            text.append(q)
        # over psql's standard input: a file's hex is longer than a command line may be
        p = subprocess.run(
            [os.path.join(pg.BINDIR, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
             "127.0.0.1", "-p", str(self.pg.port), "-U", "postgres", "-d", dbname],
            input="BEGIN; " + "; ".join(text) + "; COMMIT;", capture_output=True, text=True,
            timeout=60, env=pg._clean_env())
        assert p.returncode == 0, p.stderr

    def add(self, file, data, mime, width=0, height=0, sizes=(), wp_id=0, post_id=0,
            title="", caption="", alt="", description="", page_path=""):
        """One media: its original `data` at `file`, and `sizes`, each (name, path, mime,
        width, height, bytes). Returns the media id."""
        self.next_id += 1
        mid = self.next_id
        slug = page_path.rstrip("/").rsplit("/", 1)[-1] if page_path else f"media-{mid}"
        rows = [(
            "INSERT INTO media (id, wp_id, post_id, author_id, file, slug, page_path, title, "
            "caption, alt, description, mime, width, height, bytes, created_at) VALUES "
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            [mid, wp_id or None, post_id or None, None, file, slug, page_path, title,
             caption, alt, description, mime, width, height, len(data), 1700000000])]
        for name, path, fmime, w, h, b in (("full", file, mime, width, height, data),) + tuple(
                sizes):
            rows.append((
                "INSERT INTO media_files (media_id, path, size, mime, width, height, bytes, "
                "etag, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                [mid, path, name, fmime, w, h, len(b), hashlib.sha256(b).hexdigest()[:32], b]))
        self._sql(rows)
        return mid


@pytest.fixture
def media(site, store, request):
    return Media(site, store, request)


@pytest.fixture
def media_server(site, start_server, tmp_path, monkeypatch):
    """A server whose disk cache of media is in this test's directory ($XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    os.makedirs(tmp_path / "cache", exist_ok=True)
    return start_server(site)


def url(path):
    return "/wp-content/uploads/" + path


def get(srv, path, **headers):
    return srv.get(path, headers=headers)


def test_file_served_byte_for_byte_with_its_stored_type(site, media, media_server):
    photo = jpeg(640, 480)
    media.add("2013/01/photo.jpg", photo, "image/jpeg", 640, 480)
    # a polyglot: JPEG bytes with HTML after them, named .html: served as what the store says
    polyglot = jpeg(32, 32) + b"<html><script>alert(document.domain)</script></html>"
    media.add("2013/01/poly.html", polyglot, "image/jpeg", 32, 32)
    r = get(media_server, url("2013/01/photo.jpg"))
    assert r.status == 200, r.text[:200]
    assert r.body == photo
    assert r.header("Content-Type") == "image/jpeg"
    assert r.header("X-Content-Type-Options") == "nosniff"
    assert r.header("Cache-Control") == REPLACEABLE  # an original at its old URL
    assert r.header("Accept-Ranges") == "bytes"
    assert r.header("Content-Disposition") is None
    etag = r.header("ETag")
    assert etag == '"' + hashlib.sha256(photo).hexdigest()[:32] + '"', etag
    again = get(media_server, url("2013/01/photo.jpg"))  # the loop's answer, from memory
    assert again.header("x-gazette-cache") == "hit"
    assert again.body == photo and again.header("ETag") == etag
    for attempt in (r, again):
        assert attempt.header("Content-Type") == "image/jpeg"
    not_modified = get(media_server, url("2013/01/photo.jpg"), **{"If-None-Match": etag})
    assert not_modified.status == 304 and not_modified.body == b""
    p = get(media_server, url("2013/01/poly.html"))
    assert p.status == 200 and p.body == polyglot
    assert p.header("Content-Type") == "image/jpeg"
    assert p.header("X-Content-Type-Options") == "nosniff"
    head = media_server.request("HEAD", url("2013/01/photo.jpg"))
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(photo))


def test_sizes_made_by_gazette_are_immutable(site, media, media_server):
    photo, medium = jpeg(1200, 800), jpeg(300, 200)
    media.add("2014/02/view.jpg", photo, "image/jpeg", 1200, 800,
              sizes=[("medium", "2014/02/view-300x200.jpg", "image/jpeg", 300, 200, medium)])
    r = get(media_server, url("2014/02/view-300x200.jpg"))
    assert r.status == 200 and r.body == medium
    assert r.header("Cache-Control") == IMMUTABLE


def test_ranges(site, media, media_server):
    data = noise(5 * 1024 * 1024 + 123, "video")  # over the page cache's size: from disk
    media.add("2015/03/clip.mp4", data, "video/mp4")
    small = jpeg(100, 100)
    media.add("2015/03/small.jpg", small, "image/jpeg", 100, 100)
    for path, body in (("2015/03/clip.mp4", data), ("2015/03/small.jpg", small)):
        for _ in range(2):  # a miss, then from the disk or the page cache
            r = get(media_server, url(path), Range="bytes=100-199")
            assert r.status == 206, (path, r.status, r.text[:200])
            assert r.body == body[100:200]
            assert r.header("Content-Range") == f"bytes 100-199/{len(body)}"
        r = get(media_server, url(path), Range="bytes=-10")
        assert r.status == 206 and r.body == body[-10:]
        r = get(media_server, url(path), Range=f"bytes={len(body) - 5}-")
        assert r.status == 206 and r.body == body[-5:]
        r = get(media_server, url(path), Range=f"bytes={len(body)}-")
        assert r.status == 416, (path, r.status)
        assert r.header("Content-Range") == f"bytes */{len(body)}"
        r = get(media_server, url(path), Range="bytes=0-1,5-9")  # several: the whole
        assert r.status == 200 and r.body == body
        r = get(media_server, url(path), Range="bytes=0-9", **{"If-Range": '"another"'})
        assert r.status == 200 and r.body == body
    r = get(media_server, url("2015/03/clip.mp4"))
    assert r.status == 200 and r.body == data
    assert r.header("Content-Type") == "video/mp4"
    assert r.header("ETag") == '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    # a 304, a 416 or a HEAD of a file from disk closes the file it opened
    fds = len(os.listdir(f"/proc/{media_server.proc.pid}/fd"))
    for _ in range(40):
        assert get(media_server, url("2015/03/clip.mp4"),
                   **{"If-None-Match": r.header("ETag")}).status == 304
        assert get(media_server, url("2015/03/clip.mp4"), Range="bytes=999999999-").status == 416
        assert media_server.request("HEAD", url("2015/03/clip.mp4")).status == 200
    assert len(os.listdir(f"/proc/{media_server.proc.pid}/fd")) < fds + 10
    head = media_server.request("HEAD", url("2015/03/clip.mp4"))
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(data))


def test_svg_is_a_sandboxed_download(site, media, media_server):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           b'<script>alert(document.cookie)</script></svg>')
    media.add("2016/04/logo.svg", svg, "image/svg+xml")
    r = get(media_server, url("2016/04/logo.svg"))
    assert r.status == 200 and r.body == svg
    assert r.header("Content-Type") == "image/svg+xml"
    assert r.header("Content-Disposition") == "attachment"
    assert r.header("Content-Security-Policy") == "sandbox; default-src 'none'"
    assert r.header("X-Content-Type-Options") == "nosniff"


def test_old_size_names_answer_the_closest_stored_size(site, media, media_server):
    photo, medium, large = jpeg(2000, 1500), jpeg(300, 225), jpeg(1024, 768)
    media.add("2017/05/tree.jpg", photo, "image/jpeg", 2000, 1500, sizes=[
        ("medium", "2017/05/tree-300x225.jpg", "image/jpeg", 300, 225, medium),
        ("large", "2017/05/tree-1024x768.jpg", "image/jpeg", 1024, 768, large)])
    # WordPress's old sizes no file has now: a 301 to the smallest stored one that covers it
    # (not cached: made-up sizes must not fill the shared cache)
    for asked, stored in (("250x188", "300x225"), ("640x480", "1024x768"),
                          ("1500x1200", None)):
        r = get(media_server, url(f"2017/05/tree-{asked}.jpg"))
        assert r.status == 301, (asked, r.status)
        location = url(f"2017/05/tree-{stored}.jpg") if stored else url("2017/05/tree.jpg")
        assert r.header("Location") == location, (asked, r.header("Location"))
    assert get(media_server, url("2017/05/tree-300x225.jpg")).body == medium
    assert get(media_server, url("2017/05/tree.jpg")).body == photo
    # larger than the original (WordPress never made such a size), or a leading zero: nothing
    for asked in ("4000x3000", "2001x10", "0300x225", "300x0225"):
        assert get(media_server, url(f"2017/05/tree-{asked}.jpg")).status == 404, asked
    # no original NAME.EXT: nothing
    assert get(media_server, url("2017/05/bush-300x225.jpg")).status == 404


def test_missing_and_traversal_are_404(site, media, media_server):
    media.add("2018/06/a.jpg", jpeg(20, 20), "image/jpeg", 20, 20)
    for path in ("/wp-content/uploads/2018/06/none.jpg",
                 "/wp-content/uploads", "/wp-content/uploads/", "/wp-content/uploads/2018/06/",
                 "/wp-content/uploads/2018/06/%2e%2e/06/a.jpg",
                 "/wp-content/uploads/2018/%2E%2E/2018/06/a.jpg",
                 "/wp-content/uploads/2018/06/..%2fa.jpg",
                 "/wp-content/uploads/2018/06/../06/a.jpg",
                 "/wp-content/uploads/2018//06/a.jpg",
                 "/wp-content/uploads//etc/passwd",
                 "/wp-content/uploads/2018/06/a.jpg%00.png",
                 "/wp-content/uploads/2018%2f06%2fa.jpg",
                 "/wp-content/uploads/" + "a" * 2000 + ".jpg"):
        r = get(media_server, path)
        assert r.status == 404, (path, r.status)
        assert len(r.body) < 200, r.text
        assert r.header("Content-Type") == "text/plain; charset=utf-8"
    assert get(media_server, url("2018/06/a.jpg")).status == 200


def test_attachment_page(site, media, media_server, tmp_path):
    pid, path = site.new_post(tmp_path, "A walk in the woods", status="publish",
                              date="2019-07-01 10:00")
    photo, large = jpeg(1600, 1200), jpeg(1024, 768)
    page = path + "oak-tree/"
    media.add("2019/07/oak.jpg", photo, "image/jpeg", 1600, 1200, wp_id=321, post_id=int(pid),
              title="An oak <tree>", caption="The old oak, in June", alt="A large oak",
              description="Taken on the walk.", page_path=page,
              sizes=[("large", "2019/07/oak-1024x768.jpg", "image/jpeg", 1024, 768, large)])
    r = get(media_server, page)
    assert r.status == 200, r.text[:300]
    tree = r.tree()
    assert tree.one("h1").text.strip() == "An oak <tree>"
    img = tree.one("img", src="/wp-content/uploads/2019/07/oak-1024x768.jpg")
    assert img.get("width") == "1024" and img.get("height") == "768"
    assert img.get("alt") == "A large oak"
    assert "The old oak, in June" in r.text and "Taken on the walk." in r.text
    back = tree.one("a", rel="up")
    assert back.get("href") == path and back.text.strip() == "Back to A walk in the woods"
    assert get(media_server, page).header("x-gazette-cache") == "hit"
    for query in ("/?attachment_id=321", "/?p=321"):
        moved = get(media_server, query)
        assert moved.status == 301, (query, moved.status)
        assert moved.location_path() == page
    assert get(media_server, "/?attachment_id=999").status == 404
    upper = get(media_server, page.upper() if page.isascii() else page)
    assert upper.status == 301 and upper.location_path() == page


def test_disk_cache_stays_within_its_bound(site, media, media_server, tmp_path):
    site.run("set", "media.cache_mb", "3")
    files = {}
    for i in range(5):
        data = noise(1024 * 1024 + i, f"pdf{i}")
        media.add(f"2020/01/doc{i}.pdf", data, "application/pdf")
        files[f"2020/01/doc{i}.pdf"] = data
    deadline = time.monotonic() + 2
    while site.out("get", "media.cache_mb").strip() != "3" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # the server's settings, read at most a second old
    for path, data in files.items():
        r = get(media_server, url(path))
        assert r.status == 200 and r.body == data
        assert r.header("Content-Type") == "application/pdf"
        assert r.header("Content-Disposition") is None
        total = sum(os.path.getsize(os.path.join(d, f))
                    for d, _, fs in os.walk(tmp_path / "cache") for f in fs)
        assert total <= 3 * 1024 * 1024, total
    cached = [f for d, _, fs in os.walk(tmp_path / "cache") for f in fs]
    assert len(cached) == 2, cached  # the two most recent fit in 3 MiB


def added(site, tmp_path, name, data, alt):
    """`gazette media add FILE --alt TEXT`; returns the files it stored, {path: (size, mime,
    width, height)}, from `gazette media list`'s lines ("  SIZE WxH /wp-content/uploads/…")."""
    f = tmp_path / name
    f.write_bytes(data)
    out = site.out("media", "add", str(f), "--alt", alt)
    files = {}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("media ") and len(words) == 3:
            files[words[2]] = ("full", None, None)
        elif len(words) == 3 and words[2].startswith("/wp-content/uploads/"):
            w, h = words[1].split("x")
            files[words[2]] = (words[0], int(w), int(h))
    assert files, out
    return files


def test_a_file_added_with_the_command_line(site, media_server, tmp_path):
    files = added(site, tmp_path, "field.jpg", jpeg(1200, 800), "A green field")
    full = [u for u, (size, _, _) in files.items() if size == "full"][0]
    r = get(media_server, full)
    assert r.status == 200 and r.header("Content-Type") == "image/jpeg"
    assert r.header("Cache-Control") == REPLACEABLE
    assert PIL.open(io.BytesIO(r.body)).size == (1200, 800)
    for u, (size, w, h) in files.items():
        if size == "full":
            continue
        r = get(media_server, u)
        assert r.status == 200, (u, r.status)
        assert r.header("Content-Type") == ("image/webp" if u.endswith(".webp") else "image/jpeg")
        assert r.header("Cache-Control") == IMMUTABLE
        assert PIL.open(io.BytesIO(r.body)).size == (w, h)
    # an old size of the same name no file has: the smallest stored JPEG that covers it
    stem = full[:-len(".jpg")]
    covering = min(((w * h, u) for u, (size, w, h) in files.items()
                    if size != "full" and u.endswith(".jpg") and w >= 640 and h >= 400))[1]
    r = get(media_server, stem + "-640x400.jpg")
    assert r.status == 301 and r.header("Location") == covering, (r.status, r.header("Location"))
    # its attachment page (a media without a post has one too)
    name = full.rsplit("/", 1)[1].rsplit(".", 1)[0]
    page = get(media_server, f"/attachment/{name}/")
    assert page.status == 200, page.status
    img = page.tree().one("img", alt="A green field")
    assert img.get("src") == stem + "-1024x683.jpg", img.get("src")


@pytest.mark.stores("postgres")
def test_second_node_serves_what_the_first_stored(site, media, start_server, tmp_path,
                                                  monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a"))
    a = start_server(site)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))  # no shared disk
    b = start_server(site)
    # stored by the command line (an upload's path: model/media.h), not by either node
    files = added(site, tmp_path, "shared.jpg", jpeg(640, 480), "Shared")
    doc = noise(40000, "doc")
    media.add("2021/02/shared.pdf", doc, "application/pdf")
    for u in list(files) + [url("2021/02/shared.pdf")]:
        ra = get(a, u)
        rb = get(b, u)
        assert ra.status == 200 and rb.status == 200, (u, ra.status, rb.status)
        assert ra.body == rb.body and len(ra.body) > 100
        assert ra.header("ETag") == rb.header("ETag")
        assert ra.header("Content-Type") == rb.header("Content-Type")
