#!/usr/bin/env bash
# Timers, side by side: benches/timers.ts (N setTimeouts with delays 0-99 ms, drained)
# under minideno and real Deno 2.x (npm package, a peer in target/peers, never a
# dependency). Usage: tools/bench-timers.sh [N...]   (default: 10000 40000 100000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers="$root/target/peers"
bash "$root/tools/setup.sh"
mkdir -p "$peers"
[ -x "$peers/node_modules/.bin/deno" ] || npm install --prefix "$peers" --no-save --silent deno@2 >/dev/null
(cd "$root" && cargo build --release -q)
export NO_COLOR=1 DENO_DIR="$peers/deno_dir"
for n in "${@:-10000 40000 100000}"; do
  for n1 in $n; do
    printf '%-10s ' minideno; "$root/target/release/minideno" run "$root/benches/timers.ts" "$n1"
    printf '%-10s ' deno; "$peers/node_modules/.bin/deno" run "$root/benches/timers.ts" "$n1"
  done
done
