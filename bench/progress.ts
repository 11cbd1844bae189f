// Progress display on stderr: on a TTY, a one-line bar redrawn at most 10×/s
// from a polled count; otherwise one plain line when a phase starts and one
// when it ends (and the poll function is never called).

export interface ProgressOptions {
  label: string;
  total: number;
  unit: string;
  /** Current count; may be async (e.g. asks the broker). Errors are ignored. */
  poll: () => number | Promise<number>;
}

export interface Progress {
  /** Ends the phase, printing `summary` (marked as a failure when ok is false). */
  done(summary: string, ok?: boolean): void;
}

const isTTY = Boolean(process.stderr.isTTY);
let current: { clear(): void } | undefined;

/** Prints a line on stderr without garbling an active bar. */
export function logLine(line: string): void {
  current?.clear();
  process.stderr.write(line + '\n');
}

export function startProgress(opts: ProgressOptions): Progress {
  const started = Date.now();
  if (!isTTY) {
    process.stderr.write(`▶ ${opts.label} (${opts.total.toLocaleString('en-US')} ${opts.unit}) ...\n`);
    return {
      done(summary, ok = true) {
        process.stderr.write(`${ok ? '  ' : '✘ '}${opts.label}: ${summary}\n`);
      },
    };
  }
  let count = 0;
  let polling = false;
  let finished = false;
  const width = 30;
  const render = () => {
    const frac = opts.total > 0 ? Math.min(1, count / opts.total) : 0;
    const filled = Math.round(frac * width);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const line = `${opts.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${count.toLocaleString('en-US')}/${opts.total.toLocaleString('en-US')} ${opts.unit} ${secs}s`;
    const cols = process.stderr.columns || 120;
    process.stderr.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  };
  const clear = () => process.stderr.write('\r\x1b[2K');
  const tick = async () => {
    if (polling || finished) return;
    polling = true;
    try {
      count = await opts.poll();
    } catch {
      // a failed poll just skips one redraw
    } finally {
      polling = false;
    }
    if (!finished) render();
  };
  const timer = setInterval(() => void tick(), 100);
  const self = { clear };
  current = self;
  render();
  return {
    done(summary, ok = true) {
      finished = true;
      clearInterval(timer);
      if (current === self) current = undefined;
      clear();
      process.stderr.write(`${ok ? '✔' : '✘'} ${opts.label}: ${summary}\n`);
    },
  };
}
