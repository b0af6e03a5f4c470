#!/usr/bin/env bash
# bench-pipeline.sh: how fast the whole userspace pipeline runs, from the
# ring buffer's records to the written lines, on one core.
#
# 1. Records: scripts/bench_pipeline.cpp loads the BPF programs with no
#    prefilter and no rate limit and keeps every record as received, while
#    the mix of bench-rules.sh runs for BENCH_RECORD_SECONDS (shells, find,
#    tar, curl to a local httpd, refused connects, a runc container).
# 2. Replays the records, with the container still running, through what the
#    daemon runs (decoder, engine with cgroup, runtime-state and process
#    resolution and the shipped rules, subscriber hubs, the JSON lines writer
#    into /dev/null), the engine thread pinned to one CPU, passes alternating
#    with a decode-only baseline. Reported: records/s and ns/record (engine
#    thread CPU, all threads' CPU, wall), the ratio to decoding alone, what
#    was lost, and the RSS.
#
# Target: >= 1 M records/s on one core, nothing lost.
# Usage: sudo scripts/bench-pipeline.sh
# Environment: BUILD=build BENCH_RECORD_SECONDS=5 BENCH_REPEAT=auto BENCH_CPU=the current one
#              BENCH_CONTAINER=1 (0: no runc container) BENCH_RULES="FILE|DIR ..." (the shipped rules if empty)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD="$ROOT/$BUILD"
RECORD_SECONDS=${BENCH_RECORD_SECONDS:-5}
CONTAINER=${BENCH_CONTAINER:-1}

die() { echo "bench-pipeline.sh: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root: the recording loads eBPF programs"
if [[ ! -x $BUILD/bench_pipeline ]]; then
	cmake -S "$ROOT" -B "$BUILD" >/dev/null && make -C "$BUILD" -j2 bench_pipeline >/dev/null ||
		die "building bench_pipeline failed (scripts/setup.sh installs what the build needs)"
fi

TMP=$(mktemp -d /tmp/crowsnest-bench-pipeline.XXXXXX)
RECORDER_PID=''
cleanup() {
	[[ -n $RECORDER_PID ]] && kill "$RECORDER_PID" 2>/dev/null || true
	stop_mix
	rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=scripts/mix-workload.sh
source "$ROOT/scripts/mix-workload.sh"

# ---- record: the programs load, then the mix runs while they send ----------
RECORDS="$TMP/records.bin"
"$BUILD/bench_pipeline" record --out "$RECORDS" --seconds $((RECORD_SECONDS + 1)) 2>"$TMP/record.log" &
RECORDER_PID=$!
for _ in $(seq 300); do
	grep -q recording "$TMP/record.log" && break
	kill -0 "$RECORDER_PID" 2>/dev/null || die "the recording did not start: $(cat "$TMP/record.log")"
	sleep 0.1
done
grep -q recording "$TMP/record.log" || die "the recording did not start within 30 s"
run_mix
wait "$RECORDER_PID" || die "the recording failed: $(cat "$TMP/record.log")"
RECORDER_PID=
grep -v '^bench_pipeline: recording$' "$TMP/record.log" >&2 || true

# ---- replay -----------------------------------------------------------------
args=(replay --records "$RECORDS")
[[ -n ${BENCH_REPEAT:-} ]] && args+=(--repeat "$BENCH_REPEAT")
[[ -n ${BENCH_CPU:-} ]] && args+=(--cpu "$BENCH_CPU")
for r in ${BENCH_RULES:-}; do args+=(--rules "$r"); done
"$BUILD/bench_pipeline" "${args[@]}"
