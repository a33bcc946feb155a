/** Waits on a condition (never a fixed sleep): polls `check` until it returns a truthy value or time runs out. */
type Falsy = undefined | null | false | '' | 0;

export async function eventually<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls `GET /_sim/channels/:id/messages` until a message with `content` is there; returns every content. */
export async function channelContents(url: string, channelId: string, content: string): Promise<string[]> {
  return eventually(
    async () => {
      const response = await fetch(`${url}/_sim/channels/${channelId}/messages`);
      const contents = ((await response.json()) as { content: string }[]).map((m) => m.content);
      return contents.includes(content) ? contents : undefined;
    },
    10_000,
    `"${content}" in channel ${channelId}`,
  );
}
