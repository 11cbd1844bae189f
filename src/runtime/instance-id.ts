// The group.instance.id of a worker process (static group membership): stable
// across restarts, so a worker restarted after a crash takes its predecessor's
// place in the consumer group at once, instead of waiting for the dead member's
// session timeout (20–40 s) and a rebalance.
//
// WORKER_INSTANCE_ID sets it (e.g. a StatefulSet pod name: it must differ
// between live processes, or the broker fences the older one with
// FENCED_INSTANCE_ID). By default it is `<host>-<workers>-<slot>`: the host
// name, the systems this process works for, and the lowest slot number no other
// live process on this host holds. A slot is a lock file holding its owner's
// pid in the host's temp dir; the lock of a process that is gone (killed) is
// taken over, so a restarted worker gets its old slot, hence its old id, back,
// while two workers running side by side get slots 0 and 1. In a container, the
// host name is the container's. A pid reused by an unrelated process only makes
// the restart take the next slot: a new member, recovered the slow way once.
import { mkdir, unlink } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { claimPidFile } from '../db/dir-lock.js';

export interface InstanceId {
  id: string;
  /** Gives the slot back (no-op for a configured id). */
  release(): Promise<void>;
}

const heldHere = new Set<string>();
const MAX_SLOTS = 1000;

export async function workerInstanceId(env: NodeJS.ProcessEnv, workers: string[], dir = defaultSlotDir()): Promise<InstanceId> {
  const configured = env.WORKER_INSTANCE_ID?.trim();
  if (configured) {
    if (/\s/.test(configured)) throw new RangeError(`WORKER_INSTANCE_ID must not contain spaces, got "${configured}"`);
    return { id: configured, release: async () => {} };
  }
  const name = `${safe(hostname())}-${workers.map(safe).sort().join('+')}`;
  await mkdir(dir, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const file = join(dir, `${name}-${slot}.lock`);
    if (heldHere.has(file) || !(await claimPidFile(file))) continue;
    heldHere.add(file);
    return {
      id: `${name}-${slot}`,
      async release() {
        if (!heldHere.delete(file)) return;
        await unlink(file).catch(() => {});
      },
    };
  }
  throw new Error(`no free worker slot for ${name} in ${dir}: set WORKER_INSTANCE_ID`);
}

function defaultSlotDir(): string {
  let user = 'user';
  try {
    user = String(userInfo().uid);
  } catch {
    // no user database entry (some containers): one dir for all
  }
  return join(tmpdir(), `tributary-worker-slots-${user}`);
}

/** Kafka ids allow any non-space text; keep them readable. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}
