// The load generator's HTTP client (`tributary stress`, the basket bench):
// undici's keep-alive connection pool, which costs a fraction of the CPU of
// node:http per request — on a small machine the load generator shares the
// cores with the system it measures.
import { Pool } from 'undici';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface JsonClient {
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<JsonResponse>;
  close(): Promise<void>;
}

export function jsonClient(baseUrl: string, options: { timeoutMs?: number; connections?: number; apiKey?: string } = {}): JsonClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pool = new Pool(new URL(baseUrl).origin, { connections: options.connections ?? 256, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  // An API run with API_KEYS wants the key on every request.
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return {
    async request(method, path, body) {
      const res = await pool.request({
        method,
        path: prefix + path,
        headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, body: parseBody(await res.body.text()) };
    },
    close: () => pool.close(),
  };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: keep the text
  }
}
