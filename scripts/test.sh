#!/usr/bin/env bash
# The test command: system libraries where missing, then every test (unit, golden, examples,
# and the CLI tests that run the built shotc against the fal stand-in on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
# Every test is written with Swift Testing; XCTest would only print "Executed 0 tests".
swift test --skip-build --disable-xctest
