# test_media_attack.py: what a hostile visitor or a careless operator did to the media work and
# what it must not do again: a file served through the node's disk cache (not an image: an SVG, a
# PDF) into a cache directory that holds nothing yet (the first eviction sorted a NULL array, and
# a sanitizer build's server aborted).
import io
import re
import urllib.parse

import pytest
from PIL import Image

from conftest import admin_session
from test_admin_media import PASSWORD, multipart, uploaded_id

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def pdf(size):
    """A file the server sends from its disk cache (not a raster image): a PDF of `size` bytes."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


def upload_file(admin, data, filename, content_type, **fields):
    pairs = [("csrf", admin.csrf), ("alt", "a file of the attack tests")]
    pairs += list(fields.items())
    body, ctype = multipart(pairs, [("file", filename, content_type, data)])
    return admin.srv.request("POST", "/admin/media", body=body,
                             headers=admin.headers({"Content-Type": ctype}))


def file_url(admin, mid):
    """The /wp-content/uploads/ path of media `mid`'s original, from its admin page."""
    text = admin.get(f"/admin/media/{mid}").text
    m = re.search(r'(/wp-content/uploads/[^"\s<)]+)', text)
    assert m, text[:2000]
    return urllib.parse.unquote(m.group(1))


@pytest.fixture
def media_site(site):
    site.add_user("boss", "admin", password=PASSWORD)
    return site


def test_first_files_into_an_empty_disk_cache(media_site, start_server, tmp_path):
    # a fresh cache directory, as on a new node: the first put evicts from an empty list
    media_site.run("set", "media.cache_mb", "64")
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    files = [(SVG, "drawing.svg", "image/svg+xml"), (pdf(300 * 1024), "paper.pdf",
                                                      "application/pdf")]
    for data, name, ctype in files:
        url = file_url(admin, uploaded_id(upload_file(admin, data, name, ctype)))
        for attempt in ("written to the cache", "read from it"):
            r = srv.get(url)
            assert r.status == 200 and r.body == data, (attempt, url, r, srv.logs())
        if name.endswith(".svg"):  # a download in a sandbox, wherever its bytes come from
            assert r.header("Content-Disposition") == "attachment", r.headers
    r = srv.get(url, headers={"Range": "bytes=0-7"})
    assert r.status == 206 and r.body == b"%PDF-1.4", r
    assert srv.proc.poll() is None, srv.logs()
