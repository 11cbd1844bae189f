// A records/s sparkline for a table cell: a tiny inline SVG with no axes (the
// figure beside it gives the value; the charts with axes are uPlot's).
import type { Series } from '../../api/types.ts';

export function Sparkline(props: { series: Series; width?: number; height?: number; label: string }) {
  const w = props.width ?? 96;
  const h = props.height ?? 22;
  const pts = props.series;
  if (pts.length < 2) return <svg class="spark" width={w} height={h} role="img" aria-label={`${props.label}: no history yet`} />;
  const t0 = pts[0]![0];
  const t1 = pts[pts.length - 1]![0];
  const max = Math.max(...pts.map((p) => p[1]), 1e-9);
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (w - 2) + 1);
  const y = (v: number) => h - 1 - (v / max) * (h - 2);
  const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.label}, peak ${max.toFixed(1)} records/s`}>
      <path d={`${d}L${x(t1).toFixed(1)},${h - 1}L${x(t0).toFixed(1)},${h - 1}Z`} class="spark-fill" />
      <path d={d} class="spark-line" />
    </svg>
  );
}
