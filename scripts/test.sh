#!/usr/bin/env bash
# Sets up, builds and runs every test, in three builds:
#   build/       the daemon as shipped (g++; -Werror under CI=true): unit tests,
#                and integration tests that load the real BPF programs and run
#                real runc and Docker containers (root needed)
#   build-asan/  the libraries without BPF (clang++, CROWSNEST_WITH_BPF=OFF:
#                proves they build without the BPF toolchain): every unit test
#                and the fuzzers under AddressSanitizer and UBSan
#   build-tsan/  the hub, rule store and gRPC server tests under ThreadSanitizer
# Under CI=true a test that cannot load BPF or start a container fails
# instead of skipping. Arguments go to each ctest (e.g. -R decoder).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh" --tests
JOBS=$(nproc)

echo "== build/: the daemon, unit and integration tests" >&2
werror=OFF
[ "${CI:-}" = true ] && werror=ON
"$ROOT/scripts/build.sh" -DCROWSNEST_WERROR="$werror"
(cd "$ROOT/build" && ctest --output-on-failure --timeout 300 "$@")

echo "== build-asan/: unit tests and fuzzers under ASan+UBSan, without BPF" >&2
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCROWSNEST_WITH_BPF=OFF -DCROWSNEST_SANITIZE=address,undefined -DCROWSNEST_FUZZ=ON \
	-DCROWSNEST_WERROR="$werror" >/dev/null
cmake --build "$ROOT/build-asan" -j "$JOBS"
(cd "$ROOT/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 600 "$@")

echo "== build-tsan/: hub, rule store and gRPC server under TSan" >&2
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$ROOT/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCROWSNEST_WITH_BPF=OFF -DCROWSNEST_SANITIZE=thread -DCROWSNEST_WERROR="$werror" >/dev/null
cmake --build "$ROOT/build-tsan" -j "$JOBS" --target api_tests
(cd "$ROOT/build-tsan" && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$ROOT/tests/tsan.supp" \
	ctest --output-on-failure --timeout 300 -R '^api:' "$@")
