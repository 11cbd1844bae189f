// Where the processing graph's boxes go: columns by depth (the longest path of
// edges from a node nothing feeds), rows in declaration order within a column,
// so data flows left to right. Pure geometry; graph.tsx draws it.
import type { GraphEdgeView, GraphNodeView } from '../../api/types.ts';

export const NODE_W = 180;
export const NODE_H = 48;
const COL_GAP = 90;
const ROW_GAP = 26;
const PAD = 12;

export interface PlacedNode {
  node: GraphNodeView;
  x: number;
  y: number;
}

export interface Layout {
  nodes: PlacedNode[];
  width: number;
  height: number;
  at: Map<string, PlacedNode>;
}

export function layout(nodes: GraphNodeView[], edges: GraphEdgeView[]): Layout {
  const ids = new Set(nodes.map((n) => n.id));
  const live = edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  // Relax the edges at most |nodes| times: enough for any acyclic graph, and a
  // cycle (a table read back by its own agent) stops there instead of growing forever.
  for (let i = 0; i < nodes.length; i++) {
    let moved = false;
    for (const e of live) {
      const d = depth.get(e.from)! + 1;
      if (d > depth.get(e.to)!) {
        depth.set(e.to, d);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const columns = new Map<number, GraphNodeView[]>();
  for (const n of nodes) {
    const d = Math.min(depth.get(n.id)!, nodes.length);
    columns.set(d, [...(columns.get(d) ?? []), n]);
  }
  const order = [...columns.keys()].sort((a, b) => a - b);
  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP;
  const placed: PlacedNode[] = [];
  order.forEach((d, col) => {
    const column = columns.get(d)!;
    const used = column.length * NODE_H + (column.length - 1) * ROW_GAP;
    const top = (height - used) / 2;
    column.forEach((node, row) => placed.push({ node, x: PAD + col * (NODE_W + COL_GAP), y: top + row * (NODE_H + ROW_GAP) }));
  });
  const width = PAD * 2 + order.length * NODE_W + Math.max(0, order.length - 1) * COL_GAP;
  return { nodes: placed, width, height, at: new Map(placed.map((p) => [p.node.id, p])) };
}

/** An edge's curve from the right side of `a` to the left side of `b` (or around, going back), and its label's place. */
export function edgePath(a: PlacedNode, b: PlacedNode): { d: string; lx: number; ly: number } {
  const x1 = a.x + NODE_W;
  const y1 = a.y + NODE_H / 2;
  const x2 = b.x;
  const y2 = b.y + NODE_H / 2;
  if (x2 > x1) {
    const c = (x2 - x1) / 2;
    return { d: `M${x1},${y1} C${x1 + c},${y1} ${x2 - c},${y2} ${x2},${y2}`, lx: (x1 + x2) / 2, ly: (y1 + y2) / 2 - 4 };
  }
  // Backwards (same column or to the left): loop under the boxes.
  const below = Math.max(a.y, b.y) + NODE_H + 18;
  return { d: `M${a.x + NODE_W / 2},${a.y + NODE_H} C${a.x + NODE_W / 2},${below} ${b.x + NODE_W / 2},${below} ${b.x + NODE_W / 2},${b.y + NODE_H}`, lx: (a.x + b.x + NODE_W) / 2, ly: below };
}
