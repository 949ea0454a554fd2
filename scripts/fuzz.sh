#!/usr/bin/env bash
# Fuzzes the two front ends of the compiler with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60; both targets run at once)
#
# Each target (Fuzz/ShotFuzz, Fuzz/YAMLFuzz) is built by swiftc from ShotKit's sources, the
# shared invariants (Tests/ShotKitTests/FuzzInvariants.swift) and its entry point, with
# -sanitize=fuzzer,address; `swift build` never sees them. Inputs start from the committed
# seed corpus (Fuzz/corpus/shot, Fuzz/corpus/yaml: the examples and the diagnostic fixtures);
# what libFuzzer finds new goes to .build/fuzz/corpus-*, crashing inputs to
# .build/fuzz/crashes/. Exits non-zero when a target crashes, hangs or breaks an invariant;
# then copy the input into Tests/ShotKitTests/Fixtures/fuzz-regressions/ (see its README).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
case "$seconds" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac

# libyaml's headers and library (Debian packages), where missing.
scripts/install-deps.sh
command -v swiftc >/dev/null || { echo "error: swiftc not found (install a Swift 6 toolchain)" >&2; exit 2; }

out=.build/fuzz
mkdir -p "$out/crashes"
# ShotKit and the JSON model it re-exports, compiled as one module (so the re-export file goes).
mapfile -t shotkit < <(find Sources/ShotJSON Sources/ShotKit -name '*.swift' ! -name ShotJSONExport.swift | sort)

build() { # NAME ENTRY
  local name="$1" entry="$2" binary="$out/$1"
  # Rebuilt only when a source is newer than the binary.
  if [ -x "$binary" ] && [ -z "$(find Sources/ShotJSON Sources/ShotKit Fuzz Tests/ShotKitTests/FuzzInvariants.swift \
      -name '*.swift' -newer "$binary" | head -1)" ]; then
    return
  fi
  echo "building $name" >&2
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$name" \
    -I Sources/CYaml "${shotkit[@]}" Tests/ShotKitTests/FuzzInvariants.swift "$entry" \
    -lyaml -o "$binary" 2>&1 | { grep -v 'Cannot export local symbol' >&2 || true; }
}
build ShotFuzz Fuzz/ShotFuzz/ShotFuzz.swift
build YAMLFuzz Fuzz/YAMLFuzz/YAMLFuzz.swift

run() { # NAME CORPUS
  local name="$1" corpus="$2" work="$out/corpus-$2"
  mkdir -p "$work"
  # -timeout: an input that takes 10 s is a hang; -max_len: scenes larger than 16 KB add
  # little but time; -detect_leaks=0: Swift's runtime fills caches lazily, so libFuzzer's
  # leak check would run most inputs twice for nothing (memory growth still hits
  # -rss_limit_mb). The committed corpus is read, never written.
  "$out/$name" "$work" "Fuzz/corpus/$corpus" -max_total_time="$seconds" -timeout=10 \
    -max_len=16384 -rss_limit_mb=4096 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$name-" >"$out/$name.log" 2>&1
}

status=0
run ShotFuzz shot & shot_pid=$!
run YAMLFuzz yaml & yaml_pid=$!
wait "$shot_pid" || status=1
wait "$yaml_pid" || status=1

for name in ShotFuzz YAMLFuzz; do
  log="$out/$name.log"
  echo "== $name ($log)"
  # libFuzzer's last progress line (executions, cov, ft, corpus) and its final statistics.
  grep -E '^#[0-9]+' "$log" | tail -1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  # Anchored: libFuzzer's recommended dictionary (printed at the end) quotes input bytes.
  if grep -qE '^==[0-9]+== ?ERROR|^SUMMARY: |^invariants broken|: Fatal error: ' "$log"; then
    grep -E -A30 '^==[0-9]+== ?ERROR|^invariants broken|: Fatal error: ' "$log" | head -60
    status=1
  fi
done
ls "$out"/crashes/ 2>/dev/null | sed 's/^/crash input: .build\/fuzz\/crashes\//' || true
[ "$status" -eq 0 ] && echo "fuzz: no crash in ${seconds} s per target" || echo "fuzz: FAILED" >&2
exit "$status"
