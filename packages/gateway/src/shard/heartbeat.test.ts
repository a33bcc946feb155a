import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat.js';

function setup(random = 0.25) {
  const clock = new ManualClock();
  const beats: number[] = [];
  let zombies = 0;
  const heartbeat = new Heartbeat({
    clock,
    intervalMs: 40_000,
    random: () => random,
    beat: () => beats.push(clock.now()),
    onZombie: () => zombies++,
  });
  return { clock, beats, heartbeat, zombies: () => zombies };
}

describe('Heartbeat', () => {
  it('jitters the first beat, then beats every interval while acknowledged', () => {
    const { clock, beats, heartbeat } = setup(0.25);
    heartbeat.start();
    clock.advance(9_999);
    expect(beats).toEqual([]);
    clock.advance(1);
    expect(beats).toEqual([10_000]);
    clock.advance(5);
    heartbeat.ack();
    expect(heartbeat.latencyMs).toBe(5);
    clock.advance(40_000);
    expect(beats).toEqual([10_000, 50_000]);
    heartbeat.stop();
  });

  it('declares a zombie when a beat is not acknowledged by the next one', () => {
    const { clock, beats, heartbeat, zombies } = setup(0);
    heartbeat.start();
    clock.advance(0);
    expect(beats).toEqual([0]);
    clock.advance(40_000);
    expect(zombies()).toBe(1);
    expect(beats).toEqual([0]);
    clock.advance(200_000);
    expect(zombies()).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('beats at once when asked (op 1) without changing the schedule', () => {
    const { clock, beats, heartbeat } = setup(0.5);
    heartbeat.start();
    clock.advance(1_000);
    heartbeat.beatNow();
    heartbeat.ack();
    clock.advance(19_000);
    expect(beats).toEqual([1_000, 20_000]);
    heartbeat.stop();
  });
});
