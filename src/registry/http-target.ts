// A schema registry reached over its REST API (ours or any Confluent-compatible
// one), as a SchemaTarget: what `tributary api` and `tributary worker` register
// their topics' schemas with when SCHEMA_REGISTRY_URL is set.
import { RegistryError, type ErrorCode } from './errors.js';
import type { SchemaTarget } from './topic-schemas.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export function httpSchemaTarget(baseUrl: string, options: { apiKey?: string; timeoutMs?: number } = {}): SchemaTarget {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async register(subject, request) {
      const res = await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE, ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: number; version?: number; error_code?: number; message?: string };
      if (!res.ok) throw new RegistryError((body.error_code ?? res.status) as ErrorCode, body.message ?? `${base} answered ${res.status}`);
      if (typeof body.id !== 'number') throw new Error(`${base}: registering ${subject} answered no id`);
      // Confluent's register answers only the id; the version is looked up when asked for.
      return { id: body.id, version: body.version ?? 0 };
    },
  };
}

/** The registry of SCHEMA_REGISTRY_URL (with SCHEMA_REGISTRY_API_KEY), or none when unset. */
export function schemaTargetFromEnv(env: NodeJS.ProcessEnv): SchemaTarget | undefined {
  const url = env.SCHEMA_REGISTRY_URL?.trim();
  return url ? httpSchemaTarget(url, { apiKey: env.SCHEMA_REGISTRY_API_KEY?.trim() || undefined }) : undefined;
}
