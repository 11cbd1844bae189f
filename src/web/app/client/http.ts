// Calls to the server's JSON API: the key on every call, the project's error
// body ({statusCode, error, message, field?}) turned into an ApiError whose
// message a form can show, and a 401 (or a 403 for a wrong key) raising the key prompt.
import { authHeaders, keyAnswer, keyNeeded } from './key.ts';

/** Where the console's API lives; `consoleApi('topics')` is /api/console/topics. */
export const CONSOLE_API = '/api/console/';

export function consoleUrl(path: string): string {
  return CONSOLE_API + path.replace(/^\//, '');
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  message?: string;
  field?: string;
  issues?: { field: string; message: string }[];
}

export async function errorOf(res: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    body = undefined;
  }
  const issues = body?.issues?.map((i) => `${i.field} ${i.message}`).join('; ');
  return new ApiError(res.status, issues || body?.message || `${res.status} ${res.statusText}`, body?.field);
}

/** A JSON call to any path of the server (the systems' own routes too). */
export async function request<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (keyAnswer(res.status)) keyNeeded();
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A call under /api/console/. */
export function consoleApi<T>(path: string, init?: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<T> {
  return request<T>(consoleUrl(path), init);
}

/** A query string from the set values (empty strings and undefined left out). */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
