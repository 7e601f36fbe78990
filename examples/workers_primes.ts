// The worker of examples/workers.ts: counts the primes in each range [from, to) it is
// sent, and sends back the count; any other message it sends straight back.
function isPrime(n: number): boolean {
  if (n < 4) return n > 1;
  if (n % 2 === 0) return false;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

onmessage = (e: MessageEvent) => {
  if (!Array.isArray(e.data)) return postMessage(e.data);
  const [from, to] = e.data as [number, number];
  let count = 0;
  for (let n = from; n < to; n++) if (isPrime(n)) count++;
  postMessage(count);
};
