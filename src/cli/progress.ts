// Progress of a long CLI run on stderr (stdout stays free for results and
// --json): a cli-progress bar when stderr is a terminal, otherwise one plain
// line at most every `intervalMs`, so logs and CI output stay readable.
import cliProgress from 'cli-progress';

export interface ProgressBar {
  /** Sets the count done so far; `status` is a short text shown after it. */
  update(done: number, status?: string): void;
  /** Prints the final state and releases the terminal line. */
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain mode: least time between two lines. Default 1000 ms. */
  intervalMs?: number;
  /** Nothing at all (e.g. --quiet). */
  silent?: boolean;
}

export function progressBar(options: ProgressOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (options.silent) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        // A terminal: process.stderr itself.
        stream: stream as NodeJS.WriteStream,
        format: `${options.label} [{bar}] {percentage}% {value}/{total} {status}`,
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, 0, { status: '' });
    return {
      update: (done, status = '') => bar.update(done, { status }),
      stop: () => bar.stop(),
    };
  }
  const interval = options.intervalMs ?? 1000;
  let last = 0;
  let done = 0;
  let status = '';
  const print = () => {
    const pct = options.total > 0 ? Math.floor((100 * done) / options.total) : 100;
    stream.write(`${options.label}: ${done}/${options.total} (${pct}%)${status ? ` ${status}` : ''}\n`);
  };
  return {
    update(n, s = '') {
      done = n;
      status = s;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        print();
      }
    },
    stop: print,
  };
}
