// Charts with axes, units and labels, drawn by uPlot: TimeChart for figures
// over time (x: local time), BarChart for one value per name (x: the names).
// The chart follows its box's width (ResizeObserver), so it fits a phone.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** Steps for an axis of whole numbers (messages, requests): 1, 2, 5, 10, 20, 50, … */
const WHOLE_STEPS = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3));

const AXIS = { stroke: '#374151', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d1d5db', width: 1 } };

interface Base {
  /** The y axis label, with its unit: "records/s", "messages", "ms", "%". */
  yLabel: string;
  height?: number;
  /** Formats a y value for the axis and the legend. */
  yFormat?: (v: number) => string;
  /** The values are whole numbers: no 0.5 tick. */
  whole?: boolean;
}

/** Creates the plot once per shape (`shapeKey`), feeds it new data, and destroys it on unmount. */
function usePlot(box: { current: HTMLDivElement | null }, shapeKey: string, options: (width: number) => uPlot.Options, data: uPlot.AlignedData) {
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(200, Math.floor(el.clientWidth));
    const u = new uPlot(options(width()), latest.current, el);
    plot.current = u;
    const observer = new ResizeObserver(() => {
      const w = width();
      if (w !== u.width) u.setSize({ width: w, height: u.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shapeKey]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
}

export interface TimeSeriesLine {
  label: string;
  /** [unix ms, value] points, oldest first. */
  points: [number, number][];
}

/** Lines over time: the series share one x axis (their timestamps merged). */
export function TimeChart(props: Base & { lines: TimeSeriesLine[]; title?: string; bars?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const xs = [...new Set(props.lines.flatMap((l) => l.points.map((p) => p[0])))].sort((a, b) => a - b);
  const data: uPlot.AlignedData = [
    xs.map((t) => t / 1000),
    ...props.lines.map((l) => {
      const at = new Map(l.points);
      return xs.map((t) => at.get(t) ?? null);
    }),
  ];
  const fmt = props.yFormat ?? ((v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : String(Math.round(v * 100) / 100)));
  const shapeKey = `${props.lines.map((l) => l.label).join('\u0000')}|${props.yLabel}|${props.bars ? 1 : 0}`;
  usePlot(
    box,
    shapeKey,
    (width) => ({
      width,
      height: props.height ?? 220,
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      series: [
        { label: 'time' },
        ...props.lines.map((l, i) => ({
          label: l.label,
          stroke: COLORS[i % COLORS.length],
          fill: props.lines.length === 1 ? `${COLORS[0]}22` : undefined,
          width: 1.5,
          spanGaps: !props.bars,
          points: { show: false },
          paths: props.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${fmt(v)} ${props.yLabel}`),
        })),
      ],
      axes: [
        { ...AXIS, label: 'time (local)' },
        { ...AXIS, label: props.yLabel, size: 60, values: (_u, splits) => splits.map(fmt), ...(props.whole ? { incrs: WHOLE_STEPS } : {}) },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    }),
    data,
  );
  return (
    <figure class="chart" aria-label={props.title ?? props.yLabel}>
      {props.title ? <figcaption>{props.title}</figcaption> : null}
      <div ref={box} class="chart-plot" />
    </figure>
  );
}

/** One bar per name: category shares, averages per store. */
export function BarChart(props: Base & { names: string[]; values: number[]; xLabel: string; title?: string; color?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const names = props.names;
  const data: uPlot.AlignedData = [names.map((_, i) => i), props.values];
  const fmt = props.yFormat ?? ((v: number) => String(Math.round(v * 100) / 100));
  const longest = Math.max(...names.map((n) => n.length), 1);
  // About 7 px a character at the axis font, plus a gap.
  const tight = (u: uPlot) => (u.width - 80) / Math.max(names.length, 1) < longest * 7 + 8;
  usePlot(
    box,
    `${names.join('\u0000')}|${props.yLabel}`,
    (width) => ({
      width,
      height: props.height ?? 240,
      scales: {
        x: { time: false, range: () => [-0.5, Math.max(names.length, 1) - 0.5] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      series: [
        { label: props.xLabel, value: (_u: uPlot, v: number | null) => (v === null ? '–' : (names[v] ?? '')) },
        {
          label: props.yLabel,
          stroke: props.color ?? COLORS[0],
          fill: `${props.color ?? COLORS[0]}bb`,
          width: 1,
          points: { show: false },
          paths: uPlot.paths.bars!({ size: [0.7, 80], align: 0 }),
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${fmt(v)} ${props.yLabel}`),
        },
      ],
      axes: [
        {
          ...AXIS,
          label: props.xLabel,
          splits: () => names.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => names[i] ?? ''),
          grid: { show: false },
          // Names slanted when they do not fit side by side (a phone, many categories).
          rotate: (u) => (tight(u) ? -35 : 0),
          size: (u) => (tight(u) ? Math.min(120, 24 + longest * 5) : 40),
        },
        { ...AXIS, label: props.yLabel, size: 60, values: (_u, splits) => splits.map(fmt) },
      ],
      cursor: { drag: { x: false, y: false } },
    }),
    data,
  );
  return (
    <figure class="chart" aria-label={props.title ?? props.yLabel}>
      {props.title ? <figcaption>{props.title}</figcaption> : null}
      <div ref={box} class="chart-plot" />
    </figure>
  );
}
