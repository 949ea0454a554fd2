#!/usr/bin/env python3
"""Times the benchmark commands and prints the table (called by bench/run.sh).

    measure.py OUTDIR YAML_BARE SHOTC

Runs in OUTDIR. Uses hyperfine when installed (medians from its JSON export),
otherwise a Python loop (median of RUNS runs, default 10, at least 5).
Peak memory of the two big builds comes from `/usr/bin/time -v`
("Maximum resident set size") when available.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

RUNS = max(5, int(os.environ.get("RUNS", "10")))


def commands(yaml_bare, shotc):
    here = os.path.dirname(os.path.abspath(__file__))
    return [
        ("a", "yaml_bare big.yaml", [yaml_bare, "big.yaml"]),
        ("b", "shotc build big.yaml --keep-paths", [shotc, "build", "big.yaml", "--keep-paths"]),
        ("c", "shotc build big.shot --keep-paths", [shotc, "build", "big.shot", "--keep-paths"]),
        ("d", "python3 reference_compiler.py big.yaml",
         [sys.executable, os.path.join(here, "reference_compiler.py"), "big.yaml"]),
        ("e", "shotc build one-shot.shot", [shotc, "build", "one-shot.shot"]),
    ]


def shell_join(argv):
    return " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)


def time_hyperfine(cmds):
    export = "hyperfine.json"
    argv = ["hyperfine", "-N", "--warmup", "2", "--min-runs", str(RUNS),
            "--export-json", export, "--style", "basic"]
    for key, label, cmd in cmds:
        argv += ["-n", f"({key}) {label}", shell_join(cmd)]
    subprocess.run(argv, check=True, stdout=sys.stderr)
    with open(export) as f:
        results = json.load(f)["results"]
    return {cmds[i][0]: (r["median"], r["stddev"] or 0.0, len(r["times"]),
                         r["user"] + r["system"], r["min"])
            for i, r in enumerate(results)}


def time_loop(cmds):
    # Round-robin: each round runs every command once, so that a burst of load from elsewhere
    # on a shared machine falls on all of them alike instead of on whichever ran then.
    for key, label, cmd in cmds:
        for _ in range(2):
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times = {key: [] for key, _, _ in cmds}
    cpu = {key: [] for key, _, _ in cmds}
    for _ in range(RUNS):
        for key, label, cmd in cmds:
            c0 = os.times()
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            times[key].append(time.perf_counter() - t0)
            c1 = os.times()
            cpu[key].append(c1.children_user - c0.children_user + c1.children_system - c0.children_system)
    return {key: (statistics.median(times[key]), statistics.stdev(times[key]), len(times[key]),
                  statistics.mean(cpu[key]), min(times[key])) for key, _, _ in cmds}


def peak_rss_mb(cmd):
    if not os.path.exists("/usr/bin/time"):
        return None
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, check=True)
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1]) / 1024.0
    return None


def main(outdir, yaml_bare, shotc):
    os.chdir(outdir)
    cmds = commands(yaml_bare, shotc)
    tool = "hyperfine" if shutil.which("hyperfine") else f"python loop, median of {RUNS}"
    t = time_hyperfine(cmds) if shutil.which("hyperfine") else time_loop(cmds)
    rss = {k: peak_rss_mb(c) for k, _, c in cmds if k in ("a", "b", "c", "d")}

    print()
    print(f"timing: {tool}; inputs: big.yaml {os.path.getsize('big.yaml')} B, "
          f"big.shot {os.path.getsize('big.shot')} B")
    print(f"{'':4}{'command':44}{'median ms':>11}{'min ms':>8}{'stddev':>9}{'runs':>6}{'cpu ms':>9}{'peak RSS MB':>13}")
    for key, label, _ in cmds:
        med, sd, n, cpu, least = t[key]
        r = rss.get(key)
        rs = f"{r:.1f}" if r is not None else "-"
        print(f"({key}) {label:44}{med * 1000:11.2f}{least * 1000:8.2f}{sd * 1000:9.2f}{n:6}{cpu * 1000:9.2f}{rs:>13}")
    print("    (median and min = wall clock; cpu = mean user+system time; on a shared machine the")
    print("     minimum is the figure least touched by load from elsewhere)")

    def ratio(x, y):
        return t[x][0] / t[y][0]

    print()
    checks = [
        ("b/a  YAML build vs bare libyaml parse", ratio("b", "a"), "<= 2.0", ratio("b", "a") <= 2.0),
        ("c/a  .shot build vs bare libyaml parse", ratio("c", "a"), "<= 1.0", ratio("c", "a") <= 1.0),
        ("d/b  Python vs YAML build", ratio("d", "b"), ">= 20", ratio("d", "b") >= 20),
        ("d/c  Python vs .shot build", ratio("d", "c"), ">= 20", ratio("d", "c") >= 20),
    ]
    cpu = {"b/a": ("b", "a"), "c/a": ("c", "a"), "d/b": ("d", "b"), "d/c": ("d", "c")}
    for name, v, target, ok in checks:
        x, y = cpu[name[:3]]
        print(f"{name:42}{v:9.2f}   target {target:7} {'OK' if ok else 'MISSED':7}"
              f" (by cpu time: {t[x][3] / t[y][3]:.2f}, by min: {t[x][4] / t[y][4]:.2f})")
    for key in ("b", "c"):
        r = rss.get(key)
        if r is not None:
            print(f"peak RSS ({key}){'':29}{r:9.1f} MB  target < 100   {'OK' if r < 100 else 'MISSED'}")
    e = t["e"][0] * 1000
    print(f"one-shot build (e){'':24}{e:9.2f} ms  target < 20    {'OK' if e < 20 else 'MISSED'}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
