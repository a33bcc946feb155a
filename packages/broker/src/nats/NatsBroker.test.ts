import { connect } from 'nats';
import { describe } from 'vitest';
import { runBrokerContract } from '../testing/contract.js';
import { randomName } from '../testing/helpers.js';
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
  runBrokerContract('nats', (namespace) => NatsBroker.connect(`${url}?prefix=${namespace}&partitions=4`), {
    cleanup,
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
