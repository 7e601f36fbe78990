#!/usr/bin/env bash
# Networking side by side in one run, under minideno (read/write in the minimal
# encoding, and in FlatBuffers: MINIDENO_IO_ENCODING=flatbuffers), real Deno 2.x and
# Node 20 (peers in target/peers, never dependencies):
#   1. HTTP over raw TCP (benches/tcp_http.ts, tcp_http_node.mjs): wrk -t1 -c50 on
#      loopback for SECS seconds per server, ROUNDS rounds interleaved; the median
#      round's req/s and latency p50/p99.
#   2. TCP echo of 1 GiB through one connection (benches/tcp_echo.ts): MiB/s, median.
#   3. cat of a 1 GiB file into a pipe (benches/cat.ts: Deno.copy(Deno.stdout, file)):
#      MiB/s, median.
# Installs wrk from Debian if missing. Usage: tools/bench-net.sh [ROUNDS] [SECS]
set -euo pipefail
rounds=${1:-3}
secs=${2:-5}
source "$(dirname "$0")/peers.sh"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk >/dev/null; }
data="$root/target/bench-net"
mkdir -p "$data"
[ -f "$data/1GiB" ] || head -c $((1 << 30)) /dev/urandom >"$data/1GiB"

deno_name="deno $("$deno" --version | head -1 | cut -d' ' -f2)"
node_name="node $(node --version)"
names=("minideno minimal" "minideno flatbuffers" "$deno_name" "$node_name")
# The command of server NAME: its program and arguments, before the port.
server() {
  case $1 in
    "minideno minimal") echo "env MINIDENO_IO_ENCODING=minimal $minideno run --allow-net $root/benches/tcp_http.ts" ;;
    "minideno flatbuffers") echo "env MINIDENO_IO_ENCODING=flatbuffers $minideno run --allow-net $root/benches/tcp_http.ts" ;;
    deno*) echo "$deno run --allow-net $root/benches/tcp_http.ts" ;;
    node*) echo "node $root/benches/tcp_http_node.mjs" ;;
  esac
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }

# One wrk run against a fresh server: prints "req/s p50 p99" (latencies in ms).
http_round() {
  local port pid
  port=$(free_port)
  $(server "$1") "$port" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  wrk -t1 -c50 -d"${secs}s" --latency "http://127.0.0.1:$port/" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
    /Requests\/sec/ { r = $2 } / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
    END { printf "%d %.3f %.3f\n", r, p50, p99 }'
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "HTTP over raw TCP: wrk -t1 -c50 -d${secs}s, median of $rounds rounds"
declare -A results
for round in $(seq "$rounds"); do
  for name in "${names[@]}"; do
    results[$name]+="$(http_round "$name")"$'\n'
  done
done
printf '  %-22s %9s %9s %9s\n' server req/s "p50 ms" "p99 ms"
for name in "${names[@]}"; do
  # The median round by req/s, with its own latencies.
  row=$(printf '%s' "${results[$name]}" | sort -g | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }')
  read -r rps p50 p99 <<<"$row"
  printf '  %-22s %9s %9s %9s\n' "$name" "$rps" "$p50" "$p99"
done

echo "TCP echo of 1 GiB through one connection, MiB/s, median of $rounds"
for name in "minideno minimal" "minideno flatbuffers" "$deno_name" "$node_name"; do
  for _ in $(seq "$rounds"); do
    case $name in
      "minideno minimal") MINIDENO_IO_ENCODING=minimal "$minideno" run --allow-net "$root/benches/tcp_echo.ts" 1024 ;;
      "minideno flatbuffers") MINIDENO_IO_ENCODING=flatbuffers "$minideno" run --allow-net "$root/benches/tcp_echo.ts" 1024 ;;
      deno*) "$deno" run --allow-net "$root/benches/tcp_echo.ts" 1024 ;;
      node*) node "$root/benches/tcp_echo_node.mjs" 1024 ;;
    esac
  done | median | xargs printf '  %-22s %6s MiB/s\n' "$name"
done

echo "cat of a 1 GiB file into a pipe, MiB/s, median of $rounds"
cat_mibs() {
  local start bytes
  start=$(date +%s%N)
  bytes=$("$@" | wc -c)
  [ "$bytes" = $((1 << 30)) ] || { echo "cat wrote $bytes bytes" >&2; exit 1; }
  echo $(((1024 * 1000000000) / ($(date +%s%N) - start)))
}
for name in "minideno minimal" "minideno flatbuffers" "$deno_name"; do
  for _ in $(seq "$rounds"); do
    case $name in
      "minideno minimal") cat_mibs env MINIDENO_IO_ENCODING=minimal "$minideno" run --allow-read "$root/benches/cat.ts" "$data/1GiB" ;;
      "minideno flatbuffers") cat_mibs env MINIDENO_IO_ENCODING=flatbuffers "$minideno" run --allow-read "$root/benches/cat.ts" "$data/1GiB" ;;
      deno*) cat_mibs "$deno" run --allow-read "$root/benches/cat.ts" "$data/1GiB" ;;
    esac
  done | median | xargs printf '  %-22s %6s MiB/s\n' "$name"
done
for _ in $(seq "$rounds"); do cat_mibs cat "$data/1GiB"; done | median | xargs printf '  %-22s %6s MiB/s\n' "cat (coreutils)"
