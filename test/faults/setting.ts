// The fault suites (test/faults/) run in two settings: a short one inside
// `npm test`, and a long one with `npm run test:faults` (FAULTS=long), which
// repeats each fault many more times. Every suite prints what it tried and what
// it found, so a run's log is its report.

/** True under `npm run test:faults`. */
export const LONG = process.env.FAULTS === 'long';

/** `short` inside `npm test`, `long` under `npm run test:faults`. */
export function scaled<T>(short: T, long: T): T {
  return LONG ? long : short;
}

/** Prints one line of a suite's report, e.g. `report('sigkill', { kills: 20, lost: 0 })`, and returns it. */
export function report(suite: string, figures: Record<string, string | number | boolean>): string {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`);
  const line = `[faults:${suite}] ${parts.join(' ')}`;
  console.log(line);
  return line;
}
