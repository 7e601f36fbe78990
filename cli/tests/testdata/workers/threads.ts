// What the tests of worker teardown look at: this process's threads.
export function threads(): number {
  return [...Deno.readDirSync("/proc/self/task")].length;
}


/** Waits (polling each millisecond, up to 5 s) until at most `n` threads run; the ms it took. */
export async function threadsDownTo(n: number): Promise<number> {
  const start = Date.now();
  while (threads() > n && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 1));
  return Date.now() - start;
}
