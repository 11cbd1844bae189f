import { fork } from 'node:child_process';
import Fastify from 'fastify';
import { pino } from 'pino';
import { Metrics } from '../src/http/metrics.js';
import { buildHttpServer } from '../src/http/server.js';
const body = { categoryShare: { Fruit: 0.5, Bakery: 0.5 }, averageTotal: 10, averageTotalByStore: { A: 1, B: 2 }, baskets: 1000 };
async function load(url: string) {
  const cpu = process.cpuUsage();
  const child = fork(new URL('./http-load.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
  const r: any = await new Promise((res) => { child.once('message', res); child.send({ url, method: 'GET', clients: 64, perClient: 40 }); });
  const u = process.cpuUsage(cpu); const l = r.latencies.sort((a: number, b: number) => a - b);
  return `p50 ${l[l.length >> 1].toFixed(2)} p99 ${l[Math.floor(l.length * 0.99)].toFixed(2)} server cpu/req ${((u.user + u.system) / 1000 / l.length).toFixed(3)} ms`;
}
const bare = Fastify();
bare.get('/x', async () => body);
const ours = await buildHttpServer({ log: pino({ level: 'warn' }), metrics: new Metrics(), docs: { title: 't', description: 'd', version: '0' } });
ours.get('/x', async () => body);
const a = await bare.listen({ host: '127.0.0.1', port: 0 });
const b = await ours.listen({ host: '127.0.0.1', port: 0 });
for (let k = 0; k < 2; k++) {
  console.log('bare fastify', await load(`${a}/x`));
  console.log('ours        ', await load(`${b}/x`));
}
await bare.close(); await ours.close();
