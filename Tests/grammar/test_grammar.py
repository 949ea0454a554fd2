"""Checks editors/vscode/syntaxes/shot.tmLanguage.json: every example tokenizes, and the scopes
at chosen places are the expected ones. Run: python3 Tests/grammar/test_grammar.py"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tmgrammar import Grammar, scope_at  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
grammar = Grammar(os.path.join(ROOT, "editors/vscode/syntaxes/shot.tmLanguage.json"))
passed = 0
failed = 0


def check(label, actual, expected):
    global passed, failed
    if actual == expected:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {label}: expected {expected!r}, got {actual!r}")


def find(lines, needle, occurrence=0):
    """0-based (line, column) of the `occurrence`-th `needle`."""
    seen = 0
    for number, line in enumerate(lines):
        start = 0
        while True:
            column = line.find(needle, start)
            if column < 0:
                break
            if seen == occurrence:
                return number, column
            seen += 1
            start = column + 1
    raise AssertionError(f"{needle!r} not found")


def scope_of(path, needle, offset=0, occurrence=0, text=None):
    if text is None:
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            text = handle.read()
    lines = text.split("\n")
    tokens = grammar.tokenize(text)
    line, column = find(lines, needle, occurrence)
    return scope_at(tokens, line, column + offset)


MENTION = re.compile(r"(?<![\w@])@([^\W\d][\w-]*)")
KEYWORD = re.compile(r"^(import|model|duration|aspect|character|prop|image|style|shot)\b")

# Every example tokenizes; every top-level keyword is a keyword and every mention a mention.
for path in sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.shot"), recursive=True)):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    tokens = grammar.tokenize(text)
    name = os.path.relpath(path, ROOT)
    for number, line in enumerate(text.split("\n")):
        if line.lstrip().startswith("#"):
            check(f"{name}:{number + 1} comment", scope_at(tokens, number, line.index("#")), "comment.line.number-sign.shot")
            continue
        keyword = KEYWORD.match(line)
        if keyword:
            check(f"{name}:{number + 1} keyword", (scope_at(tokens, number, 0) or "").split(".")[0] in ("keyword", "storage"), True)
        elif line.startswith("  ") and not re.match(r"^\s+(front|refs|note)\b", line):
            for found in MENTION.finditer(line):
                check(f"{name}:{number + 1}:{found.start() + 1} mention", scope_at(tokens, number, found.start() + 1), "variable.other.mention.shot")

# Chosen positions in the greenhouse example.
G = "examples/greenhouse/greenhouse.shot"
check("comment", scope_of(G, "# The Greenhouse"), "comment.line.number-sign.shot")
check("import keyword", scope_of(G, "import"), "keyword.control.import.shot")
check("import path", scope_of(G, '"cast.shot"', 1), "string.quoted.double.shot")
check("model keyword", scope_of(G, "model"), "keyword.other.setting.shot")
check("model value", scope_of(G, "standard"), "constant.language.model.shot")
check("setting duration", scope_of(G, "duration 5s", 9), "constant.numeric.duration.shot")
check("setting aspect", scope_of(G, "aspect 16:9", 7), "constant.numeric.aspect-ratio.shot")
check("character keyword", scope_of(G, "character mara"), "storage.type.declaration.shot")
check("character name", scope_of(G, "character mara", 10), "entity.name.type.reference.shot")
check("field key", scope_of(G, "front refs/mara-front.png", 0), "variable.other.property.field.shot")
check("path", scope_of(G, "refs/mara-front.png"), "string.unquoted.path.shot")
check("refs second path", scope_of(G, "refs/mara-back.png"), "string.unquoted.path.shot")
check("note text", scope_of(G, "A young explorer"), "string.unquoted.note.shot")
check("image name", scope_of(G, "image ruin", 6), "entity.name.type.reference.shot")
check("url", scope_of(G, "https://example.com"), "markup.underline.link.shot")
check("shot keyword", scope_of(G, "shot opening"), "keyword.other.shot.shot")
check("shot name", scope_of(G, "shot opening", 5), "entity.name.function.shot.shot")
check("shot duration", scope_of(G, "shot opening 5s", 13), "constant.numeric.duration.shot")
check("shot aspect", scope_of(G, "shot opening 5s 16:9", 16), "constant.numeric.aspect-ratio.shot")
check("mention @", scope_of(G, "@ruin"), "punctuation.definition.mention.shot")
check("mention name", scope_of(G, "@mara standing", 1), "variable.other.mention.shot")
check("prose is not a duration", scope_of(G, "180-degree"), "source.shot")
check("prose text", scope_of(G, "Take @ruin"), "source.shot")
check("cast quoted front", scope_of("examples/greenhouse/cast.shot", '"refs/glowing', 2), "string.quoted.double.shot")

SAMPLE = """shot a 3s 1:1  # trailing
  Mail me at mara@example.com, write @@ for an at, @mara-, and # is text here.
style s https://x.y/a.png # comment
"""
check("@@ escape", scope_of(None, "@@", text=SAMPLE), "constant.character.escape.at.shot")
check("email is not a mention", scope_of(None, "@example", text=SAMPLE), "source.shot")
check("mention without trailing hyphen", scope_of(None, "@mara-", 5, text=SAMPLE), "source.shot")
check("'#' in prose is text", scope_of(None, "# is text", text=SAMPLE), "source.shot")
check("header trailing comment", scope_of(None, "# trailing", text=SAMPLE), "comment.line.number-sign.shot")
check("trailing comment after url", scope_of(None, "# comment", text=SAMPLE), "comment.line.number-sign.shot")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
