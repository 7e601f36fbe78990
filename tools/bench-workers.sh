#!/usr/bin/env bash
# Workers side by side in one run: examples/workers.ts under minideno and real Deno 2.x,
# benches/workers_node.mjs under Node 20's worker_threads (peers in target/peers,
# never dependencies). Each runs ROUNDS times, interleaved; the table shows the median
# of each figure: messages/s (100,000 round trips to one worker, all sent at once),
# the prime count below 5,000,000 on 1 worker and on N, and the speed-up of N over 1.
# Usage: tools/bench-workers.sh [ROUNDS=3] [N=2]
set -euo pipefail
rounds=${1:-3}
n=${2:-2}
source "$(dirname "$0")/peers.sh"
names=("minideno" "deno $("$deno" --version | head -1 | cut -d' ' -f2)" "node $(node --version)")
run() {
  case $1 in
    minideno) "$minideno" run --allow-read="$root/examples" "$root/examples/workers.ts" "$n" ;;
    deno*) "$deno" run --allow-read="$root/examples" "$root/examples/workers.ts" "$n" ;;
    node*) node "$root/benches/workers_node.mjs" "$n" ;;
  esac
}
median() { sort -g | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
declare -A results
for _ in $(seq "$rounds"); do
  for name in "${names[@]}"; do
    # "messages/s one-ms n-ms speed-up"
    results[$name]+="$(run "$name" | awk '
      /^1 worker/ { one = $3; many = $7; up = $10; sub(/x$/, "", up) }
      /^messages/ { rate = $8 }
      END { print rate, one, many, up }')"$'\n'
  done
done
echo "Workers: median of $rounds rounds; primes below 5,000,000; $n workers on $(nproc) cores"
printf '  %-14s %12s %12s %12s %9s\n' runtime messages/s "1 worker ms" "$n workers ms" speed-up
for name in "${names[@]}"; do
  col() { printf '%s' "${results[$name]}" | awk -v c="$1" 'NF { print $c }' | median; }
  printf '  %-14s %12s %12s %12s %8sx\n' "$name" "$(col 1)" "$(col 2)" "$(col 3)" "$(col 4)"
done
