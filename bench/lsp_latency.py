#!/usr/bin/env python3
"""Latency of `shotc lsp` on a 200-shot scene: diagnostics after a one-character change, and
completion after '@'.

    bench/lsp_latency.py SHOTC [ROUNDS]     (bench/lsp.sh builds the release shotc and runs this)

The scene is bench/generate.py's (200 shots, 40 declarations, real PNGs). The server runs with
--debounce-ms 0, so the diagnostics figure is the work a change costs (recompiling the scene
with its imports and images from the server's caches, and publishing); an editor session adds
the 100 ms debounce on top, on purpose. Each round edits one character of one shot's prose
(alternately adding and removing it) with an incremental didChange and times until the
publishDiagnostics of that version arrives; then it times a completion request after an '@'.
"""
import json
import shutil
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    def __init__(self, shotc, folder):
        self.process = subprocess.Popen(
            [shotc, "lsp", "--debounce-ms", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=folder)
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("server ended")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        ident = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == ident and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version):
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    return params["diagnostics"]


def summary(name, samples, target):
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(f"{name}: median {p50:.2f} ms, p95 {p95:.2f} ms, max {samples[-1]:.2f} ms "
          f"over {len(samples)} rounds (target < {target} ms)")


def main():
    shotc = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    folder = tempfile.mkdtemp(prefix="shotc-lsp-bench-")
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "200", "40", folder], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        for name in ("big.shot", "big.yaml"):
            measure(shotc, folder, os.path.join(folder, name), rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(shotc, folder, path, rounds):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    lines = text.split("\n")
    uri = "file://" + path
    print(f"scene: {path}: {len(text.encode())} bytes, {len(lines)} lines")
    server = Server(shotc, folder)
    server.request("initialize", {"processId": None, "rootUri": "file://" + folder, "capabilities": {}})
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml" if path.endswith(".yaml") else "shot", "version": 1, "text": text}})
    first = server.wait_diagnostics(uri, 1)
    print(f"diagnostics of the scene as generated: {len(first)}")

    # A prose line in the middle of the file, and an '@' in a prose line for completion.
    prose, in_shot = [], False
    for i, l in enumerate(lines):
        if l and not l.startswith(" "):
            in_shot = l.startswith("shot ") or l.startswith("shots:")
        elif in_shot and l.startswith("  ") and "@" not in l and len(l) > 20 and ":" not in l:
            prose.append(i)
    target = prose[len(prose) // 2]
    mention_line = next(i for i in range(len(lines)) if " @" in lines[i] and i > prose[0])
    mention_col = len(lines[mention_line][: lines[mention_line].index(" @") + 2].encode("utf-16-le")) // 2

    change_ms, completion_ms = [], []
    version = 1
    for round_number in range(rounds):
        version += 1
        indent = len(lines[target]) - len(lines[target].lstrip(" "))
        position = {"line": target, "character": indent}
        if round_number % 2 == 0:
            change = {"range": {"start": position, "end": position}, "text": "x"}
        else:
            change = {"range": {"start": position, "end": {"line": target, "character": indent + 1}}, "text": ""}
        start = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        diagnostics = server.wait_diagnostics(uri, version)
        change_ms.append((time.perf_counter() - start) * 1000)
        assert diagnostics == first, diagnostics

        start = time.perf_counter()
        response = server.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": mention_line, "character": mention_col}})
        completion_ms.append((time.perf_counter() - start) * 1000)
        assert len(response["result"]["items"]) >= 40, response

    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=10)
    summary(f"{os.path.basename(path)}: diagnostics after a one-character change", change_ms, 20)
    summary(f"{os.path.basename(path)}: completion after '@'", completion_ms, 5)


if __name__ == "__main__":
    main()
