// The API's own consumer of the state topic. It starts at each partition's last
// record, so a restarted API knows the latest state as soon as it is caught up,
// without replaying history. It joins no consumer group (positions in memory,
// nothing committed): every API instance sees every message, and none leaves a
// group behind. Invalid messages are logged and skipped;
// if one of those last records was invalid, the latest valid state is further
// back, so it reads the topic from the beginning once instead.
import type { Logger } from 'pino';
import { followTopic, type Follower } from '../../stream/follower.js';
import type { KafkaConfig } from '../../stream/kafka-config.js';
import type { LatestState } from './latest.js';
import type { StateTopic } from './topics.js';

export interface StateFollower {
  stop(): Promise<void>;
}

async function follow(kafka: KafkaConfig, topic: StateTopic, latest: LatestState, log: Logger, from: 'last' | 'earliest') {
  let invalid = 0;
  const follower: Follower = await followTopic(kafka, topic, {
    from,
    onRecord: (r) => {
      if (r.value === null) return; // a tombstone says nothing about the state
      if (latest.offer(r.value, r)) log.debug({ state: r.value.state, partition: r.partition, offset: r.offset }, 'state changed');
    },
    onInvalid: (err, at) => {
      invalid++;
      log.warn({ err, topic: topic.name, ...at, offset: String(at.offset) }, 'skipping an invalid state message');
    },
    onError: (err) => log.error({ err, topic: topic.name }, 'the state follower failed'),
  });
  return { follower, invalidAtStart: () => invalid };
}

/** Resolves once the state present on the topic at start is known. */
export async function startStateFollower(kafka: KafkaConfig, topic: StateTopic, latest: LatestState, log: Logger): Promise<StateFollower> {
  const last = await follow(kafka, topic, latest, log, 'last');
  let follower = last.follower;
  try {
    await follower.caughtUp;
    if (last.invalidAtStart() > 0 && latest.message === undefined) {
      log.info({ topic: topic.name }, 'the last state message is invalid; reading the topic from the beginning');
      await follower.stop();
      follower = (await follow(kafka, topic, latest, log, 'earliest')).follower;
      await follower.caughtUp;
    }
  } catch (err) {
    await follower.stop();
    throw err;
  }
  return { stop: () => follower.stop() };
}
