# Sourced by the side-by-side benchmarks: sets up minideno (tools/setup.sh, a release
# build) and real Deno 2.x, installed from the npm registry as a peer in target/peers
# (never a dependency of minideno). Sets $root, $peers, $minideno, $deno, DENO_DIR and
# NO_COLOR.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers="$root/target/peers"
bash "$root/tools/setup.sh"
mkdir -p "$peers"
[ -x "$peers/node_modules/.bin/deno" ] || npm install --prefix "$peers" --no-save --silent deno@2 >/dev/null
(cd "$root" && cargo build --release -q)
minideno="$root/target/release/minideno"
deno="$peers/node_modules/.bin/deno"
export DENO_DIR="$peers/deno_dir" NO_COLOR=1
