// Runs README commands as a newcomer does: in a clone after `npm install`, with
// `npx tributary` resolving to the clone's own bin and nothing downloaded. The
// clone is a temp folder holding package.json and bin/ (npx links the package from
// them) and links to the repository's dist/, node_modules/ and sources; its HOME
// is fresh (an empty npm cache) and npm is offline, so an npx call that would
// download a package fails instead.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './broker.js';
import { repoRoot } from './paths.js';

export const repo = repoRoot;

const COPIED = ['package.json', 'bin', '.env.example'];
const LINKED = ['dist', 'node_modules', 'scripts', 'src', 'proto', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.web.json', 'vite.config.ts'];

/** A fresh folder that looks like an installed clone of the repository. */
export function makeClone(): string {
  const dir = tempDir('tributary-clone-');
  for (const f of COPIED) fs.cpSync(path.join(repo, f), path.join(dir, f), { recursive: true });
  for (const f of LINKED) fs.symlinkSync(path.join(repo, f), path.join(dir, f));
  return dir;
}

/**
 * The environment of every README command: nothing of the caller's Tributary or
 * Kafka settings, the PATH without a globally linked `tributary` (a README command
 * must say `npx tributary`), curl as quiet as it is at a terminal.
 */
export function newcomerEnv(home: string): NodeJS.ProcessEnv {
  const dirs = (process.env.PATH ?? '').split(':').filter((d) => d && !fs.existsSync(path.join(d, 'tributary')));
  fs.writeFileSync(path.join(home, '.curlrc'), '--silent\n--show-error\n');
  return {
    PATH: [path.dirname(process.execPath), ...dirs].join(':'),
    HOME: home,
    CURL_HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    npm_config_offline: 'true',
    npm_config_yes: 'false',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    // npm's own notices (an unsupported engine on Node 20) are not the command's output.
    npm_config_loglevel: 'error',
    // npx installs the clone's own package into its cache, which would run its
    // prepare (the build) again, rewriting dist/ under the other test files.
    npm_config_ignore_scripts: 'true',
  };
}

export interface Ports {
  api: number;
  broker: number;
  /** The schema registry's, where a block runs one. */
  registry?: number;
}

/** The README's addresses (API on 8000, broker on 9092, schema registry on 8081) turned into this run's. */
export function toRunPorts(command: string, ports: Partial<Ports>): string {
  let out = command;
  if (ports.api !== undefined) out = out.replace(/\b(?:localhost|127\.0\.0\.1):8000\b/g, `127.0.0.1:${ports.api}`);
  if (ports.broker !== undefined) out = out.replace(/\b(?:localhost|127\.0\.0\.1):9092\b/g, `127.0.0.1:${ports.broker}`);
  if (ports.registry !== undefined) out = out.replace(/\b(?:localhost|127\.0\.0\.1):8081\b/g, `127.0.0.1:${ports.registry}`);
  return out;
}

/** This run's addresses in an output turned back into the README's. */
export function toReadmePorts(output: string, ports: Partial<Ports>): string {
  let out = output;
  if (ports.api !== undefined) out = out.replaceAll(`127.0.0.1:${ports.api}`, '127.0.0.1:8000');
  if (ports.broker !== undefined) out = out.replaceAll(`127.0.0.1:${ports.broker}`, '127.0.0.1:9092');
  if (ports.registry !== undefined) out = out.replaceAll(`127.0.0.1:${ports.registry}`, '127.0.0.1:8081');
  return out;
}

/** Output as lines, without the blank lines around it (a prompt hides them). */
export function outputLines(output: string): string[] {
  const lines = output.replace(/\r/g, '').split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  return lines;
}

export interface CommandResult {
  code: number | null;
  /** stdout and stderr as a terminal shows them, interleaved. */
  output: string;
}

/** One command through `bash -e -o pipefail`, stdin empty, stdout and stderr merged. */
export function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', `exec 2>&1\n${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Signals the process group a command leader heads (npx, npm and node under it). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export interface Server {
  output(): string;
  /** Resolves once `done(output)` holds; rejects if the server exits first or after timeoutMs. */
  until(done: (output: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM to its process group; resolves once it has exited. */
  stop(): Promise<void>;
}

/** A long-running command in its own process group. */
export function startServer(command: string, cwd: string, env: NodeJS.ProcessEnv): Server {
  const child = spawn('bash', ['-c', `exec 2>&1\n${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    output: () => output,
    until(done, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const finish = (err?: Error) => {
          waiters.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(output);
        };
        const check = () => {
          if (done(output)) finish();
        };
        const timer = setTimeout(() => finish(new Error(`\`${command}\` did not print what the README shows within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        waiters.add(check);
        void exited.then(() => finish(new Error(`\`${command}\` exited before printing what the README shows:\n${output}`)));
        check();
      });
    },
    async stop() {
      killGroup(child, 'SIGTERM');
      await exited;
    },
  };
}

/**
 * The API, broker and schema registry ports a start banner (`API http://…:P`,
 * `Kafka …:Q`), broker line or registry line (`Schema registry on http://…:R`) names.
 */
export function portsIn(output: string): Partial<Ports> {
  const registry = /(?:Schema registry on |Schemas\s+)http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
  const api = /(?:API\s+)?http:\/\/127\.0\.0\.1:(\d+)/.exec(output.replace(registry?.[0] ?? '\0', ''));
  const broker = /(?:Kafka\s+|broker on )127\.0\.0\.1:(\d+)/.exec(output);
  return { api: api ? Number(api[1]) : undefined, broker: broker ? Number(broker[1]) : undefined, registry: registry ? Number(registry[1]) : undefined };
}
