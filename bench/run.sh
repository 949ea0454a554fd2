#!/usr/bin/env bash
# The shotc benchmark (not a test). Usage:  bench/run.sh [N_SHOTS] [N_DECLS]
#
# 1. builds shotc in release mode with the Swift runtime linked statically, as it is
#    installed (set SHOTC=/path/to/shotc to skip the build);
# 2. generates the big scene into bench/out/ (both syntaxes, same meaning);
# 3. checks that `shotc build --keep-paths` on big.yaml and on big.shot prints
#    exactly what the Python reference compiler prints for big.yaml, and that
#    every example in examples/ builds to its .expected.json from both forms;
# 4. times (a) yaml_bare big.yaml  (b) shotc build big.yaml --keep-paths
#    (c) shotc build big.shot --keep-paths  (d) python3 reference_compiler.py big.yaml
#    (e) shotc build one-shot.shot, with hyperfine if installed (else a Python
#    loop), plus peak RSS of (b) and (c) via /usr/bin/time -v; prints the table
#    and the ratios against the targets.
# Environment: RUNS (minimum runs per command, default 10), SHOTC, KEEP_GOING=1
# (time even when outputs differ).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
N_SHOTS=${1:-5000}
N_DECLS=${2:-120}
mkdir -p "$OUT"

if [[ -z "${SHOTC:-}" ]]; then
  echo "== swift build -c release --product shotc --static-swift-stdlib" >&2
  swift build -c release --product shotc --static-swift-stdlib --scratch-path .build-static >&2
  SHOTC="$(swift build -c release --scratch-path .build-static --show-bin-path)/shotc"
fi
echo "== shotc: $SHOTC" >&2

echo "== generating $N_SHOTS shots, $N_DECLS declarations into bench/out" >&2
python3 bench/generate.py "$N_SHOTS" "$N_DECLS" "$OUT" >&2

echo "== cc -O2 bench/yaml_bare.c -lyaml" >&2
cc -O2 bench/yaml_bare.c -lyaml -o "$OUT/yaml_bare"

status=0
echo "== checking outputs against the reference compiler" >&2
(cd "$OUT" && python3 "$ROOT/bench/reference_compiler.py" big.yaml > ref.json)
for f in big.yaml big.shot; do
  if (cd "$OUT" && "$SHOTC" build "$f" --keep-paths > "shotc-$f.json") && cmp -s "$OUT/ref.json" "$OUT/shotc-$f.json"; then
    echo "   $f: same bytes as the reference" >&2
  else
    echo "   $f: DIFFERS from the reference (diff bench/out/ref.json bench/out/shotc-$f.json)" >&2
    diff "$OUT/ref.json" "$OUT/shotc-$f.json" | head -20 >&2 || true
    status=1
  fi
done
for dir in examples/*/; do
  name=$(basename "$dir")
  for f in "$name.yaml" "$name.shot"; do
    [[ -f "$dir$f" ]] || continue
    if (cd "$dir" && "$SHOTC" build "$f" --keep-paths 2>/dev/null | cmp -s - "$name.expected.json"); then
      echo "   examples/$name/$f: matches $name.expected.json" >&2
    else
      echo "   examples/$name/$f: DIFFERS from $name.expected.json" >&2
      (cd "$dir" && "$SHOTC" build "$f" --keep-paths 2>&1 | diff "$name.expected.json" - | head -20) >&2 || true
      status=1
    fi
  done
done
if [[ $status -ne 0 && -z "${KEEP_GOING:-}" ]]; then
  echo "outputs differ; not timing (KEEP_GOING=1 to time anyway)" >&2
  exit 1
fi

echo "== timing" >&2
python3 bench/measure.py "$OUT" "$OUT/yaml_bare" "$SHOTC"
exit $status
