#!/usr/bin/env bash
# Sets up, builds and runs the sensor with its shipped defaults: the rules in
# rules/, verdicts as JSON lines on stdout, logs on stderr. Extra arguments
# go to crowsnest (try --help, or --events to see every event).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
exec "$ROOT/build/crowsnest" "$@"
