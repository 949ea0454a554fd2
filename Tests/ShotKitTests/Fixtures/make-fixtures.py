#!/usr/bin/env python3
"""Writes the diagnostic fixtures: one folder per code, holding the scene (scene.shot or
scene.yaml) and whatever files it needs. Expected outputs (expected.txt) are written by the
tests with SHOTC_UPDATE_GOLDEN=1 and then read by a person before they are committed.

Run from anywhere: python3 Tests/ShotKitTests/Fixtures/make-fixtures.py"""
import os, struct, zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "diagnostics")


def png(width, height, rgb=(90, 140, 200)):
    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def gif(width, height):
    # A one-colour GIF: header, logical screen, a 2-entry palette, an image, trailer.
    data = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x10\x20\x30\x00\x00\x00"
    data += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
    data += b"\x02\x02\x44\x01\x00\x3b"
    return data


def write(code, name, content):
    path = os.path.join(ROOT, code, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode) as f:
        f.write(content)


OK = png(400, 400)
CAST = """character mara
  front refs/mara.png
  refs  refs/mara.png
"""


def scene(code, text, images=("refs/mara.png",), name="scene.shot"):
    write(code, name, text)
    for image in images:
        write(code, image, OK)


# Syntax of .shot
write("E0001", "scene.shot", b"character mara\n  front refs/mara.png\n  refs  refs/mara.png\n  note  caf\xe9 at dawn\n\nshot a\n  @mara waits.\n")
write("E0001", "refs/mara.png", OK)
scene("E0002", "character mara\n\tfront refs/mara.png\n  refs refs/mara.png\n\nshot a\n  @mara waits.\n")
scene("E0003", 'character mara\n  front "refs/mara.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n')
scene("E0004", 'character mara\n  front "refs\\mara.png"\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n')
scene("E0005", CAST + "\nshot a 5s 16:9 slowly\n  @mara waits.\n")
scene("E0006", "charcter mara\n  front refs/mara.png\n  refs  refs/mara.png\n\nshot a\n  A quiet room.\n")
scene("E0007", "character mara\n  frnt refs/mara.png\n  refs refs/mara.png\n\nshot a\n  @mara waits.\n")
# In YAML too: the misspelt field is reported once, not again as "no front image".
scene("E0007", "characters:\n  mara:\n    fornt: refs/mara.png\n    refs: [refs/mara.png]\nshots:\n  a:\n    prompt: \"@mara waits.\"\n",
      images=("yaml/refs/mara.png",), name="yaml/scene.yaml")
# A misspelt prompt in a YAML shot: once, not again as a shot without prose.
scene("E0007", "shots:\n  a:\n    promt: \"A quiet harbour at dusk.\"\n", name="yaml-shot/scene.yaml")
scene("E0008", "image room refs/mara.png\n  note a room\n\nshot a\n  @room at night.\n")
scene("E0009", "character mara\n  front refs/mara.png\n  refs  refs/mara.png\n  front refs/mara.png\n\nshot a\n  @mara waits.\n")
scene("E0010", "character mara-\n  front refs/mara.png\n  refs  refs/mara.png\n\nshot a\n  A quiet room.\n")
scene("E0011", "character mara\n  front refs/mara.png\n  refs  refs/mara.png\n\nshot a\n  @mara wa\x00its by the \u200bdoor.\n")
# Syntax of YAML
write("E0020", "scene.yaml", "shots:\n  a:\n    prompt: [unclosed\n")
write("E0026", "scene.yaml", "shots:\n  a:\n    prompt: @luz waves at the camera.\n")
write("E0027", "scene.yaml", "shots:\n  a:\n    prompt: The sign on the door reads: closed.\n")
write("E0028", "scene.yaml", "shots:\n  opening:\n    duration: 5\n  prompt: A quiet room.\n")
write("E0021", "scene.yaml", "characters:\n  mara:\n    front: refs/mara.png\n    refs: [refs/mara.png]\n  mara:\n    front: refs/mara.png\n    refs: [refs/mara.png]\nshots:\n  a: { prompt: \"@mara waits.\" }\n")
write("E0021", "refs/mara.png", OK)
write("E0022", "scene.yaml", "characters: [mara, tom]\nshots:\n  a:\n    prompt: A quiet room.\n")
write("E0023", "scene.yaml", "shots:\n  a:\n    prompt: A quiet room.\n---\nshots:\n  b:\n    prompt: Another room.\n")
scene("E0024", CAST + "image room\n\nshot a\n  @mara waits.\n")
laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
for i in range(1, 9):
    laughs += f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
laughs += "shots:\n  a:\n    prompt: *a8\n"
write("E0025", "scene.yaml", laughs)
# Names and mentions
write("E0101", "scenes/greenhouse.shot", """# The Greenhouse
import "cast.shot"
character mara
  front ../refs/mara.png
  refs  ../refs/mara.png

style ghibli https://example.com/styles/ghibli.png
image ruin ../refs/mara.png

shot opening 5s 16:9
  Take @ruin as the start frame. Start with a high-angle satellite view of the
  ancient greenhouse ruin in the style of @ghibli. The camera swoops down
  toward the broken glass roof, and a drone
  flies inside, revealing @mra standing in the sun-drenched center.
""")
write("E0101", "scenes/cast.shot", "# Nothing here yet.\n")
write("E0101", "refs/mara.png", OK)
scene("E0102", CAST + "\nimage mara refs/mara.png\n\nshot a\n  @mara waits.\n")
scene("E0103", CAST + "\nshot a\n  @Element1 waits by the door, then @mara sits.\n")
scene("E0104", "character element2\n  front refs/mara.png\n  refs  refs/mara.png\n\nshot a\n  A quiet room.\n")
scene("E0105", CAST + "\nshot opening\n  @mara waits.\n\nshot ending\n  @mara leaves.\n")
write("E0105", "select.txt", "openning\n")
# Values
scene("E0201", CAST + "\nshot a 12s\n  @mara waits.\n")
scene("E0202", CAST + "\nshot a 5s 4:3\n  @mara waits.\n")
scene("E0203", "model por\n\n" + CAST + "\nshot a\n  @mara waits.\n")
many = "".join(f"image i{n} refs/mara.png\n" for n in range(1, 9))
scene("E0204", many + "\nshot crowded\n  " + " ".join(f"@i{n}" for n in range(1, 9)) + " all at once.\n")
scene("E0205", CAST + "\nshot a 5s\n\nshot b\n  @mara waits.\n")
scene("E0206", "character mara\n  refs refs/mara.png\n\nshot a\n  @mara waits.\n")
scene("E0207", "prop lamp\n  front refs/mara.png\n  refs refs/mara.png refs/mara.png refs/mara.png refs/mara.png\n\nshot a\n  The @lamp flickers.\n")
scene("E0208", CAST + "style noir ftp://example.com/noir.png\n\nshot a\n  @mara waits, @noir light.\n")
# Images
scene("E0301", "character mara\n  front refs/mara.pgn\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
scene("E0302", "character mara\n  front refs/folder.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("E0302", "refs/folder.png/.keep", "")
scene("E0303", "character mara\n  front refs/notes.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("E0303", "refs/notes.png", "Mara: red coat, short hair.\n")
scene("E0304", "character mara\n  front refs/huge.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("E0304", "refs/huge.png.synthetic", "png 4000 4000 11534336\n")
scene("E0305", "character mara\n  front refs/tiny.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("E0305", "refs/tiny.png", png(200, 200))
scene("E0306", "character mara\n  front refs/banner.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("E0306", "refs/banner.png", png(1000, 300))
scene("E0307", "character mara\n  front refs/cut.png\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("E0307", "refs/cut.png", png(400, 400)[:20])
# Files and imports
write("E0401", "scene.shot", 'import "a.shot"\n\nshot a\n  A quiet room.\n')
write("E0401", "a.shot", 'import "b.shot"\n')
write("E0401", "b.shot", 'import "a.shot"\n')
# The import's name is misspelt: one error with a did-you-mean and a count of the mentions
# left unresolved, not one E0101 per mention.
write("E0402", "scene.shot", 'import "cast/mara.shto"\n\nshot a\n  @mara waits by the window.\n\nshot b\n  @mara and @stone leave.\n')
write("E0402", "cast/mara.shot", CAST)
# Warnings
scene("W0001", CAST + "image attic refs/mara.png\n\nshot a\n  @mara waits.\n")
write("W0002", "scene.yaml", "characters:\n  mara:\n    front: refs/mara.png\n    refs: [refs/mara.png]\n    nte: red coat\nshots:\n  a:\n    prompt: \"@mara waits.\"\n")
write("W0002", "refs/mara.png", OK)
long_line = "  " + " ".join(["@mara walks slowly through the long corridor of the old house."] * 42) + "\n"
scene("W0003", CAST + "\nshot long\n" + long_line)
scene("W0004", "character mara\n  front refs/mara.gif\n  refs  refs/mara.png\n\nshot a\n  @mara waits.\n")
write("W0004", "refs/mara.gif", gif(400, 400))
scene("W0005", "character mara\n  front refs/mara.png\n  refs  refs/small.png\n\nshot a\n  @mara waits.\n")
write("W0005", "refs/small.png", png(200, 200))
write("W0006", "scene.shot", 'import "cast.shot"\n\nshot a\n  @mara waits.\n')
write("W0006", "cast.shot", "duration 8s\n\n" + CAST)
write("W0006", "refs/mara.png", OK)
# Rendering: fal's 422 reply for the first shot, pointed back at the scene.
scene("E0501", CAST + "\nshot a 5s\n  @mara waits by the window.\n")
write("E0501", "rejection.json", '[{"loc": ["body", "elements", "0", "frontal_image_url"], "msg": "Image too small: 200x200, minimum is 300x300", "type": "image_too_small"}, {"loc": ["body", "duration"], "msg": "Input should be \'5\' or \'10\'", "type": "literal_error"}]\n')
