#!/usr/bin/env bash
# The web platform's hot paths side by side: benches/web.mjs under minideno (with
# --allow-hrtime, for a fine clock), real Deno 2.x and Node 20 (peers, never
# dependencies), one table: each figure, and minideno's over Deno's (>1: minideno is
# ahead, for ns/op and MB/s alike). Usage: tools/bench-web.sh
set -euo pipefail
source "$(dirname "$0")/peers.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$minideno" run --allow-hrtime "$root/benches/web.mjs" >"$work/minideno"
"$deno" run "$root/benches/web.mjs" >"$work/deno"
node "$root/benches/web.mjs" >"$work/node"
paste -d' ' "$work/minideno" "$work/deno" "$work/node" | awk '
  BEGIN { printf "%-30s %14s %14s %14s %10s\n", "case", "minideno", "deno", "node", "vs deno" }
  {
    ratio = ($3 == "ns/op") ? $5 / $2 : $2 / $5
    printf "%-30s %9s %-5s %9s %-5s %9s %-5s %9.2fx\n", $1, $2, $3, $5, $6, $8, $9, ratio
  }'
