#!/usr/bin/env python3
"""PNG checks for tests/fb.bats: decode vmm's framebuffer snapshots strictly
(chunk CRCs, zlib's Adler-32, every field) with the standard library, and
with Pillow as well when it is installed; compare them with the picture
guests/fbdemo64.S draws, redrawn here.

  fbpng.py size FILE              "W H"
  fbpng.py pixel FILE X Y         "rrggbb"
  fbpng.py same FILE FILE...      the same pixels in all
  fbpng.py demo FILE              FILE is fbdemo64's picture, pixel for pixel
  fbpng.py demo-stores W H        the number of MMIO stores fbdemo64 makes
"""
import os
import re
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_SOURCE = os.path.join(HERE, "..", "guests", "fbdemo64.S")


def fail(msg):
    sys.exit("fbpng: " + msg)


def chunks(data):
    """(type, body) for each chunk, CRC-checked."""
    pos = 8
    while pos < len(data):
        if pos + 12 > len(data):
            fail("truncated chunk at %d" % pos)
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if len(body) != length or zlib.crc32(kind + body) != crc:
            fail("bad CRC or length in %s chunk at %d" % (kind, pos))
        yield kind, body
        pos += 12 + length


def decode(path):
    """(width, height, rows of bytes (R, G, B, ...)) of an 8-bit RGB PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s: not a PNG" % path)
    found = list(chunks(data))
    kinds = [k for k, _ in found]
    if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or found[-1][1] != b"":
        fail("%s: chunk order %s" % (path, kinds))
    w, h, depth, colour, comp, filt, lace = struct.unpack(">IIBBBBB", found[0][1])
    if (depth, colour, comp, filt, lace) != (8, 2, 0, 0, 0):
        fail("%s: IHDR %s" % (path, (depth, colour, comp, filt, lace)))
    z = zlib.decompressobj()  # checks the Adler-32 at the end
    raw = z.decompress(b"".join(b for k, b in found if k == b"IDAT"))
    if not z.eof or z.unused_data or len(raw) != h * (1 + 3 * w):
        fail("%s: image data of %d bytes for %dx%d" % (path, len(raw), w, h))
    rows = [raw[y * (1 + 3 * w):(y + 1) * (1 + 3 * w)] for y in range(h)]
    if any(r[0] != 0 for r in rows):
        fail("%s: filter type other than 0" % path)
    rows = [r[1:] for r in rows]
    check_pillow(path, w, h, rows)
    return w, h, rows


def check_pillow(path, w, h, rows):
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        if im.size != (w, h) or im.convert("RGB").tobytes() != b"".join(rows):
            fail("%s: Pillow reads other pixels" % path)


def glyphs():
    """The font, from the guest's own source: {char: 8 row bytes}."""
    font = {}
    for m in re.finditer(r"^\s*glyph '(.)', (.*)$", open(DEMO_SOURCE).read(), re.M):
        font[m.group(1)] = [int(v, 0) for v in m.group(2).split(",")]
    return font


class Canvas:
    """Draws as fbdemo64 does, counting its stores."""

    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = [[0] * w for _ in range(h)]
        self.stores = 0

    def rect(self, x, y, w, h, colour):
        for row in range(y, y + h):
            self.px[row][x:x + w] = [colour] * w
        self.stores += h * (w // 2 + w % 2)  # rep stosq, then stosl if odd

    def text(self, x, y, s, colour, font):
        for i, ch in enumerate(s):
            for r, bits in enumerate(font[ch]):
                for c in range(8):
                    if bits & (0x80 >> c):
                        self.px[y + r][x + 8 * i + c] = colour
                        self.stores += 1

    def gradient(self, y, step):
        for row in range(y, y + 8):
            self.px[row][32:32 + 256] = [i * step for i in range(256)]
            self.stores += 256

    def rgb_rows(self):
        return [bytes(b for c in row for b in (c >> 16 & 255, c >> 8 & 255, c & 255))
                for row in self.px]


def demo(w, h):
    font, white, c = glyphs(), 0xffffff, Canvas(w, h)
    c.rect(0, 0, 320, 1, white)
    c.rect(0, 199, 320, 1, white)
    c.rect(0, 1, 1, 198, white)
    c.rect(319, 1, 1, 198, white)
    c.text(16, 12, "VMM FRAMEBUFFER", white, font)
    c.text(16, 24, "%dX%d XRGB8888" % (w, h), 0xffff00, font)
    for y, step in ((40, 0x10000), (52, 0x100), (64, 1), (76, 0x10101)):
        c.gradient(y, step)
    for x, colour in ((32, 0xff4040), (104, 0x40c040), (176, 0x4080ff), (248, 0xffc020)):
        c.rect(x, 96, 40, 40, colour)
    c.text(16, 152, "0123456789 ABEFGMRUVX", white, font)
    return c


def compare(path, want):
    w, h, rows = decode(path)
    if (w, h) != (want.w, want.h):
        fail("%s is %dx%d, expected %dx%d" % (path, w, h, want.w, want.h))
    bad = [(x, y) for y, (got, exp) in enumerate(zip(rows, want.rgb_rows())) if got != exp
           for x in range(w) if got[3 * x:3 * x + 3] != exp[3 * x:3 * x + 3]]
    if bad:
        x, y = bad[0]
        fail("%s: %d pixels differ, first at (%d, %d): %s, expected %s" % (
            path, len(bad), x, y, rows[y][3 * x:3 * x + 3].hex(),
            want.rgb_rows()[y][3 * x:3 * x + 3].hex()))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "size":
        w, h, _ = decode(args[0])
        print(w, h)
    elif cmd == "pixel":
        w, h, rows = decode(args[0])
        x, y = int(args[1]), int(args[2])
        print(rows[y][3 * x:3 * x + 3].hex())
    elif cmd == "same":
        first = decode(args[0])
        for other in args[1:]:
            if decode(other) != first:
                fail("%s and %s differ" % (args[0], other))
    elif cmd == "demo":
        w, h, _ = decode(args[0])
        compare(args[0], demo(w, h))
    elif cmd == "demo-stores":
        print(demo(int(args[0]), int(args[1])).stores)
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
