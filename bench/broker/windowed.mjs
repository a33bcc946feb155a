/** Calls `publish(i)` for i < count with at most `window` unsettled at once; returns publishes per second. */
export async function publishWindowed(publish, count, window) {
  const inFlight = new Set();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const p = publish(i);
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return count / ((performance.now() - started) / 1000);
}
