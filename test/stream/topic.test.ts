import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { topic, ValidationError } from '../../src/stream/topic.js';
import { protobuf, DeserializationError, bytes } from '../../src/stream/serde.js';
import { BackendApiActivitySchema } from '../../src/gen/tributary/activity/v1/activity_pb.js';

const Player = z.object({
  id: z.uuid(),
  name: z.string().min(1),
  position: z.enum(['Goalkeeper', 'Defender', 'Midfielder', 'Forward']),
  speed: z.number().int().min(0).max(10),
});

test('a JSON topic validates on encode and decode and names the failing field', () => {
  const players = topic('soccer_players', { schema: Player, partitions: 3 });
  const p = { id: '0b6f6d3c-4bd4-4a1e-9d59-95ee77a7c9a1', name: 'Ada', position: 'Forward' as const, speed: 7 };
  assert.deepEqual(players.decodeValue(players.encodeValue(p)), p);
  assert.throws(
    () => players.encodeValue({ ...p, speed: 11 }),
    (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === 'speed' && /speed/.test(e.message),
  );
  assert.throws(() => players.decodeValue(Buffer.from('{"id": oops')), DeserializationError);
  assert.throws(() => players.decodeValue(Buffer.from(JSON.stringify({ ...p, position: 'Coach' }))), (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === 'position');
  assert.throws(() => players.decodeValue(null), DeserializationError);
});

test('JSON Schema for the docs comes from the zod schema', () => {
  const schema = topic('soccer_players', { schema: Player }).jsonSchema()!;
  assert.equal(schema.type, 'object');
  assert.deepEqual((schema.properties as any).position.enum, ['Goalkeeper', 'Defender', 'Midfielder', 'Forward']);
  assert.deepEqual(schema.required, ['id', 'name', 'position', 'speed']);
});

test('a protobuf topic round-trips generated messages; garbage is a DeserializationError', () => {
  const serde = protobuf(BackendApiActivitySchema);
  const users = topic('Users', { serde });
  const event = serde.create({ clientHost: '10.0.0.7', clientPort: '51234', endpoint: '/users', httpMethod: 'GET' });
  const decoded = users.decodeValue(users.encodeValue(event));
  assert.equal(decoded.clientHost, '10.0.0.7');
  assert.equal(decoded.clientPort, '51234');
  assert.equal(serde.messageName, 'tributary.activity.v1.BackendApiActivity');
  assert.throws(() => users.decodeValue(Buffer.from([0xff, 0xff, 0xff])), DeserializationError);
  const raw = topic('raw', { serde: bytes() });
  assert.deepEqual(raw.decodeValue(Buffer.from([1, 2])), Buffer.from([1, 2]));
  assert.throws(() => topic('bad name!'), /legal Kafka topic name/);
});
