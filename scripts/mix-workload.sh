# mix-workload.sh: the ordinary workload that bench-rules.sh and
# bench-pipeline.sh record, sourced by both. Needs TMP (a scratch directory)
# RECORD_SECONDS and CONTAINER (1: a runc container too, if runc and jq are
# installed). run_mix runs the whole workload for RECORD_SECONDS; stop_mix
# (the caller's cleanup) stops the httpd and removes the container.
RUNC_NAME=
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
	start_container || { echo "$(basename "$0"): no container: $(cat "$TMP/runc.err")" >&2; RUNC_NAME=; }
fi

run_mix() {
	echo "Running the mix for $RECORD_SECONDS s${RUNC_NAME:+ (with a runc container)}..." >&2
	host_workload &
	local host_job=$!
	connect_workload &
	local connect_job=$!
	[[ -n $RUNC_NAME ]] && container_workload
	wait "$host_job" "$connect_job"
}

stop_mix() {
	[[ -n $HTTPD_PID ]] && kill "$HTTPD_PID" 2>/dev/null || true
	[[ -n $RUNC_NAME ]] && runc delete -f "$RUNC_NAME" >/dev/null 2>&1 || true
}
