#!/usr/bin/env bash
# bench-outputs.sh: how many verdicts a second each output delivers, each on
# its own, to a local destination that takes everything (a file, syslog over
# a Unix datagram socket and over TCP, HTTP json/_bulk batches and Falco
# alerts one per POST to a loopback receiver); then how fast the engine's
# side publishes with a dead HTTP output and with none, alternating, in one
# run. scripts/bench_outputs.cpp does the measuring. No root needed.
# Usage: scripts/bench-outputs.sh [VERDICTS]   (default 100000)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
N=${1:-100000}

cmake -S "$ROOT" -B "$BUILD" >/dev/null && cmake --build "$BUILD" -j2 --target bench_outputs >/dev/null ||
	{ echo "bench-outputs.sh: building bench_outputs failed (scripts/setup.sh installs what the build needs)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/crowsnest-bench-outputs.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$BUILD/bench_outputs" "$N" "$TMP"
