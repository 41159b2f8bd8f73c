# test_admin_media.py: the media library at /admin/media: a real multipart upload of an image
# made here (python3-pil), the library grid, search, a media's page (its sizes, the Markdown to
# insert, editing its texts), delete with confirmation; who may upload (authors yes, anonymous
# no), CSRF in the multipart body, the upload limit (media.max_mb, for this route only: other
# routes keep http.max_body_kb), a text file named .jpg, a pixel bomb, the alt text rule, and the
# featured image and insert panel of the post editor.
import io
import re
import urllib.parse
import uuid

import pytest
from PIL import Image

from conftest import Server, admin_session, form_encode, raw_post

PASSWORD = "media-pass-phrase"
ROUTE_413 = b"The request body is larger than this address accepts."
H2O_413 = b"request entity is too large"
UPLOAD_413 = b"The file is larger than this site accepts (media.max_mb)."
MIB = 1024 * 1024


def jpeg(width=800, height=600, color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=85)
    return out.getvalue()


def pixel_bomb():
    """A PNG of 12000 x 10000 pixels (120 megapixels, above media.max_megapixels' 100) in a few
    kilobytes: one colour compresses to nothing."""
    out = io.BytesIO()
    Image.new("1", (12000, 10000), 0).save(out, "PNG", optimize=True)
    data = out.getvalue()
    assert len(data) < 200 * 1024, len(data)
    return data


def multipart(fields, files):
    """(body, content type) of a browser's multipart/form-data form: fields [(name, value)],
    files [(field, filename, content type, bytes)]."""
    boundary = "----GazetteTestBoundary" + uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                  .encode())
        out.write(value.encode("utf-8") if isinstance(value, str) else value)
        out.write(b"\r\n")
    for field, filename, ctype, data in files:
        quoted = filename.replace('"', "%22")
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                  f"filename=\"{quoted}\"\r\nContent-Type: {ctype}\r\n\r\n".encode("utf-8"))
        out.write(data)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(client, data, filename="red-door.jpg", csrf=True, **fields):
    """POSTs the upload form as a browser would; returns the Response."""
    pairs = []
    if csrf is True:
        pairs.append(("csrf", client.csrf))
    elif csrf is not None:
        pairs.append(("csrf", csrf))
    pairs += [(k, v) for k, v in fields.items()]
    body, ctype = multipart(pairs, [("file", filename, "image/jpeg", data)])
    return client.srv.request("POST", "/admin/media", body=body,
                              headers=client.headers({"Content-Type": ctype}))


def uploaded_id(r):
    assert r.status == 303, (r, r.text[:2000])
    m = re.fullmatch(r"/admin/media/(\d+)\?done=uploaded", r.location_path())
    assert m, r.location_path()
    return int(m.group(1))


def library_ids(client, query=""):
    doc = client.page("/admin/media" + query)
    return [int(li.id.split("-")[1]) for li in doc.find_all("li", cls="media-item")]


def alert(doc):
    return " ".join(n.text for n in doc.iter() if n.get("role") == "alert")


def files_table(doc, mime="image/jpeg"):
    """{size name: (url, pixels)} of a media's page, of the files of type `mime` (each size
    has a WebP copy beside it)."""
    rows = {}
    section = doc.find("section", **{"aria-labelledby": "sizes-heading"})
    for tr in section.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        if cells[2].text.strip() == mime:
            rows[cells[0].text.strip()] = (cells[1].find("a").get("href"), cells[3].text.strip())
    return rows


@pytest.fixture
def media_site(site):
    site.add_user("boss", "admin", password=PASSWORD)
    site.add_user("arthur", "author", password=PASSWORD)
    return site


def test_upload_library_edit_search_delete(media_site, start_server):
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    assert library_ids(admin) == []
    nav = [a.get("href") for a in admin.page("/admin/").find("nav").find_all("a")]
    assert "/admin/media" in nav

    mid = uploaded_id(upload(admin, jpeg(), alt="A red door in a white wall",
                             caption="Seen in Lisbon"))
    assert library_ids(admin) == [mid]
    item = admin.page("/admin/media").find("li", id=f"media-{mid}")
    assert "800 × 600" in item.text, item.text
    assert "red-door" in item.text, item.text  # the title from the file's name

    doc = admin.page(f"/admin/media/{mid}")
    files = files_table(doc)
    assert files["full"][1] == "800 × 600", files
    assert files["thumbnail"][1] == "150 × 150", files  # cropped to fill (WordPress's default)
    assert files["medium"][1] == "300 × 225", files  # fits in 300 x 300
    # each size has its WebP copy; the original is kept as it came
    assert set(files_table(doc, "image/webp")) == set(files) - {"full"}, doc.find("tbody").text
    for url, _ in files.values():
        assert re.fullmatch(r"/wp-content/uploads/\d{4}/\d{2}/[^/]+", url), url
    markdown = doc.find("input", id="markdown").get("value")
    assert markdown == f"![A red door in a white wall]({files['medium'][0]})", markdown
    for size in ("full", "medium"):
        served = srv.get(files[size][0])
        assert served.status == 200, (size, served)
        assert served.header("Content-Type") == "image/jpeg"
        assert served.body[:3] == b"\xff\xd8\xff"
        with Image.open(io.BytesIO(served.body)) as im:
            assert "%d × %d" % im.size == files[size][1]
    assert doc.find("input", id="alt").get("value") == "A red door in a white wall"

    r = admin.post(f"/admin/media/{mid}", dict(title="Porta vermelha", alt="A red door, closed",
                                              caption="Alfama, 2024", description="Morning."))
    assert r.status == 303 and r.location_path() == f"/admin/media/{mid}?done=saved", r
    doc = admin.page(f"/admin/media/{mid}")
    assert doc.find("input", id="media-title").get("value") == "Porta vermelha"
    assert doc.find("input", id="alt").get("value") == "A red door, closed"
    assert doc.find("textarea", id="caption").text == "Alfama, 2024"
    assert doc.find("textarea", id="description").text == "Morning."

    assert library_ids(admin, "?s=alfama") == [mid]  # the caption, any case
    assert library_ids(admin, "?s=vermelha") == [mid]  # the title
    assert library_ids(admin, "?s=nowhere-to-be-found") == []

    r = admin.post(f"/admin/media/{mid}/delete", {})  # without the confirmation
    assert r.status == 400, r
    assert "tick the box" in alert(r.tree())
    assert library_ids(admin) == [mid]
    r = admin.post(f"/admin/media/{mid}/delete", {"confirm": "yes"})
    assert r.status == 303 and r.location_path() == "/admin/media?done=deleted", r
    assert library_ids(admin) == []
    assert admin.get(f"/admin/media/{mid}").status == 404
    log = admin.page("/admin/audit").text
    for action in ("media.add", "media.update", "media.delete"):
        assert f"{action}" in log and f"media {mid}" in log, (action, log[:2000])


def test_who_may_upload_and_csrf(media_site, start_server):
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    author = admin_session(srv, "arthur", PASSWORD)

    body, ctype = multipart([("alt", "x")], [("file", "a.jpg", "image/jpeg", jpeg(64, 64))])
    r = srv.request("POST", "/admin/media", body=body, headers={"Content-Type": ctype})
    assert r.status == 403, r  # anonymous: signed out, nothing done
    r = srv.get("/admin/media")
    assert r.status == 303 and r.location_path().startswith("/admin/login?next="), r

    r = upload(author, jpeg(64, 64), csrf=None, alt="No token")
    assert r.status == 403 and "security token" in r.text, (r, r.text[:500])
    r = upload(author, jpeg(64, 64), csrf="0" * 64, alt="Wrong token")
    assert r.status == 403, r
    assert library_ids(admin) == []

    mid = uploaded_id(upload(author, jpeg(64, 64), alt="An author's square"))
    assert library_ids(author) == [mid]
    # an author changes only their own uploads; an editor or admin any
    other = uploaded_id(upload(admin, jpeg(64, 64, (0, 0, 200)), alt="The admin's square"))
    r = author.post(f"/admin/media/{other}", dict(title="Taken"))
    assert r.status == 403, r
    r = author.post(f"/admin/media/{mid}", dict(title="Mine"))
    assert r.status == 303, r


def test_refused_files_store_nothing(media_site, start_server):
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)

    r = upload(admin, b"Just some text, not a picture.\n" * 20, filename="notes.jpg", alt="x")
    assert r.status == 415, (r, r.text[:1000])
    assert "not of a kind this site accepts" in alert(r.tree())

    r = upload(admin, pixel_bomb(), filename="bomb.png", alt="A bomb")
    assert r.status == 422, (r, r.text[:1000])
    message = alert(r.tree())
    assert "pixels" in message or "megapixels" in message, message

    r = upload(admin, jpeg(64, 64), alt="")  # an image needs alt text …
    assert r.status == 400, r
    doc = r.tree()
    assert "alt text" in alert(doc)
    assert doc.find("input", id="media-title").get("value") == ""  # the form comes back

    r = upload(admin, b"", filename="empty.jpg", alt="Nothing")
    assert r.status == 400 and "empty" in alert(r.tree()), r

    body, ctype = multipart([("csrf", admin.csrf), ("alt", "x")], [])
    r = srv.request("POST", "/admin/media", body=body, headers=admin.headers({"Content-Type": ctype}))
    assert r.status == 400 and "Choose a file" in alert(r.tree()), r
    assert library_ids(admin) == []

    mid = uploaded_id(upload(admin, jpeg(64, 64), alt="", decorative="1"))  # … unless decorative
    assert admin.page(f"/admin/media/{mid}").find("input", id="alt").get("value") == ""

    r = upload(admin, jpeg(64, 64), alt="On a post that is not there", post="987654")
    assert r.status == 400 and "no post" in alert(r.tree()), r
    assert library_ids(admin) == [mid]


def test_upload_limit_is_media_max_mb_for_this_route_only(media_site, start_server, tmp_path):
    media_site.run("set", "media.max_mb", "1")
    _, path = media_site.new_post(tmp_path, "Limits", status="publish")
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)

    # over the route's limit (1 MiB of file + 1 MiB for the form), the largest of all routes,
    # so h2o's own: refused before any handler
    big = b"\xff\xd8\xff\xe0" + bytes(2 * MIB + 512 * 1024)
    body, ctype = multipart([("csrf", admin.csrf), ("alt", "Big")],
                            [("file", "big.jpg", "image/jpeg", big)])
    r = raw_post(srv.port, "/admin/media", body, content_type=ctype)
    assert r.status == 413 and r.body.strip() == H2O_413, (r, r.body[:300])
    # over media.max_mb but within the form's allowance: the form says why
    r = upload(admin, b"\xff\xd8\xff\xe0" + bytes(MIB + 1000), alt="A little big")
    assert r.status == 413, r
    assert "the largest is 1.0 MB" in alert(r.tree()), alert(r.tree())
    assert library_ids(admin) == []

    # every other route keeps http.max_body_kb (1024) although h2o now takes 2 MiB
    fields = [("author", "R"), ("email", "r@example.com"), ("comment", "x" * (MIB + 100))]
    r = raw_post(srv.port, path + "comments", form_encode(fields))
    assert r.status == 413 and r.body.strip() == ROUTE_413, (r, r.body[:300])
    r = raw_post(srv.port, "/admin/login", form_encode([("login", "boss"), ("pad", "y" * MIB)]))
    assert r.status == 413 and r.body.strip() == ROUTE_413, (r, r.body[:300])

    mid = uploaded_id(upload(admin, jpeg(), alt="Small enough"))
    assert library_ids(admin) == [mid]
    srv.stop()

    # with http.max_body_kb above the upload's limit, h2o takes the body and the route refuses
    media_site.run("set", "http.max_body_kb", "4096")
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    body, ctype = multipart([("csrf", admin.csrf), ("alt", "Big")],
                            [("file", "big.jpg", "image/jpeg", big)])
    r = raw_post(srv.port, "/admin/media", body, content_type=ctype)
    assert r.status == 413 and r.body.strip() == UPLOAD_413, (r, r.body[:300])
    assert library_ids(admin) == [mid]


def test_featured_image_and_insert_panel(media_site, start_server):
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    mid = uploaded_id(upload(admin, jpeg(400, 300), alt="Harbour at dawn"))

    doc = admin.page("/admin/posts/new")
    radios = {i.get("value"): i for i in doc.find_all("input", type="radio", name="featured")}
    assert set(radios) == {"0", str(mid)}, radios
    assert "checked" in radios["0"].attrs
    insert = doc.find("input", id=f"insert-{mid}")
    assert re.fullmatch(r"!\[Harbour at dawn\]\(/wp-content/uploads/\d{4}/\d{2}/[^)]+\)",
                        insert.get("value")), insert.get("value")

    fields = dict(title="With a picture", slug="", excerpt="", body="Text.", categories="",
                  tags="", status="draft", date="", comments="open", action="save",
                  featured=str(mid))
    r = admin.post("/admin/posts/new", fields)
    assert r.status == 303, (r, r.text[:1500])
    pid = int(re.match(r"/admin/posts/(\d+)", r.location_path()).group(1))
    radios = {i.get("value"): i for i in
              admin.page(f"/admin/posts/{pid}").find_all("input", type="radio", name="featured")}
    assert "checked" in radios[str(mid)].attrs and "checked" not in radios["0"].attrs

    # a save without the field keeps it; an unknown media is refused; 0 removes it
    kept = {k: v for k, v in fields.items() if k != "featured"}
    assert admin.post(f"/admin/posts/{pid}", kept).status == 303
    radios = {i.get("value"): i for i in
              admin.page(f"/admin/posts/{pid}").find_all("input", type="radio", name="featured")}
    assert "checked" in radios[str(mid)].attrs
    r = admin.post(f"/admin/posts/{pid}", dict(fields, featured="987654"))
    assert r.status == 422 and "no media 987654" in alert(r.tree()), r
    r = admin.post(f"/admin/posts/{pid}", dict(fields, featured="0"))
    assert r.status == 303, r
    radios = {i.get("value"): i for i in
              admin.page(f"/admin/posts/{pid}").find_all("input", type="radio", name="featured")}
    assert "checked" in radios["0"].attrs and "checked" not in radios[str(mid)].attrs

    # deleting the media leaves the post with no featured image
    assert admin.post(f"/admin/posts/{pid}", dict(fields)).status == 303
    assert admin.post(f"/admin/media/{mid}/delete", {"confirm": "yes"}).status == 303
    doc = admin.page(f"/admin/posts/{pid}")
    radios = {i.get("value"): i for i in doc.find_all("input", type="radio", name="featured")}
    assert set(radios) == {"0"} and "checked" in radios["0"].attrs, radios


def test_drop_upload_and_insert_in_a_browser(media_site, start_server, node_tools, store,
                                             tmp_path):
    """tests/browser/media_flow.js: drag and drop onto the upload area (a refusal shown on the
    form, then an image sent, landing on its page), the Insert button of the editor; screenshots
    of the library and a media's page at 1280 and 390 px in $GAZETTE_SCREENSHOTS/media-STORE/."""
    import json
    import os
    import subprocess
    srv = start_server(media_site)
    image = tmp_path / "harbour.jpg"
    image.write_bytes(jpeg(1200, 800, (30, 90, 160)))
    out = os.path.join(os.environ.get("GAZETTE_SCREENSHOTS") or str(tmp_path), f"media-{store}")
    p = subprocess.run(["node", os.path.join(node_tools, "media_flow.js"), "--base",
                        f"http://127.0.0.1:{srv.port}", "--out", out, "--login", "arthur",
                        "--image", str(image), "--alt", "A blue harbour"],
                       capture_output=True, timeout=180, cwd=node_tools,
                       env=dict(os.environ, GAZETTE_ADMIN_PASSWORD=PASSWORD))
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        pytest.fail(f"media_flow.js exited {p.returncode}: {p.stderr.decode()[-2000:]}")
    assert summary["ok"], (summary, srv.logs())
    assert summary["pageErrors"] == [], summary
    # the browser logs the refused upload's 415 itself; nothing else may go wrong
    assert [e for e in summary["consoleErrors"] if "status of 415" not in e] == [], summary
    assert "not of a kind this site accepts" in summary["refusal"], summary["refusal"]
    m = re.fullmatch(r"/admin/media/(\d+)", summary["mediaPath"])
    assert m, summary["mediaPath"]
    admin = admin_session(srv, "boss", PASSWORD)
    assert library_ids(admin) == [int(m.group(1))]  # the refused file left nothing
    markdown = summary["markdown"]
    assert re.fullmatch(r"!\[A blue harbour\]\(/wp-content/uploads/\d{4}/\d{2}/[^)]+\)",
                        markdown), markdown
    assert summary["body"] == "Before the picture.\n\n" + markdown, summary["body"]
    for name, shot in summary["screenshots"].items():
        width = int(name.rsplit("-", 1)[1])
        assert shot["scrollWidth"] <= width, (name, shot)  # no sideways scrolling


def test_media_pages_pass_html_validate(media_site, start_server, node_tools, tmp_path):
    """The library (empty, with an item, with a refusal), a media's page and the editor with its
    image panels are valid HTML (html-validate, tests/browser/.htmlvalidate.json)."""
    import json
    import os
    import subprocess
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    pages = {"library-empty": admin.get("/admin/media")}
    mid = uploaded_id(upload(admin, jpeg(640, 480), alt="A \"quoted\" <door> & more"))
    pages["library"] = admin.get("/admin/media")
    pages["library-refusal"] = upload(admin, b"text", filename="t.jpg", alt="x")
    pages["media"] = admin.get(f"/admin/media/{mid}")
    pages["editor"] = admin.get("/admin/posts/new")
    files = {}
    for name, r in pages.items():
        assert r.status in (200, 415), (name, r)
        f = str(tmp_path / f"{name}.html")
        with open(f, "wb") as fh:
            fh.write(r.body)
        files[f] = name
    cmd = [os.path.join(node_tools, "node_modules", ".bin", "html-validate"), "--config",
           os.path.join(node_tools, ".htmlvalidate.json"), "--formatter", "json"] + list(files)
    p = subprocess.run(cmd, capture_output=True, timeout=120, cwd=node_tools)
    assert p.returncode in (0, 1), p.stderr.decode()[-2000:]
    problems = [f"{files.get(res['filePath'], res['filePath'])}:{m.get('line')} "
                f"[{m.get('ruleId')}] {m.get('message')}"
                for res in json.loads(p.stdout or b"[]") for m in res.get("messages", [])
                if m.get("severity") == 2]
    assert not problems, "html-validate errors:\n" + "\n".join(problems)
    # the alt text reaches the Markdown escaped for HTML, and as typed in the value
    doc = pages["media"].tree()
    assert doc.find("input", id="markdown").get("value").startswith(
        '![A "quoted" <door> & more](/wp-content/uploads/')


def test_a_pdf_is_stored_as_it_is_and_inserted_as_a_link(media_site, start_server):
    srv = start_server(media_site)
    admin = admin_session(srv, "boss", PASSWORD)
    pdf = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
           b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
           b"trailer << /Root 1 0 R >>\n%%EOF\n")
    body, ctype = multipart([("csrf", admin.csrf), ("title", "Annual report")],
                            [("file", "report.pdf", "application/pdf", pdf)])
    r = srv.request("POST", "/admin/media", body=body, headers=admin.headers({"Content-Type": ctype}))
    mid = uploaded_id(r)  # no alt text asked of a document
    item = admin.page("/admin/media").find("li", id=f"media-{mid}")
    assert "application/pdf" in item.text and item.find("img") is None, item.text
    doc = admin.page(f"/admin/media/{mid}")
    markdown = doc.find("input", id="markdown").get("value")
    m = re.fullmatch(r"\[Annual report\]\((/wp-content/uploads/\d{4}/\d{2}/[^)]+\.pdf)\)", markdown)
    assert m, markdown
    served = srv.get(m.group(1))
    assert served.status == 200 and served.body == pdf, served
    # the editor offers images only
    assert admin.page("/admin/posts/new").find("input", id=f"insert-{mid}") is None
