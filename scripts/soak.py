#!/usr/bin/env python3
"""Fault soak for `shotc run`: proves the money promise under randomized faults (issue 6).

    python3 scripts/soak.py --runs 300 --seed 1 \\
        --shotc .build/debug/shotc --standin .build/debug/fal-standin

Python 3 standard library only; talks to 127.0.0.1 only. Each *run* renders a fresh 4-shot scene over
local PNG references against one fal-standin (small --queue-ms/--progress-ms, --state-dir so it can be
restarted), driving `shotc run` again and again until it is done. The first 1-4 invocations of a run are
*chaos* invocations: before each, faults are drawn at random from every kind the stand-in has (a status
429/500/502/503/504 with or without x-fal-request-id on any route, drop, delay, truncate on media,
renderFail, a 422/400 rejection at the result call, acceptThenStatus, acceptThenDrop, an outage), and
shotc may get SIGKILL or SIGINT, and the stand-in may be killed and restarted (same port, same state),
at random moments. Then faults are cleared and shotc is re-run until it exits 0 (at most
--max-invocations per run, else "did not converge").

Invariants (any breach is a violation; the script exits 1 and prints the seed to reproduce):
  * money: every shot fal accepted (GET /_standin/requests, prompt -> shot) is accepted exactly once,
    except a further request after fal declared the previous one failed (and it was submitted after
    that render ended), or after the driver deliberately passed --force for a shot it had examined;
    every accepted request belongs to a shot of the run.
  * no partial file under a final name: a watcher thread polls the output folder every ~2 ms; every
    *.mp4 it sees has exactly the stand-in's sample video bytes (.part / .tmp-* files are fine);
  * every *.run.json and .shotc-uploads.json it sees parses as JSON (re-read once on ENOENT);
  * after every invocation: records parse, have a known state, and a "completed" record names a
    request fal accepted for that shot and finished without error;
  * exit 0 means done: every shot's video is there and every record is "completed";
  * no crash (a signal the driver did not send), no hang, no unexpected exit status.

Ambiguities. A record left in "submitting" without a request id means fal may have accepted a request
shotc cannot confirm; shotc will not resubmit it without --force. The driver then does what a careful
user would: it asks fal (the stand-in's request list) whether any request for that shot was accepted
that shotc never recorded. If none was, passing `--shot NAME --force` is safe: a "resolved ambiguity".
If one was, forcing would pay twice: the driver does NOT force; the shot is counted as an "unresolved
ambiguity" (fal has a paid request shotc lost), left out of the run's final check, and the rest of the
run must still converge. (--force-unresolved forces anyway and counts an acknowledged double submit.)
These should be rare: only acceptThenDrop, or a SIGKILL between sending a submit and recording its id.

Self-check: `--self-check` runs the soak twice with runners built into this script: a deliberately
careless one (it submits each shot twice, writes records and videos in place, slowly), where the soak
must report all three kinds of violation (a double submit, a partial video, a record that does not
parse), and a reference one that keeps issue 6's contract in the simplest way (record first, submit
retried only where fal cannot have accepted, following never fails a render, atomic files), where the
soak must report none over --runs runs under full chaos. So a finding is about shotc, not the soak.

Reproducing: runs are seeded from --seed and the run number (--first-run R --runs 1 replays run R's
draws); timings are real, so a replay draws the same faults but may interleave differently.
"""
import argparse
import collections
import datetime
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
import tinypng  # noqa: E402

RECORD_STATES = {"submitting", "submitted", "completed", "failed", "cancelled"}
KNOWN_EXITS = {0, 2, 3, 4, 130}
PROMPT_TAG = re.compile(r"Take r(\d+) (s\d+):")
LOCATIONS = [
    ["body", "prompt"],
    ["body", "image_urls", 0],
    ["body", "elements", 0, "frontal_image_url"],
    ["body", "elements", 0, "reference_image_urls", 0],
    ["body", "duration"],
]

# Every process this script started, killed on any exit (normal, error, Ctrl-C, SIGTERM).
CHILDREN = set()
CHILDREN_LOCK = threading.Lock()


def track(process):
    with CHILDREN_LOCK:
        CHILDREN.add(process)
    return process


def untrack(process):
    with CHILDREN_LOCK:
        CHILDREN.discard(process)


def kill_children():
    with CHILDREN_LOCK:
        children = list(CHILDREN)
        CHILDREN.clear()
    for process in children:
        try:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=5)
        except Exception:
            pass


class Infrastructure(Exception):
    """The soak itself cannot go on (not a finding about shotc)."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM reached the soak."""


def on_signal(number, _frame):
    raise Interrupted(signal.Signals(number).name)


# ---------------------------------------------------------------------------------------------------
# The stand-in


class StandIn:
    """One fal-standin on 127.0.0.1, restartable on the same port with the same --state-dir."""

    def __init__(self, executable, state_dir, queue_ms, progress_ms, log_path):
        self.executable = executable
        self.state_dir = state_dir
        self.queue_ms = queue_ms
        self.progress_ms = progress_ms
        self.log_path = log_path
        self.process = None
        self.port = 0
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, port=0):
        arguments = [self.executable, "--host", "127.0.0.1", "--port", str(port),
                     "--queue-ms", str(self.queue_ms), "--progress-ms", str(self.progress_ms),
                     "--keepalive-ms", "200", "--state-dir", self.state_dir]
        log = open(self.log_path, "ab")
        try:
            process = track(subprocess.Popen(arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=log, start_new_session=True))
        finally:
            log.close()
        line = b""
        deadline = time.monotonic() + 30
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(process.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
            elif process.poll() is not None:
                break
        text = line.decode("utf-8", "replace").strip()
        if not text.startswith("listening on http://127.0.0.1:"):
            process.kill()
            process.wait()
            untrack(process)
            return False
        self.port = int(text.rsplit(":", 1)[1])
        self.process = process
        return True

    def start_or_fail(self, port=0):
        # The same port right after a kill: SO_REUSEADDR makes this work at once; retry briefly anyway.
        for _ in range(40):
            if self.start(port):
                return
            time.sleep(0.05)
        raise Infrastructure("fal-standin did not start on port %d (see %s)" % (port, self.log_path))

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            untrack(self.process)
            self.process = None

    def restart(self, down_seconds=0.0):
        self.kill()
        if down_seconds > 0:
            time.sleep(down_seconds)
        self.start_or_fail(self.port)

    def stop(self):
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=3)
        except Exception:
            self.process.kill()
            self.process.wait()
        untrack(self.process)
        self.process = None

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        last = None
        for _ in range(50):
            try:
                with self.opener.open(request, timeout=10) as reply:
                    return json.loads(reply.read() or b"null")
            except urllib.error.HTTPError as error:
                raise Infrastructure("%s %s answered %d: %s" % (method, path, error.code, error.read()[:200]))
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                last = error
                time.sleep(0.05)
        raise Infrastructure("the stand-in does not answer %s %s: %s" % (method, path, last))

    def requests(self):
        return self.control("GET", "/_standin/requests")["requests"]

    def add_faults(self, faults):
        if faults:
            self.control("POST", "/_standin/faults", faults)

    def clear_faults(self):
        self.control("POST", "/_standin/faults/clear", {})

    def reset(self):
        self.control("POST", "/_standin/reset", {})

    def sample_video(self):
        with self.opener.open(self.base_url + "/media/sample.mp4", timeout=10) as reply:
            return reply.read()


# ---------------------------------------------------------------------------------------------------
# The output-folder watcher


class Watcher(threading.Thread):
    """Polls one output folder every ~2 ms: videos must be whole, records and the upload cache must parse."""

    def __init__(self, folder, sample, report, seen_ids):
        super().__init__(daemon=True)
        self.folder = folder
        self.sample = sample
        self.report = report
        self.seen_ids = seen_ids  # shot -> set of request ids seen in its records
        self.stop_event = threading.Event()
        self.checked = {}
        self.polls = 0
        self.reads = 0

    def run(self):
        while not self.stop_event.is_set():
            self.scan()
            self.polls += 1
            time.sleep(0.002)
        self.scan()

    def stop(self):
        self.stop_event.set()
        self.join(timeout=10)

    def scan(self, folder=None, depth=0):
        """The output folder and the folders in it (one level), in case shotc keeps files in a subfolder."""
        try:
            entries = list(os.scandir(folder or self.folder))
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            name = entry.name
            if name.endswith(".mp4"):
                self.check(entry.path, name, self.check_video)
            elif name.endswith(".run.json") or name == ".shotc-uploads.json":
                self.check(entry.path, name, self.check_json)
            elif depth == 0 and entry.is_dir(follow_symlinks=False):
                self.scan(entry.path, 1)

    def check(self, path, name, checker):
        for attempt in range(2):
            try:
                status = os.stat(path)
                key = (status.st_ino, status.st_size, status.st_mtime_ns)
                if self.checked.get(path) == key:
                    return
                with open(path, "rb") as handle:
                    data = handle.read()
                    after = os.fstat(handle.fileno())
            except FileNotFoundError:
                continue  # renamed over or removed between listing and reading: look once more
            self.reads += 1
            if (after.st_size, after.st_mtime_ns) != (status.st_size, status.st_mtime_ns):
                return  # changed while read (written in place?): judged on the next poll
            if checker(name, data):
                self.checked[path] = key
            return

    def check_video(self, name, data):
        if data != self.sample:
            self.report("partial or wrong video under a final name: %s has %d bytes (the render is %d)"
                        % (name, len(data), len(self.sample)))
            return True
        return True

    def check_json(self, name, data):
        try:
            value = json.loads(data)
        except ValueError:
            self.report("%s does not parse as JSON (%d bytes: %r)" % (name, len(data), data[:400]))
            return True
        if name.endswith(".run.json") and isinstance(value, dict):
            shot, request_id = value.get("shot"), value.get("request_id")
            if isinstance(shot, str) and isinstance(request_id, str) and request_id:
                self.seen_ids[shot].add(request_id)
        return True


# ---------------------------------------------------------------------------------------------------
# Scenes


def make_references(folder):
    os.makedirs(folder, exist_ok=True)
    pictures = {
        "harbor.png": ((320, 320), (40, 90, 160)),
        "kofi-front.png": ((320, 400), (60, 150, 80)),
        "kofi-side.png": ((360, 320), (200, 120, 40)),
        "lamp.png": ((320, 320), (220, 200, 60)),
        "rope.png": ((400, 320), (150, 90, 40)),
        "gull.png": ((320, 360), (240, 240, 250)),
    }
    for name, ((width, height), colour) in pictures.items():
        tinypng.write(os.path.join(folder, name), width, height, (230, 230, 235), (90, 90, 100),
                      [("circle", width // 2, height // 2, min(width, height) // 4, colour)])


def write_scene(path, run_number):
    """A 4-shot scene over 6 local pictures (uploaded in parallel on the first invocation); every prompt
    carries `Take rN sK:` so the stand-in's requests map to shots."""
    lines = [
        "# Written by scripts/soak.py for run %d." % run_number, "",
        "duration 3s", "",
        "image harbor refs/harbor.png",
        "image lamp refs/lamp.png",
        "image rope refs/rope.png",
        "image gull refs/gull.png", "",
        "character kofi",
        "  front refs/kofi-front.png",
        "  refs  refs/kofi-side.png",
        "  note  Nineteen, green bomber jacket.", "",
    ]
    texts = [
        "@harbor at dusk, wide; the last ferry sounds its horn.",
        "@kofi runs along the quay under @lamp, past @rope and @gull.",
        "Close on @kofi, out of breath, @harbor behind him.",
        "@lamp swings in the wind over an empty quay; @gull on @rope.",
    ]
    for index, text in enumerate(texts, 1):
        lines.append("shot s%d" % index)
        lines.append("  Take r%d s%d: %s" % (run_number, index, text))
        lines.append("")
    with open(path, "w") as handle:
        handle.write("\n".join(lines))
    return ["s%d" % index for index in range(1, len(texts) + 1)]


# ---------------------------------------------------------------------------------------------------
# Fault drawing


FAULT_KINDS = ["status", "drop", "delay", "truncate", "renderFail", "reject", "acceptThenStatus",
               "acceptThenDrop", "outage"]


def draw_faults(rng, figures, first_kind=None):
    """0-3 faults of random kinds (the first of kind `first_kind` when given); returns the JSON list for
    POST /_standin/faults and their labels."""
    faults = []
    labels = []
    count = rng.choices([0, 1, 2, 3], weights=[1, 4, 3, 2])[0]
    if first_kind is not None:
        count = max(1, count)
    for index in range(count):
        kind = rng.choices(FAULT_KINDS, weights=[30, 10, 8, 6, 6, 6, 8, 3, 5])[0]
        if index == 0 and first_kind is not None:
            kind = first_kind
        if kind == "status":
            route = rng.choices(["submit", "status", "stream", "result", "media", "token", "upload"],
                                weights=[8, 5, 3, 4, 3, 1, 1])[0]
            code = rng.choice([429, 500, 502, 503, 504])
            with_id = rng.random() < 0.5
            fault = {"route": route, "kind": "status", "status": code, "times": rng.randint(1, 2),
                     "omitRequestID": not with_id}
            if code == 429 and rng.random() < 0.3:
                fault["retryAfter"] = 0
            label = "status %d %s %s" % (code, route, "with id" if with_id else "without id")
        elif kind == "drop":
            route = rng.choice(["submit", "status", "stream", "result", "media", "token", "upload"])
            fault = {"route": route, "kind": "drop", "times": rng.randint(1, 2)}
            label = "drop %s" % route
        elif kind == "delay":
            route = rng.choice(["submit", "status", "stream", "result", "media", "upload"])
            fault = {"route": route, "kind": "delay", "ms": rng.randint(50, 700), "times": rng.randint(1, 3)}
            label = "delay %s" % route
        elif kind == "truncate":
            fault = {"route": "media", "kind": "truncate", "bytes": rng.randint(0, 1800), "times": rng.randint(1, 2)}
            label = "truncate media"
        elif kind == "renderFail":
            fault = {"route": "submit", "kind": "renderFail", "message": "Soak: render failed on fal"}
            label = "renderFail 500"
        elif kind == "reject":
            if rng.random() < 0.7:
                fault = {"route": "submit", "kind": "renderFail", "status": 422, "message": "Soak: input rejected",
                         "errorType": "soak_rejected", "loc": rng.choice(LOCATIONS)}
                label = "result-time 422 (loc)"
            else:
                fault = {"route": "submit", "kind": "renderFail", "status": 400, "message": "Soak: bad request",
                         "errorType": "soak_bad_request"}
                label = "result-time 400"
        elif kind == "acceptThenStatus":
            code = rng.choice([500, 500, 502, 503, 504])
            fault = {"route": "submit", "kind": "acceptThenStatus", "status": code}
            label = "acceptThenStatus %d" % code
        elif kind == "acceptThenDrop":
            fault = {"route": "submit", "kind": "acceptThenDrop"}
            label = "acceptThenDrop"
        else:
            fault = {"kind": "outage", "ms": rng.randint(300, 2500)}
            if rng.random() < 0.5:
                fault["route"] = rng.choice(["submit", "status", "stream", "result", "media"])
            if rng.random() < 0.3:
                fault["drop"] = True
            label = "outage %s%s" % (fault.get("route", "all routes"), " (drop)" if fault.get("drop") else "")
        faults.append(fault)
        labels.append(label)
        figures["faults"][label] += 1
        figures["fault_kinds"][kind if kind != "reject" else "result-time rejection"] += 1
    return faults, labels


# ---------------------------------------------------------------------------------------------------
# One run


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class Run:
    def __init__(self, soak, number):
        self.soak = soak
        self.number = number
        self.rng = random.Random("%d:%d" % (soak.args.seed, number))
        self.folder = os.path.join(soak.workdir, "run-%04d" % number)
        os.makedirs(self.folder)
        self.scene = os.path.join(soak.scenes, "run%04d.shot" % number)
        self.shots = write_scene(self.scene, number)
        self.output = os.path.join(self.folder, "renders")
        os.makedirs(self.output)
        self.seen_ids = collections.defaultdict(set)
        self.judged = set()          # accepted request ids already judged by the money invariant
        self.credits = collections.Counter()  # shot -> forced resubmits the driver allowed
        self.abandoned = set()       # shots left to the user (fal accepted a request shotc lost)
        self.invocation = 0
        self.chaos = "calm"          # what the current invocation was given, for violation messages
        self.history = []            # the same for every invocation of the run
        self.violations = []

    def violation(self, text):
        message = "[run %d, invocation %d] %s" % (self.number, self.invocation, text)
        with self.soak.lock:
            self.violations.append(message)
            self.soak.violations.append(message)
        if self.soak.args.verbose:
            print("VIOLATION " + message, file=sys.stderr)

    def shot_of(self, request):
        body = request.get("body")
        prompt = body.get("prompt") if isinstance(body, dict) else None
        match = PROMPT_TAG.search(prompt) if isinstance(prompt, str) else None
        if not match:
            return None, None
        return int(match.group(1)), match.group(2)

    def accepted(self):
        """This run's accepted requests by shot, oldest first; a request of no known shot is a violation."""
        by_shot = collections.defaultdict(list)
        for request in self.soak.standin.requests():
            run_number, shot = self.shot_of(request)
            if run_number != self.number:
                if run_number is None and request["id"] not in self.judged:
                    self.judged.add(request["id"])
                    self.violation("fal accepted a request of no shot: %s" % json.dumps(request)[:200])
                continue
            if shot not in self.shots:
                if request["id"] not in self.judged:
                    self.judged.add(request["id"])
                    self.violation("fal accepted a request for unknown shot %r" % shot)
                continue
            by_shot[shot].append(request)
        return by_shot

    def judge_money(self, by_shot):
        figures = self.soak.figures
        span = (self.soak.args.queue_ms + self.soak.args.progress_ms) / 1000.0
        for shot, requests in by_shot.items():
            for index, request in enumerate(requests):
                if request["id"] in self.judged:
                    continue
                self.judged.add(request["id"])
                figures["accepted"] += 1
                if index == 0:
                    continue
                previous = requests[index - 1]
                ended = parse_time(previous["submitted_at"]) + span
                if previous.get("failed") and parse_time(request["submitted_at"]) >= ended - 0.005:
                    figures["resubmits after a failure fal declared"] += 1
                elif self.credits[shot] > 0:
                    self.credits[shot] -= 1
                    figures["acknowledged double submits (--force after fal accepted)"] += 1
                else:
                    why = ("fal had declared it failed only later" if previous.get("failed")
                           else "it was %s%s" % (previous.get("state"), ", not failed"))
                    self.violation("shot %s paid twice: fal accepted %s, then %s (%s; invocations so far: %s)"
                                   % (shot, previous["id"], request["id"], why, " | ".join(
                                       "%d: %s" % item for item in enumerate(self.history, 1))))

    def read_records(self):
        records = {}
        for name in sorted(os.listdir(self.output)):
            if not name.endswith(".run.json"):
                continue
            path = os.path.join(self.output, name)
            try:
                with open(path, "rb") as handle:
                    record = json.loads(handle.read())
            except FileNotFoundError:
                continue
            except ValueError:
                self.violation("record %s does not parse" % name)
                continue
            if not isinstance(record, dict) or not isinstance(record.get("shot"), str):
                self.violation("record %s is not an object with a shot" % name)
                continue
            records[record["shot"]] = record
            request_id = record.get("request_id")
            if isinstance(request_id, str) and request_id:
                self.seen_ids[record["shot"]].add(request_id)
        return records

    def judge_records(self, records, by_shot):
        for shot, record in records.items():
            state = record.get("state")
            if state not in RECORD_STATES:
                self.violation("record of %s has unknown state %r" % (shot, state))
                continue
            if state == "completed":
                request_id = record.get("request_id")
                fal = {request["id"]: request for request in by_shot.get(shot, [])}
                request = fal.get(request_id)
                if request is None:
                    self.violation("record of %s is completed with request %r, which fal never accepted for it"
                                   % (shot, request_id))
                elif request.get("state") != "COMPLETED" or request.get("failed"):
                    self.violation("record of %s is completed but fal says %s (failed: %s)"
                                   % (shot, request.get("state"), request.get("failed")))

    def video_ok(self, shot):
        try:
            with open(os.path.join(self.output, shot + ".mp4"), "rb") as handle:
                return handle.read() == self.soak.sample
        except FileNotFoundError:
            return False

    def finished(self, records):
        """True when every shot not left to the user has its video and a completed record."""
        for shot in self.shots:
            if shot in self.abandoned:
                continue
            record = records.get(shot)
            if record is None or record.get("state") != "completed" or not self.video_ok(shot):
                return False
        return True

    def ambiguous(self, records, by_shot):
        """Shots whose record says fal may have accepted a request shotc could not confirm."""
        found = []
        for shot, record in records.items():
            if shot in self.abandoned or record.get("state") != "submitting":
                continue
            request_id = record.get("request_id")
            if isinstance(request_id, str) and request_id:
                continue  # shotc knows the id and resumes it
            found.append(shot)
        return found

    def invoke(self, extra, chaos, first=False):
        """One shotc invocation. The first chaos invocation of run N always has a fault of kind N (cycling
        through every kind), a signal when N is a multiple of 3 (SIGKILL when of 6, else SIGINT) and a
        stand-in restart during it when N is a multiple of 4, so even a dozen runs cover every kind."""
        soak = self.soak
        args = soak.args
        figures = soak.figures
        self.invocation += 1
        figures["invocations"] += 1
        soak.standin.clear_faults()
        kill = None
        restart = None
        if chaos:
            first_kind = FAULT_KINDS[(self.number - 1) % len(FAULT_KINDS)] if first else None
            faults, labels = draw_faults(self.rng, figures, first_kind)
            soak.standin.add_faults(faults)
            window = soak.kill_window()
            if self.rng.random() < args.kill_rate or (first and self.number % 3 == 0 and args.kill_rate > 0):
                kill = (self.rng.uniform(0.0, window),
                        signal.SIGKILL if self.rng.random() < 0.5 else signal.SIGINT)
                if first and self.number % 3 == 0:
                    kill = (kill[0], signal.SIGKILL if self.number % 6 == 0 else signal.SIGINT)
            if self.rng.random() < args.restart_rate or (first and self.number % 4 == 0 and args.restart_rate > 0):
                restart = (self.rng.uniform(0.0, window), self.rng.uniform(0.0, 0.4))
            notes = list(labels)
            if kill is not None:
                notes.append("%s at %.2f s" % ("SIGKILL" if kill[1] == signal.SIGKILL else "SIGINT", kill[0]))
            if restart is not None:
                notes.append("stand-in restart at %.2f s" % restart[0])
            self.chaos = "; ".join(notes) or "no fault"
        else:
            self.chaos = "calm"
        if extra:
            self.chaos += " (%s)" % " ".join(extra)
        self.history.append(self.chaos)
        command = [args.shotc, "run", self.scene, "-o", self.output, "-j", str(self.rng.randint(1, 4))]
        command += soak.yes_flag + extra
        log_path = os.path.join(self.folder, "shotc-%02d.log" % self.invocation)
        with open(log_path, "wb") as log:
            log.write(("$ %s\n" % " ".join(command)).encode())
            log.flush()
            process = track(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                             env=soak.environment(), cwd=self.folder, start_new_session=True))
        started = time.monotonic()
        sent = None
        deadline = started + args.invocation_timeout
        while process.poll() is None:
            now = time.monotonic() - started
            if kill is not None and sent is None and now >= kill[0]:
                process.send_signal(kill[1])
                sent = kill[1]
                figures["kills"]["KILL" if sent == signal.SIGKILL else "INT"] += 1
                if sent == signal.SIGINT:
                    deadline = min(deadline, time.monotonic() + args.interrupt_timeout)
            if restart is not None and now >= restart[0]:
                soak.standin.restart(restart[1])
                figures["stand-in restarts (during shotc)"] += 1
                restart = None
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                self.violation("shotc did not end within %.0f s%s (log: %s)" % (
                    args.invocation_timeout if sent != signal.SIGINT else args.interrupt_timeout,
                    " after SIGINT" if sent == signal.SIGINT else "", log_path))
                break
            time.sleep(0.005)
        status = process.wait()
        untrack(process)
        if sent is None and restart is None:
            soak.durations.append(time.monotonic() - started)
        if restart is not None and self.rng.random() < 0.5:
            # Not reached while shotc ran: restart between invocations instead, now and then.
            soak.standin.restart(restart[1])
            figures["stand-in restarts (between runs of shotc)"] += 1
        if sent == signal.SIGKILL and status == -signal.SIGKILL:
            figures["exit statuses"]["SIGKILL"] += 1
        elif sent == signal.SIGINT and status == -signal.SIGINT:
            figures["exit statuses"]["died of SIGINT (before shotc handles it)"] += 1
        else:
            figures["exit statuses"][str(status)] += 1
        if status < 0 and not (sent is not None and status == -sent):
            self.violation("shotc died of signal %d (log: %s)" % (-status, log_path))
        elif status >= 0 and status not in KNOWN_EXITS:
            self.violation("shotc exited %d (log: %s)" % (status, log_path))
        elif sent is None and status == 130:
            self.violation("shotc exited 130 without SIGINT (log: %s)" % log_path)
        return status

    def drive(self):
        soak = self.soak
        args = soak.args
        figures = soak.figures
        soak.standin.reset()
        watcher = Watcher(self.output, soak.sample, self.violation, self.seen_ids)
        watcher.start()
        chaos_left = 0 if soak.chaos_free else self.rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]
        force = []
        converged = False
        try:
            while self.invocation < args.max_invocations:
                chaos = chaos_left > 0
                chaos_left -= 1
                extra = []
                for shot in force:
                    extra += ["--shot", shot]
                if force:
                    extra.append("--force")
                    figures["--force invocations"] += 1
                forced, force = force, []
                status = self.invoke(extra, chaos, first=chaos and self.invocation == 0)
                time.sleep(0.03)  # let a request still in the kernel's buffers reach the stand-in
                by_shot = self.accepted()
                self.judge_money(by_shot)
                records = self.read_records()
                self.judge_records(records, by_shot)
                for shot in self.ambiguous(records, by_shot):
                    lost = [request["id"] for request in by_shot.get(shot, [])
                            if request["id"] not in self.seen_ids[shot]]
                    if not lost:
                        figures["ambiguities resolved (fal had not accepted; forced)"] += 1
                        force.append(shot)
                    elif args.force_unresolved:
                        figures["ambiguities unresolved (fal had accepted; forced anyway)"] += 1
                        self.credits[shot] += 1
                        force.append(shot)
                    else:
                        figures["ambiguities unresolved (fal had accepted; left to the user)"] += 1
                        self.abandoned.add(shot)
                        if args.verbose:
                            print("run %d: shot %s: fal accepted %s, shotc has no id; left to the user"
                                  % (self.number, shot, ", ".join(lost)), file=sys.stderr)
                if status == 0:
                    # Exit 0 is a promise: every selected shot is done (all of them, or those forced).
                    selected = forced or self.shots
                    missing = [shot for shot in selected
                               if records.get(shot, {}).get("state") != "completed" or not self.video_ok(shot)]
                    if missing:
                        self.violation("shotc exited 0 but these shots are not done: %s" % ", ".join(
                            "%s (%s%s)" % (shot, records.get(shot, {}).get("state", "no record"),
                                           "" if self.video_ok(shot) else ", no video") for shot in missing))
                        break
                    if not forced and not force:
                        converged = True
                        break
                if not chaos and not force and self.abandoned and self.finished(records):
                    converged = True  # everything but the shots left to the user is done
                    break
            if not converged and not self.violations:
                self.violation("did not converge in %d invocations" % args.max_invocations)
        finally:
            watcher.stop()
            figures["watcher polls"] += watcher.polls
            figures["watcher reads"] += watcher.reads
        if converged:
            figures["runs converged"] += 1
        # Final state: every shot's video and a completed record (shots left to the user aside).
        records = self.read_records()
        for shot in self.shots:
            if shot in self.abandoned:
                continue
            state = records.get(shot, {}).get("state", "no record")
            if converged and (state != "completed" or not self.video_ok(shot)):
                self.violation("at the end, shot %s is %s%s" % (shot, state, "" if self.video_ok(shot) else ", no video"))


# ---------------------------------------------------------------------------------------------------
# The soak


class Soak:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.violations = []
        self.figures = collections.defaultdict(int)
        for key in ("faults", "fault_kinds", "kills", "exit statuses"):
            self.figures[key] = collections.Counter()
        self.workdir = tempfile.mkdtemp(prefix="shotc-soak-")
        self.scenes = os.path.join(self.workdir, "scenes")
        make_references(os.path.join(self.scenes, "refs"))
        self.standin = StandIn(args.standin, os.path.join(self.workdir, "standin-state"), args.queue_ms,
                               args.progress_ms, os.path.join(self.workdir, "standin.log"))
        help_text = subprocess.run([args.shotc, "run", "--help"], capture_output=True, text=True,
                                   env=self.environment(), timeout=60).stdout
        self.yes_flag = ["--yes"] if "--yes" in help_text else []
        self.durations = []
        self.chaos_free = False

    def kill_window(self):
        """Signals and restarts fall within about the time a calm invocation takes, so most land mid-run."""
        if len(self.durations) < 3:
            return self.args.kill_window
        recent = sorted(self.durations[-20:])
        return max(0.2, 1.2 * recent[len(recent) // 2])

    def environment(self):
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith("FAL_") and not name.startswith("SHOTC_")
                       and name.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
        base = self.standin.base_url if self.standin.port else "http://127.0.0.1:9"
        environment.update({"FAL_KEY": "test-key", "FAL_QUEUE_URL": base, "FAL_REST_URL": base,
                            "FAL_CDN_URL": base, "NO_COLOR": "1", "NO_PROXY": "127.0.0.1,localhost",
                            "no_proxy": "127.0.0.1,localhost"})
        return environment

    def main(self):
        args = self.args
        started = time.monotonic()
        self.standin.start_or_fail(0)
        self.sample = self.standin.sample_video()
        completed_runs = 0
        for number in range(args.first_run, args.first_run + args.runs):
            run = Run(self, number)
            run.drive()
            completed_runs += 1
            if args.verbose or (args.progress and completed_runs % args.progress == 0):
                print("soak: run %d done, %d invocations so far, %d violations"
                      % (number, self.figures["invocations"], len(self.violations)), file=sys.stderr)
            if run.violations and args.stop_on_violation:
                break
        self.standin.stop()
        return completed_runs, time.monotonic() - started

    def summary(self, completed_runs, elapsed):
        args = self.args
        figures = self.figures
        out = []
        out.append("soak summary (seed %d, runs %d-%d, stand-in --queue-ms %d --progress-ms %d)"
                   % (args.seed, args.first_run, args.first_run + args.runs - 1, args.queue_ms, args.progress_ms))
        out.append("  runs: %d (converged: %d)    shotc invocations: %d    time: %.1f s"
                   % (completed_runs, figures["runs converged"], figures["invocations"], elapsed))
        total_faults = sum(figures["faults"].values())
        out.append("  faults injected: %d; by kind: %s" % (total_faults, ", ".join(
            "%s %d" % item for item in sorted(figures["fault_kinds"].items()))))
        if args.verbose:
            for label, count in sorted(figures["faults"].items()):
                out.append("      %-40s %d" % (label, count))
        out.append("  kills of shotc: KILL %d, INT %d    stand-in restarts: %d during shotc, %d between"
                   % (figures["kills"]["KILL"], figures["kills"]["INT"], figures["stand-in restarts (during shotc)"],
                      figures["stand-in restarts (between runs of shotc)"]))
        out.append("  exit statuses: %s" % ", ".join("%s: %d" % item for item in sorted(figures["exit statuses"].items())))
        out.append("  accepted requests: %d; resubmits after a failure fal declared: %d; --force invocations: %d"
                   % (figures["accepted"], figures["resubmits after a failure fal declared"],
                      figures["--force invocations"]))
        out.append("  ambiguities: resolved (fal had not accepted, forced): %d; unresolved (fal had accepted, "
                   "left to the user): %d; forced anyway: %d; acknowledged double submits: %d"
                   % (figures["ambiguities resolved (fal had not accepted; forced)"],
                      figures["ambiguities unresolved (fal had accepted; left to the user)"],
                      figures["ambiguities unresolved (fal had accepted; forced anyway)"],
                      figures["acknowledged double submits (--force after fal accepted)"]))
        out.append("    (policy: a record left in \"submitting\" without a request id is forced with --shot NAME --force "
                   "only when fal lists no request for the shot that shotc did not record; otherwise fal holds a "
                   "paid request shotc lost, and the shot is left to the user: counted, not a violation, out of "
                   "the final check%s)" % ("; --force-unresolved forces it anyway" if args.force_unresolved else ""))
        out.append("  watcher: %d polls, %d file reads" % (figures["watcher polls"], figures["watcher reads"]))
        out.append("  invariant violations: %d" % len(self.violations))
        kinds = collections.Counter(violation_kind(text) for text in self.violations)
        for kind, count in kinds.most_common():
            out.append("      %4d  %s" % (count, kind[:100]))
        for text in self.violations[:args.show_violations]:
            out.append("    " + text)
        if len(self.violations) > args.show_violations:
            out.append("    ... and %d more" % (len(self.violations) - args.show_violations))
        if self.violations and not args.self_check:
            out.append("  reproduce: python3 scripts/soak.py --seed %d --first-run %d --runs %d --shotc %s --standin %s"
                       % (args.seed, args.first_run, args.runs, args.shotc, args.standin))
        return "\n".join(out)


# ---------------------------------------------------------------------------------------------------
# The careless runner of --self-check


def careless_shotc(argv):
    """Acts as a broken `shotc run SCENE -o DIR ...`: everything the soak must catch, and nothing else."""
    if "--help" in argv:
        print("usage: careless-shotc run SCENE -o DIR")
        return 0
    scene, out = argv[1], argv[argv.index("-o") + 1]
    base = os.environ["FAL_QUEUE_URL"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with open(scene) as handle:
        prompts = re.findall(r"^  (Take r\d+ (s\d+):.*)$", handle.read(), re.M)
    sample = opener.open(base + "/media/sample.mp4", timeout=10).read()
    for prompt, shot in prompts:
        record_path = os.path.join(out, shot + ".run.json")
        try:
            with open(record_path) as handle:
                if json.load(handle).get("state") == "completed":
                    continue
        except (OSError, ValueError):
            pass
        request_id = None
        for _ in range(2):  # "retries" a submit whose answer it already had: pays twice
            request = urllib.request.Request(
                base + "/fal-ai/kling-video/o1/standard/reference-to-video",
                data=json.dumps({"prompt": prompt}).encode(),
                headers={"Authorization": "Key test-key", "Content-Type": "application/json"})
            request_id = json.loads(opener.open(request, timeout=10).read())["request_id"]
        text = json.dumps({"shot": shot, "state": "submitted", "request_id": request_id})
        with open(record_path, "w") as handle:  # in place, in two writes
            handle.write(text[:10])
            handle.flush()
            time.sleep(0.05)
            handle.write(text[10:])
        with open(os.path.join(out, shot + ".mp4"), "wb") as handle:  # in place, in two writes
            handle.write(sample[:500])
            handle.flush()
            time.sleep(0.05)
            handle.write(sample[500:])
        with open(record_path, "w") as handle:
            handle.write(json.dumps({"shot": shot, "state": "completed", "request_id": request_id}))
    return 0


def write_atomically(path, data):
    temporary = "%s.tmp-%d" % (path, os.getpid())
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def reference_shotc(argv):
    """Acts as `shotc run` the way issue 6's contract says, in the simplest form (one shot at a time, no
    uploads): the record first, submit retried only where fal cannot have accepted, following that never
    fails a render, atomic files. Used by --self-check to show the soak passes a runner that keeps the
    promise, ambiguities and all."""
    import http.client
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the wrapper started it with SIGINT ignored
    if "--help" in argv:
        print("usage: reference-shotc run SCENE -o DIR [-j N] [--shot NAME]... [--force] [--yes]")
        return 0
    scene, out = argv[1], argv[argv.index("-o") + 1]
    force = "--force" in argv
    selected = [argv[index + 1] for index, value in enumerate(argv) if value == "--shot"]
    base = os.environ["FAL_QUEUE_URL"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    key = {"Authorization": "Key " + os.environ["FAL_KEY"]}
    endpoint = "fal-ai/kling-video/o1/standard/reference-to-video"
    with open(scene) as handle:
        prompts = re.findall(r"^  (Take r\d+ (s\d+):.*)$", handle.read(), re.M)

    def save(record):
        write_atomically(os.path.join(out, record["shot"] + ".run.json"), json.dumps(record).encode())

    def call(method, url, body=None):
        """(status, headers, bytes); raises OSError subclasses for transport failures."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method,
                                         headers=dict(key, **{"Content-Type": "application/json"}))
        try:
            with opener.open(request, timeout=3) as reply:
                return reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def submit(shot, prompt):
        """The new record's state: submitted/submitting with an id, submitting without one, or failed."""
        record = {"shot": shot, "state": "submitting", "fingerprint": prompt, "endpoint": endpoint,
                  "body": {"prompt": prompt}}
        save(record)
        for attempt in range(6):
            try:
                status, headers, data = call("POST", base + "/" + endpoint, {"prompt": prompt})
            except urllib.error.URLError as error:
                if isinstance(error.reason, ConnectionRefusedError):
                    time.sleep(0.05 * 2 ** attempt)  # no connection made: fal cannot have it
                    continue
                return record  # sent, then lost: fal may have it
            except (http.client.HTTPException, OSError):
                return record  # sent, then lost: fal may have it
            request_id = headers.get("x-fal-request-id")
            if status == 200:
                record.update(state="submitted", request_id=json.loads(data)["request_id"])
                save(record)
                return record
            if status in (408, 409, 429) or (status in (502, 503, 504) and not request_id):
                time.sleep(0.05 * 2 ** attempt)
                continue
            if request_id and status >= 500:
                record["request_id"] = request_id  # may have reached fal: resume it next time
                save(record)
                return record
            if 400 <= status < 500:
                record.update(state="failed", error="rejected at submit: %d" % status)
                save(record)
                return record
            return record  # a 500 without an id: fal may have it
        record.update(state="failed", error="not accepted after retries")
        save(record)
        return record

    def follow(record):
        """Follows to the end: "completed", "failed" (fal said so), or "unfinished"."""
        url = "%s/fal-ai/kling-video/requests/%s" % (base, record["request_id"])
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            try:
                status, _, data = call("GET", url + "/status")
                if status == 404 and record["state"] == "submitting":
                    record.update(state="failed", error="fal does not know this request")
                    save(record)
                    return "failed"
                if status == 202 or status != 200:
                    time.sleep(0.05)
                    continue
                if record["state"] == "submitting":
                    record["state"] = "submitted"
                    save(record)
                reply = json.loads(data)
                status, _, data = call("GET", url)
                if status == 200 and not reply.get("error"):
                    video = json.loads(data)["video"]
                    with opener.open(video["url"], timeout=3) as download:
                        content = download.read()
                    if len(content) != video["file_size"]:
                        continue
                    part = os.path.join(out, record["shot"] + ".mp4.part")
                    with open(part, "wb") as handle:
                        handle.write(content)
                    os.replace(part, os.path.join(out, record["shot"] + ".mp4"))
                    record["state"] = "completed"
                    save(record)
                    return "completed"
                if reply.get("error"):
                    # fal declared the render failed; the result (any status) only adds its detail.
                    detail = reply["error"]
                    if 400 <= status < 500:
                        detail = str(json.loads(data).get("detail", detail))
                    record.update(state="failed", error=detail)
                    save(record)
                    return "failed"
                time.sleep(0.05)
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError, KeyError):
                time.sleep(0.05)
        return "unfinished"

    outcome = 0
    try:
        for prompt, shot in prompts:
            if selected and shot not in selected:
                continue
            try:
                with open(os.path.join(out, shot + ".run.json")) as handle:
                    record = json.load(handle)
            except FileNotFoundError:
                record = None
            if record and not force:
                if record["state"] == "completed":
                    continue
                if record["state"] == "submitting" and not record.get("request_id"):
                    print("%s: fal may have accepted a request shotc cannot confirm; --force resubmits" % shot)
                    outcome = max(outcome, 4)
                    continue
            if not record or force or record["state"] in ("failed", "cancelled"):
                record = submit(shot, prompt)
            if not record.get("request_id"):
                outcome = max(outcome, 4 if record["state"] == "submitting" else 3)
                continue
            result = follow(record)
            if result == "failed":
                outcome = max(outcome, 3)
            elif result == "unfinished":
                outcome = max(outcome, 4)
    except KeyboardInterrupt:
        return 130
    return outcome


def self_check(args):
    """Runs the soak against the careless runner (it must catch a double submit, a partial video and a
    record that does not parse) and against the reference runner under full chaos (it must find nothing)."""
    wrapper_folder = tempfile.mkdtemp(prefix="shotc-soak-self-check-")
    settings = dict(vars(args))
    try:
        def wrapper(mode):
            path = os.path.join(wrapper_folder, mode)
            with open(path, "w") as handle:
                # SIGINT ignored until the runner installs its handler: Python's own start-up would otherwise
                # die of an early SIGINT with "Fatal Python error" and exit 1, which says nothing about the soak.
                handle.write('#!/bin/sh\ntrap "" INT\nexec "%s" "%s" %s "$@"\n'
                             % (sys.executable, os.path.abspath(__file__), mode))
            os.chmod(path, 0o755)
            return path

        def soak_with(shotc, runs, chaos):
            vars(args).update(settings)
            args.shotc = shotc
            args.runs = runs
            if not chaos:
                args.kill_rate = args.restart_rate = 0.0
                args.max_invocations = 4
            soak = Soak(args)
            soak.chaos_free = not chaos
            try:
                completed_runs, elapsed = soak.main()
                print(soak.summary(completed_runs, elapsed))
            finally:
                kill_children()
                shutil.rmtree(soak.workdir, ignore_errors=True)
            return soak

        careless = soak_with(wrapper("careless-shotc"), 2, chaos=False)
        wanted = {"double submit": "paid twice", "partial video": "partial or wrong video",
                  "record that does not parse": "does not parse"}
        missed = [name for name, text in wanted.items() if not any(text in found for found in careless.violations)]
        reference = soak_with(wrapper("reference-shotc"), settings["runs"], chaos=True)
        ok = True
        if missed:
            print("soak self-check: FAILED, against a careless runner the soak missed: %s" % ", ".join(missed))
            ok = False
        else:
            print("soak self-check: the soak caught a careless runner's double submit, partial video and "
                  "record that does not parse")
        if reference.violations:
            print("soak self-check: FAILED, the soak reports %d violation(s) against the reference runner"
                  % len(reference.violations))
            ok = False
        else:
            print("soak self-check: the soak passes the reference runner (%d runs under chaos)" % settings["runs"])
        if ok:
            print("soak self-check: ok")
        return ok
    finally:
        shutil.rmtree(wrapper_folder, ignore_errors=True)


def violation_kind(text):
    """The kind of a violation message: run, shot and file names taken out."""
    text = re.sub(r"^\[run \d+, invocation \d+\] ", "", text)
    text = re.sub(r"\bs\d+\.(run\.json|mp4)\b", r"NAME.\1", text)
    text = re.sub(r"\bshot s\d+\b", "a shot", text)
    text = re.sub(r"\bshots? (are|is) not done: .*", r"shots are not done", text)
    return text.split(":")[0].split(" (")[0]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="randomized scenarios, each driven to completion")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--first-run", type=int, default=1, help="number of the first run (to replay one run)")
    parser.add_argument("--shotc", default=os.path.join(ROOT, ".build", "debug", "shotc"))
    parser.add_argument("--standin", default=os.path.join(ROOT, ".build", "debug", "fal-standin"))
    parser.add_argument("--queue-ms", type=int, default=80)
    parser.add_argument("--progress-ms", type=int, default=160)
    parser.add_argument("--max-invocations", type=int, default=30, help="per run, then 'did not converge'")
    parser.add_argument("--kill-rate", type=float, default=0.35, help="chance a chaos invocation gets a signal")
    parser.add_argument("--restart-rate", type=float, default=0.15, help="chance of a stand-in restart")
    parser.add_argument("--kill-window", type=float, default=1.5,
                        help="signals and restarts fall in [0, this] s until calm invocations give a median time")
    parser.add_argument("--invocation-timeout", type=float, default=120)
    parser.add_argument("--interrupt-timeout", type=float, default=30, help="how long shotc may take after SIGINT")
    parser.add_argument("--force-unresolved", action="store_true",
                        help="force shots fal accepted but shotc lost (counted as acknowledged double submits)")
    parser.add_argument("--stop-on-violation", action="store_true")
    parser.add_argument("--show-violations", type=int, default=15)
    parser.add_argument("--progress", type=int, default=0, help="print a line every N runs")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (logs, records); it is kept anyway after a violation")
    parser.add_argument("--discard", action="store_true", help="remove the work folder even after a violation")
    parser.add_argument("--self-check", action="store_true",
                        help="run against a careless runner built in; succeed only if every kind of violation is caught")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    for name in (("standin",) if args.self_check else ("shotc", "standin")):
        path = os.path.abspath(getattr(args, name))
        setattr(args, name, path)
        if not os.access(path, os.X_OK):
            parser.error("--%s %s is not an executable (build with `swift build`)" % (name, path))
    if args.runs < 1 or args.max_invocations < 1:
        parser.error("--runs and --max-invocations must be at least 1")
    return args


def main(argv):
    if argv[:1] == ["careless-shotc"]:
        return careless_shotc(argv[1:])
    if argv[:1] == ["reference-shotc"]:
        try:
            return reference_shotc(argv[1:])
        except KeyboardInterrupt:  # also when it lands before reference_shotc's own handler
            return 130
    args = parse_arguments(argv)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if args.self_check:
        try:
            return 0 if self_check(args) else 1
        except Interrupted:
            return 130
        except Infrastructure as problem:
            print("soak: cannot go on: %s" % problem, file=sys.stderr)
            return 2
        finally:
            kill_children()
    soak = None
    try:
        soak = Soak(args)
        completed_runs, elapsed = soak.main()
        print(soak.summary(completed_runs, elapsed))
        if soak.violations:
            print("soak: %d invariant violation(s); seed %d" % (len(soak.violations), args.seed), file=sys.stderr)
            return 1
        return 0
    except Interrupted as interruption:
        print("soak: interrupted (%s); stopping every process it started" % interruption, file=sys.stderr)
        if soak is not None:
            print(soak.summary(0, 0), file=sys.stderr)
        return 130
    except Infrastructure as problem:
        print("soak: cannot go on: %s" % problem, file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        kill_children()
        if soak is not None:
            if args.keep or (soak.violations and not args.discard):
                print("soak: work folder kept: %s" % soak.workdir, file=sys.stderr)
            else:
                shutil.rmtree(soak.workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
