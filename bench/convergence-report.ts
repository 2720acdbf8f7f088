/** The convergence study's rows and details: per scenario and law, the seeds' medians, and which law wins where. */
import { type ConvergenceCell, MODEL, type ModelScenario } from './convergence.js';
import type { ConvergenceFigures } from './convergence-measures.js';
import { SETTLED_WITHIN } from './fleet-drain.js';
import { type RateVariant, VARIANT_NAMES } from './rate-variants.js';
import { fixed, median } from './stats.js';
import type { BenchmarkResult } from './types.js';

/** The seeds' medians; a drain that never settled counts as settling never (infinitely late). */
interface CellMedians {
  readonly drainRatio: number;
  readonly throttledShare: number;
  readonly settledAfterS: number;
  readonly neverSettled: number;
  readonly fairness: number;
}

function mediansOf(seeds: readonly ConvergenceFigures[]): CellMedians {
  const of = (pick: (figures: ConvergenceFigures) => number) => median(seeds.map(pick));
  return {
    drainRatio: of((f) => f.drainRatio),
    throttledShare: of((f) => f.throttledShare),
    settledAfterS: of((f) => f.settledAfterS ?? Number.POSITIVE_INFINITY),
    neverSettled: seeds.filter((f) => f.settledAfterS === undefined).length,
    fairness: of((f) => f.fairness),
  };
}

const finite = (value: number, text: string, otherwise: string) =>
  Number.isFinite(value) ? text : otherwise;

function summary(m: CellMedians, seeds: number): string {
  const settled = finite(m.settledAfterS, `settled after ${fixed(m.settledAfterS, 0)} s`, 'never settled');
  const never = m.neverSettled > 0 ? ` (never in ${m.neverSettled} of ${seeds})` : '';
  return (
    `${finite(m.drainRatio, `${fixed(m.drainRatio)}x`, 'unfinished')} ideal · ${fixed(m.throttledShare * 100, 1)}% ` +
    `throttled · ${settled}${never} · max/min ${finite(m.fairness, fixed(m.fairness), '∞')}`
  );
}

const describe = (scenario: ModelScenario) =>
  `${scenario.name} (${scenario.containers} × ${scenario.configuredPerSecond}/s, R=${MODEL.rps}/s)`;

type Scored = readonly (readonly [RateVariant, CellMedians])[];

/** The laws with the lowest value of one figure, ties included; none when no value is finite. */
function winners(rows: Scored, pick: (m: CellMedians) => number): { laws: RateVariant[]; value: number } {
  const value = Math.min(...rows.map(([, m]) => pick(m)));
  if (!Number.isFinite(value)) return { laws: [], value };
  return { laws: rows.filter(([, m]) => pick(m) <= value * 1.0001 + 1e-9).map(([law]) => law), value };
}

function best(rows: Scored, pick: (m: CellMedians) => number, format: (value: number) => string): string {
  const { laws, value } = winners(rows, pick);
  if (laws.length === 0) return '—';
  return laws.length === rows.length ? `all tie (${format(value)})` : `${laws.join(', ')} (${format(value)})`;
}

function verdicts(cells: readonly ConvergenceCell[], medians: Map<ConvergenceCell, CellMedians>): string[] {
  const scenarios = [...new Set(cells.map((cell) => cell.scenario))];
  const drainWins = new Map<RateVariant, number>();
  const lines = scenarios.map((scenario) => {
    const rows: Scored = cells
      .filter((cell) => cell.scenario === scenario)
      .map((cell) => [cell.variant, medians.get(cell) as CellMedians] as const);
    for (const law of winners(rows, (m) => m.drainRatio).laws)
      drainWins.set(law, (drainWins.get(law) ?? 0) + 1);
    return (
      `Who wins, ${scenario.name}: fastest drain ${best(
        rows,
        (m) => m.drainRatio,
        (v) => `${fixed(v)}x`,
      )}; ` +
      `fewest throttled ${best(
        rows,
        (m) => m.throttledShare,
        (v) => `${fixed(v * 100, 1)}%`,
      )}; ` +
      `settles first ${best(
        rows,
        (m) => m.settledAfterS,
        (v) => `${fixed(v, 0)} s`,
      )}; ` +
      `fairest ${best(
        rows,
        (m) => m.fairness,
        (v) => fixed(v),
      )}.`
    );
  });
  const tally = [...drainWins].map(([law, wins]) => `${law} ${wins}`).join(', ');
  return [...lines, `Fastest drain, scenarios won of ${scenarios.length} (a tie counts for each): ${tally}.`];
}

export function convergenceReport(cells: readonly ConvergenceCell[], seeds: number): BenchmarkResult {
  const medians = new Map(cells.map((cell) => [cell, mediansOf(cell.seeds)]));
  const idealS = MODEL.records / MODEL.rps;
  const rows = cells.map((cell) => {
    const m = medians.get(cell) as CellMedians;
    return {
      measure: `diagnostic, model: ${describe(cell.scenario)}, law ${cell.variant}`,
      worker: summary(m, seeds),
      baseline: `ideal ${fixed(idealS, 0)} s`,
      ratio: finite(m.drainRatio, `${fixed(m.drainRatio, 3)}x`, '—'),
      target: 'no target',
      pass: undefined,
    };
  });
  return {
    id: 'convergence',
    title: 'Convergence study (model, virtual time)',
    rows,
    details: [...convergenceMethod(seeds), ...verdicts(cells, medians), ...timelines(cells)],
  };
}

function convergenceMethod(seeds: number): string[] {
  return [
    'A model, not a measurement: bench/fleet-sim.ts runs a fleet in virtual time (no network, no processes), with ' +
      'the worker’s own TokenBucket, its backoff (src/core/backoff.ts) and defaults, and each law as a ' +
      'RateAdaptation (bench/rate-variants.ts). What it shows is how the laws differ, under the same jitter; the ' +
      'fleet benchmark (previous section) measures the worker itself, and the SDK’s adaptive mode as it is.',
    `Settings: quota R=${MODEL.rps} requests/s with a burst of ${MODEL.rps / 10}, decided when a request arrives; ` +
      `${MODEL.latencyMs} ms round trip; ${MODEL.records} records of one call each (ideal ${MODEL.records / MODEL.rps} s); ` +
      `${seeds} seeds, every figure the seeds’ median.`,
    'Each container as the worker runs: batches of 10 from the mapping (5 s batching window), the next only when ' +
      'every record of the current one is done; the 10 records at once, each reserving a slot of the bucket (not ' +
      'waited for beyond 5 s: handed back, visible again when the slot would have come); a slot voided by a cut ' +
      'reserved again; 3 attempts with full jitter on 100 ms × 2^(n-1) (1 s for the SDK’s adaptive mode), each ' +
      'retry waiting for a slot of its own, within the SDK’s retry quota; after a call’s final throttle the ' +
      'batch’s breaker hands back the records not yet sent, invisible for the worker’s short backoff (5–10 s).',
    `Laws: ${Object.entries(VARIANT_NAMES)
      .map(([variant, name]) => `${variant} = ${name}`)
      .join('; ')}.`,
    'Left out: the SDK adaptive mode’s own bucket (its capacity is one second of its rate and it voids nothing on ' +
      'a cut; here its law drives the worker’s bucket, the real fleet runs the real thing); CPU, network jitter and ' +
      'slow answers (the latency is fixed); the containers’ cold starts (all start at 0, together); the ' +
      'invocation deadline (never near at these rates); the redrive policy; other callers of the quota.',
    `Figures: drain = until the last record’s call is answered, against the ideal; throttled = throttled / all ` +
      `attempts; settled = first second from which every steady second (each container still had a full batch ` +
      `to do) admitted within ${SETTLED_WITHIN * 100}% of R; max/min = most over fewest calls admitted per ` +
      'container over the second half of the steady seconds (1 = even).',
  ];
}

function timelines(cells: readonly ConvergenceCell[]): string[] {
  return cells
    .filter((cell) => cell.scenario.configuredPerSecond > MODEL.rps)
    .map(
      (cell) =>
        `Admitted per second, seed 1, ${cell.scenario.name}, ${cell.variant}: ${cell.firstSeedPerSecond.join(' ')}.`,
    );
}
