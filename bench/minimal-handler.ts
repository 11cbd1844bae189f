// The baseline of the basket bench: the smallest POST /data one could write with
// the same parts (Fastify and @platformatic/kafka) — no validation, no
// activity event, no worker — answering {"status":"ok"} once the broker has
// acknowledged the basket (acks=all), keyed by its id. Forked by
// bench/baskets.ts against the embedded broker of the `tributary start` it
// measures, on a topic of its own with as many partitions as delhaize_shop.
// Posts { port } to its parent once it listens; stops on SIGTERM.
import { Admin, Producer, ProduceAcks } from '@platformatic/kafka';
import Fastify from 'fastify';

const broker = process.env.MINIMAL_BROKER ?? '127.0.0.1:9092';
const topic = process.env.MINIMAL_TOPIC ?? 'bench_minimal';
const partitions = Number(process.env.MINIMAL_PARTITIONS ?? 1);

const admin = new Admin({ clientId: 'bench-minimal-admin', bootstrapBrokers: [broker] });
try {
  if (!(await admin.listTopics()).includes(topic)) await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
} finally {
  await admin.close();
}

const producer = new Producer({ clientId: 'bench-minimal', bootstrapBrokers: [broker], acks: ProduceAcks.ALL });
const app = Fastify({ logger: false });
app.post('/data', async (request) => {
  const basket = request.body as { id: string | number };
  await producer.send({ messages: [{ topic, key: Buffer.from(String(basket.id)), value: Buffer.from(JSON.stringify(basket)) }] });
  return { status: 'ok' };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ port: Number(new URL(address).port) });

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => producer.close())
    .finally(() => process.exit(0));
});
