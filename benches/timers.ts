// Timer benchmark (tools/bench-timers.sh): schedules N setTimeouts with delays 0-99 ms
// (N = first argument, default 100,000) and reports how long they take to drain.
// Runs unchanged under Deno, for comparison.
const n = Number(Deno.args[0] ?? 100_000);
const t0 = Date.now();
let fired = 0;
await new Promise<void>((resolve) => {
  for (let i = 0; i < n; i++) {
    setTimeout(() => {
      if (++fired === n) resolve();
    }, i % 100);
  }
});
console.log(`${n} timers (delays 0-99 ms) drained in ${Date.now() - t0} ms`);
