#!/usr/bin/env bash
# crowsnest profiles, offline on real SQLite files: a profile exported from
# one database, imported into a fresh one and locked there is the same YAML
# but for its state; a bad file is refused at its file:line:column; a
# damaged database is moved aside with a notice.
# Usage: profiles_cli_test.sh CROWSNEST_BINARY
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > web.yaml <<'EOF'
key: web@nginx
state: learning
first_seen: 2026-11-30T06:00:00Z
last_new: 2026-11-30T06:10:00Z
exec: [/usr/sbin/nginx, "/bin/sh [upper]"]
exec_pair: ["/bin/sh -> /usr/sbin/nginx"]
connect: [10.0.3.0/24:5432, "unix:/run/app.sock"]
write_prefix: [/var/cache/nginx]
sensitive_read: [/etc/shadow]
EOF
"$bin" profiles --db a.db import web.yaml
"$bin" profiles --db a.db export web@nginx -o exported.yaml
"$bin" profiles --db b.db import exported.yaml
"$bin" profiles --db b.db lock web@nginx
"$bin" profiles --db b.db show web@nginx > locked.yaml
diff <(sed 's/^state: learning$/state: locked/' exported.yaml) locked.yaml || fail "the round trip changed the profile"
grep -q '^first_seen: 2026-11-30T06:00:00Z$' locked.yaml || fail "first_seen was not kept"
"$bin" profiles --db b.db list | grep -Eq '^locked +7  web@nginx$' || fail "list: $("$bin" profiles --db b.db list)"

printf 'key: web@nginx\nexec: /bin/sh\n' > bad.yaml
out=$("$bin" profiles --db b.db import bad.yaml 2>&1) && fail "a bad file was imported"
[ "$out" = "crowsnest profiles: bad.yaml:2:7: exec: must be a list of strings" ] || fail "bad file: $out"

head -c 8192 /dev/zero | tr '\0' 'x' > damaged.db
out=$("$bin" profiles --db damaged.db list 2>&1) || fail "a damaged database stopped the command: $out"
grep -q "profiles database damaged.db: file is not a database; moved aside to damaged.db.corrupt-" <<<"$out" ||
  fail "damaged database: $out"
echo ok
