/** The fleet benchmark's rows and details, from its pairs of drains (over-configured, exactly configured). */
import { EARLY_MS, type FleetRepetition, SETTLED_WITHIN } from './fleet-drain.js';
import type { StudyVariant } from './fleet-variants.js';
import { fixed, median, spread } from './stats.js';
import { type BenchmarkResult, meeting } from './types.js';

const TARGETS = { overThrottledShare: 0.05, overWall: 1.3, exactWall: 1.1, billed: 1.5 };

/** One repetition: the same events drained by the fleet configured too high, and exactly. */
export interface FleetPair {
  readonly over: FleetRepetition;
  readonly exact: FleetRepetition;
}

interface FleetFigures {
  readonly events: number;
  /** The endpoint's quota of each operation, requests per second. */
  readonly rps: number;
  readonly containers: number;
  /** Each container's DATAZONE_REQUESTS_PER_SECOND, configured too high and exactly. */
  readonly overRps: number;
  readonly exactRps: number;
}

type Row = BenchmarkResult['rows'][number];

const share = (part: number, all: number) => (all === 0 ? 0 : part / all);
const throttledShare = (r: FleetRepetition) => share(r.throttles.throttled, r.throttles.calls);
/** A drain that lost events did not finish: its wall ratio meets no target. */
const wallOf = (r: FleetRepetition) => (r.lost === 0 ? r.wallRatio : Number.POSITIVE_INFINITY);
const percent = (value: number) => `${fixed(value * 100, 2)}%`;

function wallRow(side: readonly FleetRepetition[], measure: string, idealS: number, target: number): Row {
  const complete = side.every((r) => r.lost === 0);
  const wall = median(side.map((r) => r.wallRatio));
  return {
    measure,
    worker: `${fixed(median(side.map((r) => r.drainMs / 1000)))}${complete ? '' : ' (events lost)'}`,
    baseline: `${fixed(idealS)} (ideal N/R)`,
    ratio: `${fixed(wall, 3)}x`,
    target: `≤ ${target}x`,
    pass: complete && wall <= target,
    repetitionsMeeting: meeting(side.map(wallOf), (r) => r <= target),
  };
}

/** `3 (1–5) s`, with how many repetitions never settled. */
function settled(side: readonly FleetRepetition[]): string {
  const times = side.flatMap((r) => (r.settledAfterS === undefined ? [] : [r.settledAfterS]));
  const never = side.length - times.length;
  const some = times.length === 0 ? 'never' : `${spread(times, 0)} s`;
  return never > 0 && times.length > 0 ? `${some}; never in ${never}` : some;
}

/** The study's variants of the worker, each in the over-configured fleet: their drains, in order. */
type VariantDrains = ReadonlyMap<StudyVariant, readonly FleetRepetition[]>;

const drainAndThrottles = (side: readonly FleetRepetition[]) =>
  `${fixed(median(side.map(wallOf)), 3)}x ideal · ${percent(median(side.map(throttledShare)))} throttled`;

/** Diagnostic rows: each variant of the worker next to the worker, in the over-configured fleet. */
function variantRows(over: readonly FleetRepetition[], variants: VariantDrains): Row[] {
  return [...variants]
    .filter(([, side]) => side.length > 0)
    .map(([variant, side]) => ({
      measure: `diagnostic: over-configured fleet, the worker with ${variant} (${side.length} drain${side.length === 1 ? '' : 's'}): drain / ideal, throttled`,
      worker: drainAndThrottles(side),
      baseline: `the worker: ${drainAndThrottles(over)}`,
      ratio: `${fixed(median(side.map(wallOf)) / median(over.map(wallOf)), 3)}x`,
      target: 'no target',
      pass: undefined,
    }));
}

export function fleetReport(
  pairs: readonly FleetPair[],
  variants: VariantDrains,
  figures: FleetFigures,
): BenchmarkResult {
  const over = pairs.map((p) => p.over);
  const exact = pairs.map((p) => p.exact);
  const idealS = figures.events / figures.rps;
  const overShare = median(over.map(throttledShare));
  const billedRatios = pairs.map((p) => p.over.billedMsPerEvent / p.exact.billedMsPerEvent);
  const billed = median(billedRatios);
  const earlyS = EARLY_MS / 1000;
  const { containers, rps } = figures;
  return {
    id: 'fleet',
    title: 'A fleet sharing one quota',
    rows: [
      {
        measure: `over-configured fleet (${containers} × ${figures.overRps}/s, quota R=${rps}/s): throttled / all calls`,
        worker: percent(overShare),
        baseline: '0%',
        ratio: '—',
        target: `≤ ${TARGETS.overThrottledShare * 100}%`,
        pass: overShare <= TARGETS.overThrottledShare,
        repetitionsMeeting: meeting(over.map(throttledShare), (s) => s <= TARGETS.overThrottledShare),
      },
      wallRow(
        over,
        `over-configured fleet: wall time to drain ${figures.events} events (s)`,
        idealS,
        TARGETS.overWall,
      ),
      wallRow(
        exact,
        `exactly configured fleet (${containers} × ${figures.exactRps}/s): wall time to drain (s)`,
        idealS,
        TARGETS.exactWall,
      ),
      {
        measure: 'billed function time per event, over-configured vs exactly configured (ms)',
        worker: fixed(median(over.map((r) => r.billedMsPerEvent)), 1),
        baseline: fixed(median(exact.map((r) => r.billedMsPerEvent)), 1),
        ratio: `${fixed(billed, 3)}x`,
        target: `≤ ${TARGETS.billed}x`,
        pass: billed <= TARGETS.billed,
        repetitionsMeeting: meeting(billedRatios, (r) => r <= TARGETS.billed),
      },
      {
        measure: `diagnostic: over-configured, throttled in the first ${earlyS} s / after`,
        worker:
          `${percent(median(over.map((r) => share(r.throttles.early.throttled, r.throttles.early.calls))))} / ` +
          percent(median(over.map((r) => share(r.throttles.late.throttled, r.throttles.late.calls)))),
        baseline: '0% / 0%',
        ratio: '—',
        target: 'no target',
        pass: undefined,
      },
      {
        measure: `diagnostic: over-configured, time until the admitted rate stays within ${SETTLED_WITHIN * 100}% of R`,
        worker: settled(over),
        baseline: `exactly configured: ${settled(exact)}`,
        ratio: '—',
        target: 'no target',
        pass: undefined,
      },
      ...variantRows(over, variants),
    ],
    details: [...fleetDetails(pairs, figures), ...variantDetails(variants)],
  };
}

function fleetDetails(pairs: readonly FleetPair[], figures: FleetFigures): string[] {
  const over = pairs.map((p) => p.over);
  const exact = pairs.map((p) => p.exact);
  const { containers, rps } = figures;
  const list = (side: readonly FleetRepetition[], pick: (r: FleetRepetition) => number | string) =>
    side.map(pick).join(', ');
  const perRepetition = (name: string, side: readonly FleetRepetition[]) =>
    `${name}, per repetition (${side.length}): drain ${list(side, (r) => fixed(r.drainMs / 1000))} s; calls ` +
    `${list(side, (r) => r.throttles.calls)}; throttled ${list(side, (r) => r.throttles.throttled)} ` +
    `(first ${EARLY_MS / 1000} s: ${list(side, (r) => `${r.throttles.early.throttled}/${r.throttles.early.calls}`)}); ` +
    `billed ${list(side, (r) => fixed(r.billedMsPerEvent, 1))} ms/event; invocations ` +
    `${list(side, (r) => r.invocations)}; records handed back ${list(side, (r) => r.handedBack)}; events without ` +
    `a run ${list(side, (r) => r.lost)}${side.some((r) => r.stoppedBy) ? ` (stopped: ${list(side, (r) => r.stoppedBy ?? '—')})` : ''}.`;
  const first = pairs[0];
  return [
    `${figures.events} "New Asset Version Available" events carrying their revision (one StartMetadataGenerationRun ` +
      'each, no GetAsset: the quota of one operation is what the fleet shares; the per-operation benchmark covers ' +
      'several), put in the local source queue before each drain.',
    `Endpoint: the local DataZone in the parent process, one token bucket per operation, each R=${rps} requests/s ` +
      `with a burst of ${rps / 10}, shared by every container; 429 ThrottlingException beyond it. Reset before ` +
      'each drain.',
    `Fleet: ${containers} containers in one child (bench/child-fleet.ts, the event-source loop with concurrency ` +
      `${containers}): each poller has its own container, a module instance of the worker with its own clients, ` +
      'request budget and adaptation, as Lambda’s. One process rather than four: the containers then share a ' +
      'clock and the 2-core machine runs one Node besides the endpoints’; at R requests/s the CPU is far from ' +
      'a bound. Batch size 10, batching window 5 s, function timeout 60 s, RECORD_CONCURRENCY=10.',
    `Configured: over = DATAZONE_REQUESTS_PER_SECOND=${figures.overRps} per container (${figures.overRps / rps} × R ` +
      `each); exact = ${figures.exactRps} (R / ${containers}). Every other setting at its default. The two ` +
      'drains of a repetition run one after the other, in alternating order.',
    `Wall time: from the loaded containers’ first receive to the last delete, against the ideal N/R = ` +
      `${fixed(figures.events / rps)} s. Checked: one run per event, none twice.`,
    'Billed time: each invocation’s handler duration (the mapping’s receive and deletes excluded), rounded up to ' +
      'the millisecond as Lambda bills, summed over the drain, divided by the events; the ratio is the median of ' +
      'the repetitions’ over / exact.',
    `Settling: Start calls the endpoint admitted in each whole second of the drain, up to the last at whose end ` +
      `every container still had a full batch to do (${containers} × 10 events left); settled at the first ` +
      `second from which every later one is within ${SETTLED_WITHIN * 100}% of R.`,
    perRepetition('Over-configured', over),
    perRepetition('Exactly configured', exact),
    ...(first === undefined
      ? []
      : [
          `Admitted Start calls per second, repetition 1: over-configured ${first.over.admitted.join(' ')}; ` +
            `exactly configured ${first.exact.admitted.join(' ')}.`,
        ]),
  ];
}

function variantDetails(variants: VariantDrains): string[] {
  const drains = [...variants].filter(([, side]) => side.length > 0);
  if (drains.length === 0) return [];
  return [
    'Variants of the worker (bench/fleet-variants.ts), over-configured fleet only, after the worker’s drains of a ' +
      'repetition, in rotating order: sdk-adaptive = a DataZone client in the SDK’s adaptive retry mode ' +
      '(createDataZoneClient’s request handler) and DATAZONE_REQUESTS_PER_SECOND=10000 with a rate that never ' +
      'adapts, so that only the SDK’s limiter paces (the batch breaker and the hand-backs stay); before, aimd-half ' +
      '= the worker with that rate law (bench/rate-variants.ts, as in the convergence study). Composed with ' +
      'composeWorker from loadConfig(env), as worker.ts does. The ratio is the variant’s median drain over the ' +
      'worker’s.',
    ...drains.map(
      ([variant, side]) =>
        `${variant}, per drain: ${side.map((r) => fixed(r.drainMs / 1000)).join(', ')} s; throttled ` +
        `${side.map((r) => `${r.throttles.throttled}/${r.throttles.calls}`).join(', ')}; records handed back ` +
        `${side.map((r) => r.handedBack).join(', ')}; events without a run ${side.map((r) => r.lost).join(', ')}; ` +
        `admitted Start calls per second, first drain: ${side[0]?.admitted.join(' ') ?? '—'}.`,
    ),
  ];
}
