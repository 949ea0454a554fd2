#!/usr/bin/env python3
"""Generates a large benchmark scene in both syntaxes with identical meaning.

    generate.py [N_SHOTS] [N_DECLS] [OUTDIR]      (defaults: 5000 120 bench/out)

Writes OUTDIR/big.shot, OUTDIR/big.yaml, OUTDIR/one-shot.shot and a handful
of small real PNGs in OUTDIR/refs/ (all >= 300x300). Half of the declarations
are characters/props (front + 1-3 refs), half images/styles (local PNGs or
https URLs). Each shot has 1-2 paragraphs, 2-4 sentences in all, mentioning
2-6 distinct references (some more than once); durations and aspects vary and
are sometimes left to the scene defaults. Occasional `@@handle` literals and
plain e-mail addresses exercise the mention rule. Every declaration is
mentioned by some shot. Deterministic: a fixed seed, the same bytes each run.
"""
import json
import os
import random
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tinypng  # noqa: E402

FIRST = ["mara", "tomas", "ines", "kofi", "nadia", "yuki", "omar", "lena", "ravi", "sofia",
         "aiko", "bruno", "chen", "dara", "emil", "farah", "gus", "hana", "ivo", "jun"]
THINGS = ["stone", "lantern", "bottle", "compass", "violin", "kite", "map", "key", "cup", "bike"]
PLACES = ["ruin", "harbor", "kitchen", "forest", "rooftop", "desert", "station", "library",
          "market", "bridge", "canyon", "garden"]
LOOKS = ["ghibli", "noir", "pastel", "sepia", "neon", "matte", "dusk", "chrome"]

VERBS = ["walks toward", "turns away from", "glances at", "reaches for", "circles around",
         "waits beside", "runs past", "laughs with", "stares at", "kneels next to"]
CAMERA = ["The camera pushes in slowly.", "Handheld, slightly shaky.",
          "A slow dolly left reveals the room.", "Static wide shot, eye level.",
          "The camera cranes up and over.", "Shallow depth of field, soft background."]
LIGHT = ["Golden-hour light", "Cold moonlight", "Flickering neon", "Soft overcast light",
         "Hard noon sun", "Candlelight"]


def make_pngs(refdir):
    os.makedirs(refdir, exist_ok=True)
    specs = [
        ("portrait-a.png", 512, 512, (200, 180, 60), (40, 60, 120), [("circle", 256, 180, 80, (230, 190, 160))]),
        ("portrait-b.png", 400, 600, (90, 120, 160), (20, 30, 60), [("circle", 200, 200, 70, (200, 150, 120))]),
        ("side-a.png", 400, 560, (60, 50, 45), (25, 20, 20), [("rect", 140, 200, 260, 520, (150, 40, 50))]),
        ("object-a.png", 512, 384, (20, 20, 40), (10, 10, 20), [("circle", 256, 192, 120, (90, 220, 255))]),
        ("place-a.png", 640, 360, (170, 210, 230), (60, 110, 60), [("rect", 120, 90, 520, 330, (200, 230, 220))]),
        ("look-a.png", 640, 360, (250, 170, 110), (30, 60, 100), [("rect", 0, 250, 640, 360, (20, 50, 90))]),
    ]
    for name, w, h, top, bottom, shapes in specs:
        tinypng.write(os.path.join(refdir, name), w, h, top, bottom, shapes)
    return ["refs/" + s[0] for s in specs]


def quote(v):
    """A .shot image value: quoted if it has blanks, '#', ',' or '"'."""
    if any(c in v for c in ' \t#,"'):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return v


def generate(n_shots, n_decls, outdir):
    rng = random.Random(20240611)
    pngs = make_pngs(os.path.join(outdir, "refs"))

    # ---- declarations: (name, kind, value)
    decls = []
    n_el = n_decls // 2
    for i in range(n_el):
        kind = "character" if i % 3 != 2 else "prop"
        base = FIRST[i % len(FIRST)] if kind == "character" else THINGS[i % len(THINGS)]
        name = f"{base}_{i}" if kind == "character" else f"{base}-{i}"
        front = rng.choice(pngs[:3]) if rng.random() < 0.85 else f"https://example.com/cast/{name}/front.png"
        refs = [rng.choice(pngs) for _ in range(rng.randint(1, 3))]
        note = f"{name.split('_')[0].split('-')[0].capitalize()}, reference set {i}; keep the face consistent."
        decls.append((name, kind, (front, refs, note)))
    for i in range(n_decls - n_el):
        kind = "image" if i % 2 == 0 else "style"
        name = f"{PLACES[i % len(PLACES)]}{i}" if kind == "image" else f"{LOOKS[i % len(LOOKS)]}-look{i}"
        val = rng.choice(pngs[3:]) if rng.random() < 0.6 else f"https://example.com/{kind}s/{name}.png"
        decls.append((name, kind, val))
    names = [d[0] for d in decls]

    # ---- shots: (name, duration-or-None, aspect-or-None, prose)
    shots = []
    for s in range(n_shots):
        k = rng.randint(2, 6)
        chosen = rng.sample(names, k)
        if s < len(names) and names[s] not in chosen:
            chosen[0] = names[s]
        mentions = chosen + [rng.choice(chosen) for _ in range(rng.randint(0, 2))]
        rng.shuffle(mentions)
        n_sent = rng.randint(2, 4)
        sentences = []
        mi = 0
        for j in range(n_sent):
            take = (len(mentions) - mi) // (n_sent - j)
            part = mentions[mi:mi + take]
            mi += take
            if len(part) >= 2:
                sent = f"@{part[0]} {rng.choice(VERBS)} @{part[1]}"
                for m in part[2:]:
                    sent += f", with @{m} in the frame"
                sent += "."
            elif len(part) == 1:
                sent = f"{rng.choice(LIGHT)} falls on @{part[0]}. {rng.choice(CAMERA)}"
            else:
                sent = rng.choice(CAMERA)
            sentences.append(sent)
        r = rng.random()
        if r < 0.03:
            sentences.append(f"A sign reads @@studio_{s} and mail{s}@example.com.")
        elif r < 0.06:
            sentences.append(f"She types to crew{s}@example.com, signed @@{rng.choice(FIRST)}.")
        if n_sent >= 3 and rng.random() < 0.3:
            cut = rng.randint(1, len(sentences) - 1)
            prose = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        else:
            prose = " ".join(sentences)
        duration = rng.choice([None, None, 3, 4, 5, 6, 7, 8, 9, 10])
        aspect = rng.choice([None, None, "16:9", "16:9", "9:16", "1:1"])
        shots.append((f"shot_{s:05d}", duration, aspect, prose))

    # ---- .shot
    out = ["# Generated benchmark scene (bench/generate.py). Same meaning as big.yaml.",
           "model standard", "duration 5s", "aspect 16:9", ""]
    for name, kind, val in decls:
        if kind in ("character", "prop"):
            front, refs, note = val
            out.append(f"{kind} {name}")
            out.append(f"  front {quote(front)}")
            out.append("  refs  " + ", ".join(quote(r) for r in refs))
            out.append(f"  note  {note}")
        else:
            out.append(f"{kind} {name} {quote(val)}")
    out.append("")
    for name, duration, aspect, prose in shots:
        head = f"shot {name}"
        if duration is not None:
            head += f" {duration}s"
        if aspect is not None:
            head += f" {aspect}"
        out.append(head)
        paras = prose.split("\n\n")
        for pi, p in enumerate(paras):
            if pi:
                out.append("")
            out.extend("  " + ln for ln in textwrap.wrap(p, 76, break_on_hyphens=False))
        out.append("")
    with open(os.path.join(outdir, "big.shot"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))

    # ---- YAML
    y = ["# Generated benchmark scene (bench/generate.py). Same meaning as big.shot.",
         "model: standard", "duration: 5s", "aspect: 16:9"]
    for section, kinds in (("characters", ("character",)), ("props", ("prop",)),
                           ("images", ("image",)), ("styles", ("style",))):
        y.append(f"{section}:")
        for name, kind, val in decls:
            if kind not in kinds:
                continue
            if kind in ("character", "prop"):
                front, refs, note = val
                if len(y) % 2:
                    y.append(f"  {name}: {{front: {json.dumps(front)}, refs: [{', '.join(json.dumps(r) for r in refs)}], note: {json.dumps(note)}}}")
                else:
                    y += [f"  {name}:", f"    front: {front}", "    refs:"]
                    y += [f"      - {r}" for r in refs]
                    y.append(f"    note: {note}")
            else:
                y.append(f"  {name}: {val}")
    y.append("shots:")
    for i, (name, duration, aspect, prose) in enumerate(shots):
        y.append(f"  {name}:")
        if duration is not None:
            y.append(f"    duration: {duration}s" if i % 2 else f"    duration: {duration}")
        if aspect is not None:
            y.append(f"    aspect: {aspect}")
        if i % 4 == 3:
            y.append("    prompt: " + json.dumps(prose, ensure_ascii=False))
        else:
            y.append("    prompt: >")
            for pi, p in enumerate(prose.split("\n\n")):
                if pi:
                    y += ["", ""]
                y.extend("      " + ln for ln in textwrap.wrap(p, 76, break_on_hyphens=False))
    with open(os.path.join(outdir, "big.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(y) + "\n")

    # ---- a one-shot file (start-up time)
    with open(os.path.join(outdir, "one-shot.shot"), "w", encoding="utf-8") as f:
        f.write(f"character mara\n  front {pngs[0]}\n  refs  {pngs[2]}\n\n"
                f"image ruin {pngs[4]}\n\n"
                "shot opening 5s 16:9\n  @mara stands in @ruin as the light fades.\n")


def main(argv):
    n_shots = int(argv[0]) if len(argv) > 0 else 5000
    n_decls = int(argv[1]) if len(argv) > 1 else 120
    outdir = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
    os.makedirs(outdir, exist_ok=True)
    generate(n_shots, n_decls, outdir)
    for f in ("big.shot", "big.yaml", "one-shot.shot"):
        p = os.path.join(outdir, f)
        print(f"{p}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
