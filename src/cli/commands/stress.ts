// `tributary stress`: the options and the printed
// report of a stress run (src/services/baskets/stress/run.ts does the run). Exit
// code 1 when any request failed or any basket was lost or stored wrong; 2 for
// bad options (a UsageError, see usage.ts).
import { parseArgs } from 'node:util';
import { progressBar } from '../progress.js';
import { parseInteger, UsageError } from '../usage.js';
import { runStress, type Percentiles, type StressOptions, type StressResult } from '../../services/baskets/stress/run.js';
import { processIo, type Io } from '../io.js';

const USAGE = `Usage: tributary stress [options]

Posts random baskets to POST /data and checks that the database holds them all.

Options:
  --requests N      baskets to post (default 1000)
  --concurrency N   requests in flight (default 16)
  --url URL         the API (default http://127.0.0.1:$PORT, PORT default 8000)
  --wait SECONDS    how long to wait for the database to hold them (default 60)
  --api-key KEY     sent as Authorization: Bearer KEY (default API_KEY, else the
                    first of API_KEYS: the key of an API started with this .env)
  --json            print the result as JSON on stdout
  --quiet           no progress on stderr
  -h, --help        this text`;

export type CliOptions = Omit<StressOptions, 'progress'> & { json: boolean; quiet: boolean };

export function parseStressArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        requests: { type: 'string', short: 'n' },
        concurrency: { type: 'string', short: 'c' },
        url: { type: 'string' },
        wait: { type: 'string' },
        'api-key': { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const int = (name: string, value: string | undefined, fallback: number, min: number) => {
    try {
      return parseInteger(`--${name}`, value, min) ?? fallback;
    } catch (err) {
      throw new UsageError((err as Error).message, USAGE);
    }
  };
  const url = (v.url ?? `http://127.0.0.1:${env.PORT || 8000}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--url must be an http(s) URL, got "${url}"`, USAGE);
  const apiKey = v['api-key'] ?? (env.API_KEY?.trim() || env.API_KEYS?.split(',').map((k) => k.trim()).find(Boolean));
  return {
    ...(apiKey ? { apiKey } : {}),
    requests: int('requests', v.requests, 1000, 1),
    concurrency: int('concurrency', v.concurrency, 16, 1),
    url,
    waitSeconds: int('wait', v.wait, 60, 0),
    json: v.json ?? false,
    quiet: v.quiet ?? false,
  };
}

export async function stressCommand(argv: string[], io: Io = processIo): Promise<number> {
  const options = parseStressArgs(argv, io.env);
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  const { quiet } = options;
  const result = await runStress({ ...options, progress: quiet ? undefined : (label, total) => progressBar({ label, total, stream: io.stderr }) });
  if (options.json) io.out(JSON.stringify(result, null, 2));
  else io.out(formatResult(result));
  return result.ok ? 0 : 1;
}

export function formatResult(r: StressResult): string {
  const ms = (p: Percentiles) => `p50 ${p.p50.toFixed(1)} ms  p95 ${p.p95.toFixed(1)} ms  p99 ${p.p99.toFixed(1)} ms  max ${p.max.toFixed(1)} ms`;
  const lines = [
    `stress ${r.runId}: ${r.requests} baskets to ${r.url} from ${r.concurrency} connections`,
    `acknowledged  ${r.acknowledged} in ${r.sendSeconds.toFixed(2)} s: ${Math.round(r.basketsPerSecond)} baskets/s` + (r.failed ? `, ${r.failed} FAILED` : ''),
    ...r.failures.slice(0, 5).map((f) => `  ${f.count} × ${f.reason}`),
    `ack latency   ${ms(r.ackLatencyMs)}`,
    `stored        ${r.stored} of ${r.acknowledged}` +
      (r.storedWithinSeconds !== null ? `, all within ${r.storedWithinSeconds.toFixed(2)} s of the first received` : '') +
      (r.drainSeconds !== null ? ` (${r.drainSeconds.toFixed(2)} s after the last ack)` : ''),
  ];
  if (r.endToEndMs) lines.push(`end-to-end    ${ms(r.endToEndMs)}  (received → stored)`);
  lines.push(r.lost.length === 0 ? 'lost          none' : `lost          ${r.lost.length}: ${r.lost.slice(0, 20).join(' ')}${r.lost.length > 20 ? ' …' : ''}`);
  if (r.wrong.length > 0) lines.push(`wrong         ${r.wrong.length}:`, ...r.wrong.slice(0, 10).map((w) => `  ${w.id}: ${w.problem}`));
  lines.push(r.ok ? 'OK' : 'FAILED');
  return lines.join('\n');
}

