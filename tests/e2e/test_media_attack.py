# test_media_attack.py: what a hostile visitor or a careless operator did to the media work and
# what it must not do again: a file served through the node's disk cache (not an image: an SVG, a
# PDF) into a cache directory that holds nothing yet (the first eviction sorted a NULL array, and
# a sanitizer build's server aborted); a PDF of a post with many images (each decoded image stayed
# in memory until the PDF was done: 4.5 GB for one anonymous request of a post with 2,000); an
# upload the multipart reader refuses (a long file name, a body cut short) answered "Form expired",
# sending the user after a security token that was there.
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


PDF_IMAGE_BUDGET_IMAGES = 64  # render/article_pdf.c: 256 MiB of 1024x1024 pixels


def test_pdf_of_a_post_with_many_images_draws_a_bounded_number(site, start_server, tmp_path):
    picture = tmp_path / "square.png"
    Image.new("RGB", (1024, 1024), (30, 90, 160)).save(picture)
    out = site.out("media", "add", picture, "--alt", "a blue square")
    url = re.search(r"(/wp-content/uploads/\S+\.png)", out).group(1)
    count = PDF_IMAGE_BUDGET_IMAGES + 16
    body = "\n\n".join(f"![square {i}]({url})" for i in range(count))
    _, path = site.new_post(tmp_path, "Many squares", body, status="publish")
    srv = start_server(site)
    r = srv.get(path + "pdf/", timeout=120)
    assert r.status == 200 and r.header("Content-Type") == "application/pdf", r
    drawn = len(re.findall(rb"/Subtype\s*/Image", r.body))
    # the first ones drawn, the rest as their alt text, not every one of them in memory at once
    assert PDF_IMAGE_BUDGET_IMAGES - 8 <= drawn <= PDF_IMAGE_BUDGET_IMAGES, (drawn, count)


def test_an_unreadable_upload_says_why_not_form_expired(media_site, start_server):
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(png, "PNG")
    long_name = "a" * 1200 + ".png"  # over web/multipart.h's 1000 bytes
    r = upload_file(admin, png.getvalue(), long_name, "image/png")
    assert r.status == 400, (r, r.text[:1500])
    assert "A file&#39;s name is longer than 1000 bytes." in r.text or \
        "A file's name is longer than 1000 bytes." in r.text, r.text[:3000]
    body, ctype = multipart([("csrf", admin.csrf), ("alt", "cut")],
                            [("file", "cut.png", "image/png", png.getvalue())])
    cut = body[:body.rindex(b"--" + ctype.split("boundary=")[1].encode() + b"--")]
    r = srv.request("POST", "/admin/media", body=cut, headers=admin.headers({"Content-Type": ctype}))
    assert r.status == 400 and "closing boundary" in r.text, (r, r.text[:3000])
    # the token itself missing is still the CSRF refusal, and nothing was stored
    body, ctype = multipart([("alt", "no token")], [("file", "t.png", "image/png", png.getvalue())])
    r = srv.request("POST", "/admin/media", body=body, headers=admin.headers({"Content-Type": ctype}))
    assert r.status == 403 and "security token" in r.text, (r, r.text[:3000])
    assert media_site.out("media", "list").strip() == ""
