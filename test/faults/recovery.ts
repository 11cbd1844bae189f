// Where a restarted process's recovery time goes, from its own log (pino JSON
// lines, LOG_LEVEL=info): the relaunch (spawn) → the process running (its
// first line's time minus its uptime) → its modules loaded (that first line) →
// the database ready → each agent joined its group → the first basket stored
// (read from the database by the suite). The crash suites print the spread of
// these per restart, so a slow restart says which step was slow, and the CPU
// the start took, which says what it would take on an idle machine.

/** One restart: milliseconds after the relaunch at which each step was done. */
export type Timeline = Record<string, number>;

interface LogLine {
  time: number;
  msg: string;
  uptimeMs?: number;
  cpuMs?: number;
}

function logLines(output: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of output.split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      const line = JSON.parse(text) as Partial<LogLine>;
      if (typeof line.time === 'number' && typeof line.msg === 'string') lines.push(line as LogLine);
    } catch {
      // a line cut by the kill, or not ours
    }
  }
  return lines;
}

/**
 * The steps of one restart. `steps` name the log messages to look for (the first
 * line matching each); `processUp` and `modulesLoaded` come from the line that
 * carries `uptimeMs`, `firstStore` is given.
 */
export function restartTimeline(spawnedAt: number, output: string, firstStoreAt: number, steps: Record<string, RegExp>): Timeline {
  const lines = logLines(output);
  const timeline: Timeline = {};
  const started = lines.find((l) => typeof l.uptimeMs === 'number');
  if (started) {
    timeline.processUp = started.time - started.uptimeMs! - spawnedAt;
    timeline.modulesLoaded = started.time - spawnedAt;
  }
  for (const [name, pattern] of Object.entries(steps)) {
    const line = lines.find((l) => pattern.test(l.msg));
    if (line) timeline[name] = line.time - spawnedAt;
  }
  timeline.firstStore = firstStoreAt - spawnedAt;
  return timeline;
}

/** The CPU ms the process reported having used once running (`cpuMs` in its log), if it did. */
export function startCpuMs(output: string): number | undefined {
  return logLines(output).find((l) => typeof l.cpuMs === 'number')?.cpuMs;
}

/** `min/median/max` of some figures, e.g. `812/1034/2210`. */
export function spread(values: number[]): string {
  if (values.length === 0) return 'none';
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return `${sorted[0]}/${median}/${sorted[sorted.length - 1]}`;
}

/** The report's figures for some restarts: the spread of each step, e.g. `relaunchToFirstStoreMs=812/1034/2210`. */
export function timelineFigures(timelines: Timeline[]): Record<string, string> {
  const steps = [...new Set(timelines.flatMap((t) => Object.keys(t)))];
  const figures: Record<string, string> = {};
  for (const step of steps) {
    figures[`relaunchTo${step[0]!.toUpperCase()}${step.slice(1)}Ms`] = spread(timelines.flatMap((t) => (step in t ? [t[step]!] : [])));
  }
  return figures;
}
