// How figures read on the page: counts with thousands separators, rates,
// byte sizes, durations and times, the same way in every view.
const int = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const dec2 = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

export function num(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : int.format(n);
}

export function decimal(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return (digits === 2 ? dec2 : dec).format(n);
}

export function rate(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : `${n >= 100 ? int.format(n) : dec.format(n)}/s`;
}

export function percent(share: number): string {
  return `${dec.format(share * 100)} %`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? int.format(v) : dec.format(v)} ${units[u]}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${int.format(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${dec.format(s)} s`;
  const m = s / 60;
  if (m < 60) return `${dec.format(m)} min`;
  const h = m / 60;
  if (h < 48) return `${dec.format(h)} h`;
  return `${dec.format(h / 24)} d`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Local date and time to the millisecond, e.g. 2026-12-04 01:30:12.345. */
export function time(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A value for a datetime-local input (local time, to the second). */
export function localInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** JSON on one line, cut to `max` characters for a table cell. */
export function preview(value: unknown, max = 120): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? 'null';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
