// Serves a table over HTTP as a Fastify plugin: `GET <path>` answers the whole
// table (the partitions this instance holds) as an object, `GET <path>/:key`
// one entry, or 404 naming the key.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Table } from './table.js';

export interface TableViewOptions<V, K> {
  /** Route prefix, e.g. `/api/summaries`. */
  path: string;
  /** Turns the URL's key into the table's key (strings pass through). */
  parseKey?: (raw: string) => K;
  /** Shapes an entry for the answer; default: the stored value. */
  present?: (key: K, value: V) => unknown;
  /** Human name of an entry, for the 404 message. Default "key". */
  noun?: string;
}

export function tableView<V, K = string>(table: Table<V, K>, options: TableViewOptions<V, K>): FastifyPluginAsync {
  const parseKey = options.parseKey ?? ((raw: string) => raw as unknown as K);
  const present = options.present ?? ((_key: K, value: V) => value);
  const noun = options.noun ?? 'key';
  const path = options.path.replace(/\/+$/, '');
  return async (app: FastifyInstance) => {
    app.get(path, async () => {
      const out: unknown[] = [];
      for (const [key, value] of table) out.push(present(key, value));
      return out;
    });
    app.get<{ Params: { key: string } }>(`${path}/:key`, async (req, reply) => {
      const key = parseKey(req.params.key);
      if (!table.has(key)) {
        return reply.code(404).send({ error: 'Not Found', message: `no ${noun} "${req.params.key}" in ${table.name}` });
      }
      return present(key, table.get(key) as V);
    });
  };
}
