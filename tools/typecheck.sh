#!/usr/bin/env bash
# Type-checks the userland (js/), the TypeScript generated from the schema and
# js/lib.deno.d.ts with tsc --noEmit, so the code and the public declarations cannot
# drift. Installs TypeScript from the npm registry into third_party/ on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ts_version=5.9.3
tsc="$root/third_party/typescript/node_modules/.bin/tsc"

if [ ! -x "$tsc" ] || [ "$("$tsc" --version)" != "Version $ts_version" ]; then
  if ! command -v npm >/dev/null; then
    sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    sudo_ apt-get update -q >/dev/null
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null
  fi
  echo "typecheck: installing typescript $ts_version"
  npm install --prefix "$root/third_party/typescript" --no-audit --no-fund --silent "typescript@$ts_version"
fi

# The generated TypeScript lives in the build's OUT_DIR; cargo names it.
out_dir=$(cd "$root" && cargo build --release --message-format=json 2>/dev/null | node -e '
  const lines = require("fs").readFileSync(0, "utf8").split("\n");
  for (const l of lines) {
    if (!l.includes("build-script-executed")) continue;
    const m = JSON.parse(l);
    if (/[/#]minideno[@#]/.test(m.package_id) || m.package_id.startsWith("minideno ")) console.log(m.out_dir);
  }')
[ -d "$out_dir/ts" ] || { echo "typecheck: no generated TypeScript in '$out_dir'" >&2; exit 1; }

# The userland imports ../gen/msg.ts and "flatbuffers": a folder of links gives it
# the layout build.rs gives it.
dir="$root/target/typecheck"
rm -rf "$dir" && mkdir -p "$dir"
ln -s "$root/js" "$dir/js"
ln -s "$out_dir/ts" "$dir/gen"
ln -s "$root/third_party/flatbuffers-ts" "$dir/flatbuffers"
cat >"$dir/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "es2022",
    "lib": ["es2022"],
    "module": "esnext",
    "moduleResolution": "bundler",
    "allowImportingTsExtensions": true,
    "preserveSymlinks": true,
    "noEmit": true,
    "strict": true,
    "skipLibCheck": false,
    "paths": { "flatbuffers": ["./flatbuffers/flatbuffers.ts"] }
  },
  "files": ["js/main.ts", "js/lib.deno.d.ts", "js/lib.web.d.ts"]
}
JSON
"$tsc" -p "$dir/tsconfig.json" && echo "typecheck: js/, gen/ and lib.deno.d.ts agree"
