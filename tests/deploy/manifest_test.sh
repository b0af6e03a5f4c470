#!/usr/bin/env bash
# The Kubernetes manifests: kubectl kustomize renders the base and each
# overlay, every rendered object passes the API's schema (the npm package
# kubernetes-models), the DaemonSet keeps its least-privilege promises (the
# privileged overlay alone runs privileged), and yamllint passes.
#   manifest_test.sh SOURCE_DIR
# npm packages are kept in $CROWSNEST_NPM_CACHE (default
# /var/cache/crowsnest-npm). Exit 77 (skipped) when a tool is missing, a
# failure under CI=true.
set -euo pipefail
SRC=$(cd "$1" && pwd)
K=$SRC/deploy/kubernetes
MODULES=${CROWSNEST_NPM_CACHE:-/var/cache/crowsnest-npm}
skip() {
  [ "${CI:-}" = true ] && { echo "FAIL: CI=true, cannot skip: $*" >&2; exit 1; }
  echo "SKIPPED: $*"; exit 77
}
for tool in kubectl node npm yamllint; do
  command -v $tool >/dev/null || skip "$tool is missing (scripts/setup.sh --tests installs it)"
done
if [ ! -d "$MODULES/node_modules/kubernetes-models" ] || [ ! -d "$MODULES/node_modules/js-yaml" ]; then
  mkdir -p "$MODULES"
  (cd "$MODULES" && npm install --no-audit --no-fund --silent kubernetes-models@4 js-yaml@4) ||
    skip "npm install kubernetes-models js-yaml failed"
fi
status=0
check() {  # DIR MODE
  local out
  if ! out=$(kubectl kustomize "$K/$1" 2>&1); then
    echo "FAIL: kubectl kustomize $1: $out" >&2; status=1; return
  fi
  if NODE_PATH=$MODULES/node_modules node "$SRC/tests/deploy/validate_manifests.js" "$2" <<<"$out"; then
    echo "  ($1)"
  else
    echo "FAIL: $1" >&2; status=1
  fi
}
check base least
check overlays/example least
check overlays/privileged privileged
yamllint -c "$K/.yamllint" "$SRC/deploy" || { echo "FAIL: yamllint" >&2; status=1; }
exit $status
