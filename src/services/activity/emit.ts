// Records every HTTP request the API answers (any route of any service, 404s
// included) as a BackendApiActivity on `Users`. A global onResponse hook, so it
// runs after the reply is sent: the send is fire-and-forget and its failure is
// only logged, so recording never slows down or fails a request.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { HttpServer } from '../../http/server.js';
import type { App } from '../../stream/app.js';
import type { BackendApiActivity } from '../../gen/tributary/activity/v1/activity_pb.js';
import type { Topic } from '../../stream/topic.js';
import { activitySerde } from './topics.js';

/** The route pattern when a route matched (`/users/:id`, so ids do not multiply endpoints), else the path. */
export function endpointOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
}

export function activityOf(request: FastifyRequest): BackendApiActivity {
  const port = request.socket?.remotePort ?? 0;
  return activitySerde.create({
    // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; record a.b.c.d.
    clientHost: (request.ip ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, ''),
    // The port travels as text (the topic's published contract) and as a number.
    clientPort: String(port),
    clientPortNumber: port,
    endpoint: endpointOf(request),
    httpMethod: request.method,
  });
}

/**
 * Adds the hook; the returned function stops recording. The API calls it on
 * shutdown, before the app's producer is closed: a request finishing after
 * that must not open a new producer that nothing would close.
 */
export function recordActivity(http: HttpServer, app: App, topic: Topic<BackendApiActivity, string>, log: Logger): () => void {
  let recording = true;
  http.addHook('onResponse', async (request) => {
    if (!recording) return;
    const activity = activityOf(request);
    app.send(topic, [{ key: activity.endpoint, value: activity }]).catch((err: unknown) => {
      log.warn({ err, endpoint: activity.endpoint, method: activity.httpMethod }, `could not record the request on ${topic.name}`);
    });
  });
  return () => {
    recording = false;
  };
}
