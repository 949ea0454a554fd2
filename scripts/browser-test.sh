#!/usr/bin/env bash
# Browser tests of `shotc board`: the page in headless Chromium (Debian's chromium and
# chromium-driver, installed where missing), driven by Selenium in a virtual environment under
# .build/. Pages are opened from file:// and from `shotc board --serve` on 127.0.0.1; renders go
# to the fal stand-in on 127.0.0.1. Prints "N passed, N failed" last; the exit status is the result.
#   BOARD_SCREENSHOTS=docs scripts/browser-test.sh    # also saves the screenshots the README shows
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# One product per build: `swift build --product a --product b` builds only the last one.
for product in shotc fal-standin; do
  swift build --product "$product" 2>&1 | tail -1
done
venv=.build/browser-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import selenium' >/dev/null 2>&1 || "$venv/bin/pip" install -q selenium
# chromedriver and chromium are named explicitly, so Selenium Manager never looks for a driver.
export SE_OFFLINE=true
SHOTC_BIN="$(swift build --show-bin-path)" exec "$venv/bin/python" Tests/browser/test_board.py
