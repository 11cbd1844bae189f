// One process per PGlite folder: PGlite has no lock of its own, and two processes on one
// data dir would corrupt it. A `tributary.lock` file holds the owner's pid; a lock whose
// process is gone is taken over. claimPidFile is the same for any lock file (the
// workers' instance slots).
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const heldHere = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = join(resolve(dataDir), 'tributary.lock');
  if (heldHere.has(file)) throw inUse(dataDir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (owner > 0 && owner !== process.pid && isProcessAlive(owner)) throw inUse(dataDir, owner);
      await unlink(file).catch(() => {}); // stale: its process is gone
    }
  }
  heldHere.add(file);
  return async () => {
    if (!heldHere.delete(file)) return;
    await unlink(file).catch(() => {});
  };
}

/** Takes the lock file, or a stale one (its process is gone); false when a live process holds it. */
export async function claimPidFile(file: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (owner === process.pid) return false; // another part of this process holds it
      if (owner > 0 && isProcessAlive(owner)) return false;
      await unlink(file).catch(() => {});
    }
  }
  return false;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dataDir: string, pid: number): Error {
  return new Error(
    `PGlite data dir ${dataDir} is in use by process ${pid}: embedded PGlite serves one process; ` +
      'run the parts in one process, or share a PostgreSQL with DATABASE_URL',
  );
}
