// Runs the `tributary` command line as a user does: a child process
// (`node --import tsx src/cli/main.ts <args>`), collecting its exit code,
// stdout and stderr. A non-zero exit resolves like any other; only a failure
// to start the process rejects.
import { spawn } from 'node:child_process';
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
