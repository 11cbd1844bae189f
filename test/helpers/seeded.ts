// A small deterministic PRNG (mulberry32) for tests that want the same
// pseudo-random data on every run: a failure replays from its seed.

export type Rng = () => number;

/** Numbers in [0, 1), the same sequence for the same seed. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
