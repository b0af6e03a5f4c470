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
SENSOR_PID='' HTTPD_PID='' RUNC_NAME=''
cleanup() {
	[[ -n $SENSOR_PID ]] && kill -TERM "$SENSOR_PID" 2>/dev/null && wait "$SENSOR_PID" 2>/dev/null || true
	[[ -n $HTTPD_PID ]] && kill "$HTTPD_PID" 2>/dev/null || true
	[[ -n $RUNC_NAME ]] && runc delete -f "$RUNC_NAME" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the workload's parts ---------------------------------------------------
mkdir -p "$TMP/www" "$TMP/work"
echo '<html>hello</html>' >"$TMP/www/index.html"
HTTP_PORT=$((20000 + RANDOM % 20000))
busybox httpd -f -p "127.0.0.1:$HTTP_PORT" -h "$TMP/www" &
HTTPD_PID=$!
CLOSED_PORT=$((HTTP_PORT + 1))

host_workload() {
	local end=$((SECONDS + RECORD_SECONDS))
	while ((SECONDS < end)); do
		cat /etc/os-release /etc/hostname /etc/resolv.conf >/dev/null 2>&1 || true
		grep -q root /etc/passwd
		id >/dev/null
		sh -c 'ls /etc >/dev/null; date >/dev/null'
		find /etc -name '*.conf' >/dev/null 2>&1 || true
		ls -R /usr/share/doc >/dev/null 2>&1 || true
		tar -cf - -C /etc ssl 2>/dev/null | wc -c >/dev/null
		sort /etc/services 2>/dev/null | head -n 5 >/dev/null
		cp /etc/hostname "$TMP/work/copy"
		echo line >>"$TMP/work/log"
	done
}
connect_workload() {
	local end=$((SECONDS + RECORD_SECONDS))
	while ((SECONDS < end)); do
		curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/index.html" || true
		(exec 3<>"/dev/tcp/127.0.0.1/$CLOSED_PORT") 2>/dev/null || true
		sleep 0.05
	done
}

# A busybox container, made to look like Docker's by its cgroup path; on the
# host's network, so that it reaches the httpd.
start_container() {
	local id
	id=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	mkdir -p "$TMP/bundle/rootfs/bin" "$TMP/bundle/rootfs/etc" "$TMP/bundle/rootfs/tmp"
	cp "$(command -v busybox)" "$TMP/bundle/rootfs/bin/busybox"
	for l in sh cat ls sleep wget echo cp grep find tar wc date; do ln -sf busybox "$TMP/bundle/rootfs/bin/$l"; done
	echo bench-container >"$TMP/bundle/rootfs/etc/hostname"
	(cd "$TMP/bundle" && runc spec)
	jq ".process.terminal=false | .process.args=[\"sleep\",\"600\"] | .root.readonly=false
	    | .linux.cgroupsPath=\"/docker/$id\" | .linux.namespaces |= map(select(.type != \"network\"))" "$TMP/bundle/config.json" >"$TMP/bundle/config.new"
	mv "$TMP/bundle/config.new" "$TMP/bundle/config.json"
	runc run -d --bundle "$TMP/bundle" "bench-${id:0:12}" </dev/null >/dev/null 2>"$TMP/runc.err" || return 1
	RUNC_NAME="bench-${id:0:12}"
}
container_workload() {
	runc exec "$RUNC_NAME" sh -c "end=\$((\$(date +%s) + $RECORD_SECONDS)); while [ \$(date +%s) -lt \$end ]; do
		cat /etc/hostname >/dev/null; ls -R /bin /etc >/dev/null; grep -q bench /etc/hostname
		find / -xdev -name hostname >/dev/null 2>&1; tar -cf - /etc 2>/dev/null | wc -c >/dev/null
		echo x >/tmp/f; wget -q -O /dev/null http://127.0.0.1:$HTTP_PORT/ 2>/dev/null; done" </dev/null || true
}

if [[ $CONTAINER == 1 ]] && command -v runc >/dev/null && command -v jq >/dev/null; then
	start_container || { echo "bench-rules.sh: no container: $(cat "$TMP/runc.err")" >&2; RUNC_NAME=; }
fi

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

echo "Recording the mix for $RECORD_SECONDS s${RUNC_NAME:+ (with a runc container)}..." >&2
host_workload &
HOST_JOB=$!
connect_workload &
CONNECT_JOB=$!
[[ -n $RUNC_NAME ]] && container_workload
wait "$HOST_JOB" "$CONNECT_JOB"

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
