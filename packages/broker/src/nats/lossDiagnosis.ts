/**
 * For the loss test, when envelopes are missing: where are they? Reports the events stream's state,
 * each consumer's delivered and acked sequences, which missing ids the stream still holds (waiting
 * or unacked), and which were dead-lettered, with the reason.
 */
import { connect, type JetStreamManager, type StoredMsg } from 'nats';
import { H } from './codec.js';
import { natsNames } from './subjects.js';

export async function diagnoseNatsLoss(url: string, prefix: string, missing: string[]): Promise<unknown> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const names = natsNames(prefix);
    const wanted = new Set(missing);
    const consumers = [];
    for await (const c of jsm.consumers.list(names.stream)) {
      consumers.push({
        name: c.name,
        filter: c.config.filter_subject,
        deliverPolicy: c.config.deliver_policy,
        delivered: c.delivered,
        ackFloor: c.ack_floor,
        numPending: c.num_pending,
        numAckPending: c.num_ack_pending,
        numRedelivered: c.num_redelivered,
      });
    }
    const inStream: Record<string, number> = {};
    const stream = await eachMessage(jsm, names.stream, (m) => {
      const id = m.header?.get(H.msgId);
      if (id && wanted.has(id)) inStream[id] = m.seq;
    });
    const deadLettered: Record<string, string | undefined> = {};
    await eachMessage(jsm, names.deadLetterStream, (m) => {
      const id = m.header?.get(H.originalId);
      if (id && wanted.has(id)) deadLettered[id] = m.header?.get(H.reason);
    });
    return { stream, consumers, inStream, deadLettered };
  } finally {
    await nc.close();
  }
}

async function eachMessage(jsm: JetStreamManager, stream: string, visit: (m: StoredMsg) => void) {
  const { state } = await jsm.streams.info(stream);
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    try {
      visit(await jsm.streams.getMessage(stream, { seq }));
    } catch {
      // Removed (acknowledged by every group).
    }
  }
  return state;
}
