// Which topic a system panel shows: the one the system declares, as the
// processing graph tells it (the names come from the environment: TOPICS_NAME,
// KAFKA_TOPIC), with the default name when the graph names none.
import type { GraphView } from '../../api/types.ts';
import { useLive } from '../client/hooks.ts';

/**
 * The topic a system declares (its first topic in the graph that is not a
 * dead-letter topic), or `fallback` (the default name) when the graph does not
 * name one; null until the graph has answered.
 */
export function useSystemTopic(system: string, fallback: string): string | null {
  const graph = useLive<GraphView>('graph', { live: false });
  if (graph.data === undefined && graph.error === undefined) return null;
  const s = graph.data?.systems.find((x) => x.name === system);
  const dlqs = new Set(graph.data?.deadLetters.map((d) => d.topic) ?? []);
  return s?.nodes.find((n) => n.kind === 'topic' && !dlqs.has(n.name))?.name ?? fallback;
}
