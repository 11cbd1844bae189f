// `tributary schemas list|get|register|check`: the schema registry's subjects
// and versions from the command line, over its REST API (so it works with
// any Confluent-compatible registry, ours or another).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { exitOnClosedStdout, table } from '../format.js';
import { processIo, type Io } from '../io.js';
import { UsageError } from '../usage.js';

const HELP = `Usage: tributary schemas <action> [options]

  list [--deleted]                     subjects with their latest version, id and type
  get <subject> [--version V]          one version (default latest): id, type, references, schema
  get --id <id>                        a schema by its id
  register <subject> --file <f> | --schema <text> [--type JSON|PROTOBUF|AVRO]
           [--reference name=subject:version ...]
                                       registers it (or finds it) and prints its id
  check <subject> --file <f> | --schema <text> [--version V] [--type ...]
                                       whether it may follow version V (default: the versions
                                       the subject's level names); exits 1 when it may not

The type defaults from the file's extension (.proto PROTOBUF, .avsc AVRO, else JSON).
Talks to SCHEMA_REGISTRY_URL (default http://127.0.0.1:SCHEMA_REGISTRY_PORT, 8081).
`;

const TYPES = ['JSON', 'PROTOBUF', 'AVRO'];

class RegistryCallError extends Error {}

export async function schemasCommand(argv: string[], io: Io = processIo): Promise<number> {
  exitOnClosedStdout(io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      deleted: { type: 'boolean' },
      version: { type: 'string' },
      id: { type: 'string' },
      file: { type: 'string' },
      schema: { type: 'string' },
      type: { type: 'string' },
      reference: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, subject, ...extra] = positionals;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (!action) throw new UsageError('missing action', HELP);
  if (!['list', 'get', 'register', 'check'].includes(action)) throw new UsageError(`unknown action "${action}"`, HELP);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const base = (io.env.SCHEMA_REGISTRY_URL ?? `http://127.0.0.1:${io.env.SCHEMA_REGISTRY_PORT ?? 8081}`).replace(/\/+$/, '');
  const call = (method: string, path: string, body?: unknown) => request(base, method, path, body);
  try {
    switch (action) {
      case 'list': {
        const subjects = (await call('GET', `/subjects${values.deleted ? '?deleted=true' : ''}`)) as string[];
        const rows = [];
        for (const s of subjects) {
          const v = (await call('GET', `/subjects/${encodeURIComponent(s)}/versions/latest${values.deleted ? '?deleted=true' : ''}`)) as { version: number; id: number; schemaType?: string };
          rows.push([s, v.version, v.id, v.schemaType ?? 'AVRO']);
        }
        io.out(table(['SUBJECT', 'LATEST', 'ID', 'TYPE'], rows));
        return 0;
      }
      case 'get': {
        if (values.id !== undefined) {
          io.out(JSON.stringify(await call('GET', `/schemas/ids/${encodeURIComponent(values.id)}`), null, 2));
          return 0;
        }
        if (!subject) throw new UsageError('schemas get needs a subject or --id');
        io.out(JSON.stringify(await call('GET', `/subjects/${encodeURIComponent(subject)}/versions/${encodeURIComponent(values.version ?? 'latest')}`), null, 2));
        return 0;
      }
      case 'register': {
        if (!subject) throw new UsageError('schemas register needs a subject');
        const body = schemaBody(values);
        const { id } = (await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, body)) as { id: number };
        io.out(`${subject}: id ${id}`);
        return 0;
      }
      default: {
        if (!subject) throw new UsageError('schemas check needs a subject');
        const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions${values.version ? `/${encodeURIComponent(values.version)}` : ''}?verbose=true`;
        const result = (await call('POST', path, schemaBody(values))) as { is_compatible: boolean; messages?: string[] };
        if (result.is_compatible) {
          io.out(`compatible with ${subject}`);
          return 0;
        }
        io.out(`NOT compatible with ${subject}:`);
        for (const m of result.messages ?? []) io.out(`  ${m}`);
        return 1;
      }
    }
  } catch (err) {
    if (!(err instanceof RegistryCallError)) throw err;
    io.err(`tributary schemas ${action}: ${err.message}`);
    return 1;
  }
}

function schemaBody(values: { file?: string; schema?: string; type?: string; reference?: string[] }) {
  if ((values.file === undefined) === (values.schema === undefined)) throw new UsageError('give the schema with --file <path> or --schema <text>');
  const schema = values.file !== undefined ? fs.readFileSync(values.file, 'utf8') : values.schema!;
  const type = (values.type ?? (values.file?.endsWith('.proto') ? 'PROTOBUF' : values.file?.endsWith('.avsc') ? 'AVRO' : 'JSON')).toUpperCase();
  if (!TYPES.includes(type)) throw new UsageError(`--type must be one of ${TYPES.join(', ')}, got "${values.type}"`);
  const references = (values.reference ?? []).map((r) => {
    const m = /^([^=]+)=(.+):(-?\d+)$/.exec(r);
    if (!m) throw new UsageError(`--reference takes name=subject:version, got "${r}"`);
    return { name: m[1]!, subject: m[2]!, version: Number(m[3]) };
  });
  return { schema, schemaType: type, ...(references.length > 0 ? { references } : {}) };
}

async function request(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new RegistryCallError(`cannot reach the schema registry at ${base}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a body that is not JSON is shown as it is
  }
  if (!res.ok) {
    const e = parsed as { error_code?: number; message?: string };
    throw new RegistryCallError(e?.error_code ? `${e.error_code} ${e.message}` : `HTTP ${res.status}: ${text}`);
  }
  return parsed;
}
