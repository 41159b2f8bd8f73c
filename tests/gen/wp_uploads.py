#!/usr/bin/python3
"""wp_uploads.py: builds a wp-content/uploads folder for a WordPress export, as the old site would
have had it, from the export's attachments.

Usage: wp_uploads.py EXPORT.xml DIR [--skip EXT,...]

For each attachment (wp:post_type attachment) its path under uploads is its _wp_attached_file
(self-hosted WordPress writes it), else the path of its wp:attachment_url after
/wp-content/uploads/, else the URL's whole path (WordPress.com's
https://NAME.files.wordpress.com/2008/06/a.jpg is "2008/06/a.jpg"). There a file is written:
  .jpg .jpeg   a 1200x800 JPEG (python3-pil), a colour and a band of its own
  .png         a 1200x800 PNG with an alpha channel
  .gif         a 1200x800 GIF
  .pdf         a small PDF of one empty page
  .mp3         an ID3v2 tag and a few MPEG-1 Layer III frames of silence
  other kinds (.mov, ...) and the extensions --skip names (default: mov) are not written, so
  that an import meets a missing file.
An attachment with _wp_attached_file (a self-hosted export) also gets the sizes WordPress made
beside its image, NAME-WIDTHxHEIGHT.EXT: 150x150, 300x200, 768x512 and 1024x683 (WordPress 6's
thumbnail, medium, medium_large and large of a 1200x800 image), each an image of that size.

Prints JSON: {"files": [paths written], "sizes": [NAME-WxH paths written], "missing": [paths
not written], "attachments": {wp_id: path}}.
"""

import argparse
import hashlib
import json
import os
import struct
import sys
import urllib.parse
import xml.etree.ElementTree as ET

from PIL import Image, ImageDraw

SIZES = [(150, 150), (300, 200), (768, 512), (1024, 683)]
IMAGE_KINDS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF"}


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child_text(element, name):
    for c in element:
        if local(c.tag) == name:
            return (c.text or "").strip()
    return ""


def attachments(export):
    """(wp_id, attachment_url, _wp_attached_file) of every attachment, in file order."""
    for _, element in ET.iterparse(export, events=("end",)):
        if local(element.tag) != "item":
            continue
        if child_text(element, "post_type") == "attachment":
            attached = ""
            for meta in element:
                if local(meta.tag) == "postmeta" and child_text(meta, "meta_key") == \
                        "_wp_attached_file":
                    attached = child_text(meta, "meta_value")
            yield int(child_text(element, "post_id") or 0), child_text(element,
                                                                       "attachment_url"), attached
        element.clear()


def upload_path(url, attached):
    if attached:
        return attached
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    marker = "/wp-content/uploads/"
    return path.split(marker, 1)[1] if marker in path else path.lstrip("/")


def colour_of(path):
    digest = hashlib.sha256(path.encode("utf-8")).digest()
    return tuple(digest[:3])


def write_image(target, path, size, kind):
    width, height = size
    mode = "RGBA" if kind == "PNG" else "RGB"
    colour = colour_of(path) + ((200,) if mode == "RGBA" else ())
    image = Image.new(mode, (width, height), colour)
    draw = ImageDraw.Draw(image)
    band = tuple(255 - c for c in colour_of(path))
    draw.rectangle([0, height // 3, width - 1, 2 * height // 3],
                   fill=band + ((255,) if mode == "RGBA" else ()))
    if kind == "GIF":
        image = image.convert("P")
    image.save(target, kind, **({"quality": 85} if kind == "JPEG" else {}))


def tiny_pdf():
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def tiny_mp3():
    # ID3v2.4 header with one TIT2 frame, then MPEG-1 Layer III, 128 kbit/s, 44.1 kHz frames
    title = b"\x03gazette test"
    frame = b"TIT2" + struct.pack(">I", len(title)) + b"\x00\x00" + title
    size = len(frame)
    synchsafe = bytes([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f])
    tag = b"ID3\x04\x00\x00" + synchsafe + frame
    mpeg_frame = b"\xff\xfb\x90\x64" + b"\x00" * (417 - 4)
    return tag + mpeg_frame * 8


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("dir")
    parser.add_argument("--skip", default="mov",
                        help="extensions not written, comma-separated (default: mov)")
    args = parser.parse_args()
    skip = {"." + e.strip().lower().lstrip(".") for e in args.skip.split(",") if e.strip()}
    written, sizes, missing, by_id = [], [], [], {}
    for wp_id, url, attached in attachments(args.export):
        path = upload_path(url, attached)
        if not path or ".." in path.split("/") or path.startswith("/"):
            continue
        by_id[str(wp_id)] = path
        stem, ext = os.path.splitext(path)
        ext_lower = ext.lower()
        target = os.path.join(args.dir, path)
        os.makedirs(os.path.dirname(target) or args.dir, exist_ok=True)
        if ext_lower in skip:
            missing.append(path)
            continue
        if ext_lower in IMAGE_KINDS:
            write_image(target, path, (1200, 800), IMAGE_KINDS[ext_lower])
            if attached:
                for w, h in SIZES:
                    sized = "%s-%dx%d%s" % (stem, w, h, ext)
                    write_image(os.path.join(args.dir, sized), sized, (w, h),
                                IMAGE_KINDS[ext_lower])
                    sizes.append(sized)
        elif ext_lower == ".pdf":
            with open(target, "wb") as f:
                f.write(tiny_pdf())
        elif ext_lower == ".mp3":
            with open(target, "wb") as f:
                f.write(tiny_mp3())
        else:
            missing.append(path)
            continue
        written.append(path)
    json.dump(dict(files=written, sizes=sizes, missing=missing, attachments=by_id), sys.stdout,
              indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
