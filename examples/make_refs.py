#!/usr/bin/env python3
"""Writes the examples' reference images (small real PNGs, >= 300x300,
aspect 0.40-2.50) with bench/tinypng.py. Re-running gives the same bytes.

    python3 examples/make_refs.py
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import tinypng  # noqa: E402

SKIN, DARK, YELLOW = (224, 180, 150), (30, 30, 36), (240, 200, 40)


def figure(w, h, coat, offset=0):
    """A head and a body: a character seen from some side."""
    cx = w // 2 + offset
    return [("circle", cx, h // 3, min(w, h) // 9, SKIN),
            ("rect", cx - w // 7, h // 3 + min(w, h) // 9, cx + w // 7, h - h // 12, coat)]


IMAGES = {
    # greenhouse
    "greenhouse/refs/mara-front.png": (512, 512, (120, 170, 110), (40, 70, 50), figure(512, 512, YELLOW)),
    "greenhouse/refs/mara-side.png": (400, 600, (120, 170, 110), (40, 70, 50), figure(400, 600, YELLOW, 30)),
    "greenhouse/refs/mara-back.png": (400, 600, (120, 170, 110), (40, 70, 50), figure(400, 600, (200, 160, 30))),
    "greenhouse/refs/glowing stone.png": (512, 512, (20, 20, 40), (10, 10, 20),
                                          [("circle", 256, 256, 150, (90, 220, 255)), ("circle", 256, 256, 80, (220, 250, 255))]),
    "greenhouse/refs/stone-side.png": (512, 384, (20, 20, 40), (10, 10, 20), [("circle", 256, 192, 120, (90, 220, 255))]),
    "greenhouse/refs/greenhouse.png": (640, 360, (170, 210, 230), (60, 110, 60),
                                       [("rect", 120, 90, 520, 330, (200, 230, 220)), ("rect", 300, 150, 340, 330, (80, 120, 90))]),
    # dialogue
    "dialogue/refs/ana-front.png": (512, 512, (60, 50, 45), (25, 20, 20), figure(512, 512, (150, 40, 50))),
    "dialogue/refs/ana-profile.png": (400, 560, (60, 50, 45), (25, 20, 20), figure(400, 560, (150, 40, 50), 40)),
    "dialogue/refs/ana-hands.png": (560, 400, (60, 50, 45), (25, 20, 20), [("rect", 140, 180, 420, 260, SKIN)]),
    "dialogue/refs/tomas-front.png": (512, 512, (60, 50, 45), (25, 20, 20), figure(512, 512, (50, 70, 120))),
    "dialogue/refs/tomas-side.png": (400, 560, (60, 50, 45), (25, 20, 20), figure(400, 560, (50, 70, 120), -40)),
    "dialogue/refs/kitchen-night.png": (640, 360, (30, 30, 50), (70, 55, 40),
                                        [("rect", 40, 40, 200, 160, (20, 30, 70)), ("circle", 420, 60, 30, (255, 210, 140)),
                                         ("rect", 220, 230, 600, 250, (110, 80, 50))]),
    # product
    "product/refs/bottle-front.png": (360, 640, (245, 240, 235), (210, 205, 200),
                                      [("rect", 110, 220, 250, 560, (200, 150, 170)), ("rect", 150, 150, 210, 220, (40, 40, 40))]),
    "product/refs/bottle-side.png": (360, 640, (245, 240, 235), (210, 205, 200),
                                     [("rect", 140, 220, 220, 560, (200, 150, 170)), ("rect", 160, 150, 200, 220, (40, 40, 40))]),
    "product/refs/bottle-cap.png": (512, 512, (245, 240, 235), (210, 205, 200), [("circle", 256, 256, 140, (40, 40, 40))]),
    "product/refs/box-front.png": (512, 512, (245, 240, 235), (210, 205, 200), [("rect", 120, 80, 392, 460, (30, 40, 60))]),
    "product/refs/box-open.png": (640, 480, (245, 240, 235), (210, 205, 200),
                                  [("rect", 150, 200, 490, 440, (30, 40, 60)), ("rect", 170, 220, 470, 260, (230, 220, 200))]),
    "product/refs/marble-pedestal.png": (512, 512, (235, 235, 240), (180, 180, 190),
                                         [("rect", 156, 260, 356, 500, (250, 250, 250)), ("rect", 136, 240, 376, 270, (225, 225, 230))]),
    "product/refs/studio-light.png": (640, 360, (250, 245, 230), (120, 110, 100), [("circle", 320, 100, 70, (255, 255, 240))]),
    # sequence
    "sequence/refs/ines-front.png": (512, 512, (80, 100, 140), (30, 40, 70), figure(512, 512, (200, 90, 40))),
    "sequence/refs/ines-side.png": (400, 600, (80, 100, 140), (30, 40, 70), figure(400, 600, (200, 90, 40), 30)),
    "sequence/refs/kofi-front.png": (512, 512, (80, 100, 140), (30, 40, 70), figure(512, 512, (60, 140, 80))),
    "sequence/refs/kofi-back.png": (400, 600, (80, 100, 140), (30, 40, 70), figure(400, 600, (40, 110, 60))),
    "sequence/refs/nadia-front.png": (512, 512, (80, 100, 140), (30, 40, 70), figure(512, 512, (120, 60, 140))),
    "sequence/refs/nadia-side.png": (400, 600, (80, 100, 140), (30, 40, 70), figure(400, 600, (120, 60, 140), -30)),
    "sequence/refs/lantern-front.png": (384, 512, (20, 25, 35), (10, 10, 15),
                                        [("rect", 142, 160, 242, 400, (90, 70, 40)), ("circle", 192, 280, 40, (255, 190, 80))]),
    "sequence/refs/lantern-lit.png": (384, 512, (20, 25, 35), (10, 10, 15), [("circle", 192, 280, 110, (255, 190, 80))]),
    "sequence/refs/harbor.png": (640, 360, (250, 170, 110), (30, 60, 100),
                                 [("rect", 0, 250, 640, 360, (20, 50, 90)), ("rect", 80, 150, 200, 250, (60, 50, 50)),
                                  ("rect", 400, 120, 560, 250, (70, 60, 60))]),
}


def main():
    for rel, (w, h, top, bottom, shapes) in IMAGES.items():
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        size = tinypng.write(path, w, h, top, bottom, shapes)
        assert 300 <= min(w, h) and 0.40 <= w / h <= 2.50 and size < 20000, rel
        print(f"{rel}: {w}x{h}, {size} bytes")


if __name__ == "__main__":
    main()
