#!/usr/bin/env bash
# What each Lambda memory size means for password hashing: Lambda gives a function CPU in
# proportion to its memory (1,769 MB = one vCPU). This runs the hash_time example under a
# cgroup (v1) CPU quota of that share for each size. Needs root and /sys/fs/cgroup/cpu.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p portal-shared --no-default-features --example hash_time
bin=target/release/examples/hash_time
group=/sys/fs/cgroup/cpu/portal-hash-bench
mkdir -p "$group"
trap 'rmdir "$group" 2>/dev/null || true' EXIT
echo 100000 > "$group/cpu.cfs_period_us"
for mb in 128 256 512 1024 1769; do
  echo $((100000 * mb / 1769)) > "$group/cpu.cfs_quota_us"
  printf '%5s MB: ' "$mb"
  sh -c "echo \$\$ > $group/cgroup.procs; exec taskset -c 0 $bin ${RUNS:-9}"
done
