#!/usr/bin/env bash
# soak.sh: crowsnest under a mixed, changing load for a long time, to show
# that nothing it holds grows: memory, descriptors, threads, its tables and
# the kernel side's maps.
#
# For MINUTES (default 30) it keeps, all at once:
#   - container churn: runc containers that start, exec a few programs (some
#     that set rules off), open files and connect, and are removed;
#   - floods: every minute, 10 s of full-speed opens and refused connects
#     from a container, over its rate limit;
#   - clients coming and going: `crowsnest watch` clients started and killed
#     at random, and some that stall (their output is never read).
# It samples the sensor after a one-minute warm-up and at the end and prints
# a Markdown table. It fails when RSS grew by more than 10% or descriptors,
# threads or tables grew.
#
# Usage: sudo scripts/soak.sh [MINUTES]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SOAK_BUILD:-$ROOT/build}  # SOAK_BUILD: a copy of build/, to keep building meanwhile
MINUTES=${1:-30}
[[ $MINUTES =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: MINUTES must be a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "soak.sh: must run as root (try: sudo $0)" >&2; exit 1; }
for tool in runc jq busybox bpftool; do
	command -v "$tool" >/dev/null || { echo "soak.sh: $tool is needed (scripts/setup.sh --tests)" >&2; exit 1; }
done
[[ -x $BUILD/crowsnest && -x $BUILD/flood ]] || "$ROOT/scripts/build.sh"

TMP=$(mktemp -d /tmp/crowsnest-soak.XXXXXX)
SOCK=$TMP/crowsnest.sock
SENSOR_PID=
JOBS=()
cleanup() {
	for pid in "${JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
	pkill -f "crowsnest watch --socket $SOCK" 2>/dev/null || true
	for c in $(runc list -q 2>/dev/null | grep '^soak-'); do runc delete -f "$c" >/dev/null 2>&1 || true; done
	[[ -n $SENSOR_PID ]] && kill -TERM "$SENSOR_PID" 2>/dev/null && wait "$SENSOR_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

"$BUILD/crowsnest" --grpc-socket "$SOCK" --output "$TMP/verdicts.json" --ready-file "$TMP/ready" 2>"$TMP/sensor.log" &
SENSOR_PID=$!
for _ in $(seq 300); do [[ -e $TMP/ready ]] && break; sleep 0.1; done
[[ -e $TMP/ready ]] || { cat "$TMP/sensor.log" >&2; echo "soak.sh: crowsnest did not start" >&2; exit 1; }

# a busybox bundle that runs "$@" as its init, in a docker-shaped cgroup
bundle() { # bundle DIR ARGS-JSON
	mkdir -p "$1/rootfs/bin" "$1/rootfs/tmp"
	cp "$(command -v busybox)" "$1/rootfs/bin/busybox"
	for l in sh cat ls sleep nc true seq echo; do ln -sf busybox "$1/rootfs/bin/$l"; done
	cp "$BUILD/flood" "$1/rootfs/bin/flood"
	(cd "$1" && runc spec && jq ".process.terminal=false | .process.args=$2 | .linux.cgroupsPath=\"/docker/$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)\" | .linux.namespaces |= map(select(.type != \"network\"))" config.json >c.json && mv c.json config.json)
}

# run_containers NAME PAUSE ARGS-JSON: one container after another, each
# removed when its init ends, PAUSE seconds apart
run_containers() {
	local n=0
	while :; do
		n=$((n + 1))
		local b=$TMP/$1-$n
		bundle "$b" "$3"
		timeout 60 runc run --bundle "$b" "soak-$1-$n" </dev/null >/dev/null 2>&1 || true
		runc delete -f "soak-$1-$n" >/dev/null 2>&1 || true
		rm -rf "$b"
		sleep "$2"
	done
}

churn() {
	run_containers churn 0.5 '["sh","-c","cat /etc/passwd >/dev/null; ls -R /bin >/dev/null; true --donate-level=1; nc -w 1 127.0.0.1 9 </dev/null; true"]'
}

floods() {
	run_containers flood 50 '["sh","-c","flood open /etc/hostname r 10 & flood open /dev/cpu/0/msr w 10 & flood connect 9 10 & wait"]'
}

clients() {
	while :; do
		"$BUILD/crowsnest" watch --socket "$SOCK" -o json >/dev/null 2>&1 &
		local reader=$!
		# a stalled one: its pipe is never read, so its stream backs up
		# shellcheck disable=SC2216  # the reader that never reads is the point
		"$BUILD/crowsnest" watch --socket "$SOCK" -o json 2>/dev/null | sleep $((RANDOM % 60 + 10)) &
		sleep $((RANDOM % 20 + 5))
		kill "$reader" 2>/dev/null || true
	done
}

churn &
JOBS+=($!)
floods &
JOBS+=($!)
clients &
JOBS+=($!)

# sample NAME... -> one "name value" line per measure, into $1
sample() {
	local out=$1
	{
		echo "rss_kib $(awk '/^VmRSS:/ {print $2}' "/proc/$SENSOR_PID/status")"
		echo "fds $(ls "/proc/$SENSOR_PID/fd" | wc -l)"
		echo "threads $(ls "/proc/$SENSOR_PID/task" | wc -l)"
		"$BUILD/crowsnest" status --socket "$SOCK" 2>/dev/null | awk '$1 ~ /^table\./ {print $1, $2}'
		for map in exec_inflight uring_open_inflight uring_connect_inflight cgroups_sent; do
			echo "map.$map $(bpftool map dump name "$map" -j 2>/dev/null | jq length 2>/dev/null || echo 0)"
		done
	} >"$out"
}

echo "soak.sh: $MINUTES min of container churn, floods and clients coming and going" >&2
sleep 60
sample "$TMP/start"
sleep $((MINUTES * 60 - 60))
sample "$TMP/end"
for pid in "${JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
JOBS=()

echo
echo "## Soak: $MINUTES min ($(uname -r), $(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "| measure | after 1 min | at the end | change |"
echo "| --- | ---: | ---: | ---: |"
status=0
while read -r name start; do
	end=$(awk -v k="$name" '$1 == k {print $2}' "$TMP/end")
	change=$(awk -v a="$start" -v b="$end" 'BEGIN {if (a > 0) printf "%+.1f%%", (b - a) / a * 100; else printf "%+d", b - a}')
	echo "| $name | $start | $end | $change |"
	case $name in
	rss_kib) awk -v a="$start" -v b="$end" 'BEGIN {exit !(b > a * 1.10)}' && status=1 ;;
	fds | threads) ((end > start + 2)) && status=1 ;;
	esac
done <"$TMP/start"
echo
"$BUILD/crowsnest" status --socket "$SOCK" 2>/dev/null |
	grep -E '^  (events\.|verdicts\.|ringbuf_drops |ring_reserved|aggregated|output\.)' | sed 's/^ */- /' || true
exit $status
