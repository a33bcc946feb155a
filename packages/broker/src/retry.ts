/** Retrying a first connection for a while: a broker that starts a few seconds after a service is normal. */
import { sleep } from '@shardwire/core';

/** How long services keep trying to reach the broker at start before giving up with an error. */
export const FIRST_CONNECT_MS = 10_000;

/** Runs `attempt` until it succeeds or `withinMs` has passed (backoff 100 ms doubling to 2 s); rethrows the last error. */
export async function retryFor<T>(attempt: () => Promise<T>, withinMs = FIRST_CONNECT_MS): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let delay = 100; ; delay = Math.min(2_000, delay * 2)) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}
