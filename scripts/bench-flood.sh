#!/usr/bin/env bash
# bench-flood.sh: can one cgroup's flood of rule-matching events blind the
# sensor to another cgroup?
#
# Two unprivileged processes (user nobody) in a cgroup of their own open
# /dev/cpu/0/msr for writing at full speed for BENCH_FLOOD_SECONDS (each
# attempt matches a miner rule, and fails). Meanwhile, from a second cgroup,
# a renamed program is started BENCH_MINERS times with miner flags, in
# bursts of ten at once, spread over the flood. Afterwards the sensor is
# stopped and the script reports, per sensor binary: the attempts made, the
# verdicts and bytes it wrote, its ring-buffer drops, what it reported as
# flood, how many of the miner starts it saw (a summary of aggregated
# verdicts counts for what it summarises), and its peak RSS.
#
# Usage: sudo scripts/bench-flood.sh
# Environment (all optional):
#   BENCH_FLOOD_SECONDS=20   length of the flood
#   BENCH_MINERS=200         miner starts in the victim cgroup
#   BENCH_OTHER_BINARY=PATH  also run against this crowsnest (e.g. an older
#                            build), in the same run, for a baseline
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
PROG=bench-flood.sh
SECONDS_FLOOD=${BENCH_FLOOD_SECONDS:-20}
MINERS=${BENCH_MINERS:-200}

die() { echo "$PROG: $*" >&2; exit 1; }
for var in SECONDS_FLOOD MINERS; do
	[[ ${!var} =~ ^[1-9][0-9]*$ ]] || die "$var must be a positive integer, got '${!var}'"
done
[[ $(id -u) -eq 0 ]] || die "must run as root: crowsnest loads eBPF programs (try: sudo $0)"
for tool in jq setpriv; do command -v "$tool" >/dev/null || die "$tool is needed (scripts/setup.sh --tests)"; done
[[ -x $BUILD/crowsnest && -x $BUILD/flood ]] || "$ROOT/scripts/build.sh"

CGROOT=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[[ -n $CGROOT ]] || die "no cgroup2 mount in /proc/self/mountinfo"

TMP=$(mktemp -d /tmp/crowsnest-bench-flood.XXXXXX)
chmod 755 "$TMP"
SENSOR_PID=
cleanup() {
	[[ -n $SENSOR_PID ]] && kill -TERM "$SENSOR_PID" 2>/dev/null && wait "$SENSOR_PID" 2>/dev/null || true
	rmdir "$CGROOT"/crowsnest-bench-flooder "$CGROOT"/crowsnest-bench-victim 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
cp "$BUILD/flood" "$TMP/flood"
cp "$(type -P true)" "$TMP/kworkerd" # a miner by its flags only
mkdir -p "$CGROOT"/crowsnest-bench-flooder "$CGROOT"/crowsnest-bench-victim
VICTIM_CGID=$(stat -c %i "$CGROOT"/crowsnest-bench-victim)

# in_cgroup NAME CMD...: runs CMD inside the cgroup NAME
in_cgroup() {
	local cg=$1
	shift
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CGROOT/$cg" "$@"
}

# one_run BINARY LABEL: prints one Markdown table row
one_run() {
	local bin=$1 label=$2 out=$TMP/verdicts.json err=$TMP/sensor.log
	rm -f "$out" "$TMP/ready" "$TMP"/flood.*.count
	"$bin" --grpc-socket "$TMP/crowsnest.sock" --output "$out" --ready-file "$TMP/ready" 2>"$err" &
	SENSOR_PID=$!
	for _ in $(seq 300); do [[ -e $TMP/ready ]] && break; sleep 0.1; done
	[[ -e $TMP/ready ]] || { cat "$err" >&2; die "$label: crowsnest did not start"; }

	for i in 1 2; do
		in_cgroup crowsnest-bench-flooder setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$TMP/flood" open /dev/cpu/0/msr w "$SECONDS_FLOOD" >"$TMP/flood.$i.count" &
	done
	sleep 1
	local bursts=$(((MINERS + 9) / 10)) started=0
	local pause
	pause=$(awk -v s="$SECONDS_FLOOD" -v b="$bursts" 'BEGIN { printf "%.3f", (s - 2) / b }')
	while ((started < MINERS)); do
		for _ in $(seq 10); do
			((started < MINERS)) || break
			started=$((started + 1))
			in_cgroup crowsnest-bench-victim "$TMP/kworkerd" -o pool.invalid:3333 --donate-level="$started" &
		done
		sleep "$pause"
	done
	wait $(jobs -p | grep -vx "$SENSOR_PID") 2>/dev/null || true
	sleep 1
	local rss
	rss=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SENSOR_PID/status")
	kill -TERM "$SENSOR_PID"
	wait "$SENSOR_PID" || true
	SENSOR_PID=

	local attempts drops seen flood_dropped lines bytes
	attempts=$(cat "$TMP"/flood.*.count | awk '{ n += $1 } END { print n }')
	drops=$(awk '$1 == "ringbuf_drops" { print $2 }' "$err")
	lines=$(wc -l <"$out")
	bytes=$(stat -c %s "$out")
	seen=$(jq -r --arg cg "$VICTIM_CGID" 'select(.rule == "crypto_miner_flags" and .cgroup_id == $cg)
		| if .aggregate then (.aggregate.count | tonumber) else 1 end' "$out" | awk '{ n += $1 } END { print n + 0 }')
	flood_dropped=$(jq -r 'select(.rule == "event_flood") | .event.dropped // {} | to_entries[] | .value | tonumber' "$out" |
		awk '{ n += $1 } END { print n + 0 }')
	printf '| %s | %s | %s | %.1f | %s | %s | %s / %s | %s |\n' "$label" "$attempts" "$lines" \
		"$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" "${drops:-0}" "$flood_dropped" "$seen" "$MINERS" "$rss"
}

echo "| sensor | flood attempts | verdict lines | output MB | ring-buffer drops | reported as flood | miner starts seen | peak RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
[[ -n ${BENCH_OTHER_BINARY:-} ]] && one_run "$BENCH_OTHER_BINARY" "$BENCH_OTHER_BINARY"
one_run "$BUILD/crowsnest" "this build"
