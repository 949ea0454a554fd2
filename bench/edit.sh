#!/usr/bin/env bash
# Re-analysis after an edit (issue 8): builds bench/edit_bench.swift with ShotKit's and
# ShotJSON's sources into one optimized module, then times a one-character edit of a 200-shot
# scene compiled again with an AnalysisCache, against a compile from nothing.
#   bench/edit.sh [SHOTS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/edit-bench
mkdir -p "$out"
mapfile -t sources < <(find Sources/ShotKit Sources/ShotJSON -name '*.swift' ! -name ShotJSONExport.swift | sort)
if [ ! -x "$out/edit-bench" ] || [ -n "$(find Sources/ShotKit Sources/ShotJSON bench/edit_bench.swift -newer "$out/edit-bench" -name '*.swift' | head -1)" ]; then
  echo "building (swiftc -O, whole module)" >&2
  swiftc -O -wmo -parse-as-library -module-name EditBench -I Sources/CYaml \
    "${sources[@]}" bench/edit_bench.swift -lyaml -o "$out/edit-bench"
fi
"$out/edit-bench" "${1:-200}" "${2:-200}"
