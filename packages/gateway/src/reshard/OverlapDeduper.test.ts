import { describe, expect, it } from 'vitest';
import { OverlapDeduper, type OverlapSide } from './OverlapDeduper.js';

type Step = [OverlapSide, string] | ['switch'];

/** Runs a script of deliveries; returns what was published, by whom, with held ones at the switch. */
function run(script: Step[]): string[] {
  const deduper = new OverlapDeduper();
  const published: string[] = [];
  const held: { key: string; occurrence: number }[] = [];
  for (const step of script) {
    if (step[0] === 'switch') {
      deduper.switch();
      for (const h of held.splice(0))
        if (deduper.release(h.key, h.occurrence)) published.push(`new:${h.key}`);
      continue;
    }
    const [side, key] = step;
    const decision = deduper.deliver(side, key);
    if (decision.action === 'hold') held.push({ key, occurrence: decision.occurrence });
    else if (decision.action === 'publish') published.push(`${side}:${key}`);
  }
  return published;
}

describe('OverlapDeduper', () => {
  it.each<[string, Step[], string[]]>([
    [
      'old ahead of new: the old set publishes all, the new set nothing it held',
      [['old', 'a'], ['old', 'b'], ['new', 'a'], ['switch'], ['new', 'b'], ['new', 'c'], ['old', 'c']],
      ['old:a', 'old:b', 'new:c'],
    ],
    [
      'new ahead of old at the switch: what old has not received is released by the new set',
      [
        ['old', 'a'],
        ['new', 'a'],
        ['new', 'b'],
        ['new', 'c'],
        ['switch'],
        ['old', 'b'],
        ['old', 'c'],
        ['new', 'd'],
      ],
      ['old:a', 'new:b', 'new:c', 'new:d'],
    ],
    [
      'events sent before the new snapshot only reach the old set, and it publishes them after the switch',
      [['new', 'x'], ['switch'], ['old', 'p'], ['old', 'q'], ['old', 'x'], ['new', 'y'], ['old', 'y']],
      ['new:x', 'old:p', 'old:q', 'new:y'],
    ],
    [
      'content-identical events count as a multiset',
      [['old', 'p'], ['old', 'p'], ['new', 'p'], ['switch'], ['new', 'p'], ['new', 'p'], ['old', 'p']],
      ['old:p', 'old:p', 'new:p'],
    ],
    [
      'no new set deliveries: the old set goes on publishing',
      [['old', 'a'], ['switch'], ['old', 'b']],
      ['old:a', 'old:b'],
    ],
  ])('%s', (_name, script, expected) => {
    expect(run(script)).toEqual(expected);
  });

  it('forgets keys both sides delivered equally once nothing is held', () => {
    const deduper = new OverlapDeduper();
    deduper.deliver('old', 'a');
    deduper.deliver('new', 'a');
    deduper.switch();
    deduper.release('a', 1);
    expect(deduper.size).toBe(0);
    deduper.deliver('new', 'b');
    expect(deduper.size).toBe(1);
    expect(deduper.deliver('old', 'b')).toEqual({ action: 'drop' });
    expect(deduper.size).toBe(0);
  });

  it('after the old set closes, drops what the new set still owes and remembers nothing new', () => {
    const deduper = new OverlapDeduper();
    deduper.switch();
    // The old set's last moments: a, b twice, c published; the new set has delivered c only.
    for (const key of ['a', 'b', 'b', 'c'])
      expect(deduper.deliver('old', key)).toEqual({ action: 'publish' });
    expect(deduper.deliver('new', 'c')).toEqual({ action: 'drop' });
    deduper.deliver('new', 'n');
    deduper.closeOld();
    expect(deduper.size).toBe(2); // a once, b twice: still owed by the new set
    expect(deduper.deliver('new', 'b')).toEqual({ action: 'drop' });
    expect(deduper.deliver('new', 'a')).toEqual({ action: 'drop' });
    expect(deduper.deliver('new', 'b')).toEqual({ action: 'drop' });
    expect(deduper.size).toBe(0);
    expect(deduper.deliver('new', 'a')).toEqual({ action: 'publish' }); // a later, equal event
    expect(deduper.deliver('new', 'd')).toEqual({ action: 'publish' });
    expect(deduper.size).toBe(0);
    expect(() => new OverlapDeduper().closeOld()).toThrow(/before the switch/);
  });

  it('refuses a release before the switch', () => {
    expect(() => new OverlapDeduper().release('a', 1)).toThrow(/before the switch/);
  });
});
