// The limit: the same workload written directly on the client libraries (amqplib, nats), with
// the same durability (quorum queue + persistent + confirms; file-backed interest stream + acks).
import amqplib from 'amqplib';
import { AckPolicy, DeliverPolicy, connect as natsConnect, RetentionPolicy, StorageType } from 'nats';

/** A raw RabbitMQ side: a topic exchange, a quorum queue bound to it, a confirm channel. */
export async function rawAmqp(url, prefix) {
  const conn = await amqplib.connect(url);
  const pub = await conn.createConfirmChannel();
  const exchange = `${prefix}.raw`;
  const queue = `${prefix}.raw.q`;
  await pub.assertExchange(exchange, 'topic', { durable: true });
  await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await pub.bindQueue(queue, exchange, 'events.#');
  let sub;
  return {
    publish: (key, buffer) =>
      new Promise((resolve, reject) => {
        pub.publish(exchange, key, buffer, { persistent: true, contentType: 'application/json' }, (err) =>
          err ? reject(err) : resolve(),
        );
      }),
    async consume(onBody) {
      sub = await conn.createChannel();
      await sub.prefetch(100);
      await sub.consume(queue, (msg) => {
        onBody(JSON.parse(msg.content.toString('utf8')));
        sub.ack(msg);
      });
    },
    async stopConsuming() {
      await sub?.close();
      sub = undefined;
    },
    purge: () => pub.purgeQueue(queue),
    purgeQueue: (name) => pub.purgeQueue(name),
    async close() {
      await pub.deleteQueue(queue);
      await pub.deleteExchange(exchange);
      await conn.close();
    },
  };
}

/** A raw JetStream side: a file-backed interest stream, a durable pull consumer. */
export async function rawNats(url, prefix, options = {}) {
  // The connection option shardwire sets (no stack trace captured per request), so that the
  // limit is the client at its best, not at a default shardwire does not use.
  const nc = await natsConnect({ servers: url, noAsyncTraces: true, ...options });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const stream = `${prefix}_raw`;
  await jsm.streams.add({
    name: stream,
    subjects: [`${prefix}.raw.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Interest,
  });
  await jsm.consumers.add(stream, {
    durable_name: 'c',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subject: `${prefix}.raw.events.>`,
  });
  let messages;
  let id = 0;
  return {
    publish: (key, buffer) => js.publish(`${prefix}.raw.${key}`, buffer, { msgID: `r${id++}` }),
    async consume(onBody) {
      const consumer = await js.consumers.get(stream, 'c');
      messages = await consumer.consume({ max_messages: 100 });
      void (async () => {
        for await (const m of messages) {
          onBody(JSON.parse(Buffer.from(m.data).toString('utf8')));
          m.ack();
        }
      })();
    },
    async stopConsuming() {
      messages?.stop();
      messages = undefined;
    },
    purge: () => jsm.streams.purge(stream),
    purgeStream: (name) => jsm.streams.purge(name),
    async close() {
      await jsm.streams.delete(stream);
      await nc.close();
    },
  };
}
