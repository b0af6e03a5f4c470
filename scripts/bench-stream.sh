#!/usr/bin/env bash
# bench-stream.sh: how fast verdicts reach gRPC subscribers.
#
# 1. Latency, syscall to subscriber: a program named like a miner (a copy of
#    /bin/true called xmrig) is started BENCH_EXEC_RATE times a second on an
#    open-loop schedule; one subscriber on the Unix socket takes, for every
#    verdict, the time it arrives minus the verdict's `time` (the kernel's
#    timestamp of the syscall). At idle, then under an open-loop load of
#    BENCH_LOAD_RATE opens a second of a file no rule cares about.
# 2. Fan-out: a bench rule makes every open of one file a verdict; that file
#    is opened BENCH_FANOUT_RATE times a second for BENCH_FANOUT_SECONDS,
#    with 1, 10 and 100 subscribers, each on its own connection, first on
#    StreamVerdicts (one verdict per gRPC message), then on
#    StreamVerdictBatches (what a queue holds, in one message). Reported:
#    verdicts delivered per second per subscriber, verdicts lost (gap
#    markers), and holes (sequences skipped without a marker: must be 0).
#
# The sensor prints no JSON lines (--output none): this measures the stream.
# Every verdict is sent on its own: identical verdicts are not aggregated
# (--verdict-window 0) and the bench's own cgroup is not rate-limited in the
# kernel (--flood-rate 0), since the load is one process opening one file.
# Usage: sudo scripts/bench-stream.sh
# Environment: BENCH_EXEC_RATE=100 BENCH_SECONDS=10 BENCH_LOAD_RATE=100000
#              BENCH_FANOUT_RATE=100000 BENCH_FANOUT_SECONDS=3 BENCH_POLL_MS=5
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
EXEC_RATE=${BENCH_EXEC_RATE:-100}
SECONDS_RUN=${BENCH_SECONDS:-10}
LOAD_RATE=${BENCH_LOAD_RATE:-100000}
FANOUT_RATE=${BENCH_FANOUT_RATE:-100000}
FANOUT_SECONDS=${BENCH_FANOUT_SECONDS:-3}
POLL_MS=${BENCH_POLL_MS:-5}

die() { echo "bench-stream.sh: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root: crowsnest loads eBPF programs"
if [[ ! -x $BUILD/crowsnest || ! -x $BUILD/bench_stream ]]; then
	cmake -S "$ROOT" -B "$BUILD" >/dev/null && make -C "$BUILD" -j2 crowsnest bench_stream >/dev/null ||
		die "building crowsnest and bench_stream failed (scripts/setup.sh installs what the build needs)"
fi

TMP=$(mktemp -d /tmp/crowsnest-bench-stream.XXXXXX)
SOCK=$TMP/crowsnest.sock
SENSOR_PID=
cleanup() {
	[[ -n $SENSOR_PID ]] && kill -TERM "$SENSOR_PID" 2>/dev/null && wait "$SENSOR_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

start_sensor() {
	: >"$TMP/sensor.log"  # exists before the background job opens it
	rm -f "$TMP/ready"
	"$BUILD/crowsnest" --grpc-socket "$SOCK" --output none --verdict-window 0 --flood-rate 0 --poll-ms "$POLL_MS" --ready-file "$TMP/ready" "$@" \
		2>"$TMP/sensor.log" &
	SENSOR_PID=$!
	for _ in $(seq 300); do
		[[ -e $TMP/ready ]] && return 0
		kill -0 "$SENSOR_PID" 2>/dev/null || die "crowsnest did not start: $(cat "$TMP/sensor.log")"
		sleep 0.1
	done
	die "crowsnest did not start within 30 s"
}
stop_sensor() {
	kill -TERM "$SENSOR_PID"
	wait "$SENSOR_PID" || true
	SENSOR_PID=
}
# Runs a subscriber command in the background and waits until it is subscribed.
subscriber() {
	: >"$TMP/sub.err"
	"$BUILD/bench_stream" "$@" >"$TMP/sub.out" 2>"$TMP/sub.err" &
	SUB_PID=$!
	for _ in $(seq 300); do
		grep -q subscribed "$TMP/sub.err" && return 0
		sleep 0.1
	done
	die "the bench subscriber did not subscribe: $(cat "$TMP/sub.err")"
}
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$2"; }

cp /bin/true "$TMP/xmrig"
echo hello >"$TMP/unwatched"
echo verdict >"$TMP/verdict"

# ---- latency ----------------------------------------------------------------
start_sensor
rows=()
for load in idle loaded; do
	subscriber latency "$SOCK" $((SECONDS_RUN + 2))
	if [[ $load == loaded ]]; then
		"$BUILD/bench_stream" open-load "$TMP/unwatched" "$LOAD_RATE" "$SECONDS_RUN" >"$TMP/load.out" &
		LOAD_PID=$!
	fi
	"$BUILD/bench_stream" exec-load "$TMP/xmrig" "$EXEC_RATE" "$SECONDS_RUN" >/dev/null
	[[ $load == loaded ]] && wait "$LOAD_PID"
	wait "$SUB_PID" || die "latency subscriber failed: $(cat "$TMP/sub.err")"
	what="idle"
	[[ $load == loaded ]] && what="$LOAD_RATE opens/s ($(field issued "$TMP/load.out") issued)"
	rows+=("| $what | $EXEC_RATE/s | $(field n "$TMP/sub.out") | $(field p50_ms "$TMP/sub.out") | $(field p99_ms "$TMP/sub.out") | $(field max_ms "$TMP/sub.out") | $(field lost "$TMP/sub.out") |")
done
stop_sensor
echo "Latency, syscall to subscriber (--poll-ms $POLL_MS):"
echo
echo "| load | verdicts | received | p50 ms | p99 ms | max ms | lost |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo

# ---- fan-out ----------------------------------------------------------------
cat >"$TMP/bench.yaml" <<RULES
- rule: bench_open
  desc: Every open of the bench file, to make verdicts at a chosen rate.
  condition: evt.type in (open, openat, openat2) and fd.name startswith $TMP/verdict
  output: "bench open by %proc.exe"
  priority: INFO
  tags: [recon, bench]
RULES
start_sensor --rules "$ROOT/rules" --rules "$TMP/bench.yaml"
echo "Fan-out: $FANOUT_RATE verdicts/s offered for $FANOUT_SECONDS s:"
echo
echo "| stream | subscribers | opens issued | delivered per subscriber | per subscriber per s | all subscribers per s | lost | holes |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for how in messages batches sequences; do
	for n in 1 10 100; do
		subscriber fanout "$SOCK" "$n" $((FANOUT_SECONDS + 4)) "$how"
		"$BUILD/bench_stream" open-load "$TMP/verdict" "$FANOUT_RATE" "$FANOUT_SECONDS" >"$TMP/load.out"
		wait "$SUB_PID" || die "fan-out subscribers failed: $(cat "$TMP/sub.err")"
		case $how in
		messages) name="StreamVerdicts, parsed" ;;
		batches) name="StreamVerdictBatches, parsed" ;;
		sequences) name="StreamVerdictBatches, sequence and gap read" ;;
		esac
		echo "| $name | $n | $(field issued "$TMP/load.out") | $(field min_per_subscriber "$TMP/sub.out") | $(field per_subscriber_per_s "$TMP/sub.out") | $(field delivered_per_s "$TMP/sub.out") | $(field lost "$TMP/sub.out") | $(field holes "$TMP/sub.out") |"
	done
done
stop_sensor
grep -E "ringbuf_drops|verdicts\." "$TMP/sensor.log" | sed 's/^ */sensor: /' >&2
