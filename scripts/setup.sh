#!/usr/bin/env bash
# Installs what crowsnest needs to build, run and test (Debian/Ubuntu, as
# root), and mounts tracefs and bpffs when they are missing.
#
#   scripts/setup.sh            build and run dependencies
#   scripts/setup.sh --tests    also what the tests need (runc, busybox, jq, docker, containerd)
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs packages and mounts tracefs/bpffs)" >&2
  exit 1
fi

packages=(cmake make g++ pkg-config clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev
          libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc libyaml-cpp-dev libre2-dev nlohmann-json3-dev libcpp-httplib-dev help2man catch2
          libcurl4-openssl-dev libsqlite3-dev libclang-rt-dev)  # libFuzzer and the sanitizers' runtimes, for the rule parser fuzzer
if [ "${1:-}" = "--tests" ]; then
  packages+=(runc busybox-static jq docker.io containerd libc6-dev openssl rsyslog
             prometheus yamllint mmdebstrap util-linux sqlite3  # promtool and a scraping server; manifests; the image's base
             logrotate procps)  # the benign workloads test
  # the gRPC interoperability test runs a Node.js client; a Node.js that
  # ships its own npm (NodeSource) conflicts with Debian's npm package
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d /sys/kernel/tracing/events ]; then
  mount -t tracefs nodev /sys/kernel/tracing
fi
if ! grep -q " /sys/fs/bpf bpf " /proc/mounts; then
  mount -t bpf bpf /sys/fs/bpf
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
  echo "setup.sh: warning: /sys/kernel/btf/vmlinux is missing; build with -DCROWSNEST_VMLINUX_H=<file>" >&2
fi
