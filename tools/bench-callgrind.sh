#!/usr/bin/env bash
# Instructions per op, counted by callgrind (repeatable, unlike wall time on a shared
# VM): each op runs 50,000 times in a script, minus the same script with 0, under
# V8's --predictable (no concurrent compiler or GC threads). Usage:
# tools/bench-callgrind.sh [MINIDENO_BINARY...]   (default: target/release/minideno)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  (cd "$root" && cargo build --release -q)
  bins=("$root/target/release/minideno")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A ops=(
  ["sync Noop"]='Deno.noop();'
  ["sync myPid"]='Deno.myPid();'
  ["sync Echo 1 KiB"]='Deno.echo(kib);'
  ["async Noop, all in flight"]='ps.push(Deno.noopAsync());'
)
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" run --v8-flags=--predictable "$2" 2>&1 |
    awk '/Collected/ {print $4}'
}
for bin in "${bins[@]}"; do
  echo "$bin"
  for name in "sync Noop" "sync myPid" "sync Echo 1 KiB" "async Noop, all in flight"; do
    for n in 0 50000; do
      printf 'const kib = new Uint8Array(1024); const ps: Promise<void>[] = [];\nfor (let i = 0; i < %d; i++) %s\nawait Promise.all(ps);\n' \
        "$n" "${ops[$name]}" >"$work/op$n.ts"
    done
    a=$(count "$bin" "$work/op0.ts")
    b=$(count "$bin" "$work/op50000.ts")
    printf '  %-28s %8d instructions/op\n' "$name" $(((b - a) / 50000))
  done
done
