#!/usr/bin/env bash
# Idempotent set-up: V8 10.2 from Debian's libnode108 plus a patched `v8` crate 0.43.1,
# all written under third_party/ (gitignored). Run by `make`; safe to run again.
#
# third_party/libnode/          libnode108 + libnode-dev unpacked (headers, libnode.so.108
#                               pre-bound by tools/prebind.py; unmodified/ keeps the
#                               original: LD_LIBRARY_PATH=third_party/libnode/unmodified
#                               runs with it, MINIDENO_PREBIND=0 installs it instead)
# third_party/v8-extra-include/ three V8 10.2 headers that libnode-dev leaves out
# third_party/v8/               the v8 crate's sources with tools/v8-0.43.1-libnode.diff applied
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tp="$root/third_party"
patch_file="$root/tools/v8-0.43.1-libnode.diff"
stamp="$tp/.setup-done"
stamp_key="$( (cat "$patch_file" "$0" "$root/tools/prebind.py"; echo "${MINIDENO_PREBIND:-1}") | sha256sum | cut -c1-16)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_key" ]; then
  exit 0
fi

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive

# 1. System packages: libnode's runtime dependencies, a C++ compiler for the crate's
#    binding.cc, cmake for the `flatc` crate (it builds flatc from source).
#    python3-pyelftools for tools/prebind.py. For the tests: python3 (the loopback
#    module server), openssl (its test CA), tmux (the REPL in a real terminal).
pkgs=(libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1 libssl3 zlib1g g++ cmake make xz-utils patch
  python3 python3-pyelftools openssl tmux)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_ apt-get update -q >/dev/null
  sudo_ apt-get install -y -q "${missing[@]}" >/dev/null
fi

# 2. libnode108 + libnode-dev, unpacked locally: `apt-get install libnode-dev` conflicts
#    with a non-Debian nodejs (e.g. nodesource's), so the debs are only downloaded.
ver=$(apt-cache policy libnode108 | awk '/Candidate:/ {print $2}')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
  sudo_ apt-get update -q >/dev/null
  ver=$(apt-cache policy libnode108 | awk '/Candidate:/ {print $2}')
fi
case "$ver" in 18.20.4+dfsg-*) ;; *) echo "setup: expected libnode108 18.20.4, apt offers '$ver'" >&2; exit 1 ;; esac
mkdir -p "$tp/debs"
if [ ! -f "$tp/libnode/unmodified/libnode.so.108" ]; then
  echo "setup: fetching libnode108 $ver"
  rm -rf "$tp/libnode" "$tp/debs"/*.deb
  (cd "$tp/debs" && apt-get download -q "libnode108=$ver" "libnode-dev=$ver" >/dev/null)
  for f in "$tp"/debs/*.deb; do dpkg-deb -x "$f" "$tp/libnode"; done
  mkdir -p "$tp/libnode/unmodified"
  cp "$tp/libnode/usr/lib/x86_64-linux-gnu/libnode.so.108" "$tp/libnode/unmodified/"
fi

# 3. v8-fast-api-calls.h, v8-inspector.h, v8-inspector-protocol.h: in the nodejs source
#    package of the same version. A private apt configuration with a deb-src line keeps
#    the system's lists untouched. The mirror may answer 404 for the .dsc; only the
#    orig tarball is needed, so its presence is checked rather than apt's exit code.
extra="$tp/v8-extra-include"
if [ ! -f "$extra/v8-inspector-protocol.h" ]; then
  echo "setup: fetching three V8 headers from the nodejs source package"
  a="$tp/apt"
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$tp/src" "$extra"
  cat >"$a/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
EOF
  opts=(-o Dir::Etc::sourcelist="$a/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache")
  apt-get "${opts[@]}" update -q >/dev/null
  tarball="$tp/src/nodejs_18.20.4+dfsg.orig.tar.xz"
  (cd "$tp/src" && apt-get "${opts[@]}" source --download-only -q "nodejs=$ver" >/dev/null 2>&1 || true)
  test -s "$tarball" || { echo "setup: could not download $tarball" >&2; exit 1; }
  tar -xJf "$tarball" -C "$tp/src" --wildcards \
    '*/deps/v8/include/v8-fast-api-calls.h' '*/deps/v8/include/v8-inspector.h' '*/deps/v8/include/v8-inspector-protocol.h'
  cp "$tp"/src/node-v18.20.4/deps/v8/include/v8-{fast-api-calls,inspector,inspector-protocol}.h "$extra/"
  rm -rf "$tp/src" "$a"
fi

# 4. Crate sources from crates.io (through cargo's own client): the v8 crate, patched,
#    and the FlatBuffers TypeScript runtime shipped inside the `flatc` crate (the same
#    23.5.26 release as the flatc it builds and the `flatbuffers` crate we use).
crate_dir() { ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$1" 2>/dev/null | head -1; }
if [ -z "$(crate_dir v8-0.43.1)" ] || [ -z "$(crate_dir flatc-0.2.2+23.5.26)" ]; then
  echo "setup: fetching the v8 and flatc crates"
  scratch=$(mktemp -d)
  mkdir -p "$scratch/src" && touch "$scratch/src/lib.rs"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nv8 = "=0.43.1"\nflatc = "=0.2.2"\n' >"$scratch/Cargo.toml"
  (cd "$scratch" && cargo fetch -q)
  rm -rf "$scratch"
fi
crate=$(crate_dir v8-0.43.1)
rm -rf "$tp/v8" && mkdir -p "$tp/v8"
cp -r "$crate/Cargo.toml" "$crate/build.rs" "$crate/src" "$tp/v8/"
(cd "$tp/v8" && patch -s -p1 <"$patch_file")
rm -rf "$tp/flatbuffers-ts" && mkdir -p "$tp/flatbuffers-ts"
cp "$(crate_dir flatc-0.2.2+23.5.26)"/flatbuffers/ts/*.ts "$tp/flatbuffers-ts/"

# 5. Pre-bind libnode (tools/prebind.py): start-up without ~50,000 symbol lookups.
#    Written aside and renamed, so that a running process keeps its mapping intact.
lib="$tp/libnode/usr/lib/x86_64-linux-gnu/libnode.so.108"
if [ "${MINIDENO_PREBIND:-1}" = 0 ]; then
  cp "$tp/libnode/unmodified/libnode.so.108" "$lib.new"
  echo "setup: libnode left unmodified (MINIDENO_PREBIND=0)"
else
  /usr/bin/python3 "$root/tools/prebind.py" "$tp/libnode/unmodified/libnode.so.108" "$lib.new" \
    "$tp/libnode/usr/include/node"
fi
mv -f "$lib.new" "$lib"

echo "$stamp_key" >"$stamp"
echo "setup: done (libnode $ver, V8 headers, patched v8 crate in third_party/)"
