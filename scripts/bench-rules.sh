#!/usr/bin/env bash
# bench-rules.sh: how fast the rule engine matches a realistic mix of events.
#
# 1. Records a mix: crowsnest runs with --events and writes every event of the
#    host as a JSON line while an ordinary workload runs for
#    BENCH_RECORD_SECONDS: shells reading config files, ls -R, find, tar, cp,
#    curl to a local busybox httpd, refused loopback connects, and (when runc
#    and jq are installed) a busybox container doing the same kind of things.
#    Whatever else the host does meanwhile is recorded too.
# 2. Replays it: scripts/bench_rules.cpp loads the shipped rules, turns each
#    line back into the engine's event and context, and replays them all
#    BENCH_REPEAT times on one pinned CPU through the rules and through a
#    matcher that matches nothing (the loop's own cost). Reported: events/s and
#    ns/event in thread CPU time (and wall time), the rules' cost per event,
#    heap allocations per event (every operator new is counted), and the
#    detections the mix fired, next to the verdicts the live sensor printed.
#
#    The same run replays them through the rules with learned profiles on
#    (learned from the mix, then locked) and reports the ratio to profiles off.
#
# Targets: >= 2 M events/s on one core, 0 allocations per event; profiles
# on within 2x of off.
# Usage: sudo scripts/bench-rules.sh
# Environment: BUILD=build (build directory, relative to the repository)
#              BENCH_RECORD_SECONDS=5 BENCH_REPEAT=auto (about 4 M events)
#              BENCH_CPU=the current one BENCH_CONTAINER=1 (0: no runc container)
#              BENCH_RULES="FILE|DIR ..." (rules to replay through; the shipped ones if empty),
#              e.g. a Falco rule file, as the README's Falco figures were measured
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD="$ROOT/$BUILD"
RECORD_SECONDS=${BENCH_RECORD_SECONDS:-5}
REPEAT=${BENCH_REPEAT:-}
CPU=${BENCH_CPU:-}
CONTAINER=${BENCH_CONTAINER:-1}

die() { echo "bench-rules.sh: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root: crowsnest loads eBPF programs"
if [[ ! -x $BUILD/crowsnest || ! -x $BUILD/bench_rules ]]; then
	cmake -S "$ROOT" -B "$BUILD" >/dev/null && make -C "$BUILD" -j2 crowsnest bench_rules >/dev/null ||
		die "building crowsnest and bench_rules failed (scripts/setup.sh installs what the build needs)"
fi

TMP=$(mktemp -d /tmp/crowsnest-bench-rules.XXXXXX)
SENSOR_PID=''
cleanup() {
	[[ -n $SENSOR_PID ]] && kill -TERM "$SENSOR_PID" 2>/dev/null && wait "$SENSOR_PID" 2>/dev/null || true
	stop_mix
	rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the workload's parts ---------------------------------------------------
# shellcheck source=scripts/mix-workload.sh
source "$ROOT/scripts/mix-workload.sh"

# ---- record -----------------------------------------------------------------
EVENTS="$TMP/events.jsonl"
: >"$TMP/sensor.log"
"$BUILD/crowsnest" --events --grpc-socket none --output "$EVENTS" --ready-file "$TMP/ready" 2>"$TMP/sensor.log" &
SENSOR_PID=$!
for _ in $(seq 300); do
	[[ -e $TMP/ready ]] && break
	kill -0 "$SENSOR_PID" 2>/dev/null || die "crowsnest did not start: $(cat "$TMP/sensor.log")"
	sleep 0.1
done
[[ -e $TMP/ready ]] || die "crowsnest was not ready within 30 s"

run_mix

kill -INT "$SENSOR_PID"
wait "$SENSOR_PID" || true
SENSOR_PID=
grep -E "events\.|ringbuf_drops" "$TMP/sensor.log" | sed 's/^ */sensor: /' >&2

# ---- replay -----------------------------------------------------------------
args=(--events "$EVENTS")
[[ -n $REPEAT ]] && args+=(--repeat "$REPEAT")
[[ -n $CPU ]] && args+=(--cpu "$CPU")
for r in ${BENCH_RULES:-}; do args+=(--rules "$r"); done
"$BUILD/bench_rules" "${args[@]}"
