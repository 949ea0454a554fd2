#!/usr/bin/env python3
"""Reference compiler for the shot language (spec sections 1, 2, 4, 5, 6).

A deliberately plain, independent implementation used (1) to generate the
examples' expected JSON and (2) as the Python baseline of the benchmark.
It prints what `shotc build FILE --keep-paths` prints: local image paths are
kept exactly as written.  Checks are minimal: undeclared mentions, duplicate
names, bad durations/aspects, >7 references and import cycles raise an error;
everything else is assumed valid.

Reads YAML scenes (PyYAML, libyaml-backed loader when available, with the
int/float/bool/timestamp implicit resolvers removed so `16:9` stays a string)
and `.shot` scenes (a small line-based reader). Imports are followed in both
directions; an imported file contributes its declarations only.

Usage: reference_compiler.py FILE [FILE...]
"""
import json
import os
import sys

import yaml

ENDPOINTS = {
    "standard": "fal-ai/kling-video/o1/standard/reference-to-video",
    "pro": "fal-ai/kling-video/o1/reference-to-video",
}
ELEMENT_KINDS = ("character", "prop")
IMAGE_KINDS = ("image", "style")
ASPECTS = ("16:9", "9:16", "1:1")


class CompileError(Exception):
    pass


# ---------------------------------------------------------------- YAML

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StringLoader(_Base):
    """Safe loader where every plain scalar except null stays a string."""


StringLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def load_yaml(path):
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=StringLoader) or {}
    scene = {"imports": [], "model": None, "duration": None, "aspect": None,
             "decls": [], "shots": []}
    imp = doc.get("import")
    if imp is not None:
        scene["imports"] = [imp] if isinstance(imp, str) else list(imp)
    for key in ("model", "duration", "aspect"):
        if doc.get(key) is not None:
            scene[key] = str(doc[key])
    for section, kind in (("characters", "character"), ("props", "prop"),
                          ("images", "image"), ("styles", "style")):
        for name, val in (doc.get(section) or {}).items():
            if kind in ELEMENT_KINDS:
                val = val or {}
                refs = val.get("refs") or []
                if isinstance(refs, str):
                    refs = [refs]
                scene["decls"].append((name, kind, (val.get("front"), list(refs))))
            else:
                scene["decls"].append((name, kind, val))
    for name, val in (doc.get("shots") or {}).items():
        val = val or {}
        prompt = val.get("prompt") or ""
        scene["shots"].append({
            "name": name,
            "duration": None if val.get("duration") is None else str(val["duration"]),
            "aspect": None if val.get("aspect") is None else str(val["aspect"]),
            "prose": prompt.strip(" \t\r\n"),
        })
    return scene


# ---------------------------------------------------------------- .shot

def _tokens(text):
    """Split a header/field line into values: blanks and commas separate,
    double quotes group (escapes \\" and \\\\), an unquoted '#' after a blank
    starts a comment."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t,":
            i += 1
        elif c == "#":
            break
        elif c == '"':
            i += 1
            buf = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            i += 1
            out.append("".join(buf))
        else:
            j = i
            while j < n and text[j] not in " \t,":
                j += 1
            out.append(text[i:j])
            i = j
    return out


def load_shot(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8")
    if data.startswith("\ufeff"):
        data = data[1:]
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in data.split("\n")]
    scene = {"imports": [], "model": None, "duration": None, "aspect": None,
             "decls": [], "shots": []}
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip(" ")
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] == " ":
            raise CompileError(f"{path}:{i}: unexpected indented line")
        keyword, _, rest = stripped.partition(" ")
        args = _tokens(rest)
        # the block: following lines indented deeper (blank lines included)
        body = []
        while i < n and (lines[i].strip(" ") == "" or lines[i].startswith(" ")):
            body.append(lines[i])
            i += 1
        while body and body[-1].strip(" ") == "":
            body.pop()
        body = [b for b in body if not b.strip(" ").startswith("#")]
        if keyword == "import":
            scene["imports"].extend(args)
        elif keyword in ("model", "duration", "aspect"):
            scene[keyword] = args[0]
        elif keyword in ELEMENT_KINDS:
            front, refs = None, []
            for b in body:
                field, _, val = b.strip(" ").partition(" ")
                if field == "front":
                    front = _tokens(val)[0]
                elif field == "refs":
                    refs.extend(_tokens(val))
            scene["decls"].append((args[0], keyword, (front, refs)))
        elif keyword in IMAGE_KINDS:
            scene["decls"].append((args[0], keyword, args[1]))
        elif keyword == "shot":
            duration = aspect = None
            for a in args[1:]:
                if ":" in a:
                    aspect = a
                else:
                    duration = a
            paragraphs, cur = [], []
            for b in body:
                s = b.strip(" \t")
                if s:
                    cur.append(s)
                elif cur:
                    paragraphs.append(" ".join(cur))
                    cur = []
            if cur:
                paragraphs.append(" ".join(cur))
            scene["shots"].append({"name": args[0], "duration": duration,
                                   "aspect": aspect,
                                   "prose": "\n\n".join(paragraphs)})
        else:
            raise CompileError(f"{path}:{i}: unknown keyword {keyword!r}")
    return scene


# ---------------------------------------------------------------- compile

def load(path, stack=()):
    path = os.path.normpath(path)
    if path in stack:
        raise CompileError(f"import cycle: {' -> '.join(stack + (path,))}")
    scene = load_shot(path) if path.endswith(".shot") else load_yaml(path)
    decls = {}
    for imp in scene["imports"]:
        sub = load(os.path.join(os.path.dirname(path), imp), stack + (path,))
        for name, d in sub["table"].items():
            if name in decls:
                raise CompileError(f"duplicate name {name!r}")
            decls[name] = d
    for name, kind, val in scene["decls"]:
        if name in decls:
            raise CompileError(f"duplicate name {name!r}")
        decls[name] = (kind, val)
    scene["table"] = decls
    return scene


def _is_word(c):
    return c.isalpha() or c.isdigit() or c == "_"


def resolve(prose, table):
    """Spec section 2: returns (prompt, elements, image_urls)."""
    out, elements, images = [], [], []
    numbers = {}
    i, n = 0, len(prose)
    while i < n:
        c = prose[i]
        if c != "@":
            out.append(c)
            i += 1
            continue
        if i + 1 < n and prose[i + 1] == "@":
            out.append("@")
            i += 2
            continue
        if i > 0 and (_is_word(prose[i - 1]) or prose[i - 1] == "@"):
            out.append("@")
            i += 1
            continue
        j = i + 1
        if j < n and prose[j].isalpha():
            j += 1
            while j < n and (_is_word(prose[j]) or prose[j] == "-"):
                j += 1
            while prose[j - 1] == "-":
                j -= 1
        name = prose[i + 1:j]
        if not name:
            out.append("@")
            i += 1
            continue
        if name not in table:
            raise CompileError(f"unknown reference '@{name}'")
        if name not in numbers:
            kind, val = table[name]
            if kind in ELEMENT_KINDS:
                elements.append({"frontal_image_url": val[0],
                                 "reference_image_urls": list(val[1])})
                numbers[name] = f"@Element{len(elements)}"
            else:
                images.append(val)
                numbers[name] = f"@Image{len(images)}"
        out.append(numbers[name])
        i = j
    if len(elements) + len(images) > 7:
        raise CompileError("more than 7 references in one shot")
    return "".join(out), elements, images


def compile_file(path):
    scene = load(path)
    model = scene["model"] or "standard"
    endpoint = ENDPOINTS[model]
    result = []
    for shot in scene["shots"]:
        duration = shot["duration"] or scene["duration"] or "5"
        if duration.endswith("s"):
            duration = duration[:-1]
        if not duration.isdigit() or not 3 <= int(duration) <= 10:
            raise CompileError(f"shot {shot['name']}: bad duration {duration!r}")
        aspect = shot["aspect"] or scene["aspect"] or "16:9"
        if aspect not in ASPECTS:
            raise CompileError(f"shot {shot['name']}: bad aspect {aspect!r}")
        prompt, elements, images = resolve(shot["prose"], scene["table"])
        body = {"prompt": prompt}
        if images:
            body["image_urls"] = images
        if elements:
            body["elements"] = elements
        body["duration"] = str(int(duration))
        body["aspect_ratio"] = aspect
        result.append({"shot": shot["name"], "endpoint": endpoint, "input": body})
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        for path in argv:
            sys.stdout.write(compile_file(path))
    except (CompileError, OSError, yaml.YAMLError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
