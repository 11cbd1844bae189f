// Durable transaction state: an append-only file of full metadata records, one
// line per transition ("<crc32c hex> <json>\n"), the last line of a
// transactional id winning on replay. A torn or corrupt tail (crash mid-write)
// is cut off on open. When most lines are superseded the file is rewritten with
// only the live records (temp file + fsync + rename).
//
// Durability follows the broker's flush policy: with 'ack' an append resolves
// once fsynced (concurrent appends share one fsync); otherwise once written.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '../records/crc32c.js';
import { GroupCommit } from '../log/group-commit.js';
import { TXN_STATES, type TxnRecord } from './txn-state.js';
import { writeDurably } from './producer-ids.js';

const FILE = 'transactions.log';
const COMPACT_MIN_LINES = 1000;

export interface TransactionLogOptions {
  /** fsync before an append resolves. */
  sync: boolean;
  warn?: (message: string) => void;
}

export class TransactionLog {
  private fd: number;
  private lines: number;
  private generation = 0;
  private readonly group: GroupCommit;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly live: Map<string, TxnRecord>,
    lines: number,
    private readonly sync: boolean,
  ) {
    this.fd = fs.openSync(path.join(dir, FILE), 'a');
    this.lines = lines;
    this.group = new GroupCommit(() => fsyncAsync(this.fd), () => this.generation);
  }

  static open(dir: string, options: TransactionLogOptions): TransactionLog {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, FILE);
    const live = new Map<string, TxnRecord>();
    let lines = 0;
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      data = Buffer.alloc(0);
    }
    let pos = 0;
    while (pos < data.length) {
      const nl = data.indexOf(0x0a, pos);
      const record = nl < 0 ? null : parseLine(data.subarray(pos, nl));
      if (!record) {
        options.warn?.(`transaction log ${file}: cutting ${data.length - pos} bytes of torn or corrupt tail at byte ${pos}`);
        fs.truncateSync(file, pos);
        break;
      }
      if (record.state === 'Dead') live.delete(record.transactionalId);
      else live.set(record.transactionalId, record);
      lines++;
      pos = nl + 1;
    }
    return new TransactionLog(dir, live, lines, options.sync);
  }

  /** The latest record of every live transactional id, as found on open. */
  records(): TxnRecord[] {
    return [...this.live.values()];
  }

  /** Appends a record; resolves when it is as durable as the flush policy asks. */
  append(record: TxnRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('transaction log is closed'));
    try {
      fs.writeSync(this.fd, formatLine(record));
    } catch (err) {
      return Promise.reject(err);
    }
    this.generation++;
    this.lines++;
    if (record.state === 'Dead') this.live.delete(record.transactionalId);
    else this.live.set(record.transactionalId, record);
    if (this.lines > COMPACT_MIN_LINES && this.lines > 4 * this.live.size && !this.group.busy) this.compact();
    return this.sync ? this.group.request() : Promise.resolve();
  }

  /** Rewrites the file with only the live records; everything in it is then durable. */
  private compact(): void {
    const body = [...this.live.values()].map(formatLine).join('');
    writeDurably(this.dir, FILE, body);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(path.join(this.dir, FILE), 'a');
    this.lines = this.live.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.group.request();
      await this.group.idle();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

function formatLine(record: TxnRecord): string {
  const json = JSON.stringify(record);
  const crc = crc32c(Buffer.from(json));
  return `${crc.toString(16).padStart(8, '0')} ${json}\n`;
}

function parseLine(line: Buffer): TxnRecord | null {
  if (line.length < 10 || line[8] !== 0x20) return null;
  const json = line.subarray(9);
  if (Number.parseInt(line.subarray(0, 8).toString('latin1'), 16) !== crc32c(json)) return null;
  try {
    const r = JSON.parse(json.toString('utf8')) as TxnRecord;
    if (typeof r.transactionalId !== 'string' || !TXN_STATES.includes(r.state)) return null;
    return r;
  } catch {
    return null;
  }
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}
