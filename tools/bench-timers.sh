#!/usr/bin/env bash
# Timers, side by side: benches/timers.ts (N setTimeouts with delays 0-99 ms, drained)
# under minideno and real Deno 2.x (npm package, a peer in target/peers, never a
# dependency). Usage: tools/bench-timers.sh [N...]   (default: 10000 40000 100000)
set -euo pipefail
source "$(dirname "$0")/peers.sh"
for n in "${@:-10000 40000 100000}"; do
  for n1 in $n; do
    printf '%-10s ' minideno; "$minideno" run "$root/benches/timers.ts" "$n1"
    printf '%-10s ' deno; "$deno" run "$root/benches/timers.ts" "$n1"
  done
done
