// Number formatting and fixed-width tables for the bench's printed results.
// MB = 10^6 bytes, GB = 10^9 bytes throughout.

export const MB = 1e6;
export const GB = 1e9;

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Compact: 1.69M, 242k, 950. */
export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return int(n);
}

export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '-';
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

export type Align = 'l' | 'r';

/** A table with a header row, a rule, and columns padded to their widest cell. */
export function table(headers: string[], rows: string[][], align?: Align[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (align?.[i] === 'l' ? text.padEnd(widths[i]!) : text.padStart(widths[i]!));
  const line = (cells: string[]) => cells.map((c, i) => cell(c, i)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map((r) => line(r))].join('\n');
}

export function heading(title: string): string {
  return `\n${title}\n${'='.repeat(title.length)}`;
}
