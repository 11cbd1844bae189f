// Who may call the API, and how often: optional API keys and an optional
// per-client rate limit on the write routes, both off by default and set from
// the environment.
//
// API_KEYS=k1,k2: every route but /healthz and /readyz (which probes must reach
// without a secret) and the console page (which holds no data) needs `Authorization: Bearer <key>`; without one it is 401
// with `WWW-Authenticate: Bearer`, with a wrong one 403. Keys are compared as
// SHA-256 digests with timingSafeEqual, against every key each time, so neither
// a key's length nor how much of it matched shows in the answer time.
//
// RATE_LIMIT=100/minute (or 10/second, 1000/15m, 5000/hour; a bare number is
// per minute): at most that many write requests per client address and window,
// all write routes together (any method but GET, HEAD and OPTIONS, unless the
// route's config says `readOnly`), then 429 with Retry-After.
import { createHash, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { KafkaConfigError } from '../stream/kafka-config.js';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that only reads (e.g. a lookup by many ids): not counted by RATE_LIMIT. */
    readOnly?: boolean;
    /** Requests this says yes to need no API key (GET / for a browser: the console page holds no data). */
    openTo?: (request: FastifyRequest) => boolean;
  }
}

export interface RateLimit {
  max: number;
  windowMs: number;
  /** As configured, for messages: `100/minute`. */
  text: string;
}

export interface HttpAccess {
  apiKeys: string[];
  rateLimit?: RateLimit;
}

/** Routes every client may call without a key: liveness and readiness probes. */
export const OPEN_ROUTES: readonly string[] = ['/healthz', '/readyz'];

/**
 * The console page and its assets (src/web/api/static.ts): served without a
 * key, since they hold no data; the page then asks for a key and sends it to
 * /api/console/*, which needs one like every route.
 */
export const OPEN_PREFIXES: readonly string[] = ['/console/'];
export const PAGE_ROUTE = '/console';

function isOpen(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  if (url === undefined) return false;
  if (OPEN_ROUTES.includes(url) || url === PAGE_ROUTE || OPEN_PREFIXES.some((p) => url.startsWith(p))) return true;
  return request.routeOptions.config?.openTo?.(request) ?? false;
}

const SECOND = 1000;
const UNITS: Record<string, number> = {
  s: SECOND, sec: SECOND, second: SECOND, seconds: SECOND,
  m: 60 * SECOND, min: 60 * SECOND, minute: 60 * SECOND, minutes: 60 * SECOND,
  h: 3600 * SECOND, hour: 3600 * SECOND, hours: 3600 * SECOND,
};

/** `100/minute`, `10/second`, `1000/15m`, `5000/hour`, or `100` (per minute). */
export function parseRateLimit(raw: string): RateLimit {
  const m = /^(\d+)(?:\s*\/\s*(\d*)\s*([a-z]+))?$/.exec(raw.trim());
  const max = Number(m?.[1]);
  const count = m?.[2] ? Number(m[2]) : 1;
  const unit = m?.[3] ? UNITS[m[3]] : UNITS.minute;
  if (!m || !Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(count) || count < 1 || !unit) {
    throw new KafkaConfigError('RATE_LIMIT', `"${raw}" is not a limit like 100/minute, 10/second, 1000/15m or 100 (per minute)`);
  }
  return { max, windowMs: count * unit, text: raw.trim() };
}

export function httpAccessFromEnv(env: NodeJS.ProcessEnv): HttpAccess {
  const apiKeys = (env.API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const limit = env.RATE_LIMIT?.trim();
  return { apiKeys, ...(limit ? { rateLimit: parseRateLimit(limit) } : {}) };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Checks a presented key against every configured one, in time independent of either. */
export function keyChecker(keys: string[]): (presented: string) => boolean {
  const digests = keys.map(digest);
  return (presented) => {
    const d = digest(presented);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(d, k) || ok;
    return ok;
  };
}

function bearer(request: FastifyRequest): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return m?.[1];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isWrite(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return !route.config?.readOnly && methods.some((m) => !SAFE_METHODS.has(m.toUpperCase()));
}

/**
 * Adds the key check and the rate limit to `http`. Call before any route is
 * added: the limit is attached to each write route as it is registered.
 */
export async function applyAccess(http: FastifyInstance, access: HttpAccess): Promise<void> {
  if (access.apiKeys.length > 0) {
    const valid = keyChecker(access.apiKeys);
    http.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (isOpen(request)) return;
      const key = bearer(request);
      if (key === undefined) {
        reply.header('www-authenticate', 'Bearer realm="tributary"');
        throw new HttpError(401, 'this API needs a key: send Authorization: Bearer <key>', 'headers.authorization');
      }
      if (!valid(key)) throw new HttpError(403, 'the API key is not valid', 'headers.authorization');
    });
  }
  const limit = access.rateLimit;
  if (!limit) return;
  // Before the plugin's own onRoute hook, which reads config.rateLimit: reads opt out.
  http.addHook('onRoute', (route) => {
    if (!isWrite(route)) route.config = { ...route.config, rateLimit: false } as typeof route.config;
  });
  await http.register(rateLimit, {
    global: true,
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (request, ctx) =>
      new HttpError(429, `more than ${limit.text} write requests from ${request.ip}; try again in ${ctx.after}`),
  });
}
