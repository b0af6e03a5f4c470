#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests, and integration tests that
# load the real BPF programs and run real runc containers (root needed).
# Under CI=true a test that cannot load BPF or start a container fails
# instead of skipping.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh" --tests
"$ROOT/scripts/build.sh"
cd "$ROOT/build"
ctest --output-on-failure --timeout 300 "$@"
