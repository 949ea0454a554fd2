#!/usr/bin/env bash
# The test command: system libraries where missing, then every test (unit, golden, examples,
# and the CLI tests that run the built shotc against the fal stand-in on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
# Every test is written with Swift Testing; XCTest would only print "Executed 0 tests".
# Two runs: the command-line tests wait for processes on threads of the concurrency pool (two
# threads on two cores), which would stall the library tests' timing checks if run beside them.
swift test --skip-build --disable-xctest --skip ShotcCLITests
swift test --skip-build --disable-xctest --filter ShotcCLITests
