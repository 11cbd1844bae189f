// `npm run bench` (second part): the stream library through the embedded broker
// (in this process, as createTestApp() runs it):
// - agent throughput: messages/s through a consume → transform → produce agent,
//   at-least-once and exactly-once;
// - table update rate: updates/s of an agent that keeps a count per key in a
//   changelog-backed table.
// Input is produced before the app starts; the clock runs from the start (group
// join included) until every message is processed, its output acknowledged and
// the offsets committed (stop).
import { z } from 'zod';
import { createTestApp } from '../src/stream/testing.js';

const quick = process.argv.includes('--quick');
const N = quick ? 5_000 : 50_000;
const PARTITIONS = 6;
const Event = z.object({ user: z.string(), n: z.number().int() });

interface Result {
  name: string;
  records: number;
  seconds: number;
}

async function agentThroughput(exactlyOnce: boolean): Promise<Result> {
  const t = await createTestApp({ id: exactlyOnce ? 'bench-eos' : 'bench-alo' });
  try {
    const input = t.app.topic('in', { schema: Event, partitions: PARTITIONS });
    const output = t.app.topic('out', { schema: Event.extend({ doubled: z.number() }), partitions: PARTITIONS });
    const agent = t.app.agent(input, (e, ctx) => ctx.send(output, { ...e.value, doubled: e.value.n * 2 }, { key: e.key }), {
      outputs: [output],
      concurrency: PARTITIONS,
      exactlyOnce,
    });
    await t.app.createTopics();
    const batch = 2000;
    for (let i = 0; i < N; i += batch) {
      await t.produce(input, Array.from({ length: Math.min(batch, N - i) }, (_, j) => ({ key: `user-${(i + j) % 1000}`, value: { user: `user-${(i + j) % 1000}`, n: i + j } })));
    }
    const started = process.hrtime.bigint();
    await t.app.start();
    await t.waitFor(() => agent.stats.processed >= N, 300_000, 'all processed');
    await t.app.stop();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const out = t.records(output).length;
    if (out < N) throw new Error(`only ${out} of ${N} outputs`);
    return { name: `agent consume→transform→produce (${exactlyOnce ? 'exactly-once' : 'at-least-once'})`, records: N, seconds };
  } finally {
    await t.close();
  }
}

async function tableUpdates(): Promise<Result> {
  const t = await createTestApp({ id: 'bench-table' });
  try {
    const input = t.app.topic('clicks', { schema: Event, partitions: PARTITIONS });
    const counts = t.app.table('counts', { value: z.number() });
    const agent = t.app.agent(input, (e) => counts.set(e.value.user, (counts.get(e.value.user) ?? 0) + 1), { tables: [counts], concurrency: PARTITIONS });
    await t.app.createTopics();
    for (let i = 0; i < N; i += 2000) {
      await t.produce(input, Array.from({ length: Math.min(2000, N - i) }, (_, j) => ({ key: `user-${(i + j) % 1000}`, value: { user: `user-${(i + j) % 1000}`, n: i + j } })));
    }
    const started = process.hrtime.bigint();
    await t.app.start();
    await t.waitFor(() => agent.stats.processed >= N, 300_000, 'all processed');
    let total = 0;
    for (const [, v] of counts) total += v;
    await t.app.stop();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (total !== N) throw new Error(`table counts ${total}, expected ${N}`);
    return { name: 'table updates (count per key, changelog-backed)', records: N, seconds };
  } finally {
    await t.close();
  }
}

const results: Result[] = [];
for (const run of [() => agentThroughput(false), () => agentThroughput(true), () => tableUpdates()]) {
  const r = await run();
  results.push(r);
  console.error(`  done: ${r.name}`);
}
console.log('\nStream library (in-process broker, 6 partitions, concurrency 6)');
console.log('===============================================================');
console.log(`${'case'.padEnd(56)} ${'records'.padStart(8)} ${'seconds'.padStart(8)} ${'records/s'.padStart(10)}`);
for (const r of results) {
  console.log(`${r.name.padEnd(56)} ${String(r.records).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(r.records / r.seconds).toLocaleString('en-US').padStart(10)}`);
}
const [alo, eos] = results;
console.log(`exactly-once / at-least-once throughput: ${(alo!.seconds / eos!.seconds).toFixed(2)}×${quick ? '   [--quick]' : ''}`);
