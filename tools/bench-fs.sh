#!/usr/bin/env bash
# File throughput side by side in one run: Deno.readFile of a 64 MiB file and a
# file-to-file copy, under minideno, real Deno 2.x (npm package, a peer in
# target/peers, never a dependency) and Node 20. Prints MiB/s (best of RUNS) per
# runtime. The file lives in target/ (the page cache holds it: this measures the
# runtime, not the disk). Usage: tools/bench-fs.sh [RUNS]
set -euo pipefail
runs=${1:-5}
source "$(dirname "$0")/peers.sh"
data="$root/target/bench-fs"
mkdir -p "$data"
[ -f "$data/64MiB" ] || head -c $((64 << 20)) /dev/urandom >"$data/64MiB"
run() {
  local name=$1
  shift
  "$@" "$data/64MiB" "$data/copy" "$runs" | while read -r what mibs; do
    printf '%-9s %-8s %6s MiB/s\n' "$what" "$name" "$mibs"
  done
}
run minideno "$minideno" run --allow-read="$data" --allow-write="$data" "$root/benches/fs.ts"
run "deno $("$deno" --version | head -1 | cut -d' ' -f2)" "$deno" run --allow-read="$data" --allow-write="$data" "$root/benches/fs.ts"
run "node $(node --version)" node "$root/benches/fs_node.mjs"
