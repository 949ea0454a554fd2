"""A small interpreter of TextMate grammars (match, begin/end, captures, include, contentName)
on Python's `re`, close enough to Oniguruma for the subset editors/vscode's grammar keeps to
(no \\p{...}, no \\G, no possessive quantifiers, no backreferences in end patterns)."""
import json
import re


class Grammar:
    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self.raw = json.load(handle)
        self.repository = self.raw.get("repository", {})
        self.cache = {}

    def regex(self, source):
        if source not in self.cache:
            self.cache[source] = re.compile(source)
        return self.cache[source]

    def expand(self, patterns, seen=None):
        """The rules of `patterns`, includes resolved, in order."""
        seen = set() if seen is None else seen
        out = []
        for rule in patterns:
            if "include" in rule:
                ref = rule["include"]
                if ref == "$self":
                    target = {"patterns": self.raw["patterns"]}
                elif ref.startswith("#"):
                    target = self.repository[ref[1:]]
                else:
                    raise ValueError("unsupported include " + ref)
                if id(target) in seen:
                    continue
                seen.add(id(target))
                out += self.expand([target], seen)
            elif "match" in rule or "begin" in rule:
                out.append(rule)
            elif "patterns" in rule:
                out += self.expand(rule["patterns"], seen)
        return out

    def tokenize(self, text):
        """Scopes of every character: a list (per line) of lists (per character) of scope lists."""
        stack = [({"patterns": self.raw["patterns"]}, None, [self.raw["scopeName"]])]
        result = []
        for line in text.split("\n"):
            line = line.rstrip("\r")
            scopes = [None] * len(line)
            position = 0
            guard = 0
            while True:
                guard += 1
                if guard > 10000:
                    raise RuntimeError("grammar does not progress on: " + line)
                rule, end, base = stack[-1]
                best = None  # (start, order, kind, match, rule)
                if end is not None:
                    found = end.search(line, position)
                    if found:
                        best = (found.start(), -1, "end", found, rule)
                for order, candidate in enumerate(self.expand(rule.get("patterns", []))):
                    source = candidate.get("match", candidate.get("begin"))
                    found = self.regex(source).search(line, position)
                    if not found:
                        continue
                    if found.start() == found.end() and "match" in candidate:
                        continue
                    if best is None or found.start() < best[0]:
                        best = (found.start(), order, "match" if "match" in candidate else "begin", found, candidate)
                if best is None:
                    self.fill(scopes, position, len(line), base)
                    break
                start, _, kind, found, candidate = best
                self.fill(scopes, position, start, base)
                if kind == "end":
                    self.fill(scopes, start, found.end(), base)
                    self.captures(scopes, found, rule.get("endCaptures", rule.get("captures", {})), base)
                    stack.pop()
                    position = found.end()
                    if found.end() == len(line) and found.start() == found.end() and stack[-1][1] is None:
                        pass
                    continue
                if kind == "match":
                    names = base + ([candidate["name"]] if "name" in candidate else [])
                    self.fill(scopes, start, found.end(), names)
                    self.captures(scopes, found, candidate.get("captures", {}), names)
                    position = found.end()
                    continue
                names = base + ([candidate["name"]] if "name" in candidate else [])
                self.fill(scopes, start, found.end(), names)
                self.captures(scopes, found, candidate.get("beginCaptures", candidate.get("captures", {})), names)
                inner = names + ([candidate["contentName"]] if "contentName" in candidate else [])
                stack.append((candidate, self.regex(candidate["end"]), inner))
                if found.end() == position and found.start() == position:
                    position += 1  # a zero-length begin must not loop
                else:
                    position = found.end()
            # A frame whose end is `$` closes at the end of its line.
            while len(stack) > 1 and stack[-1][1].pattern == "$":
                stack.pop()
            result.append(scopes)
        return result

    @staticmethod
    def fill(scopes, start, end, names):
        for index in range(start, min(end, len(scopes))):
            scopes[index] = list(names)

    @staticmethod
    def captures(scopes, found, captures, base):
        for group in sorted(captures, key=int):
            index = int(group)
            if index > (found.re.groups or 0) or found.start(index) < 0:
                continue
            spec = captures[group]
            if "name" in spec:
                for position in range(found.start(index), found.end(index)):
                    if position < len(scopes):
                        current = scopes[position] or list(base)
                        scopes[position] = current + [spec["name"]]


def scope_at(tokens, line, column):
    """The innermost scope at 0-based `line`, `column`."""
    names = tokens[line][column]
    return names[-1] if names else None
