// The processing graph view: each system's graph as its app declares it
// (App.graph(): agents, topics, tables and their edges, not guessed from
// traffic), with the sampler's rates on topics and edges and each agent's
// group lag and consumption rate; and the dead-letter topics with their counts.
import type { Console } from './console.js';
import { groupLag } from './snapshot.js';
import { deadLetterTopics } from './topics.js';
import type { GraphEdgeView, GraphNodeView, GraphView } from './types.js';

export async function graphView(c: Console): Promise<GraphView> {
  const snapshot = await c.sampler.current();
  const { sampler } = c;
  const systems = c.services.map((s) => {
    const graph = s.app.graph();
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const topicRate = (id: string) => {
      const n = byId.get(id);
      return n?.kind === 'topic' && snapshot.topics.has(n.name) ? sampler.topicRate(n.name) : null;
    };
    const nodes: GraphNodeView[] = graph.nodes.map((n) => {
      if (n.kind === 'topic') return { ...n, rate: snapshot.topics.has(n.name) ? sampler.topicRate(n.name) : null, lag: null };
      if (n.kind === 'agent') {
        const group = typeof n.details.group === 'string' ? n.details.group : undefined;
        const g = group !== undefined ? snapshot.groups.get(group) : undefined;
        const input = graph.edges.find((e) => e.to === n.id && e.kind === 'reads');
        const inputTopic = input ? byId.get(input.from)?.name : undefined;
        return { ...n, details: plain(n.details), rate: g ? sampler.groupRate(g.group, inputTopic) : null, lag: g ? groupLag(snapshot, g) : null };
      }
      return { ...n, details: plain(n.details), rate: null, lag: null };
    });
    const edges: GraphEdgeView[] = graph.edges.map((e) => ({
      ...e,
      // An edge carries what its topic carries: the rate of the topic it reads or writes.
      rate: e.kind === 'reads' ? topicRate(e.from) : e.kind === 'writes' || e.kind === 'dead-letters' ? topicRate(e.to) : null,
    }));
    return { name: s.name, description: s.description, nodes, edges };
  });
  return { systems, deadLetters: deadLetterTopics(snapshot) };
}

/** Agent stats may hold bigints or Maps: JSON-able copies only. */
function plain(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries(v) : v))) as Record<string, unknown>;
}
