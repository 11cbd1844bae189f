// The README's shell blocks (and those of the docs it links), run as written in a
// fresh clone against one started system, their output compared by shape with
// what the README shows. The conventions (markers, console blocks, shapes) are in
// test/helpers/readme-blocks.ts and test/helpers/output-shape.ts. Commands use the
// README's addresses (localhost:8000 for the API, 127.0.0.1:9092 for the broker);
// the test's system listens on free ports, which are written into each command and
// back into its output (and given as PORT and BROKER_PORT, which the CLI honours).
// A read (a curl with no -X or -d) that does not yet show what the README shows is
// re-run for a while: a worker writes what it reads asynchronously, and a person
// typing the commands gives it the time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { blockName, shellBlocks, type BlockCommand, type ShellBlock } from './helpers/readme-blocks.js';
import { outputMismatch } from './helpers/output-shape.js';
import { makeClone, newcomerEnv, outputLines, portsIn, repo, runCommand, startServer, toReadmePorts, toRunPorts, type Ports, type Server } from './helpers/readme-run.js';
import { tempDir } from './helpers/broker.js';
import { seedPGlite } from './helpers/pglite.js';
import { waitFor } from '../src/stream/wait.js';

const FILES = ['README.md', 'docs/deployment.md', 'src/db/README.md'];
const blocks = FILES.flatMap((f) => shellBlocks(f, fs.readFileSync(path.join(repo, f), 'utf8')));
const started = Date.now();

const isRead = (command: string) => /^curl\s/.test(command.trim()) && !/\s(-X|-d|--data\S*)\s/.test(command);

/** dist/ as the sources say: `npm run build` (tsc -b, a no-op when it is up to date). */
function buildDist(): void {
  const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: repo, encoding: 'utf8' });
  assert.equal(built.status, 0, `npm run build failed, so dist/ is stale or absent:\n${built.stdout}${built.stderr}`);
}

interface Started {
  server: Server;
  ports: Ports;
  /** Why its output does not have the README's shape, or null. */
  mismatch: string | null;
}

/**
 * Runs `command` (the first of a system or server block) with free ports (in
 * a server block, the address 127.0.0.1:9092 is the system's broker) and waits
 * for the output shown.
 */
/**
 * A server keeps printing (its log lines) after what the README shows, and a log
 * line written as it starts may land after the banner: its output is compared
 * up to the line the README's block ends with.
 */
function throughLastShown(expected: string[], lines: string[]): string[] {
  const last = expected.at(-1);
  const at = last === undefined ? -1 : lines.indexOf(last);
  return at === -1 ? lines : lines.slice(0, at + 1);
}

async function startShown(command: BlockCommand, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, broker?: number): Promise<Started> {
  const line = (broker ? command.text.replace(/\b(?:localhost|127\.0\.0\.1):9092\b/g, `127.0.0.1:${broker}`) : command.text).replace(/\b(8000|8081|9092)\b/g, '0');
  const server = startServer(line, cwd, { ...env, PORT: '0', BROKER_PORT: '0' });
  const shape = (out: string) => outputMismatch(command.expected, throughLastShown(command.expected, outputLines(toReadmePorts(out, portsIn(out)))));
  let output: string;
  try {
    output = await server.until((out) => shape(out) === null, timeoutMs);
  } catch (err) {
    await server.stop();
    const out = server.output();
    throw new Error(`${(err as Error).message}\n(compared with the README: ${shape(out)})\n${out.slice(-3000)}`);
  }
  const ports = portsIn(output);
  return { server, ports: { api: ports.api ?? 0, broker: ports.broker ?? 0, registry: ports.registry }, mismatch: shape(output) };
}

/** One console command (or sh script): succeeds and prints what the README shows. */
async function runShown(block: ShellBlock, command: BlockCommand, cwd: string, env: NodeJS.ProcessEnv, ports: Ports): Promise<void> {
  const line = toRunPorts(command.text, ports);
  const runEnv = { ...env, PORT: String(ports.api), BROKER_PORT: String(ports.broker) };
  let last = '';
  const attempt = async (): Promise<string | null> => {
    const result = await runCommand(line, cwd, runEnv);
    const actual = toReadmePorts(result.output, ports);
    assert.equal(result.code, 0, `\`${command.text}\` exited with ${result.code}:\n${actual}`);
    const why = outputMismatch(command.expected, outputLines(actual));
    last = why === null ? '' : `\`${command.text}\` (${block.file}:${block.line}) printed what the README does not show: ${why}\n--- printed:\n${actual}\n--- the README shows:\n${command.expected.join('\n')}`;
    return why;
  };
  if ((await attempt()) === null) return;
  if (!isRead(command.text)) assert.fail(last);
  await waitFor(async () => (await attempt()) === null, { what: last, timeout: 20_000, interval: 100 }).catch(() => assert.fail(last));
}

describe('README', () => {
  const home = tempDir('tributary-readme-home-');
  let env: NodeJS.ProcessEnv;
  let clone: string;
  let system: Started | undefined;
  const ran: string[] = [];
  const skipped: string[] = [];

  before(async () => {
    buildDist();
    env = newcomerEnv(home);
    clone = makeClone();
    const systems = blocks.filter((b) => b.mode.kind === 'system');
    assert.equal(systems.length, 1, 'exactly one block is marked <!-- readme-test: system -->');
    // The first start's initdb costs seconds; the clone's PGlite starts initialised.
    await seedPGlite(path.join(clone, 'data/db'));
    system = await startShown(systems[0]!.commands[0]!, clone, env, 100_000);
  });

  after(async () => {
    await system?.server.stop();
    for (const d of [clone, home]) fs.rmSync(d, { recursive: true, force: true });
    console.log(`[readme] ran ${ran.length} block(s), skipped ${skipped.length}, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const s of skipped) console.log(`[readme] skipped ${s}`);
  });

  for (const block of blocks) {
    const name = blockName(block);
    if (block.mode.kind === 'skip') {
      const reason = block.mode.reason;
      test(name, { skip: reason }, () => {});
      skipped.push(`${name}: ${reason}`);
      continue;
    }
    test(name, async () => {
      ran.push(name);
      const { api, broker } = system!.ports;
      if (block.mode.kind === 'system') {
        assert.equal(system!.mismatch, null);
        for (const command of block.commands.slice(1)) await runShown(block, command, clone, env, { api, broker });
        return;
      }
      if (block.mode.kind === 'run') {
        for (const command of block.commands) await runShown(block, command, clone, env, { api, broker });
        return;
      }
      // A server of its own, in a folder of the clone of its own, so that its ./data
      // is not the system's (npx finds the clone from there, as from its root).
      const own = path.join(clone, `block-${block.line}`);
      await seedPGlite(path.join(own, 'data/db'));
      const server = await startShown(block.commands[0]!, own, env, 60_000, broker);
      try {
        const ports = { api: server.ports.api || api, broker: server.ports.broker || broker, registry: server.ports.registry };
        for (const command of block.commands.slice(1)) await runShown(block, command, own, env, ports);
      } finally {
        await server.server.stop();
      }
    });
  }
});
