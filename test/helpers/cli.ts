// Runs the `tributary` command line. `runCli` runs a command in this process
// through `run(argv, io)` (the same entry bin/tributary.js calls) with its own
// env, stdin and captured output: no `node --import tsx` start per call.
// `runCliProcess` runs it as a user does, as a child process (`node
// src/cli/main.js <args>`), for what only a process shows (it exits once done,
// signals). Both resolve with the exit code, stdout and stderr (a non-zero exit
// resolves like any other). The child runs the same build as this file: the
// compiled test tree under `npm test`, the sources through tsx otherwise
// (paths.ts). `spawnCli` starts a long-running one (start, api,
// worker, consume --follow), `ready` waits for its output to show a pattern,
// and `stop` signals it and answers its exit code. A child still running when
// the test process exits is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import { captureIo } from '../../src/cli/io.js';
import { nodeArgs } from './paths.js';

const main = nodeArgs('../../src/cli/main.ts', import.meta.url);

export interface CliResult {
  /** The exit code, or null when the process was ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it stdin is ignored. */
  input?: string;
}

// The children still running. A test ended by its timeout never reaches the
// finally that stops its child, and the file's process then exits
// (--test-force-exit): each is killed as it does, so no `tributary start` is
// left serving after the run. (A child's work is all in its threads: killing
// it ends everything it started.)
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function tracked(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const io = captureIo({ ...process.env, ...options.env }, Readable.from(options.input === undefined ? [] : [options.input]));
  const code = await run(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderrText() };
}

export function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { env, input } = options;
  return new Promise((resolve, reject) => {
    const child = tracked(
      spawn(process.execPath, [...main, ...args], {
        env: { ...process.env, ...env },
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    // Both are 'pipe' above, so never null.
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (child.stdin) {
      // A child that exits without reading its input must not fail the test with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout then stderr, for failure messages. */
  output(): string;
  /** Resolves once stdout matches `pattern`; rejects if the process exits first. */
  ready(pattern: RegExp): Promise<RegExpExecArray>;
  /** Sends `signal` (unless it has exited) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process exits by itself. */
  exited(): Promise<number | null>;
}


export function spawnCli(args: string[], options: Pick<CliOptions, 'env'> = {}): CliProcess {
  const child = tracked(spawn(process.execPath, [...main, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = () => `${stdout}${stderr}`;
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output,
    ready(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (!match) return;
          child.stdout!.off('data', check);
          resolve(match);
        };
        child.stdout!.on('data', check);
        check();
        exited.then((code) => reject(new Error(`tributary ${args.join(' ')} exited with ${code} before printing ${pattern}:\n${output()}`)));
      });
    },
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited: () => exited,
  };
}
