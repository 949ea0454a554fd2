#!/usr/bin/env bash
# End-to-end test of `shotc lsp` in Neovim (Debian's neovim, installed here when missing) with
# the project's editors/nvim setup, on a scratch copy of examples/greenhouse.
# Prints each check and "N passed, N failed"; exits non-zero on a failure.
#   SHOTC=path/to/shotc scripts/nvim-test.sh     (default: the debug build, built if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
if ! command -v nvim >/dev/null 2>&1; then
  echo "installing neovim" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq neovim >/dev/null
fi
if [ -z "${SHOTC:-}" ]; then
  swift build --product shotc >&2
  SHOTC="$(swift build --show-bin-path)/shotc"
fi
export SHOTC
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R examples/greenhouse "$scratch/greenhouse"
rm -rf "$scratch/greenhouse/renders"
cd "$scratch/greenhouse"
# nvim's own messages go to stderr; the checks to stdout.
status=0
timeout 180 nvim --headless -n -i NONE -u "$repo/editors/nvim/init.lua" greenhouse.shot \
  -c "luafile $repo/Tests/nvim/e2e.lua" || status=$?
if [ "$status" -ne 0 ]; then
  echo "nvim test failed (exit $status)" >&2
fi
exit "$status"
