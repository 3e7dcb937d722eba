/** A small seeded PRNG (mulberry32), so randomized tests reproduce. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded random choices for generated tests (fuzzing, random frames). */
export class Gen {
  /** The underlying PRNG, values in [0, 1). */
  readonly random: () => number;
  constructor(seed: number) {
    this.random = mulberry32(seed);
  }
  /** An integer in [0, below). */
  int(below: number): number {
    return Math.floor(this.random() * below);
  }
  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.random() < p;
  }
  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Shuffle `items` in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
