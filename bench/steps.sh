#!/usr/bin/env bash
# Instruction counts of one in-process compile + request JSON (bench/compile_bench.swift) at
# each of several revisions: the table of steps in BENCHMARKS.md. Counts (callgrind) repeat to
# within a few thousand instructions on any machine load; wall clock does not.
#   bench/steps.sh REV [REV ...]        # e.g. bench/steps.sh 0c49147 HEAD
# For each revision: ShotKit and ShotJSON from `git archive REV` are built with
# bench/compile_bench.swift (swiftc -O -wmo, one module, about a minute of CPU each), then run
# once under callgrind on bench/out/big.shot and big.yaml (5,000 shots, generated when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/steps.sh REV [REV ...]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench/steps.sh needs valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -f bench/out/big.shot ] || python3 bench/generate.py 5000 120 bench/out >&2
out=.build/steps
mkdir -p "$out"
printf '%-10s %16s %16s\n' revision "big.shot instr" "big.yaml instr"
for rev in "$@"; do
  commit=$(git rev-parse --short "$rev")
  dir="$out/$commit"
  if [ ! -x "$dir/bench" ]; then
    rm -rf "$dir" && mkdir -p "$dir/src"
    git archive "$commit" Sources/ShotKit Sources/ShotJSON Sources/CYaml | tar -x -C "$dir/src"
    mapfile -t sources < <(find "$PWD/$dir/src/Sources/ShotKit" "$PWD/$dir/src/Sources/ShotJSON" -name '*.swift' ! -name ShotJSONExport.swift | sort)
    # In the revision's folder: swiftc leaves module files in the folder it runs in.
    (cd "$dir" && swiftc -O -wmo -parse-as-library -module-name CompileBench -I src/Sources/CYaml \
      "${sources[@]}" "$OLDPWD/bench/compile_bench.swift" -lyaml -o bench) >&2
  fi
  counts=()
  for file in big.shot big.yaml; do
    counts+=("$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$dir/bench" "bench/out/$file" 1 2>&1 \
      | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')")
  done
  printf '%-10s %16s %16s\n' "$commit" "${counts[0]}" "${counts[1]}"
done
