#!/usr/bin/env bash
# The main job on an example, offline: check and build the greenhouse scene, then render it
# with `shotc run` against the project's stand-in of fal (nothing leaves 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# One product per build: `swift build --product a --product b` builds only the last one.
for product in shotc fal-standin; do
  swift build --product "$product" 2>&1 | tail -1
done
bin=$(swift build --show-bin-path)
scene=examples/greenhouse/greenhouse.shot
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${standin_pid:-}" ] && kill "$standin_pid" 2>/dev/null || true' EXIT

echo "== shotc check $scene"
"$bin/shotc" check "$scene" && echo "no problems"
echo
echo "== shotc build $scene --shot opening --keep-paths --cost"
"$bin/shotc" build "$scene" --shot opening --keep-paths --cost
echo
echo "== shotc run $scene (against the local stand-in of fal)"
mkfifo "$work/hold"
"$bin/fal-standin" --port 0 --key demo-key --queue-ms 400 --progress-ms 1500 < "$work/hold" > "$work/standin.out" &
standin_pid=$!
exec 3> "$work/hold"
for _ in $(seq 50); do grep -q "listening on" "$work/standin.out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/standin.out")
FAL_KEY=demo-key FAL_QUEUE_URL="$base" FAL_REST_URL="$base" FAL_CDN_URL="$base" \
  "$bin/shotc" run "$scene" -o "$work/renders" -j 2
echo
echo "== run again: nothing to do, nothing sent (up to date)"
again=$(FAL_KEY=demo-key FAL_QUEUE_URL="$base" FAL_REST_URL="$base" FAL_CDN_URL="$base" \
  "$bin/shotc" run "$scene" -o "$work/renders" 2>&1)
echo "$again"
grep -q "up to date" <<< "$again" || { echo "demo: the second run did not say up to date" >&2; exit 1; }
ls -l "$work/renders"
