#!/usr/bin/python3
"""images.py: writes the images (and other media) the media tests feed to gazette.

Usage: images.py DIR

Made with Debian's python3-pil and by hand (headers of the non-image kinds), deterministic:
  big_rotated.jpg  6000x4000 (24 MP) JPEG stored sideways with EXIF Orientation 6 (shown
                   4000x6000) and EXIF GPS (52.37 N, 4.89 E); its left third is red as stored,
                   so upright the top third is red
  small_gps.jpg    640x480 JPEG with EXIF GPS, orientation 1
  clean.jpg        500x400 JPEG with nothing but JFIF and the image
  clean.png        500x400 PNG without any ancillary chunk
  alpha.png        400x300 RGBA PNG, left half fully transparent
  animated.gif     3 frames of 200x150 (red, green, blue), looping
  truncated.jpg    the first 60% of an 800x600 JPEG
  bomb.png         a 30000x30000 1-bit PNG of ~100 KB (900 megapixels once decoded)
  polyglot.jpg     a valid 320x240 JPEG whose COM segment holds <html><script>alert(1)</script>
  jpeg_magic.html  an HTML page whose first bytes are JPEG's magic (FF D8 FF)
  script.svg       an SVG holding a <script>
  doctype.svg      an SVG after an XML declaration, a comment and a DOCTYPE
  entity.svg       an SVG whose DOCTYPE defines entities (refused by the sniffer)
  html.html        HTML holding an <svg> (not an SVG file)
  tiny.pdf         a one-page PDF
  image.webp       320x240 lossy WebP
  tiny.mp3, tiny.wav, tiny.ogg, tiny.mp4, tiny.m4a, tiny.webm
                   the first bytes of each kind (for the sniffer only)
"""

import io
import os
import struct
import sys
import wave
import zlib

from PIL import Image, ImageDraw


def gps_exif(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "GazetteCam"  # Make
    exif[0x8825] = {  # GPS IFD
        1: "N",
        2: (52.0, 22.0, 12.0),
        3: "E",
        4: (4.0, 53.0, 24.0),
    }
    return exif


def big_rotated(path):
    # Stored 6000 wide, 4000 high: a gradient with the left third red.
    gradient = Image.linear_gradient("L").resize((6000, 4000))
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                gradient))
    ImageDraw.Draw(image).rectangle((0, 0, 1999, 3999), fill=(255, 0, 0))
    image.save(path, "JPEG", quality=80, exif=gps_exif(6))


def small_gps(path):
    image = Image.new("RGB", (640, 480), (30, 120, 200))
    ImageDraw.Draw(image).ellipse((100, 100, 400, 380), fill=(250, 200, 0))
    image.save(path, "JPEG", quality=85, exif=gps_exif(1))


def clean_jpeg(path):
    image = Image.new("RGB", (500, 400), (200, 60, 60))
    ImageDraw.Draw(image).rectangle((50, 50, 300, 200), fill=(20, 20, 20))
    image.save(path, "JPEG", quality=85)


def clean_png(path):
    image = Image.new("RGB", (500, 400), (60, 200, 60))
    ImageDraw.Draw(image).rectangle((50, 50, 300, 200), fill=(20, 20, 20))
    image.save(path, "PNG")


def alpha_png(path):
    image = Image.new("RGBA", (400, 300), (0, 0, 255, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 199, 299), fill=(0, 0, 0, 0))
    image.save(path, "PNG")


def animated_gif(path):
    frames = [Image.new("RGB", (200, 150), colour) for colour in
              ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def truncated_jpeg(path):
    image = Image.linear_gradient("L").resize((800, 600)).convert("RGB")
    ImageDraw.Draw(image).ellipse((100, 100, 700, 500), fill=(10, 200, 90))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=90)
    whole = data.getvalue()
    with open(path, "wb") as out:
        out.write(whole[: len(whole) * 6 // 10])


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def bomb_png(path):
    # 30000 rows of 30000 white 1-bit pixels: 112 MB of raw rows, about 100 KB compressed.
    width = height = 30000
    row = b"\x00" + b"\xff" * (width // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)))
        out.write(png_chunk(b"IDAT", b"".join(parts)))
        out.write(png_chunk(b"IEND", b""))


def polyglot_jpeg(path):
    image = Image.new("RGB", (320, 240), (128, 128, 0))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=85)
    whole = data.getvalue()
    html = b"<html><script>alert(1)</script></html>"
    comment = b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html
    with open(path, "wb") as out:
        out.write(whole[:2] + comment + whole[2:])


def write(path, data):
    with open(path, "wb") as out:
        out.write(data)


TINY_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def tiny_wav(path):
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: images.py DIR")
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)

    def at(name):
        return os.path.join(folder, name)

    big_rotated(at("big_rotated.jpg"))
    small_gps(at("small_gps.jpg"))
    clean_jpeg(at("clean.jpg"))
    clean_png(at("clean.png"))
    alpha_png(at("alpha.png"))
    animated_gif(at("animated.gif"))
    truncated_jpeg(at("truncated.jpg"))
    bomb_png(at("bomb.png"))
    polyglot_jpeg(at("polyglot.jpg"))
    write(at("jpeg_magic.html"),
          b"\xff\xd8\xff<html><body><script>alert(1)</script></body></html>\n")
    write(at("script.svg"), b'<?xml version="1.0" encoding="UTF-8"?>\n'
          b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
          b"<script>alert(1)</script></svg>\n")
    write(at("doctype.svg"), b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n"
          b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
          b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
          b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>\n')
    write(at("entity.svg"), b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n'
          b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>\n')
    write(at("html.html"), b"<!DOCTYPE html><html><body><svg></svg></body></html>\n")
    write(at("tiny.pdf"), TINY_PDF)
    Image.new("RGB", (320, 240), (10, 90, 160)).save(at("image.webp"), "WEBP", quality=80)
    # MPEG-1 layer III, 128 kbit/s, 44.1 kHz frame header after an ID3v2 tag.
    write(at("tiny.mp3"), b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" +
          b"\x00" * 413)
    tiny_wav(at("tiny.wav"))
    write(at("tiny.ogg"), b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1evorbis" + b"\x00" * 30)
    write(at("tiny.mp4"), struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isomiso2" +
          struct.pack(">I", 8) + b"free")
    write(at("tiny.m4a"), struct.pack(">I", 20) + b"ftypM4A \x00\x00\x00\x00M4A " +
          struct.pack(">I", 8) + b"free")
    write(at("tiny.webm"), b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81"
          b"\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02")


if __name__ == "__main__":
    main()
