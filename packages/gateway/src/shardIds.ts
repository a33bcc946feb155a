/**
 * Parses `SHARD_IDS` such as `0-7,12` into sorted unique ids (pure). A range may take a step:
 * `1-15/2` is the odd shards of 16 (processes running interleaved shards can reshard to more counts
 * than multiples, see the gateway README).
 */

export function parseShardIds(text: string): number[] {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^(\d+)(?:-(\d+)(?:\/(\d+))?)?$/.exec(part);
    if (!match) throw new Error(`"${part}" is not a shard id or range (expected e.g. 0-7,12 or 0-15/2)`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (to < from) throw new Error(`range "${part}" runs backwards`);
    if (to - from > 100_000) throw new Error(`range "${part}" is too large`);
    if (step < 1) throw new Error(`range "${part}" needs a step of at least 1`);
    for (let id = from; id <= to; id += step) ids.add(id);
  }
  if (ids.size === 0) throw new Error('expected at least one shard id');
  return [...ids].sort((a, b) => a - b);
}
