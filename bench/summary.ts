// The bench's results model and its printed summary: per-phase table (median
// of the runs, with the spread), ratios, broker CPU per GB, and the targets.
import { GB, MB, compact, fixed, heading, int, ratio, seconds, table } from './report.js';

export type Client = 'kcat' | 'node';
export type Op = 'produce' | 'consume';
export type Acks = '1' | 'all';

/** One topic of the matrix: its record size, acks, and records per produce run. */
export interface Case {
  client: Client;
  size: number;
  count: number;
  acks: Acks;
  topic: string;
  /** Node client: records per send(). */
  perSend: number;
}

/** One run of a phase, with the broker's counters sampled around it. */
export interface Run {
  records: number;
  valueBytes: number;
  wallMs: number;
  cpuUs: number;
  appendedRecords: number;
  appendedBytes: number;
  logBytes: number;
  fsyncs: number;
}

export interface PhaseResult {
  client: Client;
  op: Op;
  c: Case;
  runs: Run[];
  error?: string;
}

export interface SummaryOptions {
  quick: boolean;
  targetKcat100bRps: number;
  /** Cases per client, in matrix order. */
  cases: Record<Client, Case[]>;
}

const rate = (run: Run) => run.records / (run.wallMs / 1000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Records/s of the median run. */
export function rps(r: PhaseResult): number {
  return median(r.runs.map(rate));
}

function medianRun(r: PhaseResult): Run {
  const target = rps(r);
  return r.runs.reduce((best, run) => (Math.abs(rate(run) - target) < Math.abs(rate(best) - target) ? run : best));
}

const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

export function printSummary(results: PhaseResult[], opts: SummaryOptions): void {
  const ok = results.filter((r) => !r.error && r.runs.length > 0);
  const find = (client: Client, op: Op, size: number, acks: Acks) =>
    ok.find((r) => r.client === client && r.op === op && r.c.size === size && r.c.acks === acks);

  console.log(heading('Phases (median run; spread = slowest–fastest run)'));
  const rows = results.map((r) => {
    const good = !r.error && r.runs.length > 0;
    const m = good ? medianRun(r) : undefined;
    const rates = r.runs.map(rate);
    const cpuS = sum(r.runs, (x) => x.cpuUs) / 1e6;
    const wallS = sum(r.runs, (x) => x.wallMs) / 1000;
    return [
      `${r.client} ${r.op}`,
      r.c.topic,
      r.c.acks,
      m ? int(m.records) : '-',
      String(r.runs.length),
      m ? seconds(m.wallMs) : '-',
      m ? int(rps(r)) : '-',
      good && r.runs.length > 1 ? `${compact(Math.min(...rates))}–${compact(Math.max(...rates))}` : '-',
      m ? fixed((m.records * r.c.size) / MB / (m.wallMs / 1000), 1) : '-',
      good ? fixed(cpuS / r.runs.length, 2) : '-',
      good ? `${fixed((cpuS / wallS) * 100, 0)}%` : '-',
      r.op === 'produce' && good ? int(sum(r.runs, (x) => x.fsyncs) / r.runs.length) : '-',
      r.error ? 'FAIL' : 'ok',
    ];
  });
  console.log(
    table(
      ['phase', 'topic', 'acks', 'records', 'runs', 'wall', 'records/s', 'spread', 'MB/s', 'CPU s', 'CPU/wall', 'fsyncs', 'check'],
      rows,
      ['l', 'l', 'l'],
    ),
  );
  console.log('CPU s: broker CPU seconds per run; CPU/wall: broker CPU over wall time, all runs (100% = one core); fsyncs: group-commit fsync rounds per run');

  console.log(heading('Ratios (median runs)'));
  const ratioRows: string[][] = [];
  for (const client of ['kcat', 'node'] as const) {
    for (const size of [...new Set(opts.cases[client].map((c) => c.size))]) {
      const p1 = find(client, 'produce', size, '1');
      for (const acks of ['1', 'all'] as const) {
        const p = find(client, 'produce', size, acks);
        const c = find(client, 'consume', size, acks);
        ratioRows.push([
          client,
          `${size} B`,
          acks,
          p ? int(rps(p)) : '-',
          c ? int(rps(c)) : '-',
          p && c ? ratio(rps(c), rps(p)) : '-',
          p && p1 ? ratio(rps(p), rps(p1)) : '-',
        ]);
      }
    }
  }
  console.log(table(['client', 'value', 'acks', 'produce rec/s', 'consume rec/s', 'consume/produce', 'produce vs acks=1'], ratioRows, ['l', 'r', 'l']));

  console.log(heading('Broker CPU (user+system of the broker process: process.cpuUsage() deltas around each run)'));
  const produced = ok.filter((r) => r.op === 'produce').flatMap((r) => r.runs);
  const consumed = ok.filter((r) => r.op === 'consume').flatMap((r) => r.runs);
  const pCpu = sum(produced, (x) => x.cpuUs) / 1e6;
  const pBatch = sum(produced, (x) => x.appendedBytes);
  const pValues = sum(produced, (x) => x.valueBytes);
  const cCpu = sum(consumed, (x) => x.cpuUs) / 1e6;
  const cValues = sum(consumed, (x) => x.valueBytes);
  console.log(
    table(
      ['phases', 'CPU s', 'GB', 'GB counted as', 'CPU s per GB'],
      [
        ['all produce runs', fixed(pCpu, 2), fixed(pBatch / GB, 3), 'record-batch bytes appended (broker counter Partition.appendedBytes)', fixed(pCpu / (pBatch / GB), 2)],
        ['all produce runs', fixed(pCpu, 2), fixed(pValues / GB, 3), 'record value bytes sent (client side)', fixed(pCpu / (pValues / GB), 2)],
        ['all consume runs', fixed(cCpu, 2), fixed(cValues / GB, 3), 'record value bytes received (client side: kcat %S, node value.length)', fixed(cCpu / (cValues / GB), 2)],
      ],
      ['l', 'r', 'r', 'l', 'r'],
    ),
  );
  console.log(`cross-check: the partition logs (PartitionLog.size) grew by ${fixed(sum(produced, (x) => x.logBytes) / GB, 3)} GB over the produce runs`);

  console.log(heading('Targets'));
  const k100 = find('kcat', 'produce', 100, '1');
  const targetOk = k100 !== undefined && rps(k100) >= opts.targetKcat100bRps;
  console.log(
    `kcat 100-byte acks=1 produce ≥ ${int(opts.targetKcat100bRps)} records/s: ${targetOk ? 'PASS' : 'FAIL'} (${k100 ? `${int(rps(k100))} records/s, median run` : 'phase failed'})${opts.quick ? '  [--quick: 10× fewer records]' : ''}`,
  );
  for (const client of ['kcat', 'node'] as const) {
    const pairs: string[] = [];
    let pass = true;
    for (const c of opts.cases[client]) {
      const p = find(client, 'produce', c.size, c.acks);
      const r = find(client, 'consume', c.size, c.acks);
      if (!p || !r) {
        pass = false;
        pairs.push(`${c.topic} failed`);
        continue;
      }
      if (rps(r) < rps(p)) pass = false;
      pairs.push(`${c.topic} ${ratio(rps(r), rps(p))}`);
    }
    console.log(`consume at least as fast as produce (${client}, records/s, every topic): ${pass ? 'PASS' : 'FAIL'} (${pairs.join(', ')})`);
  }
  if (opts.quick) console.log('[--quick: runs last ~0.1 s, so client start-up dominates these figures; use the full run for numbers]');
}
