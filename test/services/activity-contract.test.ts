// The Users topic keeps the activity system's published contract: a consumer
// whose classes were generated from
//   syntax = "proto3";
//   message BackendApiActivity { string client_host = 1; string client_port = 2;
//                                string endpoint = 3; string http_method = 4; }
// decodes every field of what the API emits, the port included. protobuf-es
// stands in for such a consumer: the message type is built from exactly that
// declaration, not from the project's own generated code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { create, createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { activityOf } from '../../src/services/activity/emit.js';
import { activitySerde } from '../../src/services/activity/topics.js';

function publishedContract(): DescMessage {
  const field = (name: string, number: number) => ({ name, number, type: FieldDescriptorProto_Type.STRING, label: FieldDescriptorProto_Label.OPTIONAL, jsonName: name.replace(/_(.)/g, (_, c: string) => c.toUpperCase()) });
  const file = create(FileDescriptorProtoSchema, {
    name: 'example.proto',
    syntax: 'proto3',
    messageType: [{ name: 'BackendApiActivity', field: [field('client_host', 1), field('client_port', 2), field('endpoint', 3), field('http_method', 4)] }],
  });
  const message = createFileRegistry(file, () => undefined).getMessage('BackendApiActivity');
  assert.ok(message, 'the contract declares BackendApiActivity');
  return message;
}

test('a consumer built from the published proto reads every field of an emitted activity, a numeric port included', async (t) => {
  const contract = publishedContract();
  const http = Fastify();
  t.after(() => http.close());
  const emitted: Uint8Array[] = [];
  http.get('/users/:id', async (request) => {
    emitted.push(activitySerde.encode(activityOf(request)));
    return {};
  });
  const url = await http.listen({ port: 0, host: '127.0.0.1' });
  for (let i = 0; i < 3; i++) await (await fetch(`${url}/users/${i}`)).arrayBuffer();

  assert.equal(emitted.length, 3);
  for (const bytes of emitted) {
    const decoded = fromBinary(contract, bytes) as unknown as Record<string, string>;
    assert.equal(decoded.clientHost, '127.0.0.1');
    assert.match(decoded.clientPort!, /^[1-9]\d*$/, 'client_port is the numeric port, as text');
    assert.ok(Number(decoded.clientPort) < 65536);
    assert.equal(decoded.endpoint, '/users/:id');
    assert.equal(decoded.httpMethod, 'GET');
  }
});
