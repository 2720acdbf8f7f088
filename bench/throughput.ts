/**
 * 1. Batch throughput: batches of 10 against the local DataZone endpoint with 50 ms of added latency. The worker's
 * bundle (RECORD_CONCURRENCY 10, a client-side rate that is never the bottleneck) drains 200 batches after one
 * warm-up batch, like a container working through a backlog; the baseline's bundle starts the same runs one record
 * after another with the same SDK client type, endpoint, latency and records. The verdict is the whole drain; its
 * first and last 20 batches are diagnostics (V8 still compiling the hot code, and settled).
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type BuiltBundle, type Bundles, buildSequentialBundle } from '../tools/bundles.js';
import { type BatchPhases, medianPhases } from './batch-phases.js';
import { runChild } from './children.js';
import { startEndpoints, workerEnv } from './endpoints.js';
import { assetRevisions, benchCatalog, sqsBatches } from './fixtures.js';
import { type OtherLoad, otherLoad } from './machine-load.js';
import { fixed, median, spread } from './stats.js';
import {
  cpuPerBatchMs,
  drainOf,
  recordsPerSecond,
  type ThroughputRun,
  type ThroughputWindow,
} from './throughput-windows.js';
import { batchTimeline, sequentialGapMs } from './timeline.js';
import { type BenchContext, type BenchmarkResult, meeting } from './types.js';
import type { CommitWorker } from './worker-at-commit.js';

const LATENCY_MS = 50;
const BATCH_SIZE = 10;
const WARM_UP_BATCHES = 1;
/** Windows of a drain: the worker's sides drain 10 of them (200 batches), the baseline 2. */
const WINDOWS = { drain: 10, baseline: 2 };
const SETTINGS = { recordConcurrency: 10, requestsPerSecond: 1000, burst: 10 };
/** Issue 13: at least 9x sequential (10x is the limit for a batch of 10). */
const TARGET = 9;
/**
 * The worker and the baseline; then two diagnostics with no target: `quiet`, the worker with
 * POWERTOOLS_LOG_LEVEL=WARN (no line per record), and `bare`, the bare handler (records at once, no worker code).
 */
const SIDES = ['worker', 'baseline', 'quiet', 'bare'] as const;
/** `compare`: the worker's bundle at another commit (`--compare`), a diagnostic beside the others. */
type Side = (typeof SIDES)[number] | 'compare';

interface SideSetup {
  readonly bundle: BuiltBundle;
  readonly windows: number;
  readonly env?: Readonly<Record<string, string>>;
}

export async function throughput(
  ctx: BenchContext,
  bundles: Bundles,
  compare?: CommitWorker,
): Promise<BenchmarkResult> {
  const windowBatches = ctx.quick ? 3 : 20;
  const drainBatches = WINDOWS.drain * windowBatches;
  const sequential = await buildSequentialBundle(join(ctx.tmpDir, 'bundles'));
  const setups: Record<Side, SideSetup | undefined> = {
    worker: { bundle: bundles.worker, windows: WINDOWS.drain },
    baseline: { bundle: sequential, windows: WINDOWS.baseline },
    quiet: { bundle: bundles.worker, windows: WINDOWS.drain, env: { POWERTOOLS_LOG_LEVEL: 'WARN' } },
    bare: { bundle: bundles.bare, windows: WINDOWS.drain },
    compare: compare === undefined ? undefined : { bundle: compare.bundle, windows: WINDOWS.drain },
  };
  const sides = compare === undefined ? [...SIDES] : [...SIDES, 'compare' as const];
  const revisions = assetRevisions((WARM_UP_BATCHES + drainBatches) * BATCH_SIZE);
  const batchesFile = join(ctx.tmpDir, 'throughput-batches.json');
  await writeFile(batchesFile, JSON.stringify(sqsBatches(revisions, BATCH_SIZE)));
  const endpoints = await startEndpoints(benchCatalog(revisions.length), { latencyMs: LATENCY_MS });
  const perSecond: Record<Side, number[]> = { worker: [], baseline: [], quiet: [], bare: [], compare: [] };
  const firstPerSecond = { worker: [] as number[], baseline: [] as number[] };
  const lastPerSecond = { worker: [] as number[], baseline: [] as number[] };
  const ratios: number[] = [];
  const firstRatios: number[] = [];
  const lastRatios: number[] = [];
  const quietRatios: number[] = [];
  const bareRatios: number[] = [];
  const compareRatios: number[] = [];
  /** Today's worker against the worker at the compared commit, repetition by repetition. */
  const todayAgainstCompare: number[] = [];
  const workerCpuPerBatch = { first: [] as number[], last: [] as number[] };
  const workerPeriodMs: number[] = [];
  const workerIdleMs: number[] = [];
  const baselineGapMs: number[] = [];
  const latencyMs: number[] = [];
  const loads = { worker: [] as OtherLoad[], baseline: [] as OtherLoad[] };
  const phases: Record<Exclude<Side, 'baseline'>, BatchPhases[]> = {
    worker: [],
    quiet: [],
    bare: [],
    compare: [],
  };
  /** The handling process's CPU time per drained batch (ms), for the sides that handle a batch at once. */
  const drainCpuPerBatchMs = { worker: [] as number[], bare: [] as number[], compare: [] as number[] };
  try {
    for (let repetition = 0; repetition < ctx.repetitions; repetition++) {
      const measured: Partial<Record<Side, ReturnType<typeof drainOf>>> = {};
      // The order rotates from one repetition to the next, so that no side always runs first.
      const order = sides.map((_, index) => sides[(index + repetition) % sides.length] ?? 'worker');
      for (const side of order) {
        const setup = setups[side];
        if (setup === undefined) continue;
        endpoints.datazone.reset();
        const parentCpuAtStart = process.cpuUsage();
        const { result } = await runChild<ThroughputRun>(
          'bench/child-throughput.ts',
          [
            setup.bundle.path,
            side === 'baseline' ? 'no-phases' : 'phases',
            batchesFile,
            String(WARM_UP_BATCHES),
            ...Array.from({ length: setup.windows }, () => String(windowBatches)),
          ],
          {
            tsx: true,
            nodeFlags: ['--enable-source-maps'],
            env: { ...endpoints.env, ...workerEnv(SETTINGS), ...setup.env },
          },
        );
        const parentCpu = process.cpuUsage(parentCpuAtStart);
        const run = drainOf(result);
        measured[side] = run;
        // The parent's CPU time covers the child's whole life, warm-up included: a slight overcount.
        const load = otherLoad(run.drain, (parentCpu.user + parentCpu.system) / 1000, availableParallelism());
        if (load !== undefined && (side === 'worker' || side === 'baseline')) loads[side].push(load);
        const handled = (WARM_UP_BATCHES + setup.windows * windowBatches) * BATCH_SIZE;
        const summary = endpoints.datazone.summary();
        // Same work on every side: one new run per record, no failure, no other call.
        if (result.failures !== 0 || summary.runs !== handled || summary.requests !== handled) {
          throw new Error(`throughput ${side}: unexpected outcome ${JSON.stringify({ result, summary })}`);
        }
        const requests = endpoints.datazone.requests;
        const warmUpRequests = WARM_UP_BATCHES * BATCH_SIZE;
        if (side === 'baseline') baselineGapMs.push(sequentialGapMs(requests, warmUpRequests));
        else if (run.drain.phases !== undefined) phases[side].push(run.drain.phases);
        if (side === 'worker') {
          const timeline = batchTimeline(requests, BATCH_SIZE, WARM_UP_BATCHES);
          workerPeriodMs.push(timeline.batchPeriodMs);
          workerIdleMs.push(timeline.idleAfterBatchMs);
          workerCpuPerBatch.first.push(cpuPerBatchMs(run.first));
          workerCpuPerBatch.last.push(cpuPerBatchMs(run.last));
        }
        if (side === 'worker' || side === 'bare' || side === 'compare') {
          drainCpuPerBatchMs[side].push(cpuPerBatchMs(run.drain));
        }
        latencyMs.push(
          median(requests.slice(warmUpRequests).map((r) => (r.respondedAt ?? r.receivedAt) - r.receivedAt)),
        );
        perSecond[side].push(recordsPerSecond(run.drain));
        if (side === 'worker' || side === 'baseline') {
          firstPerSecond[side].push(recordsPerSecond(run.first));
          lastPerSecond[side].push(recordsPerSecond(run.last));
        }
      }
      const against = (side: Side, pick: (run: ReturnType<typeof drainOf>) => ThroughputWindow) => {
        const sideRun = measured[side];
        const baselineRun = measured.baseline;
        if (sideRun === undefined || baselineRun === undefined) return Number.NaN;
        return recordsPerSecond(pick(sideRun)) / recordsPerSecond(pick(baselineRun));
      };
      ratios.push(against('worker', (run) => run.drain));
      firstRatios.push(against('worker', (run) => run.first));
      lastRatios.push(against('worker', (run) => run.last));
      quietRatios.push(against('quiet', (run) => run.drain));
      bareRatios.push(against('bare', (run) => run.drain));
      if (compare !== undefined) {
        compareRatios.push(against('compare', (run) => run.drain));
        todayAgainstCompare.push((ratios.at(-1) ?? Number.NaN) / (compareRatios.at(-1) ?? Number.NaN));
      }
      const workerLoad = loads.worker.at(-1);
      ctx.log(
        `  throughput ${repetition + 1}/${ctx.repetitions}: ratio ${fixed(ratios.at(-1) ?? Number.NaN)} ` +
          `(first ${windowBatches} batches ${fixed(firstRatios.at(-1) ?? Number.NaN)}, last ` +
          `${fixed(lastRatios.at(-1) ?? Number.NaN)})` +
          (workerLoad === undefined ? '' : ` (during the worker's run: ${describeLoad(workerLoad)})`),
      );
    }
  } finally {
    await endpoints.close();
  }
  const ratio = median(ratios);
  const baselineBatches = WINDOWS.baseline * windowBatches;
  const inside = {
    worker: medianPhases(phases.worker),
    quiet: medianPhases(phases.quiet),
    bare: medianPhases(phases.bare),
  };
  const answersMs = (side: BatchPhases) => side.lastAnswerMs - side.firstAnswerMs;
  const windowRow = (
    which: string,
    perSide: { worker: number[]; baseline: number[] },
    sideRatios: number[],
  ) => ({
    measure:
      `diagnostic: the same, the drain’s ${which} ${windowBatches} batches against the baseline’s ${which} ` +
      `${windowBatches} (of its ${baselineBatches})`,
    worker: fixed(median(perSide.worker), 1),
    baseline: fixed(median(perSide.baseline), 1),
    ratio: `${fixed(median(sideRatios), 3)}x`,
    target: 'no target',
    pass: undefined,
  });
  const drainRow = (measure: string, rates: number[], sideRatios: number[]) => ({
    measure,
    worker: fixed(median(rates), 1),
    baseline: fixed(median(perSecond.baseline), 1),
    ratio: `${fixed(median(sideRatios), 3)}x`,
    target: 'no target',
    pass: undefined,
  });
  return {
    id: 'throughput',
    title: 'Batch throughput',
    rows: [
      {
        measure:
          `records/s, a drain of ${drainBatches} batches of ${BATCH_SIZE} after ${WARM_UP_BATCHES} warm-up ` +
          `batch, +${LATENCY_MS} ms latency`,
        worker: fixed(median(perSecond.worker), 1),
        baseline: fixed(median(perSecond.baseline), 1),
        ratio: `${fixed(ratio, 3)}x`,
        target: `≥ ${TARGET}x`,
        pass: ratio >= TARGET,
        repetitionsMeeting: meeting(ratios, (r) => r >= TARGET),
      },
      windowRow('first', firstPerSecond, firstRatios),
      windowRow('last', lastPerSecond, lastRatios),
      drainRow(
        'diagnostic: the same drain, worker logs at WARN (no line per record)',
        perSecond.quiet,
        quietRatios,
      ),
      drainRow(
        'diagnostic: the same drain, bare handler (records at once, no worker code)',
        perSecond.bare,
        bareRatios,
      ),
      ...(compare === undefined
        ? []
        : [
            drainRow(
              `diagnostic: the same drain, the worker at ${commitLabel(compare)}`,
              perSecond.compare,
              compareRatios,
            ),
            todayAgainstCommitRow(compare, todayAgainstCompare),
          ]),
      againstBareHandler(
        'diagnostic: CPU time per batch of the drain (ms, the handling process, batch phase recording included)',
        median(drainCpuPerBatchMs.worker),
        median(drainCpuPerBatchMs.bare),
      ),
      againstBareHandler(
        'diagnostic: reading a batch’s ten answers, first to last (ms, inside the process)',
        answersMs(inside.worker),
        answersMs(inside.bare),
      ),
    ],
    details: [
      `Each side is a handler bundle built with the stack’s esbuild options (the worker’s as deployed), run in its ` +
        'own fresh `node --enable-source-maps` process as Lambda runs it (the harness around it is TypeScript, ' +
        'loaded with tsx; the bundle is imported as built), which feeds it one batch of ' +
        `${BATCH_SIZE} after the other like one Lambda container, against the local DataZone endpoint in the ` +
        `parent process with ${LATENCY_MS} ms added to every request. The worker drains ${WARM_UP_BATCHES} ` +
        `warm-up batch, not timed, then ${drainBatches} batches (${drainBatches * BATCH_SIZE} records), timed as ` +
        `one drain in windows of ${windowBatches}. The verdict is the whole drain; nothing in it is left out. The ` +
        'endpoint is reset before each side, so each record starts a new run; the order of the sides rotates from ' +
        'one repetition to the next.',
      `Baseline: bench/sequential-handler.ts, \`new DataZoneClient({})\`, each record parsed and started with ` +
        '`StartMetadataGenerationRun` and a SHA-256 client token, one record after another. It drains ' +
        `${WARM_UP_BATCHES} warm-up batch and ${baselineBatches} batches (${baselineBatches * BATCH_SIZE} records): ` +
        `a drain of ${drainBatches} would take ${fixed((drainBatches * BATCH_SIZE) / median(perSecond.baseline), 0)} s ` +
        'per repetition, and its rate hardly moves along a drain (it waits on the latency almost all the time): ' +
        `first ${windowBatches} batches ${fixed(median(firstPerSecond.baseline), 2)} records/s, last ` +
        `${fixed(median(lastPerSecond.baseline), 2)}.`,
      `Worker: the worker’s bundle with RECORD_CONCURRENCY=${SETTINGS.recordConcurrency}, ` +
        `DATAZONE_REQUESTS_PER_SECOND=${SETTINGS.requestsPerSecond}, DATAZONE_BURST=${SETTINGS.burst} ` +
        '(a batch of 10 never waits for the client-side rate limit), logs at INFO.',
      'Checked after each side: no failed record, exactly one request and one new run per record.',
      `Worker records/s: ${spread(perSecond.worker, 1)}; baseline: ${spread(perSecond.baseline, 1)}; ` +
        `ratio per repetition: ${ratios.map((r) => fixed(r)).join(', ')}.`,
      `Along the drain: right after the warm-up batch V8 is still compiling the worker’s hot code, on background ` +
        'threads whose CPU time the process pays, and a CPU-bound batch is longer until it is done. The worker’s ' +
        `CPU time per batch: first ${windowBatches} batches ${fixed(median(workerCpuPerBatch.first))} ms, last ` +
        `${fixed(median(workerCpuPerBatch.last))} ms (medians). Ratio per repetition, first ${windowBatches} ` +
        `batches: ${firstRatios.map((r) => fixed(r)).join(', ')}; last: ${lastRatios.map((r) => fixed(r)).join(', ')}.`,
      'Diagnostics (not targets), in the same repetitions against the same baselines: the worker with ' +
        'POWERTOOLS_LOG_LEVEL=WARN, which drops its one INFO line per record (ratios ' +
        `${quietRatios.map((r) => fixed(r)).join(', ')}), and the bare handler of the cold start benchmark ` +
        '(bench/bare-handler.ts: parse, token, StartMetadataGenerationRun for all records of the batch at once, ' +
        `nothing else; ratios ${bareRatios.map((r) => fixed(r)).join(', ')}).`,
      `Timeline at the endpoint (medians): a request is answered after ${fixed(median(latencyMs), 1)} ms; ` +
        `the worker starts a batch every ${fixed(median(workerPeriodMs), 1)} ms, of which ` +
        `${fixed(median(workerIdleMs), 1)} ms pass between the batch’s last response and the next batch’s first ` +
        'request (its CPU work on the batch: responses, outcomes, logs, metrics, then the next batch’s parsing, ' +
        `serialising and signing, all on one thread); the baseline takes ${fixed(median(baselineGapMs), 1)} ms ` +
        'from a response to its next request. The ratio is bounded by ' +
        '10 × (latency + baseline gap) / (batch period).',
      `Inside a batch (the child's clock from the handler's start, Node's HTTP client diagnostics channels; ` +
        `medians of each window's median batch): ${describePhases('worker', inside.worker)}; ` +
        `${describePhases('worker at WARN', inside.quiet)}; ${describePhases('bare handler', inside.bare)}. ` +
        'The requests of a batch leave within a few milliseconds, so their answers come back as close together; ' +
        'what separates the sides is the CPU ' +
        'work on the answers (the SDK reading each one, then the record’s outcome, log line and metrics), done ' +
        'one answer after another on one thread, and what the handler does after the last one.',
      `CPU time per batch (process.cpuUsage of the handling process around the drain, divided by its batches): ` +
        `worker ${drainCpuPerBatchMs.worker.map((ms) => fixed(ms)).join(', ')} ms; bare handler ` +
        `${drainCpuPerBatchMs.bare.map((ms) => fixed(ms)).join(', ')} ms. What is on the batch’s critical path (the ` +
        'work before its first request leaves and after its first answer comes back) lengthens the period; the ' +
        'rest is done while the requests are on the way, on this machine. On Lambda at 512 MB (about a third of ' +
        'a vCPU) every millisecond of it counts against the function’s share.',
      ...(compare === undefined
        ? []
        : [
            `The worker at ${compare.ref} (${compare.commit}): its src/ from git, bundled with today’s options ` +
              `and packages, run like the worker. Ratios per repetition: ${compareRatios.map((r) => fixed(r)).join(', ')}; ` +
              `today’s worker against it: ${todayAgainstCompare.map((r) => fixed(r, 3)).join(', ')}; CPU time per ` +
              `batch ${drainCpuPerBatchMs.compare.map((ms) => fixed(ms)).join(', ')} ms.`,
          ]),
      loadDetail(loads),
    ],
  };
}

function commitLabel(compare: CommitWorker): string {
  const short = compare.commit.slice(0, 7);
  return compare.commit.startsWith(compare.ref) ? short : `${compare.ref} (${short})`;
}

/** Today's worker against the worker at another commit, the two drained in the same repetitions. */
function todayAgainstCommitRow(compare: CommitWorker, todayAgainst: readonly number[]) {
  return {
    measure: `diagnostic: today’s worker against the worker at ${commitLabel(compare)}, records/s in the same repetition`,
    worker: fixed(median(todayAgainst), 3),
    baseline: '1 (the same)',
    ratio: `${fixed(median(todayAgainst), 3)}x`,
    target: 'no target',
    pass: undefined,
  };
}

/** A diagnostic row (ms, no target) whose baseline is the bare handler's figure rather than the sequential one. */
function againstBareHandler(measure: string, workerMs: number, bareMs: number) {
  return {
    measure,
    worker: fixed(workerMs, 2),
    baseline: `${fixed(bareMs, 2)} (bare handler)`,
    ratio: `${fixed(workerMs / bareMs, 3)}x`,
    target: 'no target',
    pass: undefined,
  };
}

function describePhases(side: string, phases: BatchPhases): string {
  return (
    `${side}: requests created at ${fixed(phases.firstRequestMs, 2)}–${fixed(phases.lastRequestMs, 2)} ms, ` +
    `answers read at ${fixed(phases.firstAnswerMs, 2)}–${fixed(phases.lastAnswerMs, 2)} ms, ` +
    `handler returned at ${fixed(phases.endMs, 2)} ms`
  );
}

function describeLoad(load: OtherLoad): string {
  return `other processes ${fixed(load.otherCores, 2)} cores, steal ${fixed(load.stealShare * 100, 1)}%`;
}

/** The machine's load that was not the benchmark's own, while each side measured (see machine-load.ts). */
function loadDetail(loads: Record<'worker' | 'baseline', readonly OtherLoad[]>): string {
  if (loads.worker.length === 0) return 'Machine load while measuring: not available (no /proc/stat).';
  const per = (side: readonly OtherLoad[]) => side.map(describeLoad).join('; ');
  return (
    `Machine load while each side measured (/proc/stat, less the child's and the parent's own CPU time; ` +
    `${availableParallelism()} cores): worker runs: ${per(loads.worker)}; baseline runs: ${per(loads.baseline)}. ` +
    'The worker’s side is CPU-bound (its CPU work on a batch adds to the latency) and the baseline’s hardly is, ' +
    'so load from other processes or the hypervisor (steal) lowers the ratio: a repetition with a low ratio and ' +
    'high load measured the machine, not the worker.'
  );
}
