// Where a command reads and writes: the process's own streams and environment
// by default. Tests pass their own, to run a command in-process through `run()`
// and read what it printed, as a user would in a terminal.
import { Writable } from 'node:stream';
import { format } from 'node:util';

export interface Io {
  /** The environment the command reads its configuration from (KAFKA_BROKERS, ...). */
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  /** A line on stdout, formatted as console.log formats it. */
  out(...args: unknown[]): void;
  /** A line on stderr, formatted as console.error formats it. */
  err(...args: unknown[]): void;
  /** Raw stderr, for progress bars (a bar when it is a terminal, plain lines otherwise). */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processIo: Io = {
  get env() {
    return process.env;
  },
  get stdin() {
    return process.stdin;
  },
  get stderr() {
    return process.stderr;
  },
  out: (...args) => console.log(...args),
  err: (...args) => console.error(...args),
};

/** An Io that keeps what is written, for running a command in-process. */
export interface CapturedIo extends Io {
  stdout(): string;
  stderrText(): string;
}

export function captureIo(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadableStream): CapturedIo {
  let out = '';
  let err = '';
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      err += chunk.toString('utf8');
      callback();
    },
  });
  return {
    env,
    stdin,
    stderr,
    out: (...args) => (out += format(...args) + '\n'),
    err: (...args) => (err += format(...args) + '\n'),
    stdout: () => out,
    stderrText: () => err,
  };
}
