// Writing a transaction's commit/abort marker into one partition: a control
// batch appended like any other, then the partition's producer state learns the
// transaction is over (moving the LSO, and for aborts adding to the index).
import { buildControlBatch } from '../records/control.js';
import { parseBatches } from '../records/batch.js';
import type { Partition } from '../topics/partition.js';

/** Coordinator epoch written into markers: this broker is the only transaction coordinator. */
export const COORDINATOR_EPOCH = 0;

/** Appends the marker synchronously; returns its offset. */
export function writeMarker(partition: Partition, producerId: number, producerEpoch: number, commit: boolean, now: number = Date.now()): number {
  const records = buildControlBatch({
    type: commit ? 'commit' : 'abort',
    producerId,
    producerEpoch,
    coordinatorEpoch: COORDINATOR_EPOCH,
    timestamp: now,
  });
  const batches = parseBatches(records);
  const { baseOffset } = partition.log.append(records, batches, { now });
  partition.producers.onMarker(producerId, producerEpoch, commit, baseOffset, COORDINATOR_EPOCH, now);
  // Wakes READ_COMMITTED long polls: the LSO may have moved. Control records are not user records.
  partition.notifyAppend(0, records.length);
  return baseOffset;
}
