"""Small real PNG files with zlib + struct only (no PIL).

draw(width, height, bg_top, bg_bottom, shapes) renders an RGB image: a vertical
gradient background plus filled circles/rectangles, then encodes it with one
filter byte per row. Flat colours and identical rows compress to a few KB.
"""
import struct
import zlib


def _chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode(width, height, rows):
    """rows: list of bytes objects, each width*3 RGB bytes."""
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def draw(width, height, top, bottom, shapes=(), bands=16):
    """shapes: ("circle", cx, cy, r, rgb) or ("rect", x0, y0, x1, y1, rgb).
    The gradient is quantised into `bands` steps to keep files small."""
    rows = []
    for y in range(height):
        t = min(bands - 1, y * bands // height) / (bands - 1)
        bg = bytes(int(a + (b - a) * t) for a, b in zip(top, bottom))
        row = bytearray(bg * width)
        for s in shapes:
            if s[0] == "circle":
                _, cx, cy, r, rgb = s
                dy = y - cy
                if dy * dy <= r * r:
                    half = int((r * r - dy * dy) ** 0.5)
                    x0, x1 = max(0, cx - half), min(width, cx + half + 1)
                    row[x0 * 3:x1 * 3] = bytes(rgb) * (x1 - x0)
            elif s[0] == "rect":
                _, x0, y0, x1, y1, rgb = s
                if y0 <= y < y1:
                    x0, x1 = max(0, x0), min(width, x1)
                    row[x0 * 3:x1 * 3] = bytes(rgb) * (x1 - x0)
        rows.append(bytes(row))
    return encode(width, height, rows)


def write(path, width, height, top, bottom, shapes=()):
    data = draw(width, height, top, bottom, shapes)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)
