// The log cleaner's files and the crash-safe swap of a cleaned segment.
//
// A group of sealed segments [base, end) is rewritten into one segment named
// after `base`, built aside as `<base>.log.cleaned` (+ `.index.cleaned`,
// `.timeindex.cleaned`) with `<base>.range.cleaned` holding `end`, all
// fsynced. The swap then runs in this order:
//   1. rename <base>.log.cleaned → <base>.log.swap      (the commit point)
//   2. unlink the other old segments' files (bases in (base, end))
//   3. rename the cleaned indexes over <base>.index / <base>.timeindex
//   4. rename <base>.log.swap → <base>.log               (replaces the old file)
//   5. unlink <base>.range.cleaned
// A kill before step 1 leaves the old segments and `.cleaned` leftovers, which
// recovery deletes: the old state. A kill after it leaves a `.log.swap`, and
// recovery redoes steps 2-5: the new state. Every step is idempotent.
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { segmentFileName } from './segment.js';

export const CLEANED = '.cleaned';
export const SWAP = '.swap';
const RANGE = '.range';

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export function rangeFilePath(dir: string, base: number): string {
  return join(dir, String(base).padStart(20, '0') + RANGE + CLEANED);
}

/** Records the offset range a cleaned segment replaces (written before the commit). */
export function writeRangeFile(dir: string, base: number, end: number): void {
  writeFileSync(rangeFilePath(dir, base), `${end}\n`);
}

/** Removes the cleaned files of an abandoned group. */
export function discardCleaned(dir: string, base: number): void {
  for (const ext of ['.log', '.index', '.timeindex'] as const) unlinkQuiet(join(dir, segmentFileName(base, ext) + CLEANED));
  unlinkQuiet(rangeFilePath(dir, base));
}

function removeSegmentFiles(dir: string, base: number): void {
  for (const ext of ['.log', '.index', '.timeindex'] as const) unlinkQuiet(join(dir, segmentFileName(base, ext)));
}

/**
 * Steps 1-5 above for the group [base, end) whose segments start at `bases`
 * (ascending, bases[0] === base). Synchronous: only renames and unlinks.
 */
export function swapCleaned(dir: string, base: number, bases: readonly number[], afterCommit?: () => void): void {
  renameSync(join(dir, segmentFileName(base, '.log') + CLEANED), join(dir, segmentFileName(base, '.log') + SWAP));
  afterCommit?.();
  finishSwap(dir, base, bases);
}

function finishSwap(dir: string, base: number, bases: readonly number[]): void {
  for (const b of bases) if (b !== base) removeSegmentFiles(dir, b);
  renameIfPresent(join(dir, segmentFileName(base, '.index') + CLEANED), join(dir, segmentFileName(base, '.index')));
  renameIfPresent(join(dir, segmentFileName(base, '.timeindex') + CLEANED), join(dir, segmentFileName(base, '.timeindex')));
  renameSync(join(dir, segmentFileName(base, '.log') + SWAP), join(dir, segmentFileName(base, '.log')));
  unlinkQuiet(rangeFilePath(dir, base));
}

/**
 * Run when a partition opens, before its segments are listed: completes swaps
 * that passed their commit point and deletes the files of those that did not.
 * Returns notes for the recovery report.
 */
export function completeInterruptedSwaps(dir: string): string[] {
  const notes: string[] = [];
  let names = readdirSync(dir);
  for (const name of names) {
    const m = /^(\d{20})\.log\.swap$/.exec(name);
    if (!m) continue;
    const base = Number(m[1]);
    let end = Number.NaN;
    try {
      end = Number(readFileSync(rangeFilePath(dir, base), 'utf8').trim());
    } catch {
      // Written and synced before the commit; only a lost file system write gets here.
    }
    const bases: number[] = [];
    for (const other of names) {
      const o = /^(\d{20})\.log$/.exec(other);
      if (!o) continue;
      const b = Number(o[1]);
      // Without the range, only the segment the swap file is named after is replaced.
      if (b === base || (b > base && b < end)) bases.push(b);
    }
    finishSwap(dir, base, bases);
    notes.push(`completed an interrupted log cleaner swap at segment ${base}`);
  }
  names = readdirSync(dir);
  for (const name of names) {
    if (name.endsWith(CLEANED) || name.endsWith(SWAP)) {
      unlinkQuiet(join(dir, name));
      if (name.endsWith('.log' + CLEANED)) notes.push(`discarded an unfinished cleaned segment ${name}`);
    }
  }
  return notes;
}

const CHECKPOINT = 'cleaner-offset-checkpoint';

/** The first dirty offset: everything below it was cleaned by an earlier pass (0 when never cleaned). */
export function readCleanerCheckpoint(dir: string): number {
  try {
    const n = Number(readFileSync(join(dir, CHECKPOINT), 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Replaces the checkpoint atomically (temp file + rename; leftovers `.tmp` are removed on open). */
export function writeCleanerCheckpoint(dir: string, offset: number): void {
  const path = join(dir, CHECKPOINT);
  writeFileSync(path + '.tmp', `${offset}\n`);
  renameSync(path + '.tmp', path);
}
