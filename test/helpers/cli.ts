// Runs the `tributary` command line as a user does: a child process
// (`node --import tsx src/cli/main.ts <args>`). `runCli` waits for it to end
// and collects its exit code, stdout and stderr (a non-zero exit resolves like
// any other; only a failure to start the process rejects). `spawnCli` starts a
// long-running one (start, api, worker, consume --follow), `ready` waits for
// its output to show a pattern, and `stop` signals it and answers its exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

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

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { env, input } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
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
}

export function spawnCli(args: string[], options: Pick<CliOptions, 'env'> = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  };
}
