// The console's JSON API under /api/console/ (types.ts is its contract), each
// GET with its live twin under /api/console/live/ (live.ts), and the page
// (static.ts). Every route has tags ['console'], so /docs documents them.
// The sampler starts on the first console request; the clients, the sampler
// and open streams are closed with the server.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { bodyErrors, ErrorResponse } from '../../http/schemas.js';
import type { HttpServer } from '../../http/server.js';
import { Console } from './console.js';
import { browse, produce, tail, type BrowseQuery } from './messages.js';
import { deadLetters, replay } from './dead-letters.js';
import { graphView } from './graph.js';
import { groupDetail, groupList, resetOffsets } from './groups.js';
import { LiveHub, liveMetrics, type Poll } from './live.js';
import * as S from './schemas.js';
import { StressRuns } from './stress.js';
import { activityPanel, basketsPanel, playersPanel, requireBaskets, sendState, sessionsPanel, statePanel } from './systems.js';
import type { ConsoleSource } from './source.js';
import { consolePage, type ConsolePage } from './static.js';
import { alterConfigs, createTopic, deleteRecords, deleteTopic, overview, topicDetail, topicList } from './topics.js';
import type { MessagesPage } from './types.js';

export const API_PREFIX = '/api/console';
export const LIVE_PREFIX = '/api/console/live';

const tags = ['console'];
const TopicParams = z.object({ topic: z.string().min(1).max(249).describe('Topic name') });
const GroupParams = z.object({ group: z.string().min(1).describe('Consumer group id') });

export interface ConsoleRoutes {
  console: Console;
  live: LiveHub;
  page: ConsolePage;
}

interface ResourceSpec<P, Q> {
  summary: string;
  description?: string;
  params?: z.ZodType<P>;
  querystring?: z.ZodType<Q>;
  response: z.ZodType<unknown>;
  load(params: P, query: Q): Promise<unknown>;
  /** A live twin that streams what is new rather than repeating the state. */
  stream?(params: P, query: Q): Poll;
}

export async function consoleRoutes(http: HttpServer, source: ConsoleSource): Promise<ConsoleRoutes> {
  const c = new Console(source);
  const live = new LiveHub(() => c.sampler.touch(), source.pingMs);
  const stress = new StressRuns();
  http.addHook('preClose', async () => live.closeAll());
  http.addHook('onClose', async () => {
    await stress.close();
    await c.close();
  });
  const page = await consolePage(http, source.pageDir);
  if (source.metrics) liveMetrics(source.metrics, live);

  // A GET resource and its live twin, from one description.
  const resource = <P, Q>(path: string, spec: ResourceSpec<P, Q>) => {
    const errors = { 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
    // Only the parts a resource has: Fastify warns of a part named with no schema.
    const schema = {
      tags,
      summary: spec.summary,
      description: spec.description,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
    };
    http.get(`${API_PREFIX}${path}`, { schema: { ...schema, response: { 200: spec.response, ...errors, 503: ErrorResponse } } }, async (request) => {
      c.sampler.touch();
      try {
        return await spec.load(request.params as P, request.query as Q);
      } catch (err) {
        if (err instanceof HttpError) throw err;
        // The cluster (or a client of it) failed: say so, rather than a bare 500.
        request.log.warn({ err }, 'a console view failed');
        throw new HttpError(503, `the Kafka cluster did not answer: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    http.get(
      `${LIVE_PREFIX}${path}`,
      {
        schema: {
          ...schema,
          summary: `Live: ${spec.summary[0]!.toLowerCase()}${spec.summary.slice(1)}`,
          description: `Server-Sent Events: each \`data:\` line is the JSON of GET ${API_PREFIX}${path}, sent when it changes, at most a few times a second.`,
          produces: ['text/event-stream'],
          response: { 200: z.string().describe('text/event-stream'), ...errors },
        },
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        c.sampler.touch();
        const params = request.params as P;
        const query = request.query as Q;
        live.serve(request, reply, spec.stream ? spec.stream(params, query) : () => spec.load(params, query));
      },
    );
  };

  resource('/overview', { summary: 'The cluster at a glance: brokers, counts, rates, health, dead letters', response: S.Overview, load: () => overview(c) });
  resource('/topics', { summary: 'Every topic with offsets, size, rate and the groups reading it', response: z.array(S.TopicSummary), load: () => topicList(c) });
  resource('/topics/:topic', { summary: 'One topic: partitions, offsets, configs', params: TopicParams, response: S.TopicDetail, load: (p) => topicDetail(c, p.topic) });
  resource('/topics/:topic/messages', {
    summary: "A page of a topic's records, decoded and filtered",
    description: 'From an offset, the start, the end (default) or a time; by key, text or JSON path. The live twin tails: each event holds the records appended since the last.',
    params: TopicParams,
    querystring: S.MessagesQuery as z.ZodType<BrowseQuery>,
    response: S.MessagesPage,
    load: (p, q) => browse(c, p.topic, q),
    stream: (p, q) => {
      let next: Record<string, number> | undefined;
      return async () => {
        if (next === undefined) {
          const first: MessagesPage = await browse(c, p.topic, { ...q, from: q.from ?? 'end' });
          // The tail continues at the end of what the first page read (for `end`: the partitions' ends).
          next = { ...first.next };
          return first;
        }
        return tail(c, p.topic, q, next);
      };
    },
  });
  resource('/groups', { summary: 'Every consumer group with state, members and lag', response: z.array(S.GroupSummary), load: () => groupList(c) });
  resource('/groups/:group', {
    summary: 'One group: members, assignment, lag per partition in records and in time, lag over the last hour',
    params: GroupParams,
    response: S.GroupDetail,
    load: (p) => groupDetail(c, p.group),
  });

  resource('/graph', {
    summary: "Each system's processing graph as its app declares it, with rates and lag; the dead-letter topics",
    response: S.GraphView,
    load: () => graphView(c),
  });

  resource('/dead-letters/:topic/messages', {
    summary: "A dead-letter topic's letters, newest first, with the error headers",
    params: TopicParams,
    querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).optional().describe('1..500, default 50') }),
    response: S.DeadLettersPage,
    load: (p, q) => deadLetters(c, p.topic, q.limit),
  });

  // The systems' panels.
  const LimitQuery = (fallback: number) => z.object({ limit: z.coerce.number().int().min(1).max(500).optional().describe(`1..500, default ${fallback}`) });
  resource('/systems/players', {
    summary: 'Players panel: the last players produced',
    querystring: LimitQuery(20),
    response: S.PlayersPanel,
    load: (_p, q) => playersPanel(c, q.limit),
  });
  resource('/systems/state', { summary: 'State panel: the state the API serves now', response: S.StatePanel, load: async () => statePanel(c) });
  resource('/systems/activity', { summary: 'Activity panel: requests per endpoint, per client and per minute', response: S.ActivityPanel, load: async () => activityPanel(c) });
  resource('/systems/sessions', {
    summary: 'Sessions panel: first and last seen per user, searchable',
    querystring: z.object({ q: z.string().max(200).optional().describe('Only users whose id contains it'), limit: z.coerce.number().int().min(1).max(1000).optional().describe('1..1000, default 100') }),
    response: S.SessionsPanel,
    load: async (_p, q) => sessionsPanel(c, q.q, q.limit),
  });
  resource('/systems/baskets', { summary: 'Baskets panel: category shares, average basket price per store', response: S.BasketsPanel, load: () => basketsPanel(c) });
  resource('/systems/baskets/stress', { summary: 'The last stress run of the baskets system: live counts, then its result', response: S.StressRunView, load: async () => stress.current });

  // Writes.
  http.post(
    `${API_PREFIX}/topics`,
    { schema: { tags, summary: 'Create a topic', body: S.CreateTopicRequest, response: { 201: S.TopicDetail, 409: ErrorResponse, ...bodyErrors } } },
    async (request, reply) => {
      c.sampler.touch();
      return reply.code(201).send(await createTopic(c, request.body));
    },
  );
  http.delete(
    `${API_PREFIX}/topics/:topic`,
    { schema: { tags, summary: 'Delete a topic', params: TopicParams, response: { 204: z.null().describe('Deleted'), 404: ErrorResponse } } },
    async (request, reply) => {
      c.sampler.touch();
      await deleteTopic(c, request.params.topic);
      return reply.code(204).send(null);
    },
  );
  http.put(
    `${API_PREFIX}/topics/:topic/configs`,
    {
      schema: { tags, summary: "Change a topic's configs (null: back to the default)", params: TopicParams, body: S.AlterConfigsRequest, response: { 200: S.TopicDetail, 404: ErrorResponse, ...bodyErrors } },
    },
    async (request) => {
      c.sampler.touch();
      return alterConfigs(c, request.params.topic, request.body);
    },
  );
  http.post(
    `${API_PREFIX}/topics/:topic/delete-records`,
    {
      schema: { tags, summary: 'Delete the records before an offset, per partition', params: TopicParams, body: S.DeleteRecordsRequest, response: { 200: S.DeleteRecordsResult, 404: ErrorResponse, ...bodyErrors } },
    },
    async (request) => {
      c.sampler.touch();
      return deleteRecords(c, request.params.topic, request.body);
    },
  );
  http.post(
    `${API_PREFIX}/topics/:topic/messages`,
    {
      schema: { tags, summary: 'Produce one record (acks=all): key, headers, value, partition', params: TopicParams, body: S.ProduceRequest, response: { 201: S.ProduceResult, 404: ErrorResponse, ...bodyErrors } },
    },
    async (request, reply) => {
      c.sampler.touch();
      return reply.code(201).send(await produce(c, request.params.topic, request.body));
    },
  );
  http.post(
    `${API_PREFIX}/groups/:group/reset`,
    {
      schema: {
        tags,
        summary: "Reset an idle group's offsets to the earliest, the latest or a time",
        description: 'Only for a group that is Empty (or Dead): 409 names its state otherwise.',
        params: GroupParams,
        body: S.ResetOffsetsRequest,
        response: { 200: S.GroupDetail, 404: ErrorResponse, 409: ErrorResponse, ...bodyErrors },
      },
    },
    async (request) => {
      c.sampler.touch();
      return resetOffsets(c, request.params.group, request.body);
    },
  );

  http.post(
    `${API_PREFIX}/dead-letters/:topic/replay`,
    {
      schema: {
        tags,
        summary: 'Send a dead letter ({partition, offset}) or all of them ({}) back to the topic it came from',
        params: TopicParams,
        body: S.ReplayRequest,
        response: { 200: S.ReplayResult, 404: ErrorResponse, ...bodyErrors },
      },
    },
    async (request) => {
      c.sampler.touch();
      return replay(c, request.params.topic, request.body);
    },
  );

  http.post(
    `${API_PREFIX}/systems/state`,
    { schema: { tags, summary: 'Send a state message (the state panel changes live)', body: S.SendStateRequest, response: { 201: z.object({ sent: z.literal(true) }), 404: ErrorResponse, ...bodyErrors } } },
    async (request, reply) => {
      c.sampler.touch();
      return reply.code(201).send(await sendState(c, request.body));
    },
  );
  http.post(
    `${API_PREFIX}/systems/baskets/stress`,
    {
      schema: {
        tags,
        summary: 'Start a stress run: N baskets posted by this process to its own POST /data, checked in the database',
        body: S.StressRequest,
        response: { 202: S.StressRunView, 404: ErrorResponse, 409: ErrorResponse, ...bodyErrors },
      },
    },
    async (request, reply) => {
      c.sampler.touch();
      requireBaskets(c);
      const url = selfUrl(http);
      if (!url) throw new HttpError(409, 'this server is not listening on an address a stress run can reach');
      const key = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
      return reply.code(202).send(stress.start({ count: request.body.count, concurrency: request.body.concurrency, url, apiKey: key }));
    },
  );

  return { console: c, live, page };
}

/** The server's own address, for a stress run against it (0.0.0.0 and :: reached as localhost). */
function selfUrl(http: HttpServer): string | undefined {
  const all = http.addresses().filter((x): x is Exclude<typeof x, string> => typeof x !== 'string');
  const a = all.find((x) => x.family === 'IPv4') ?? all[0];
  if (!a) return undefined;
  const host = a.address === '0.0.0.0' ? '127.0.0.1' : a.address === '::' ? '[::1]' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `http://${host}:${a.port}`;
}
