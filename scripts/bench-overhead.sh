#!/usr/bin/env bash
# bench-overhead.sh: how much time crowsnest adds to the system calls it watches.
#
# Four tight loops from scripts/bench_loops.c (openat+close, a refused TCP
# connect to 127.0.0.1, accept4+close of a waiting loopback connection,
# fork+execve(/bin/true)+waitpid) run pinned to one CPU,
# alternately without the sensor and with a freshly started crowsnest (default
# rules; its consumer pinned to another CPU when there is one). Every loop run
# is timed on its own, medians of BENCH_RUNS runs are compared, and the sensor's
# counters (events, prefilter and ring-buffer drops) and CPU time are collected
# from each with-run.
#
# The open loop runs in a cgroup shaped as a Docker container's, so the
# sensor treats it as a container workload whose opens no shipped rule wants.
# It is also run against crowsnest with --no-prefilter (every open sent: the
# price of a rule that disables the prefilter), against the floor (the same
# programs with rules that want no open: each open's fields are read and it
# is dropped in the kernel), and with --no-prefilter --wakeup-bytes 1, to show
# what the ring buffer's batched wakeups save. The connect loop is run
# against its floor too (rules that want no connect).
#
# Usage: sudo scripts/bench-overhead.sh
# Environment (all optional):
#   BENCH_RUNS=5                 runs per variant (medians are reported)
#   BENCH_OPEN_ITERS=1000000     timed rounds per open run      (plus 10% warm-up)
#   BENCH_CONNECT_ITERS=150000   timed rounds per connect run   (plus 10% warm-up)
#   BENCH_ACCEPT_ITERS=150000    timed rounds per accept run    (plus 10% warm-up)
#   BENCH_EXEC_ITERS=1000        timed rounds per exec run      (plus 10% warm-up)
#   BENCH_WAKEUP1_ITERS=100000   timed rounds per open run against --wakeup-bytes 1
#                                (each round is ~10x slower there)
#   BENCH_LOOP_CPU, BENCH_SENSOR_CPU  CPUs to pin to (default: the first two allowed)
#   BENCH_DEADLINE=540           give up (with an error) after this many seconds
#   BENCH_OTHER_BINARY=PATH      also run each loop against this crowsnest (another
#                                build, e.g. the last commit's), in the same rounds,
#                                to compare two builds in one run
#
# Ratios are what matter: absolute ns/op depend on the machine and its load.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
PROG=bench-overhead.sh

RUNS=${BENCH_RUNS:-5}
OPEN_N=${BENCH_OPEN_ITERS:-1000000}
CONNECT_N=${BENCH_CONNECT_ITERS:-150000}
ACCEPT_N=${BENCH_ACCEPT_ITERS:-150000}
EXEC_N=${BENCH_EXEC_ITERS:-1000}
WAKE1_N=${BENCH_WAKEUP1_ITERS:-100000}
DEADLINE=${BENCH_DEADLINE:-540}
RUN_TIMEOUT=120          # one loop run, seconds
SENSOR_START_TIMEOUT=30  # until crowsnest is ready, seconds

die() { echo "$PROG: $*" >&2; exit 1; }
log() { echo "$*" >&2; }

for var in RUNS OPEN_N CONNECT_N ACCEPT_N EXEC_N WAKE1_N DEADLINE; do
	[[ ${!var} =~ ^[1-9][0-9]*$ ]] || die "$var must be a positive integer, got '${!var}'"
done

if [[ $(id -u) -ne 0 ]]; then
	die "must run as root: crowsnest loads eBPF programs (try: sudo $0)"
fi

# ---- what this script needs ------------------------------------------------

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need taskset util-linux
need getconf libc-bin
need timeout coreutils
need awk gawk
need cc gcc
if [[ ! -x $BUILD/crowsnest ]]; then
	need cmake cmake
	need make make
	need c++ g++
	need pkg-config pkg-config
fi
if ((${#missing[@]})); then
	command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
	log "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x $BUILD/crowsnest ]]; then
	log "building crowsnest in $BUILD"
	if ! { cmake -S "$ROOT" -B "$BUILD" >/dev/null && make -C "$BUILD" -j"$(nproc)" crowsnest >/dev/null; }; then
		die "building crowsnest failed: its build needs clang, bpftool, libbpf-dev, protobuf and yaml-cpp (see $ROOT/CMakeLists.txt)"
	fi
	[[ -x $BUILD/crowsnest ]] || die "the build finished but $BUILD/crowsnest is missing"
fi

# ---- scratch space, and cleanup on every exit --------------------------------

TMP=$(mktemp -d /tmp/crowsnest-bench.XXXXXX)
SENSOR_PID=

# The fields of /proc/PID/stat after "(comm) ", in PROC_STAT (state is [0],
# utime [11], stime [12]). Pure bash: forking while the sensor watches would
# add events of our own.
read_proc_stat() {
	local line
	PROC_STAT=()
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	read -ra PROC_STAT <<<"${line##*) }"
}

sensor_alive() {
	# our own child stays a zombie until reaped: only R/S/D/... count as alive
	read_proc_stat "$1" || return 1
	[[ ${PROC_STAT[0]} != Z && ${PROC_STAT[0]} != X ]]
}

# Asks crowsnest (by pid) to stop, waits up to 10 s, then kills it.
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		sensor_alive "$pid" || break
		sleep 0.05
	done
	if sensor_alive "$pid"; then
		log "$PROG: crowsnest (pid $pid) did not stop on SIGTERM, killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

BENCH_CGROUP=
BPF_STATS_WAS=
cleanup() {
	[[ -z $BPF_STATS_WAS ]] || sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_WAS" 2>/dev/null || true
	if [[ -n $SENSOR_PID ]]; then
		stop_pid "$SENSOR_PID"
		SENSOR_PID=
	fi
	[[ -z $BENCH_CGROUP ]] || rmdir "$BENCH_CGROUP" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A copy of the binary, so that a rebuild in $BUILD during the run cannot
# swap the sensor between runs (the default rules path is compiled in).
SENSOR_BIN=$TMP/crowsnest
cp "$BUILD/crowsnest" "$SENSOR_BIN"
LOOPS=$TMP/bench_loops
cc -O2 -Wall -o "$LOOPS" "$ROOT/scripts/bench_loops.c" || die "cannot compile $ROOT/scripts/bench_loops.c"
OPEN_FILE=$TMP/open-target
echo "crowsnest bench" >"$OPEN_FILE"
CLK_TCK=$(getconf CLK_TCK)
# rules that want no open or connect event: the prefilter drops every one (the floor)
FLOOR_RULES=$TMP/floor-rules.yaml
cat >"$FLOOR_RULES" <<'YAML'
- rule: bench_floor_exec_only
  desc: wants exec events only, so every open and connect is dropped in the kernel
  condition: evt.type = execve and proc.name = bench-floor-never
  output: never
  priority: NOTICE
YAML

# The open loop's container: a cgroup v2 directory named as Docker names
# its containers (the sensor resolves the id from the path).
CGROUP2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
[[ -n $CGROUP2 ]] || die "no cgroup2 filesystem is mounted"
BENCH_CGROUP=$CGROUP2/docker/$(printf 'be%062d' $$)
mkdir -p "$BENCH_CGROUP" || die "cannot create the bench cgroup $BENCH_CGROUP"

# BPF run-time statistics (each program's run count and time), steadier
# than wall time on a shared machine; they add two clock reads per run.
BPF_STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || true)
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || log "cannot enable kernel.bpf_stats_enabled: no program run times"

# ---- CPUs --------------------------------------------------------------------

allowed_cpus() {
	local list part a b
	list=$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/self/status)
	IFS=, read -ra parts <<<"$list"
	for part in "${parts[@]}"; do
		if [[ $part == *-* ]]; then
			a=${part%-*} b=${part#*-}
			seq "$a" "$b"
		else
			echo "$part"
		fi
	done
}
mapfile -t CPUS < <(allowed_cpus)
LOOP_CPU=${BENCH_LOOP_CPU:-${CPUS[0]}}
if ((${#CPUS[@]} >= 2)); then
	SENSOR_CPU=${BENCH_SENSOR_CPU:-${CPUS[1]}}
else
	SENSOR_CPU=${BENCH_SENSOR_CPU:-${CPUS[0]}}
fi
if [[ $LOOP_CPU == "$SENSOR_CPU" ]]; then
	PINNING="loop and crowsnest both pinned to CPU $LOOP_CPU (only one CPU available)"
else
	PINNING="loop pinned to CPU $LOOP_CPU, crowsnest's userspace consumer to CPU $SENSOR_CPU (its BPF programs run in the loop's syscalls, on CPU $LOOP_CPU)"
fi

# ---- one loop run, one sensor run ----------------------------------------------

check_deadline() {
	((SECONDS < DEADLINE)) || die "gave up after ${SECONDS}s (BENCH_DEADLINE=$DEADLINE); lower BENCH_RUNS or the *_ITERS"
}

# Other processes with BPF programs on the syscall paths (another crowsnest,
# a test suite, a tracer) would add their cost to the baselines too. Prints
# "pid(comm)" for each one, our own sensor excepted.
foreign_tracers() {
	local pids=() pid
	if command -v bpftool >/dev/null 2>&1; then
		mapfile -t pids < <(bpftool perf list 2>/dev/null |
			awk '($6 ~ /^(tracepoint|raw_tracepoint)$/ && $7 ~ /^sys_(enter|exit)/) || $6 ~ /^k(ret)?probe$/ {print $2}' | sort -u)
	fi
	local comm
	for pid in /proc/[0-9]*; do
		{ read -r comm <"$pid/comm"; } 2>/dev/null || continue
		[[ $comm == crowsnest ]] && pids+=("${pid#/proc/}")
	done
	for pid in $(printf '%s\n' "${pids[@]}" | sort -nu); do
		[[ $pid == "${SENSOR_PID:-}" || $pid == "$$" ]] && continue
		sensor_alive "$pid" || continue
		{ read -r comm <"/proc/$pid/comm"; } 2>/dev/null || comm='?'
		echo "$pid($comm)"
	done
}

# Waits (up to BENCH_FOREIGN_WAIT seconds over the whole run) until no other
# process traces the syscalls; if they stay, runs anyway and says so.
FOREIGN_WAIT=${BENCH_FOREIGN_WAIT:-120}
FOREIGN_SEEN=""
wait_for_quiet() {
	local others
	others=$(foreign_tracers | tr '\n' ' ')
	while [[ -n $others ]] && ((FOREIGN_WAIT > 0 && SECONDS + 5 < DEADLINE)); do
		log "  waiting: other processes trace the syscalls: $others"
		sleep 5
		FOREIGN_WAIT=$((FOREIGN_WAIT - 5))
		others=$(foreign_tracers | tr '\n' ' ')
	done
	if [[ -n $others ]]; then
		log "  WARNING: measuring while other processes trace the syscalls: $others"
		FOREIGN_SEEN+="$others"
	fi
}

# run_loop LOOP ITERATIONS -> sets LOOP_NS (ns per round) and LOOP_OPS
# (rounds issued, warm-up included)
run_loop() {
	local out
	check_deadline
	case $1 in
	open) out=$(timeout "$RUN_TIMEOUT" sh -c 'echo $$ >"$1/cgroup.procs" && exec taskset -c "$2" "$3" open "$4" "$5"' \
		sh "$BENCH_CGROUP" "$LOOP_CPU" "$LOOPS" "$OPEN_FILE" "$2") ;;
	*) out=$(timeout "$RUN_TIMEOUT" taskset -c "$LOOP_CPU" "$LOOPS" "$1" "$2") ;;
	esac || die "the $1 loop failed or timed out"
	read -r LOOP_NS LOOP_OPS <<<"$out"
	[[ $LOOP_NS =~ ^[0-9.]+$ && $LOOP_OPS =~ ^[0-9]+$ ]] || die "unexpected output from the $1 loop: '$out'"
}

cpu_ticks() { # cpu_ticks PID -> CPU_TICKS: utime + stime, in clock ticks
	read_proc_stat "$1" || die "cannot read /proc/$1/stat"
	CPU_TICKS=$((PROC_STAT[11] + PROC_STAT[12]))
}

SENSOR_ERR=$TMP/sensor.err

# is_ready BINARY: true once the crowsnest just started is ready: its
# --ready-file exists (programs attached, signal handlers installed), or, for
# a build from before --ready-file, it printed "watching" 0.2 s ago
is_ready() {
	if [[ $1 == --ready-file ]]; then
		[[ -e $TMP/ready ]]
	else
		grep -q watching "$SENSOR_ERR" && sleep 0.2
	fi
}

# start_sensor BINARY [crowsnest options...]: returns once crowsnest is ready
start_sensor() {
	local waited=0 bin=$1 ready=--ready-file
	shift
	# the shipped rules, unless the variant names its own (the copied
	# binary does not find them beside itself); no rate limit, so that every
	# round is sent or prefiltered
	[[ " $* " == *" --rules "* ]] || set -- --rules "$ROOT/rules" "$@"
	set -- --flood-rate 0 "$@"
	: >"$SENSOR_ERR"
	rm -f "$TMP/ready"
	"$bin" --help 2>/dev/null | grep -q -- --ready-file || ready=watching
	if [[ $ready == --ready-file ]]; then
		taskset -c "$SENSOR_CPU" "$bin" --ready-file "$TMP/ready" "$@" >/dev/null 2>"$SENSOR_ERR" &
	else
		taskset -c "$SENSOR_CPU" "$bin" "$@" >/dev/null 2>"$SENSOR_ERR" &
	fi
	SENSOR_PID=$!
	until is_ready "$ready"; do
		if ! sensor_alive "$SENSOR_PID"; then
			wait "$SENSOR_PID" 2>/dev/null || true
			SENSOR_PID=
			cat "$SENSOR_ERR" >&2
			die "crowsnest exited before it was ready (options: ${*:-none})"
		fi
		((waited++ < SENSOR_START_TIMEOUT * 20)) || die "crowsnest was not ready within ${SENSOR_START_TIMEOUT}s"
		sleep 0.05
	done
	cpu_ticks "$SENSOR_PID"
	SENSOR_T0=$CPU_TICKS
}

# stop_sensor -> sets SENSOR_TICKS (CPU used while watching) and leaves the
# counters crowsnest printed in $SENSOR_ERR; returns 1 (and keeps its stderr
# in CRASHES) when crowsnest died before it was asked to stop.
CRASHES=()
stop_sensor() {
	sleep 0.2 # the consumer polls every 5 ms: let it read what is pending
	if ! sensor_alive "$SENSOR_PID"; then
		local rc=0
		wait "$SENSOR_PID" || rc=$?
		SENSOR_PID=
		CRASHES+=("exit status $rc: $(grep -v '^crowsnest [0-9]' "$SENSOR_ERR" | tr '\n' ' ')")
		log "  crowsnest DIED during the run (exit status $rc):"
		sed 's/^/    /' "$SENSOR_ERR" >&2
		return 1
	fi
	cpu_ticks "$SENSOR_PID"
	SENSOR_TICKS=$((CPU_TICKS - SENSOR_T0))
	bpf_run_times "$SENSOR_PID"
	stop_pid "$SENSOR_PID"
	SENSOR_PID=
	grep -q '^crowsnest: counters' "$SENSOR_ERR" || {
		cat "$SENSOR_ERR" >&2
		die "crowsnest printed no counters on exit"
	}
}

# bpf_run_times PID -> BPF_RUN["open"|"connect"|"outcome"|"accept"] "ns runs":
# the run time and count of the sensor's own programs (found by the ids in
# its fdinfo) on the exits of openat, connect and accept4, and on TCP state
# changes (a connect's outcome: its SYN_SENT and what follows)
declare -A BPF_RUN
bpf_run_times() {
	BPF_RUN=()
	command -v bpftool >/dev/null 2>&1 || return 0
	local id loop ns n
	for id in $(awk '/^prog_id:/ {print $2}' /proc/"$1"/fdinfo/* 2>/dev/null | sort -u); do
		bpftool prog show id "$id" 2>/dev/null
	done | awk '
		/^[0-9]+: / {
			name = ""; ns = 0; n = 0
			for (i = 1; i < NF; i++) {
				if ($i == "name") name = $(i + 1)
				if ($i == "run_time_ns") ns = $(i + 1)
				if ($i == "run_cnt") n = $(i + 1)
			}
			if (name == "handle_exit_openat") print "open", ns, n
			if (name == "handle_exit_connect") print "connect", ns, n
			if (name == "handle_inet_sock_set_state") print "outcome", ns, n
			if (name == "handle_exit_accept4") print "accept", ns, n
		}' >"$TMP/bpf-run"
	while read -r loop ns n; do BPF_RUN[$loop]="$ns $n"; done <"$TMP/bpf-run"
}

counter() { # counter NAME -> its value in the last counters crowsnest printed, or 0
	awk -v k="$1" 'f && $1 == k {v = $2} /^crowsnest: counters/ {f = 1} END {print v + 0}' "$SENSOR_ERR"
}
events_total() {
	awk '/^crowsnest: counters/ {f = 1} f && $1 ~ /^events\./ {s += $2} END {print s + 0}' "$SENSOR_ERR"
}

# ---- variants ------------------------------------------------------------------

# Per variant: the loop it runs, the crowsnest options ("-" = no sensor), a
# label for the table, iterations per run, and what is accumulated over its runs.
declare -A V_LOOP V_OPTS V_LABEL V_ITERS V_BIN V_NS V_OPS V_DROPS V_INFLIGHT V_EVENTS V_FILTERED V_ALLEVENTS V_TICKS V_PROG_NS V_PROG_RUNS

add_variant() { # add_variant NAME LOOP OPTS LABEL ITERATIONS [BINARY]
	V_LOOP[$1]=$2 V_OPTS[$1]=$3 V_LABEL[$1]=$4 V_ITERS[$1]=$5 V_BIN[$1]=${6:-$SENSOR_BIN}
	V_NS[$1]="" V_OPS[$1]=0 V_DROPS[$1]=0 V_INFLIGHT[$1]=0 V_EVENTS[$1]=0 V_FILTERED[$1]=0 V_ALLEVENTS[$1]=0 V_TICKS[$1]=0
	V_PROG_NS[$1]=0 V_PROG_RUNS[$1]=0
}
add_variant open.base open - "open" "$OPEN_N"
add_variant open.with open "" "open (openat + close) in a container, prefilter on" "$OPEN_N"
add_variant open.nopf open "--no-prefilter" "open, --no-prefilter (every open sent)" "$OPEN_N"
add_variant open.floor open "--rules $FLOOR_RULES" "open, floor (rules want no open: read and dropped)" "$OPEN_N"
add_variant open.wake1 open "--no-prefilter --wakeup-bytes 1" "open, --no-prefilter --wakeup-bytes 1" "$WAKE1_N"
add_variant connect.base connect - "connect" "$CONNECT_N"
add_variant connect.with connect "" "connect (refused, 127.0.0.1)" "$CONNECT_N"
add_variant connect.floor connect "--rules $FLOOR_RULES" "connect, floor (rules want no connect: read and dropped)" "$CONNECT_N"
add_variant accept.base accept - "accept" "$ACCEPT_N"
add_variant accept.with accept "" "accept (accept4 + close, 127.0.0.1 listener)" "$ACCEPT_N"
add_variant exec.base exec - "exec" "$EXEC_N"
add_variant exec.with exec "" "exec (fork + execve /bin/true + waitpid)" "$EXEC_N"
OTHER=""
if [[ -n ${BENCH_OTHER_BINARY:-} ]]; then
	[[ -x $BENCH_OTHER_BINARY ]] || die "BENCH_OTHER_BINARY=$BENCH_OTHER_BINARY is not an executable"
	cp "$BENCH_OTHER_BINARY" "$TMP/crowsnest-other"
	add_variant open.other open "" "open, other build" "$OPEN_N" "$TMP/crowsnest-other"
	add_variant connect.other connect "" "connect, other build" "$CONNECT_N" "$TMP/crowsnest-other"
	add_variant accept.other accept "" "accept, other build" "$ACCEPT_N" "$TMP/crowsnest-other"
	add_variant exec.other exec "" "exec, other build" "$EXEC_N" "$TMP/crowsnest-other"
	OTHER=1
fi

MAX_CRASHES=${BENCH_MAX_CRASHES:-3}

run_variant() { # run_variant NAME ROUND
	local v=$1 loop=${V_LOOP[$1]} opts=${V_OPTS[$1]} pns pruns
	wait_for_quiet
	if [[ $opts == - ]]; then
		run_loop "$loop" "${V_ITERS[$v]}"
		log "  round $2  $(printf '%-10s' "${v#*.}") $(printf '%12s' "$LOOP_NS") ns/op"
	else
		# a run during which crowsnest died measured (partly) nothing: redo it
		while true; do
			# shellcheck disable=SC2086  # opts are words
			start_sensor "${V_BIN[$v]}" $opts
			run_loop "$loop" "${V_ITERS[$v]}"
			stop_sensor && break
			((${#CRASHES[@]} < MAX_CRASHES)) || die "crowsnest died ${#CRASHES[@]} times, giving up"
			log "  redoing round $2 of $v"
		done
		local events drops type=$loop
		# accepts are syscall events: that count holds the loop's socket calls too
		[[ $loop != accept ]] || type=syscall
		events=$(counter "events.$type")
		drops=$(counter ringbuf_drops)
		V_DROPS[$v]=$((V_DROPS[$v] + drops))
		V_INFLIGHT[$v]=$((V_INFLIGHT[$v] + $(counter inflight_drops)))
		V_EVENTS[$v]=$((V_EVENTS[$v] + events))
		V_FILTERED[$v]=$((V_FILTERED[$v] + $(counter "prefiltered.$type")))
		V_ALLEVENTS[$v]=$((V_ALLEVENTS[$v] + $(events_total)))
		V_TICKS[$v]=$((V_TICKS[$v] + SENSOR_TICKS))
		if [[ -n ${BPF_RUN[$loop]:-} ]]; then
			read -r pns pruns <<<"${BPF_RUN[$loop]}"
			V_PROG_NS[$v]=$((V_PROG_NS[$v] + pns)) V_PROG_RUNS[$v]=$((V_PROG_RUNS[$v] + pruns))
		fi
		# a connect's cost includes following its outcome (per connect, not per state change)
		if [[ $loop == connect && -n ${BPF_RUN[outcome]:-} ]]; then
			read -r pns pruns <<<"${BPF_RUN[outcome]}"
			V_PROG_NS[$v]=$((V_PROG_NS[$v] + pns))
		fi
		log "  round $2  $(printf '%-10s' "${v#*.}") $(printf '%12s' "$LOOP_NS") ns/op   events.$type $events (loop issued $LOOP_OPS), ringbuf_drops $drops"
	fi
	V_NS[$v]+="$LOOP_NS "
	V_OPS[$v]=$((V_OPS[$v] + LOOP_OPS))
}

# bench NAME... : RUNS rounds; each round runs every variant once, and the
# order rotates from round to round so that no variant always goes first.
bench() {
	local names=("$@") n=$# r i
	log "${V_LOOP[$1]}: $RUNS rounds of ${names[*]}"
	for ((r = 0; r < RUNS; r++)); do
		for ((i = 0; i < n; i++)); do
			run_variant "${names[(r + i) % n]}" $((r + 1))
		done
	done
}

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
spread() { tr ' ' '\n' | awk 'NF' | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s-%s", lo, hi}'; }

# ---- run -------------------------------------------------------------------------

KERNEL=$(uname -r)
CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[[ -n $CPU_MODEL ]] || CPU_MODEL=$(uname -m)
VERSION=$("$SENSOR_BIN" --version 2>/dev/null || echo "crowsnest ?")
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

log "crowsnest overhead benchmark: $VERSION (commit $COMMIT), $RUNS runs per variant"
log "$PINNING"
log "iterations per run: open $OPEN_N (--wakeup-bytes 1: $WAKE1_N), connect $CONNECT_N, accept $ACCEPT_N, exec $EXEC_N (each + 10% warm-up)"

bench open.base open.with open.nopf open.floor open.wake1 ${OTHER:+open.other}
bench connect.base connect.with connect.floor ${OTHER:+connect.other}
bench accept.base accept.with ${OTHER:+accept.other}
bench exec.base exec.with ${OTHER:+exec.other}

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ------------------------------------------------------------------------

row() { # row WITH-VARIANT BASE-VARIANT [FLOOR-VARIANT]
	local w=$1 b=$2 loop=${V_LOOP[$1]} mb mw ov delivered check floor=n/a
	mb=$(median <<<"${V_NS[$b]}")
	mw=$(median <<<"${V_NS[$w]}")
	ov=$(awk -v b="$mb" -v w="$mw" 'BEGIN {printf "%+.0f ns (%+.1f%%)", w - b, (w - b) / b * 100}')
	if [[ -n ${3:-} ]]; then
		floor=$(awk -v b="$mb" -v w="$mw" -v f="$(median <<<"${V_NS[$3]}")" \
			'BEGIN {if (f > b) printf "%.1fx", (w - b) / (f - b); else print "n/a (floor within noise)"}')
	fi
	# every round reached the engine, or was dropped by the prefilter (counted)
	local seen=$((V_EVENTS[$w] + V_FILTERED[$w]))
	if ((seen >= V_OPS[$w])); then check="all counted"; else check="MISSING $((V_OPS[$w] - seen))"; fi
	delivered="${V_EVENTS[$w]} sent + ${V_FILTERED[$w]} prefiltered / ${V_OPS[$w]} issued: $check"
	local drops=${V_DROPS[$w]}
	((V_INFLIGHT[$w] == 0)) || drops+=" (+${V_INFLIGHT[$w]} inflight)"
	local prog=n/a
	((V_PROG_RUNS[$w] == 0)) || prog=$(awk -v t="${V_PROG_NS[$w]}" -v n="${V_PROG_RUNS[$w]}" 'BEGIN {printf "%.0f", t / n}')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${V_LABEL[$w]}" "$mb" "$mw" "$ov" "$floor" "$prog" "$drops" "$delivered"
}

prog_ratio() { # prog_ratio VARIANT FLOOR-VARIANT -> their BPF program ns/run, as a ratio
	awk -v t="${V_PROG_NS[$1]}" -v n="${V_PROG_RUNS[$1]}" -v ft="${V_PROG_NS[$2]}" -v fn="${V_PROG_RUNS[$2]}" \
		'BEGIN {if (n > 0 && fn > 0 && ft > 0) printf "%.1fx (%.0f vs %.0f ns)", (t / n) / (ft / fn), t / n, ft / fn; else print "n/a"}'
}

ns_per_event() { # ns_per_event VARIANT... -> sensor CPU ns per event over those with-runs
	local ticks=0 events=0 v
	for v in "$@"; do
		ticks=$((ticks + V_TICKS[$v]))
		events=$((events + V_ALLEVENTS[$v]))
	done
	awk -v t="$ticks" -v e="$events" -v hz="$CLK_TCK" \
		'BEGIN {if (e > 0) printf "%.0f ns (%.2f s CPU over %d events)", t / hz * 1e9 / e, t / hz, e; else print "n/a (no events)"}'
}

{
	echo
	echo "## crowsnest overhead (medians of $RUNS runs)"
	echo
	echo "| loop | baseline ns/op | with crowsnest ns/op | added | added / floor's added | BPF program ns/run | ring drops | events |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	row open.with open.base open.floor
	row open.nopf open.base open.floor
	row open.floor open.base open.floor
	row open.wake1 open.base open.floor
	row connect.with connect.base connect.floor
	row connect.floor connect.base connect.floor
	row accept.with accept.base
	row exec.with exec.base
	if [[ -n $OTHER ]]; then
		row open.other open.base
		row connect.other connect.base
		row accept.other accept.base
		row exec.other exec.base
	fi
	echo
	echo "- BPF program run time against the floor's (target: connect at most 2x): open $(prog_ratio open.with open.floor), open --no-prefilter $(prog_ratio open.nopf open.floor), connect $(prog_ratio connect.with connect.floor);" \
		"accept and exec have no floor: a listener's first 8 accepts a minute are sent, the rest counted as prefiltered (the accept row's events are all syscall events, its client sockets' included); every exec is sent"
	echo "- crowsnest CPU per event (utime+stime from ready to the stop, over every event it counted; default wakeup, all with-runs): $(ns_per_event open.with connect.with accept.with exec.with);" \
		"open loop alone: $(ns_per_event open.with); --no-prefilter: $(ns_per_event open.nopf); with --wakeup-bytes 1: $(ns_per_event open.wake1)"
	echo "- spread (min-max ns/op): open $(spread <<<"${V_NS[open.base]}") vs $(spread <<<"${V_NS[open.with]}")" \
		"vs $(spread <<<"${V_NS[open.nopf]}") (--no-prefilter) vs $(spread <<<"${V_NS[open.floor]}") (floor)" \
		"vs $(spread <<<"${V_NS[open.wake1]}") (wakeup 1); connect $(spread <<<"${V_NS[connect.base]}") vs $(spread <<<"${V_NS[connect.with]}");" \
		"accept $(spread <<<"${V_NS[accept.base]}") vs $(spread <<<"${V_NS[accept.with]}");" \
		"exec $(spread <<<"${V_NS[exec.base]}") vs $(spread <<<"${V_NS[exec.with]}")"
	echo "- each with-run starts a fresh crowsnest (default rules, --flood-rate 0, JSON to /dev/null) and stops it after the run;" \
		"drops = ringbuf_drops summed over the with-runs; events count every process on the host, the loop's rounds include its 10% warm-up"
	echo "- $PINNING"
	if ((${#CRASHES[@]})); then
		echo "- WARNING: crowsnest died during ${#CRASHES[@]} with-run(s), which were redone: ${CRASHES[*]}"
	fi
	if [[ -n $FOREIGN_SEEN ]]; then
		echo "- WARNING: other processes traced the syscalls during some runs ($(tr ' ' '\n' <<<"$FOREIGN_SEEN" | awk 'NF' | sort -u | tr '\n' ' ')): their cost is in both columns"
	else
		echo "- no other process had BPF programs on the syscall tracepoints during the runs"
	fi
	echo "- kernel $KERNEL, CPU $CPU_MODEL (${#CPUS[@]} allowed), $VERSION (commit $COMMIT), $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
		"load average $LOAD_START at start, $LOAD_END at end, ${SECONDS}s"
}
