#!/usr/bin/env bash
# What the semantic model, the split analyzer and the cache cost a one-shot build (issue 8):
# builds bench/compile_bench.swift with ShotKit's and ShotJSON's sources (swiftc -O -wmo, one
# module) from a base revision and from the work tree, then times both, alternating, on the
# big scene of bench/run.sh (generated into bench/out/ when missing).
#   bench/model-cost.sh [BASE_REV] [RUNS]      # default: 228a3bb (main before issue 8), 30
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-228a3bb}
runs=${2:-30}
out=.build/model-cost
mkdir -p "$out"
[ -f bench/out/big.shot ] || python3 bench/generate.py 5000 120 bench/out >&2

build() { # DIR BINARY
  mapfile -t sources < <(find "$1/Sources/ShotKit" "$1/Sources/ShotJSON" -name '*.swift' ! -name ShotJSONExport.swift | sort)
  swiftc -O -wmo -parse-as-library -module-name CompileBench -I Sources/CYaml \
    "${sources[@]}" bench/compile_bench.swift -lyaml -o "$2"
}
rm -rf "$out/base" && mkdir -p "$out/base"
git archive "$base" Sources/ShotKit Sources/ShotJSON | tar -x -C "$out/base"
echo "building $base and the work tree" >&2
build "$out/base" "$out/bench-base"
build . "$out/bench-head"
for file in big.shot big.yaml; do
  for round in 1 2; do
    echo "$file  base $base   $("$out/bench-base" "bench/out/$file" "$runs")"
    echo "$file  work tree  $("$out/bench-head" "bench/out/$file" "$runs")"
  done
done
