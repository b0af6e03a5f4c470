#!/usr/bin/env bash
# cmake --install into a DESTDIR: the binary, the man page, the shipped rules
# and the example config land under the prefix, and the installed binary
# finds its rules there (never in the source tree), then runs from it.
#   install_test.sh BUILD_DIR
# Exit 77 (skipped) without root, a failure under CI=true.
set -euo pipefail
BUILD=$1
T=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR=$T/root cmake --install "$BUILD" --prefix /opt/crowsnest >"$T/install.log"
P=$T/root/opt/crowsnest
for f in bin/crowsnest share/man/man8/crowsnest.8 share/crowsnest/crowsnest.yaml; do
  [ -f "$P/$f" ] || fail "$f is not installed: $(cat "$T/install.log")"
done
[ "$(ls "$P"/share/crowsnest/rules/*.yaml | wc -l)" -ge 1 ] || fail "no rules in share/crowsnest/rules"
# the man page is the --help text: every option is in it
grep -q 'host\\-root' "$P/share/man/man8/crowsnest.8" || fail "the man page lacks --host-root"
"$P/bin/crowsnest" config validate "$P/share/crowsnest/crowsnest.yaml" | grep -qx "ok: $P/share/crowsnest/crowsnest.yaml" ||
  fail "the installed example config is not valid"
"$P/bin/crowsnest" rules validate "$P/share/crowsnest/rules" | grep -q '^ok: ' || fail "the installed rules are not valid"

# the installed binary looks for its rules under its own prefix
mv "$P/share/crowsnest/rules" "$T/rules.away"
out=$("$P/bin/crowsnest" --output none 2>&1) && fail "started without its rules"
grep -qF "looked in $P/share/crowsnest/rules $P/rules" <<<"$out" || fail "unexpected message: $out"
mv "$T/rules.away" "$P/share/crowsnest/rules"

if [ "$(id -u)" -ne 0 ]; then
  [ "${CI:-}" = true ] && fail "CI=true: running the installed sensor needs root"
  echo "SKIPPED: running the installed sensor needs root"; exit 77
fi
# and runs from the prefix with them
rules=$(ls "$P"/share/crowsnest/rules/*.yaml | wc -l)
"$P/bin/crowsnest" --output none --grpc-socket none --config none --ready-file "$T/ready" 2>"$T/stderr" &
pid=$!
for _ in $(seq 200); do [ -e "$T/ready" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
[ -e "$T/ready" ] || fail "the installed sensor did not start: $(cat "$T/stderr")"
grep -qE "crowsnest [^:]+: [0-9]+ rules from $rules files" "$T/stderr" || fail "unexpected start line: $(cat "$T/stderr")"
kill $pid; wait $pid || true; pid=
echo "ok: installed under $P, runs from there"
