/** What every benchmark hands the report. */
interface ResultRow {
  readonly measure: string;
  readonly worker: string;
  readonly baseline: string;
  /** Worker against baseline (or against the ideal), median of the repetitions. */
  readonly ratio: string;
  readonly target: string;
  /** undefined: reported, no target. */
  readonly pass: boolean | undefined;
  /** How many repetitions, each on its own, meet the target: [meeting, all]. */
  readonly repetitionsMeeting?: readonly [number, number];
}

/** [how many of `values` meet the target, how many there are]. */
export function meeting(values: readonly number[], meets: (value: number) => boolean): [number, number] {
  return [values.filter(meets).length, values.length];
}

export interface BenchmarkResult {
  readonly id: BenchmarkId;
  readonly title: string;
  readonly rows: readonly ResultRow[];
  /** Markdown lines: settings, the repetitions' raw figures, what was checked. */
  readonly details: readonly string[];
}

export const BENCHMARK_IDS = [
  'throughput',
  'quota',
  'cold-start',
  'memory',
  'cpu',
  'backfill',
  'per-operation',
  'fleet',
  'convergence',
] as const;
export type BenchmarkId = (typeof BENCHMARK_IDS)[number];

export interface BenchContext {
  readonly repetitions: number;
  readonly quick: boolean;
  /** Scratch directory of this run (bundles, batch files, profiles). */
  readonly tmpDir: string;
  readonly log: (line: string) => void;
}
