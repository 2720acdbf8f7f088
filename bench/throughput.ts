/**
 * 1. Batch throughput: batches of 10 against the local DataZone endpoint with 50 ms of added latency. The real
 * handler (RECORD_CONCURRENCY 10, a client-side rate that is never the bottleneck) against a baseline that starts
 * the same runs one record after another with the same SDK client type, endpoint, latency and records. Each side
 * measures two windows of batches in one process: the first right after one warm-up batch, while V8 still compiles
 * the hot code, and the steady one after it, which is what a container draining a queue runs in.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type BatchPhases, medianPhases } from './batch-phases.js';
import { runChild } from './children.js';
import { startEndpoints, workerEnv } from './endpoints.js';
import { assetRevisions, benchCatalog, sqsBatches } from './fixtures.js';
import { type MeasuredWindow, type OtherLoad, otherLoad } from './machine-load.js';
import { fixed, median, spread } from './stats.js';
import { batchTimeline, sequentialGapMs } from './timeline.js';
import { type BenchContext, type BenchmarkResult, meeting } from './types.js';

const LATENCY_MS = 50;
const BATCH_SIZE = 10;
const WARM_UP_BATCHES = 1;
/** The windows each side measures, in this order; the verdict and the diagnostics are the steady window's. */
const WINDOWS = ['early', 'steady'] as const;
type Window = (typeof WINDOWS)[number];
const SETTINGS = { recordConcurrency: 10, requestsPerSecond: 1000, burst: 10 };
/** Issue 13: at least 9x sequential (10x is the limit for a batch of 10; the bare handler reaches about 9.1x). */
const TARGET = 9;
/**
 * The worker and the baseline; then two diagnostics with no target: `quiet`, the worker with
 * POWERTOOLS_LOG_LEVEL=WARN (no line per record), and `bare`, the bare handler (records at once, no worker code).
 */
const MODES = ['worker', 'baseline', 'quiet', 'bare'] as const;
type Mode = (typeof MODES)[number];

interface ThroughputWindow extends MeasuredWindow {
  readonly records: number;
  /** Inside the window's median batch (not for the baseline). */
  readonly phases?: BatchPhases;
}

interface ThroughputRun {
  readonly failures: number;
  /** One per window of WINDOWS, in its order. */
  readonly windows: readonly ThroughputWindow[];
}

export async function throughput(ctx: BenchContext): Promise<BenchmarkResult> {
  const measuredBatches = ctx.quick ? 3 : 20;
  const windowBatches = WINDOWS.map(() => String(measuredBatches));
  /** Batches before the steady window: the warm-up and the early window. */
  const beforeSteady = WARM_UP_BATCHES + measuredBatches;
  const revisions = assetRevisions((WARM_UP_BATCHES + WINDOWS.length * measuredBatches) * BATCH_SIZE);
  const batchesFile = join(ctx.tmpDir, 'throughput-batches.json');
  await writeFile(batchesFile, JSON.stringify(sqsBatches(revisions, BATCH_SIZE)));
  const endpoints = await startEndpoints(benchCatalog(revisions.length), { latencyMs: LATENCY_MS });
  const perSecond = {
    worker: [] as number[],
    baseline: [] as number[],
    quiet: [] as number[],
    bare: [] as number[],
  };
  const quietRatios: number[] = [];
  const bareRatios: number[] = [];
  const ratios: number[] = [];
  /** The worker against the baseline in the early window, right after the warm-up batch. */
  const earlyRatios: number[] = [];
  const earlyPerSecond = { worker: [] as number[], baseline: [] as number[] };
  const earlyWorkerCpuPerBatchMs: number[] = [];
  const workerPeriodMs: number[] = [];
  const workerIdleMs: number[] = [];
  const baselineGapMs: number[] = [];
  const latencyMs: number[] = [];
  const loads = { worker: [] as OtherLoad[], baseline: [] as OtherLoad[] };
  const phases = { worker: [] as BatchPhases[], quiet: [] as BatchPhases[], bare: [] as BatchPhases[] };
  /** The handling process's CPU time per measured batch (ms), for the sides that handle a batch at once. */
  const cpuPerBatchMs = { worker: [] as number[], bare: [] as number[] };
  try {
    for (let repetition = 0; repetition < ctx.repetitions; repetition++) {
      const rates: Partial<Record<Mode, number>> = {};
      const earlyRates: Partial<Record<Mode, number>> = {};
      // The order rotates from one repetition to the next, so that no side always runs first.
      const order = MODES.map((_, index) => MODES[(index + repetition) % MODES.length] ?? 'worker');
      for (const mode of order) {
        endpoints.datazone.reset();
        const env = { ...endpoints.env, ...workerEnv(SETTINGS) };
        const parentCpuAtStart = process.cpuUsage();
        const { result } = await runChild<ThroughputRun>(
          'bench/child-throughput.ts',
          [mode === 'quiet' ? 'worker' : mode, batchesFile, String(WARM_UP_BATCHES), ...windowBatches],
          { tsx: true, env: mode === 'quiet' ? { ...env, POWERTOOLS_LOG_LEVEL: 'WARN' } : env },
        );
        const parentCpu = process.cpuUsage(parentCpuAtStart);
        const steady = windowOf(result, 'steady');
        const early = windowOf(result, 'early');
        // The parent's CPU time covers the child's whole life; the steady window's share of it is told apart.
        const parentCpuMs = ((parentCpu.user + parentCpu.system) / 1000) * steadyShare(result);
        const load = otherLoad(steady, parentCpuMs, availableParallelism());
        if (load !== undefined && (mode === 'worker' || mode === 'baseline')) loads[mode].push(load);
        const summary = endpoints.datazone.summary();
        // Same work on both sides: one new run per record, no failure, no other call.
        if (
          result.failures !== 0 ||
          summary.runs !== revisions.length ||
          summary.requests !== revisions.length
        ) {
          throw new Error(`throughput ${mode}: unexpected outcome ${JSON.stringify({ result, summary })}`);
        }
        if (steady.phases !== undefined && mode !== 'baseline') phases[mode].push(steady.phases);
        if (mode === 'worker' || mode === 'bare') cpuPerBatchMs[mode].push(steady.ownCpuMs / measuredBatches);
        const requests = endpoints.datazone.requests;
        const warmUpRequests = beforeSteady * BATCH_SIZE;
        if (mode === 'worker') {
          const timeline = batchTimeline(requests, BATCH_SIZE, beforeSteady);
          workerPeriodMs.push(timeline.batchPeriodMs);
          workerIdleMs.push(timeline.idleAfterBatchMs);
        } else if (mode === 'baseline') {
          baselineGapMs.push(sequentialGapMs(requests, warmUpRequests));
        }
        latencyMs.push(
          median(requests.slice(warmUpRequests).map((r) => (r.respondedAt ?? r.receivedAt) - r.receivedAt)),
        );
        rates[mode] = (steady.records / steady.wallMs) * 1000;
        earlyRates[mode] = (early.records / early.wallMs) * 1000;
        if (mode === 'worker' || mode === 'baseline') earlyPerSecond[mode].push(earlyRates[mode]);
        if (mode === 'worker') earlyWorkerCpuPerBatchMs.push(early.ownCpuMs / measuredBatches);
        perSecond[mode].push(rates[mode]);
      }
      ratios.push((rates.worker ?? Number.NaN) / (rates.baseline ?? Number.NaN));
      earlyRatios.push((earlyRates.worker ?? Number.NaN) / (earlyRates.baseline ?? Number.NaN));
      quietRatios.push((rates.quiet ?? Number.NaN) / (rates.baseline ?? Number.NaN));
      bareRatios.push((rates.bare ?? Number.NaN) / (rates.baseline ?? Number.NaN));
      const workerLoad = loads.worker.at(-1);
      ctx.log(
        `  throughput ${repetition + 1}/${ctx.repetitions}: ratio ${fixed(ratios.at(-1) ?? Number.NaN)} ` +
          `(early window ${fixed(earlyRatios.at(-1) ?? Number.NaN)})` +
          (workerLoad === undefined ? '' : ` (during the worker's run: ${describeLoad(workerLoad)})`),
      );
    }
  } finally {
    await endpoints.close();
  }
  const ratio = median(ratios);
  const records = measuredBatches * BATCH_SIZE;
  const earlyRatio = median(earlyRatios);
  const inside = {
    worker: medianPhases(phases.worker),
    quiet: medianPhases(phases.quiet),
    bare: medianPhases(phases.bare),
  };
  const answersMs = (side: BatchPhases) => side.lastAnswerMs - side.firstAnswerMs;
  return {
    id: 'throughput',
    title: 'Batch throughput',
    rows: [
      {
        measure: `records/s, ${measuredBatches} batches of ${BATCH_SIZE} in steady state, +${LATENCY_MS} ms latency`,
        worker: fixed(median(perSecond.worker), 1),
        baseline: fixed(median(perSecond.baseline), 1),
        ratio: `${fixed(ratio, 3)}x`,
        target: `≥ ${TARGET}x`,
        pass: ratio >= TARGET,
        repetitionsMeeting: meeting(ratios, (r) => r >= TARGET),
      },
      {
        measure: `diagnostic: the same, the ${measuredBatches} batches right after the warm-up batch (V8 still compiling the hot code)`,
        worker: fixed(median(earlyPerSecond.worker), 1),
        baseline: fixed(median(earlyPerSecond.baseline), 1),
        ratio: `${fixed(earlyRatio, 3)}x`,
        target: 'no target',
        pass: undefined,
      },
      {
        measure: 'diagnostic: the same, worker logs at WARN (no line per record)',
        worker: fixed(median(perSecond.quiet), 1),
        baseline: fixed(median(perSecond.baseline), 1),
        ratio: `${fixed(median(quietRatios), 3)}x`,
        target: 'no target',
        pass: undefined,
      },
      {
        measure: 'diagnostic: the same, bare handler (records at once, no worker code)',
        worker: fixed(median(perSecond.bare), 1),
        baseline: fixed(median(perSecond.baseline), 1),
        ratio: `${fixed(median(bareRatios), 3)}x`,
        target: 'no target',
        pass: undefined,
      },
      againstBareHandler(
        'diagnostic: CPU time per batch (ms, the handling process, batch phase recording included)',
        median(cpuPerBatchMs.worker),
        median(cpuPerBatchMs.bare),
      ),
      againstBareHandler(
        'diagnostic: reading a batch’s ten answers, first to last (ms, inside the process)',
        answersMs(inside.worker),
        answersMs(inside.bare),
      ),
    ],
    details: [
      `Each side processes the same ${revisions.length} records in its own fresh process (tsx), one batch of ` +
        `${BATCH_SIZE} after the other like one Lambda container, against the local DataZone endpoint in the ` +
        `parent process with ${LATENCY_MS} ms added to every request: ${WARM_UP_BATCHES} warm-up batch, not ` +
        `timed, then two timed windows of ${measuredBatches} batches (${records} records) each, the early window ` +
        'and the steady one. The verdict and the diagnostics are the steady window’s, what a container that ' +
        'drains a queue runs in; the early window is a diagnostic of its own. The endpoint is reset before each ' +
        'side, so each record starts a new run; the order of the sides rotates from one repetition to the next.',
      'Why two windows: right after the warm-up batch V8 is still compiling the worker’s hot code, on ' +
        'background threads whose CPU time the process pays, and a CPU-bound batch is longer until it is done; ' +
        'the baseline waits on the latency almost all the time. In this run (medians), early window against ' +
        `steady: the worker’s CPU time per batch ${fixed(median(earlyWorkerCpuPerBatchMs))} against ` +
        `${fixed(median(cpuPerBatchMs.worker))} ms, its records/s ${fixed(median(earlyPerSecond.worker), 1)} ` +
        `against ${fixed(median(perSecond.worker), 1)}, the baseline’s ${fixed(median(earlyPerSecond.baseline), 1)} ` +
        `against ${fixed(median(perSecond.baseline), 1)}. Early window ratio per repetition: ` +
        `${earlyRatios.map((r) => fixed(r)).join(', ')}; ${meeting(earlyRatios, (r) => r >= TARGET)[0]} of ` +
        `${earlyRatios.length} meet ${TARGET}x.`,
      `Worker: the real handler (src/functions/worker.ts) with RECORD_CONCURRENCY=${SETTINGS.recordConcurrency}, ` +
        `DATAZONE_REQUESTS_PER_SECOND=${SETTINGS.requestsPerSecond}, DATAZONE_BURST=${SETTINGS.burst} ` +
        '(a batch of 10 never waits for the client-side rate limit), logs at INFO.',
      'Baseline: `new DataZoneClient({})`, the same endpoint, each record parsed and started with ' +
        '`StartMetadataGenerationRun` and a SHA-256 client token, one record after another.',
      'Checked after each side: no failed record, exactly one request and one new run per record.',
      `Worker records/s: ${spread(perSecond.worker, 1)}; baseline: ${spread(perSecond.baseline, 1)}; ` +
        `ratio per repetition: ${ratios.map((r) => fixed(r)).join(', ')}.`,
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
        `medians of each run's median batch): ${describePhases('worker', inside.worker)}; ` +
        `${describePhases('worker at WARN', inside.quiet)}; ${describePhases('bare handler', inside.bare)}. ` +
        'The requests of a batch leave within about a millisecond, so their answers come back as close together; ' +
        'what separates the sides is the CPU ' +
        'work on the answers (the SDK reading each one, then the record’s outcome, log line and metrics), done ' +
        'one answer after another on one thread, and what the handler does after the last one.',
      `CPU time per batch (process.cpuUsage of the handling process around the measured batches, divided by ` +
        `them): worker ${cpuPerBatchMs.worker.map((ms) => fixed(ms)).join(', ')} ms; bare handler ` +
        `${cpuPerBatchMs.bare.map((ms) => fixed(ms)).join(', ')} ms. What is on the batch’s critical path (the ` +
        'work before its first request leaves and after its first answer comes back) lengthens the period; the ' +
        'rest is done while the requests are on the way, on this machine. On Lambda at 512 MB (about a third of ' +
        'a vCPU) every millisecond of it counts against the function’s share.',
      loadDetail(loads),
    ],
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

function windowOf(run: ThroughputRun, window: Window): ThroughputWindow {
  const measured = run.windows[WINDOWS.indexOf(window)];
  if (measured === undefined) throw new Error(`throughput: the child reported no ${window} window`);
  return measured;
}

/** The steady window's share of the child's measured time: the parent's CPU time is counted for it in proportion. */
function steadyShare(run: ThroughputRun): number {
  const total = run.windows.reduce((sum, window) => sum + window.wallMs, 0);
  return total > 0 ? windowOf(run, 'steady').wallMs / total : 1;
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
