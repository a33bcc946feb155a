import { Registry, recordingLogger } from '@shardwire/core';
import { connect } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { runBrokerContract } from '../testing/contract.js';
import { randomName, waitFor } from '../testing/helpers.js';
import { runJsonTextSuite } from '../testing/jsonTextSuite.js';
import { runLossSuite } from '../testing/lossSuite.js';
import { nats } from '../testing/servers.js';
import { diagnoseNatsLoss } from './lossDiagnosis.js';
import { NatsBroker } from './NatsBroker.js';
import { natsNames } from './subjects.js';

const url = process.env.NATS_URL;

/** Deletes a test namespace's streams (their consumers go with them). */
async function cleanup(namespace: string): Promise<void> {
  const nc = await connect({ servers: url! });
  try {
    const jsm = await nc.jetstreamManager();
    const names = natsNames(namespace);
    for (const stream of [names.stream, names.deadLetterStream])
      await jsm.streams.delete(stream).catch(() => {});
  } finally {
    await nc.close();
  }
}

describe.skipIf(!url)('NatsBroker', () => {
  const open = (namespace: string) => NatsBroker.connect(`${url}?prefix=${namespace}&partitions=4`);
  runBrokerContract('nats', open, { cleanup });
  runJsonTextSuite('nats', open, cleanup);
});

describe.skipIf(!url)('NatsBroker message age', () => {
  const prefix = randomName('age');
  afterAll(() => cleanup(prefix));

  it('reports the oldest waiting message, warns near maxAgeMs and expires it, with no consumer online', async () => {
    const recorded = recordingLogger('test', 'info');
    const lines = recorded.lines as { msg: string; group?: string }[];
    const registry = new Registry();
    const broker = await NatsBroker.connect(`${url}?prefix=${prefix}`, {
      logger: recorded.logger,
      registry,
    });
    try {
      await broker.declareGroup('slow', 'age.x', { maxAgeMs: 2_500 });
      await broker.publish('age.x', { n: 1 }, { messageId: 'a1' });
      const oldest = async () =>
        (await registry.getSingleMetric('shardwire_broker_oldest_waiting_seconds')!.get()).values.find(
          (v) => v.labels.group === 'slow',
        )?.value ?? 0;
      await waitFor(async () => (await oldest()) > 0, 'the oldest waiting age');
      await waitFor(() => lines.some((l) => /near its maxAgeMs/.test(l.msg)), 'the age warning');
      await waitFor(async () => (await broker.deadLetters.list({ group: 'slow' })).length === 1, 'expiry');
      expect((await broker.deadLetters.list({ group: 'slow' }))[0]!.reason).toMatch(/expired/);
    } finally {
      await broker.close();
    }
  });
});

describe.skipIf(!url)('NatsBroker pulls', () => {
  const prefix = randomName('pull');
  afterAll(() => cleanup(prefix));

  it('pulls again as handlers finish, never past the prefetch unacknowledged on the server', async () => {
    const broker = await NatsBroker.connect(`${url}?prefix=${prefix}`);
    const nc = await connect({ servers: url! });
    try {
      const jsm = await nc.jetstreamManager();
      const gates: (() => void)[] = [];
      let done = 0;
      await broker.consume('held', 'pull.x', () => new Promise<void>((resolve) => gates.push(resolve)), {
        prefetch: 8,
      });
      await Promise.all(Array.from({ length: 40 }, (_, i) => broker.publish('pull.x', i)));
      const ackPending = async () => {
        let most = 0;
        for await (const info of await jsm.consumers.list(natsNames(prefix).stream))
          most = Math.max(most, info.num_ack_pending);
        return most;
      };
      await waitFor(() => gates.length === 8, 'eight held');
      while (done < 40) {
        expect(await ackPending()).toBeLessThanOrEqual(8);
        // Two at a time: a loop pulls again once a quarter of its share (here 2 of 8) is free.
        gates.shift()!();
        gates.shift()!();
        done += 2;
        await waitFor(() => gates.length === Math.min(8, 40 - done), 'the freed slot refilled');
      }
      await waitFor(async () => (await ackPending()) === 0, 'every message acked');
    } finally {
      await nc.close();
      await broker.close();
    }
  });
});

// In the same file as the contract suite, so restarting NATS never runs beside it.
describe.skipIf(!url)('NatsBroker loss', () => {
  const prefix = randomName('loss');
  runLossSuite(
    'nats',
    `${url}?prefix=${prefix}&ackWaitMs=3000`,
    (u) => NatsBroker.connect(u),
    nats,
    () => cleanup(prefix),
    (missing) => diagnoseNatsLoss(url!, prefix, missing),
  );
});
