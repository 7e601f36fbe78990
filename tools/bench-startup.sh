#!/usr/bin/env bash
# Startup, side by side in one run: `minideno run hello.ts`, an empty C program linked
# to libnode.so.108 (the floor of this V8 route), and real Deno 2.x (npm package, as a
# peer in target/peers, never a dependency). Prints the median wall time and median
# peak RSS of each. Usage: tools/bench-startup.sh [RUNS]
set -euo pipefail
runs=${1:-20}
source "$(dirname "$0")/peers.sh"
lib="$root/third_party/libnode/usr/lib/x86_64-linux-gnu"
hello="$root/cli/tests/testdata/hello.ts"

printf 'int main(void) { return 0; }\n' >"$peers/floor.c"
gcc -O2 -o "$peers/floor" "$peers/floor.c" -Wl,--no-as-needed -L"$lib" -l:libnode.so.108 -Wl,-rpath,"$lib"

# The same page cache for all: each binary and libnode are dropped from it, to be read
# back by the warm-up runs. A file just written (by the linker, by setup.sh, by npm)
# sits in the cache in 4 KiB pages; one read back from disk comes in large folios, which
# take fewer page faults to map and less time to unmap at exit (~1.5 ms here for
# minideno, ~0.6 ms of it in libnode, which the floor shares).
python3 - "$minideno" "$deno" "$peers/floor" "$lib/libnode.so.108" <<'PY'
import os, sys
for path in sys.argv[1:]:
    fd = os.open(os.path.realpath(path), os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
# Warm both compile caches: startup is measured, not the first transpile.
"$minideno" run "$hello" >/dev/null
"$deno" run "$hello" >/dev/null

# Rounds interleave the commands, so that drift in the machine's load hits all alike;
# wait4 gives each run's own peak RSS.
python3 - "$runs" "$minideno" "$peers/floor" "$deno" "$hello" <<'PY'
import os, statistics, subprocess, sys, time
runs, minideno, floor, deno, hello = int(sys.argv[1]), *sys.argv[2:]
version = subprocess.run([deno, "--version"], capture_output=True, text=True).stdout.split()[1]
cases = [("minideno run hello.ts", [minideno, "run", hello]),
         ("C program linked to libnode.so.108", [floor]),
         (f"deno run hello.ts ({version})", [deno, "run", hello])]
walls = {name: [] for name, _ in cases}
rss = {name: [] for name, _ in cases}
devnull = os.open(os.devnull, os.O_WRONLY)
for _ in range(3 + runs):
    for name, argv in cases:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        if status != 0:
            sys.exit(f"{name}: exit status {status}")
        walls[name].append(wall * 1e3)
        rss[name].append(usage.ru_maxrss / 1024)
print(f"{'command (median of ' + str(runs) + ' runs)':<42} {'wall':>9} {'peak RSS':>11}")
for name, _ in cases:
    w, r = walls[name][3:], rss[name][3:]  # the first 3 rounds warm the page cache
    print(f"{name:<42} {statistics.median(w):6.1f} ms {statistics.median(r):7.1f} MiB")
# Each round's minideno time over its Deno time: the VM's speed drifts between rounds
# (by 20% and more), and a ratio within one round cancels it.
ratios = sorted(a / b for a, b in zip(walls[cases[0][0]][3:], walls[cases[2][0]][3:]))
q = len(ratios) // 4
print(f"minideno / deno, per round: median {statistics.median(ratios):.3f}x (quartiles {ratios[q]:.3f}-{ratios[-1 - q]:.3f})")
PY
