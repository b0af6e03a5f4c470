#!/usr/bin/env bash
# The container image, for real: a private dockerd builds deploy/Dockerfile
# on a bookworm base made here (mmdebstrap + docker import: no registry is
# reachable), runs the image as the DaemonSet does (hostPID, the host's / at
# /host, the host's tracefs, the capability set of the manifest, read-only
# root), and a separate runc container runs a renamed miner and reads the
# host's shadow through a bind mount: the sensor in the image reports both,
# with that container's id and the host path.
#   image_test.sh SOURCE_DIR
# The base image and BuildKit's caches stay in $CROWSNEST_IMAGE_CACHE
# (default /var/cache/crowsnest-image-test) between runs.
# Exit 77 (skipped) when a part is missing, a failure under CI=true.
set -euo pipefail
SRC=$(cd "$1" && pwd)
CACHE=${CROWSNEST_IMAGE_CACHE:-/var/cache/crowsnest-image-test}
skip() {
  [ "${CI:-}" = true ] && { echo "FAIL: CI=true, cannot skip: $*" >&2; exit 1; }
  echo "SKIPPED: $*"; exit 77
}
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "dockerd and runc need root"
for tool in dockerd mmdebstrap runc jq busybox; do
  command -v $tool >/dev/null || skip "$tool is missing (scripts/setup.sh --tests installs it)"
done
DOCKER=/usr/bin/docker  # Debian's client: it builds with the daemon's own BuildKit, no buildx plugin needed

T=$(mktemp -d)
S=unix://$T/docker.sock
dockerd_pid= ; container= ; started=$(date +%s)
cleanup() {
  local status=$?
  set +e  # tear everything down whatever fails; the test's own status stands
  [ -n "$container" ] && runc delete -f "$container" >/dev/null 2>&1
  if [ -n "$dockerd_pid" ]; then
    $DOCKER -H $S rm -f crowsnest-under-test >/dev/null 2>&1
    kill "$dockerd_pid"; wait "$dockerd_pid" 2>/dev/null
  fi
  umount "$T/exec" 2>/dev/null
  rm -rf "$T"
  exit $status
}
trap cleanup EXIT
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock 9  # one run at a time owns the cached data root

dockerd --data-root "$CACHE/docker" --exec-root "$T/exec" --pidfile "$T/dockerd.pid" -H $S \
  --iptables=false --ip-forward=false --ip-masq=false --bridge=none >"$T/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 100); do $DOCKER -H $S version >/dev/null 2>&1 && break; sleep 0.2; done
$DOCKER -H $S version >/dev/null 2>&1 || fail "dockerd did not start: $(tail -20 "$T/dockerd.log")"

# the FROM images: Debian bookworm, made here once and kept in the cache
if ! $DOCKER -H $S image inspect debian:bookworm-slim >/dev/null 2>&1; then
  echo "building the bookworm base image with mmdebstrap" >&2
  # trimmed as Debian's own bookworm-slim is: no docs, man pages, locales or apt lists
  mmdebstrap --variant=minbase --quiet \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$T/base.tar" || fail "mmdebstrap failed"
  $DOCKER -H $S import "$T/base.tar" debian:bookworm-slim >/dev/null
  $DOCKER -H $S tag debian:bookworm-slim debian:bookworm
fi

t0=$(date +%s)
DOCKER_BUILDKIT=1 $DOCKER -H $S build --network host -f "$SRC/deploy/Dockerfile" -t crowsnest:test "$SRC" \
  >"$T/build.log" 2>&1 || fail "docker build failed: $(tail -40 "$T/build.log")"
build_s=$(( $(date +%s) - t0 ))
size=$($DOCKER -H $S image inspect -f '{{.Size}}' crowsnest:test)
echo "image crowsnest:test: $size bytes ($((size / 1048576)) MiB), built in ${build_s} s" >&2

# a user rule in rules.d, loaded after the shipped ones: it appends a name
# to the shipped miner list
mkdir -p "$T/rules.d" "$T/run"
cat >"$T/rules.d/local.yaml" <<'RULES'
- list: miner_binaries
  items: [cryptonight-helper]
  append: true
RULES
# as the DaemonSet runs it: not privileged, the manifest's capabilities,
# read-only root, hostPID, host / at /host, the host's tracefs, the socket
# directory; the image's CMD gives --host-root /host
caps=$(sed -n 's/^ *add: \[\(.*\)\]$/\1/p' "$SRC/deploy/kubernetes/base/daemonset.yaml" | tr -d ' ')
[ -n "$caps" ] || fail "no capabilities found in the manifest"
run_sensor() {  # capabilities, comma-separated
  local cap_args=()
  for c in ${1//,/ }; do cap_args+=(--cap-add "$c"); done
  $DOCKER -H $S run -d --name crowsnest-under-test --network none --pid host --cap-drop ALL "${cap_args[@]}" \
    --security-opt seccomp=unconfined --security-opt no-new-privileges --read-only \
    -v /:/host:ro -v /sys/kernel/tracing:/sys/kernel/tracing:ro -v "$T/run":/run/crowsnest \
    -v "$T/rules.d":/etc/crowsnest/rules.d:ro -e NODE_NAME=image-test-node crowsnest:test >/dev/null 2>"$T/run.err"
}
if ! run_sensor "$caps"; then
  # Debian's dockerd 20.10 predates CAP_BPF and CAP_PERFMON (containerd,
  # which Kubernetes nodes run, knows them): CAP_SYS_ADMIN stands in for
  # both, as on kernels before 5.8; the exact set is tested with setpriv
  grep -q 'unknown capability: "CAP_BPF"' "$T/run.err" || fail "docker run failed: $(cat "$T/run.err")"
  $DOCKER -H $S rm -f crowsnest-under-test >/dev/null 2>&1
  caps=$(sed 's/BPF,PERFMON/SYS_ADMIN/' <<<"$caps")
  echo "note: this dockerd does not know CAP_BPF: running with $caps" >&2
  run_sensor "$caps" || fail "docker run failed: $(cat "$T/run.err")"
fi
for _ in $(seq 150); do
  $DOCKER -H $S logs crowsnest-under-test 2>&1 | grep -q ', watching' && break
  [ "$($DOCKER -H $S inspect -f '{{.State.Running}}' crowsnest-under-test)" = true ] || break
  sleep 0.2
done
$DOCKER -H $S logs crowsnest-under-test >"$T/out" 2>"$T/err"
grep -q ', watching' "$T/err" || fail "the sensor in the image did not start: $(cat "$T/err")"
# the shipped rule files, then the one in rules.d
files=$(( $(ls "$SRC"/rules/*.yaml | wc -l) + 1 ))
grep -qE "rules from $files files" "$T/err" || fail "not $files rule files: $(grep watching "$T/err")"
grep -q 'cgroup2 at /host/' "$T/err" || fail "cgroup2 not found through the host's mounts: $(grep watching "$T/err")"

# the other container: a real runc container in Docker's cgroup shape, the
# host's / bound at /host
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
container=image-test-${id:0:12}
B=$T/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/tmp"
cp "$(command -v busybox)" "$B/rootfs/bin/"
for c in sh cat cp sleep cryptonight-helper; do ln -sf busybox "$B/rootfs/bin/$c"; done
(cd "$B" && runc spec)
jq --arg cg "/docker/$id" '.process.terminal = false | .process.args = ["sleep", "60"] | .linux.cgroupsPath = $cg
    | .mounts += [{"destination": "/host", "type": "bind", "source": "/", "options": ["rbind", "ro"]}]
    | .root.readonly = false' "$B/config.json" >"$B/config.new" && mv "$B/config.new" "$B/config.json"
runc run -d --bundle "$B" "$container" >/dev/null 2>&1 || fail "runc could not start the container"
# each program started by runc itself: no shell line that names the pool
runc exec "$container" /bin/cp /bin/busybox /tmp/kworkerd
runc exec "$container" /tmp/kworkerd -o stratum+tcp://pool.example.com:3333 -u wallet >/dev/null 2>&1 || true
runc exec "$container" /bin/cat /host/etc/shadow >/dev/null
runc exec "$container" /bin/cryptonight-helper >/dev/null 2>&1 || true

verdict() {  # rule: the first JSON line of that rule for the container
  for _ in $(seq 100); do
    $DOCKER -H $S logs crowsnest-under-test 2>/dev/null |
      jq -c --arg r "$1" --arg id "$id" 'select(.rule == $r and .container.id == $id)' 2>/dev/null | head -1 | grep . && return 0
    sleep 0.2
  done
  return 1
}
miner=$(verdict crypto_miner_stratum_args) || fail "no miner verdict for container $id: $(tail -5 "$T/out")"
[ "$(jq -r .event.filename <<<"$miner")" = /tmp/kworkerd ] || fail "miner verdict: $miner"
[ "$(jq -r .container.node <<<"$miner")" = image-test-node ] || fail "the node is not NODE_NAME's: $miner"
shadow=$(verdict host_secret_read_from_container) || fail "no shadow verdict for container $id"
[ "$(jq -r .event.host_path <<<"$shadow")" = /etc/shadow ] || fail "shadow verdict: $shadow"
user=$(verdict crypto_miner_binary) || fail "the rules.d list entry did not load: no verdict for cryptonight-helper"
[ "$(jq -r .event.filename <<<"$user")" = /bin/cryptonight-helper ] || fail "rules.d verdict: $user"
echo "ok: image $((size / 1048576)) MiB; miner and shadow verdicts for container $id; $(( $(date +%s) - started )) s in all" >&2
