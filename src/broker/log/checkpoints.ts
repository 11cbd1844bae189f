// The small files that let a restart skip work, each replaced atomically
// (temp file, fsync, rename) so a crash leaves the old or the new one:
// - per partition, `log-start-offset`: the log start offset moved by DeleteRecords;
// - per log dir, `recovery-point-offset-checkpoint`: for each partition the
//   offset below which everything was flushed, so crash recovery checks CRCs
//   only from there (Kafka's file of that name and format: a version line, a
//   count line, then `topic partition offset` lines);
// - per log dir, `.kafka_cleanshutdown`: written last by a clean close, removed
//   first by an open, so its presence means every log was closed and synced.

import { closeSync, fsync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

export const LOG_START_OFFSET_FILE = 'log-start-offset';
export const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

export function readLogStartOffset(dir: string): number {
  try {
    const text = readFileSync(join(dir, LOG_START_OFFSET_FILE), 'utf8').trim();
    const n = Number(text);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

export function writeLogStartOffset(dir: string, offset: number): void {
  writeFileAtomicSync(join(dir, LOG_START_OFFSET_FILE), `${offset}\n`);
}

function writeFileAtomicSync(path: string, text: string): void {
  const tmp = path + '.tmp';
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** `topic-partition` → recovery point; empty when the file is absent or unreadable (then everything is checked). */
export function readRecoveryPoints(logDir: string): Map<string, number> {
  const out = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(join(logDir, RECOVERY_POINT_FILE), 'utf8');
  } catch {
    return out;
  }
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '0') return out;
  const count = Number(lines[1]);
  if (!Number.isSafeInteger(count) || count < 0 || lines.length < count + 2) return out;
  for (let i = 2; i < count + 2; i++) {
    const m = /^(\S+) (\d+) (\d+)$/.exec(lines[i]!.trim());
    if (m === null) return new Map(); // a damaged file is not trusted at all
    out.set(`${m[1]}-${m[2]}`, Number(m[3]));
  }
  return out;
}

export interface RecoveryPointEntry {
  topic: string;
  partition: number;
  offset: number;
}

/** Replaces the log dir's recovery-point checkpoint (asynchronously: off the request path). */
export async function writeRecoveryPoints(logDir: string, entries: Iterable<RecoveryPointEntry>): Promise<void> {
  const lines: string[] = [];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  const path = join(logDir, RECOVERY_POINT_FILE);
  const tmp = path + '.tmp';
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`0\n${lines.length}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(logDir);
}

/** True if the previous run closed cleanly; removes the marker (durably) so a crash in this run is not taken for clean. */
export function takeCleanShutdownMarker(logDir: string): boolean {
  try {
    unlinkSync(join(logDir, CLEAN_SHUTDOWN_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  syncDirSync(logDir);
  return true;
}

export function writeCleanShutdownMarker(logDir: string): void {
  writeFileAtomicSync(join(logDir, CLEAN_SHUTDOWN_FILE), '');
  syncDirSync(logDir);
}

function syncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so newly created or renamed entries survive a crash. */
export function syncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let fd: number;
    try {
      fd = openSync(dir, 'r');
    } catch (err) {
      reject(err);
      return;
    }
    fsync(fd, (err) => {
      closeSync(fd);
      if (err) reject(err);
      else resolve();
    });
  });
}
