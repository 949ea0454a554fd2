#!/usr/bin/env bash
# Latency of `shotc lsp` on a 200-shot scene (bench/lsp_latency.py); release build.
#   bench/lsp.sh [ROUNDS]        SHOTC=path skips the build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SHOTC:-}" ]; then
  echo "== swift build -c release --product shotc --static-swift-stdlib" >&2
  swift build -c release --product shotc --static-swift-stdlib --scratch-path .build-static >&2
  SHOTC="$(swift build -c release --scratch-path .build-static --show-bin-path)/shotc"
fi
python3 bench/lsp_latency.py "$SHOTC" "${1:-100}"
