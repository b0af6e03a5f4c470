#!/usr/bin/env bash
# Configures and builds crowsnest and its tests into build/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$ROOT/build" -j "$(nproc)"
