#!/usr/bin/env bash
# `shotc run` against fal's official Python client (fal-client), both rendering
# the same scene on the project's stand-in of fal (not a test). Usage:
#
#   bench/run_vs_falclient.sh [N...]        # default: 8 24
#
# For each N: writes a scene of N shots over 6 local PNGs into bench/out/run-N/
# (bench/make_run_scene.py), takes the bodies from `shotc build --keep-paths`,
# then for each configuration runs RUNS times, each against a FRESH stand-in
# (--queue-ms QUEUE_MS --progress-ms PROGRESS_MS):
#   shotc      shotc run run.shot -j J -o OUT           (J = 4 and J = N)
#   fal-client bench/falclient_render.py ... J OUT       (J = 4 and J = N)
#   fal-client+progress   the same with an on_queue_update callback (--progress)
# It records the wall time of the whole process, the stand-in's counts per
# route (GET /_standin/counts), and checks that OUT holds N videos each the
# size of the stand-in's sample video. Prints a markdown table of medians.
#
# Environment: RUNS (default 3), QUEUE_MS (500), PROGRESS_MS (2000),
# SHOTC / STANDIN (paths; skip the build), PY (python with fal-client;
# default /tmp/falvenv/bin/python: python3 -m venv /tmp/falvenv &&
# /tmp/falvenv/bin/pip install fal-client), TOOLS (default
# "shotc fal-client fal-client+progress").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-3}
QUEUE_MS=${QUEUE_MS:-500}
PROGRESS_MS=${PROGRESS_MS:-2000}
PY=${PY:-/tmp/falvenv/bin/python}
TOOLS=${TOOLS:-"shotc fal-client fal-client+progress"}
KEY=bench-key
NS=("$@"); [[ ${#NS[@]} -gt 0 ]] || NS=(8 24)

if [[ -z "${SHOTC:-}" || -z "${STANDIN:-}" ]]; then
  echo "== swift build -c release --product shotc / fal-standin" >&2
  swift build -c release --product shotc >&2
  swift build -c release --product fal-standin >&2
  BIN="$(swift build -c release --show-bin-path)"
  SHOTC=${SHOTC:-$BIN/shotc}; STANDIN=${STANDIN:-$BIN/fal-standin}
fi
"$PY" -c 'import fal_client' 2>/dev/null || { echo "no fal-client in $PY; measuring shotc alone" >&2; TOOLS=shotc; }
echo "== shotc $("$SHOTC" --version 2>/dev/null || echo '?'); fal-client $("$PY" -c 'import fal_client; print(fal_client.__version__)' 2>/dev/null || echo '-')" >&2

RESULTS=$ROOT/bench/out/run-results.tsv
mkdir -p "$ROOT/bench/out"
: > "$RESULTS"
SPID=""; SFD=""
start_standin() {  # sets BASE
  local dir=$1
  rm -f "$dir/standin.fifo" "$dir/standin.out"; mkfifo "$dir/standin.fifo"
  "$STANDIN" --port 0 --key "$KEY" --queue-ms "$QUEUE_MS" --progress-ms "$PROGRESS_MS" \
    < "$dir/standin.fifo" > "$dir/standin.out" 2>&1 &
  SPID=$!
  exec {SFD}> "$dir/standin.fifo"   # the stand-in exits when this closes
  for _ in $(seq 100); do grep -q '^listening on ' "$dir/standin.out" 2>/dev/null && break; sleep 0.05; done
  BASE=$(sed -n 's/^listening on //p' "$dir/standin.out")
  [[ -n "$BASE" ]] || { cat "$dir/standin.out" >&2; exit 1; }
}
stop_standin() { exec {SFD}>&-; wait "$SPID" 2>/dev/null || true; }

for N in "${NS[@]}"; do
  DIR=$ROOT/bench/out/run-$N
  rm -rf "$DIR"; mkdir -p "$DIR"
  python3 bench/make_run_scene.py "$N" "$DIR"
  (cd "$DIR" && "$SHOTC" build run.shot --keep-paths > build.json)
  for TOOL in $TOOLS; do
    for J in $( [[ $N -eq 4 ]] && echo 4 || echo "4 $N" ); do
      for R in $(seq "$RUNS"); do
        OUT=$DIR/out-$TOOL-j$J-r$R
        rm -rf "$OUT"
        start_standin "$DIR"
        export FAL_KEY=$KEY FAL_QUEUE_URL=$BASE FAL_REST_URL=$BASE FAL_CDN_URL=$BASE
        T0=$(date +%s%N)
        case $TOOL in
          shotc) (cd "$DIR" && "$SHOTC" run run.shot -j "$J" -o "$OUT" > "$OUT.log" 2>&1) ;;
          fal-client) "$PY" bench/falclient_render.py "$DIR/build.json" "$DIR" "$BASE" "$J" "$OUT" > "$OUT.log" 2>&1 ;;
          fal-client+progress) "$PY" bench/falclient_render.py "$DIR/build.json" "$DIR" "$BASE" "$J" "$OUT" --progress > "$OUT.log" 2>&1 ;;
        esac
        T1=$(date +%s%N)
        curl -s "$BASE/_standin/counts" > "$OUT.counts.json"
        SAMPLE=$(curl -s "$BASE/media/sample.mp4" | wc -c)
        stop_standin
        python3 - "$OUT" "$OUT.counts.json" "$N" "$SAMPLE" "$TOOL" "$J" "$R" "$(( (T1 - T0) / 1000000 ))" >> "$RESULTS" <<'PYEOF'
import json, os, sys
out, counts_path, n, sample, tool, j, r, ms = sys.argv[1:]
n, sample = int(n), int(sample)
c = json.load(open(counts_path))
routes = ["submit", "status", "stream", "result", "cancel", "token", "upload", "initiate", "put", "file", "media"]
total = sum(c.get(k, 0) for k in routes)
vids = [f for f in os.listdir(out) if f.endswith(".mp4")] if os.path.isdir(out) else []
ok = len(vids) == n and all(os.path.getsize(os.path.join(out, f)) == sample for f in vids) and c.get("submit") == n
per = " ".join(f"{k}={c.get(k, 0)}" for k in routes if c.get(k, 0)) + f" unauthorized={c.get('unauthorized', 0)}"
print("\t".join(map(str, [tool, n, j, r, ms, total, c.get("status", 0), c.get("stream", 0),
                          c.get("upload", 0) + c.get("put", 0), "ok" if ok else f"BAD({len(vids)} videos)", per])))
PYEOF
        tail -1 "$RESULTS" >&2
      done
    done
  done
done

python3 - "$RESULTS" <<'PYEOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
groups = {}
for t, n, j, r, ms, total, st, sm, up, ok, per in rows:
    groups.setdefault((t, int(n), int(j)), []).append((int(ms), int(total), int(st), int(sm), int(up), ok, per))
print("| tool | N | J | median wall s (each run) | total requests | requests per shot | status + stream polls per shot | uploads | videos |")
print("|---|---|---|---|---|---|---|---|---|")
for (t, n, j), g in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
    med = statistics.median(x[0] for x in g) / 1000
    tot = sorted({x[1] for x in g}); polls = sorted({x[2] + x[3] for x in g}); up = sorted({x[4] for x in g})
    def fmt(v):
        v = sorted(set(v))
        return str(v[0]) if len(v) == 1 else f"{v[0]}–{v[-1]}"
    print(f"| {t} | {n} | {j} | {med:.2f} ({' / '.join(f'{x[0]/1000:.2f}' for x in g)}) | {fmt(tot)} "
          f"| {fmt([round(x / n, 1) for x in tot])} | {fmt([round(x / n, 1) for x in polls])} | {fmt(up)} "
          f"| {'all ok' if all(x[5] == 'ok' for x in g) else 'SOME BAD'} |")
PYEOF
