#!/usr/bin/env bash
# Startup, side by side in one run: `minideno run hello.ts`, an empty C program linked
# to libnode.so.108 (the floor of this V8 route), and real Deno 2.x (npm package, as a
# peer in target/peers, never a dependency). Prints median wall time (hyperfine) and
# median peak RSS (/usr/bin/time) of each. Usage: tools/bench-startup.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
peers="$root/target/peers"
lib="$root/third_party/libnode/usr/lib/x86_64-linux-gnu"
hello="$root/tests/testdata/hello.ts"

bash "$root/tools/setup.sh"
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
for tool in hyperfine time; do
  dpkg -s "$tool" >/dev/null 2>&1 || sudo_ apt-get install -y -q "$tool" >/dev/null
done
mkdir -p "$peers"
[ -x "$peers/node_modules/.bin/deno" ] || npm install --prefix "$peers" --no-save --silent deno@2 >/dev/null
printf 'int main(void) { return 0; }\n' >"$peers/floor.c"
gcc -O2 -o "$peers/floor" "$peers/floor.c" -Wl,--no-as-needed -L"$lib" -l:libnode.so.108 -Wl,-rpath,"$lib"
(cd "$root" && cargo build --release -q)

minideno="$root/target/release/minideno"
deno="$peers/node_modules/.bin/deno"
export DENO_DIR="$peers/deno_dir" NO_COLOR=1
# Warm both compile caches: startup is measured, not the first transpile.
"$minideno" run "$hello" >/dev/null
"$deno" run "$hello" >/dev/null

names=("minideno run hello.ts" "C program linked to libnode.so.108" "deno run hello.ts ($("$deno" --version | head -1 | cut -d' ' -f2))")
cmds=("$minideno run $hello" "$peers/floor" "$deno run $hello")
hyperfine -N --warmup 3 --runs "$runs" --export-json "$peers/startup.json" "${cmds[@]}" >/dev/null

median_rss_kib() {
  local samples=()
  for _ in $(seq "$runs"); do
    samples+=("$( { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1)")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

printf '%-42s %12s %14s\n' "command ($runs runs)" "median wall" "median peak RSS"
for i in "${!cmds[@]}"; do
  wall=$(python3 -c "import json,sys; r=json.load(open('$peers/startup.json'))['results'][$i]; print(f\"{r['median']*1000:.1f} ms\")")
  # shellcheck disable=SC2086
  rss=$(median_rss_kib ${cmds[$i]})
  printf '%-42s %12s %11s MiB\n' "${names[$i]}" "$wall" "$(awk "BEGIN {printf \"%.1f\", $rss/1024}")"
done
