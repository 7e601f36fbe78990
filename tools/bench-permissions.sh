#!/usr/bin/env bash
# The permission check's cost, side by side: benches/permissions.ts (statSync allowed
# and denied under a scoped --allow-read, openSync + close) under minideno, an older
# minideno build if given (to see what a change cost), and real Deno 2.x (a peer in
# target/peers, never a dependency), in interleaved rounds.
# Usage: tools/bench-permissions.sh [OLD_MINIDENO_BINARY] [ROUNDS (default 3)]
set -euo pipefail
source "$(dirname "$0")/peers.sh"
old=${1:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/granted/a/b"
echo hi > "$dir/granted/a/b/file"
args=(run "--allow-read=$dir/granted" "$root/benches/permissions.ts" "$dir/granted/a/b/file" /etc/passwd)
for round in $(seq "${2:-3}"); do
  echo "round $round"
  echo "minideno:"; "$minideno" "${args[@]}"
  if [ -n "$old" ]; then echo "minideno $old:"; "$old" "${args[@]}"; fi
  echo "deno:"; "$deno" "${args[@]}"
done
