/**
 * The convergence model's world (fleet-sim.ts): a seeded random source, so that every rate law meets the same
 * jitter, an agenda of timed actions run in time order, and DataZone's quota.
 */

/** Mulberry32: small, seeded, good enough for jitter. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A binary heap of timed actions, earliest first, ties in insertion order. */
export class Agenda {
  private readonly heap: { at: number; order: number; run: () => void }[] = [];
  private order = 0;
  schedule(at: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ at, order: this.order++, run });
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent] as never, heap[i] as never];
      i = parent;
    }
  }
  next(): { at: number; run: () => void } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ; ) {
      const [left, right] = [2 * i + 1, 2 * i + 2];
      let least = i;
      if (left < heap.length && this.before(left, least)) least = left;
      if (right < heap.length && this.before(right, least)) least = right;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least] as never, heap[i] as never];
      i = least;
    }
    return top;
  }
  private before(a: number, b: number): boolean {
    const [x, y] = [this.heap[a], this.heap[b]];
    return x !== undefined && y !== undefined && (x.at < y.at || (x.at === y.at && x.order < y.order));
  }
}

/** What DataZone admits of one operation: a token bucket of `perSecond` with a burst of a tenth of it. */
export class Quota {
  private tokens: number;
  private at = 0;

  constructor(private readonly perSecond: number) {
    this.tokens = this.burst;
  }

  /** Whether a request arriving at `now` is admitted (else throttled). */
  admit(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private get burst(): number {
    return Math.max(1, this.perSecond / 10);
  }
}
