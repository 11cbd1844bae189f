// The worker's counting: for each BackendApiActivity, the all-time totals per
// endpoint and method and per client host, and per-minute counts by endpoint,
// method and client in tumbling 1-minute windows on the record timestamp (10 s
// grace). The agent hands over the records of a partition that wait together
// (a batch agent): they are counted in memory, and each table key they changed
// is set once per batch, so table updates and changelog records follow the keys
// changed, not the requests. The running count of a window is written with
// every batch, so an open minute shows before it closes; when stream time
// passes its end plus grace the entry is marked final, and minutes older than
// the history are deleted.
//
// The tables are the state (they survive restarts through their changelogs);
// the WindowAggregator only tracks stream time and which windows are open, per
// input partition. After a restart or rebalance it starts empty, so a sweep of
// the partition's entries finalizes windows it never saw open.
import type { BackendApiActivity } from '../../gen/tributary/activity/v1/activity_pb.js';
import type { Table } from '../../stream/table.js';
import { WindowAggregator, tumbling, windowsFor, type ClosedWindow } from '../../stream/windows.js';
import { GRACE_MS, HISTORY_MS, WINDOW_MS, clientKey, minuteKey, totalsKey, type ActivityTopology, type MinuteCount } from './topics.js';

const spec = tumbling(WINDOW_MS, GRACE_MS);

/** What a window is counted by (its aggregator key): endpoint, method and client. */
type Dimensions = [endpoint: string, method: string, client: string];

interface PartitionWindows {
  aggregator: WindowAggregator<string, number, number>;
  /** Filled by onWindowClose while an event is added, emptied right after. */
  closed: ClosedWindow<string, number>[];
  /** The last minute (by stream time less grace) the partition's entries were swept at. */
  swept: number;
}

export interface UsageStats {
  /** Requests too late for their minute (its window had closed); still in the totals. */
  late: number;
}

export class UsageCounter {
  readonly stats: UsageStats = { late: 0 };
  private readonly windows = new Map<number, PartitionWindows>();

  constructor(private readonly tables: ActivityTopology) {}

  /** Counts one request. Runs inside the agent's handler: table updates belong to `partition`. */
  count(activity: BackendApiActivity, partition: number, time: number): void {
    this.countAll([{ activity, time }], partition);
  }

  /** Counts requests of one partition, in order; each changed key is set once. Inside the agent's handler. */
  countAll(requests: Iterable<{ activity: BackendApiActivity; time: number }>, partition: number): void {
    const totals = new Staged(this.tables.totals);
    const clients = new Staged(this.tables.clients);
    const minutes = new Staged(this.tables.minutes);
    for (const { activity, time } of requests) {
      const endpoint = activity.endpoint || '(none)';
      const method = activity.httpMethod.toUpperCase() || '(none)';
      const client = activity.clientHost || '(none)';

      const tk = totalsKey(endpoint, method, partition);
      totals.set(tk, { endpoint, method, partition, count: (totals.get(tk)?.count ?? 0) + 1 });
      const ck = clientKey(client, partition);
      clients.set(ck, { client, partition, count: (clients.get(ck)?.count ?? 0) + 1 });

      const windows = this.windowsOf(partition);
      const { aggregator, closed } = windows;
      const { start, end } = windowsFor(time, spec)[0]!;
      const mk = minuteKey(start, endpoint, method, client, partition);
      const entry = minutes.get(mk);
      // A final entry means its window closed before this process's aggregator
      // existed (a restart): the event is late even if the aggregator accepts it.
      if (entry?.final || !aggregator.add(JSON.stringify([endpoint, method, client] satisfies Dimensions), 1, time)) {
        this.stats.late++;
        aggregator.advanceTo(time);
      } else {
        minutes.set(mk, { windowStart: start, windowEnd: end, endpoint, method, client, partition, count: (entry?.count ?? 0) + 1, final: false });
      }
      // Closing and sweeping read the table itself: what is staged goes there first (once a minute at most).
      const horizon = Math.floor((aggregator.time - GRACE_MS) / WINDOW_MS);
      if (closed.length === 0 && horizon <= windows.swept) continue;
      minutes.flush();
      for (const c of closed.splice(0)) this.finalize(c, partition);
      // Each time stream time closes another minute, catch up on what the
      // aggregator did not see open (first event after a restart included).
      if (horizon > windows.swept) {
        windows.swept = horizon;
        this.sweep(partition, aggregator.time);
      }
    }
    totals.flush();
    clients.flush();
    minutes.flush();
  }

  /** Forgets the in-memory windows (the worker stopped; the tables hold the counts). */
  reset(): void {
    this.windows.clear();
  }

  private windowsOf(partition: number): PartitionWindows {
    let w = this.windows.get(partition);
    if (!w) {
      const closed: ClosedWindow<string, number>[] = [];
      const aggregator = new WindowAggregator<string, number, number>(spec, {
        initial: () => 0,
        add: (n, v) => n + v,
        onWindowClose: (c) => closed.push(c),
      });
      w = { aggregator, closed, swept: -Infinity };
      this.windows.set(partition, w);
    }
    return w;
  }

  private finalize(c: ClosedWindow<string, number>, partition: number): void {
    const [endpoint, method, client] = JSON.parse(c.key) as Dimensions;
    const key = minuteKey(c.start, endpoint, method, client, partition);
    const entry = this.tables.minutes.get(key);
    // The table's count is the truth (the aggregator may have started mid-window).
    if (entry && !entry.final) this.tables.minutes.set(key, { ...entry, final: true });
  }

  /** Finalizes the partition's windows that have closed, and deletes those past the history. */
  private sweep(partition: number, streamTime: number): void {
    const { minutes } = this.tables;
    const changes: [string, MinuteCount | undefined][] = [];
    for (const [key, m] of minutes) {
      if (m.partition !== partition) continue;
      if (m.windowEnd <= streamTime - HISTORY_MS) changes.push([key, undefined]);
      else if (!m.final && m.windowEnd + GRACE_MS <= streamTime) changes.push([key, { ...m, final: true }]);
    }
    for (const [key, m] of changes) (m ? minutes.set(key, m) : minutes.delete(key));
  }
}

/** A batch's updates of a table, kept aside and set once per key (the last value) by flush(). */
class Staged<V> {
  private readonly pending = new Map<string, V>();

  constructor(private readonly table: Table<V, string>) {}

  get(key: string): V | undefined {
    return this.pending.get(key) ?? this.table.get(key);
  }

  set(key: string, value: V): void {
    this.pending.set(key, value);
  }

  flush(): void {
    for (const [key, value] of this.pending) this.table.set(key, value);
    this.pending.clear();
  }
}
