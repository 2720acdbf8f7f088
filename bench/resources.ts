/**
 * 4. Memory and 5. per-record CPU, from the same child runs: each bundle (the worker's and the bare one, built
 * alike) in a fresh plain Node process that processes batches of 10 against a zero-latency local endpoint running
 * in the parent, so that the endpoint's memory and CPU are not counted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundles } from '../tools/bundles.js';
import { runChild } from './children.js';
import { startEndpoints, workerEnv } from './endpoints.js';
import { assetRevisions, benchCatalog, sqsBatches } from './fixtures.js';
import { formatSummary, type ProfileSummary, summariseProfiles } from './profile.js';
import { fixed, median, mib, spread } from './stats.js';
import { type BenchContext, type BenchmarkResult, meeting } from './types.js';

const BATCH_SIZE = 10;
const SETTINGS = { recordConcurrency: 10, requestsPerSecond: 10_000, burst: 10 };
const MEMORY_TARGET = 1.3;
/** Lambda runs the bundle with NODE_OPTIONS=--enable-source-maps (serverless.yml); so do these children. */
export const LAMBDA_NODE_FLAGS = ['--enable-source-maps'];

interface BatchesRun {
  readonly cpuUs: number;
  readonly maxRssKb: number;
  readonly records: number;
  readonly failures: number;
  readonly wallMs: number;
}

type Side = 'worker' | 'bare';

export interface ResourceSamples {
  readonly runs: Record<Side, BatchesRun[]>;
  readonly measuredBatches: number;
  readonly warmUpBatches: number;
  /** Bytes of log lines and metrics the worker wrote to stdout per run (median). */
  readonly workerStdoutBytes: number;
  /** Self time of the measured batches by origin, from one extra profiled run of each side. */
  readonly profiles: Record<Side, ProfileSummary>;
}

export async function sampleResources(ctx: BenchContext, bundles: Bundles): Promise<ResourceSamples> {
  const measuredBatches = ctx.quick ? 10 : 50;
  const warmUpBatches = ctx.quick ? 2 : 5;
  const revisions = assetRevisions((measuredBatches + warmUpBatches) * BATCH_SIZE);
  const batchesFile = join(ctx.tmpDir, 'resource-batches.json');
  await writeFile(batchesFile, JSON.stringify(sqsBatches(revisions, BATCH_SIZE)));
  const endpoints = await startEndpoints(benchCatalog(revisions.length));
  const runs: Record<Side, BatchesRun[]> = { worker: [], bare: [] };
  const stdoutBytes: number[] = [];
  const run = async (side: Side, extraEnv: Record<string, string> = {}) => {
    endpoints.datazone.reset();
    const child = await runChild<BatchesRun>(
      'bench/child-batches.mjs',
      [bundles[side].path, batchesFile, String(warmUpBatches)],
      { nodeFlags: LAMBDA_NODE_FLAGS, env: { ...endpoints.env, ...workerEnv(SETTINGS), ...extraEnv } },
    );
    const summary = endpoints.datazone.summary();
    if (
      child.result.failures !== 0 ||
      summary.runs !== revisions.length ||
      summary.requests !== revisions.length
    ) {
      throw new Error(
        `resources ${side}: unexpected outcome ${JSON.stringify({ run: child.result, summary })}`,
      );
    }
    return child;
  };
  const profiles: Partial<Record<Side, ProfileSummary>> = {};
  try {
    for (let repetition = 0; repetition < ctx.repetitions; repetition++) {
      const order: Side[] = repetition % 2 === 0 ? ['worker', 'bare'] : ['bare', 'worker'];
      for (const side of order) {
        const child = await run(side);
        runs[side].push(child.result);
        if (side === 'worker') stdoutBytes.push(child.stdoutBytes);
      }
      ctx.log(`  memory/cpu ${repetition + 1}/${ctx.repetitions}`);
    }
    for (const side of ['worker', 'bare'] as const) {
      const dir = join(ctx.tmpDir, `profile-${side}`);
      await mkdir(dir, { recursive: true });
      await run(side, { BENCH_CPU_PROFILE: join(dir, 'measured.cpuprofile') });
      profiles[side] = await summariseProfiles(dir, bundles[side].path);
    }
  } finally {
    await endpoints.close();
  }
  const { worker, bare } = profiles;
  if (worker === undefined || bare === undefined) throw new Error('profiles missing');
  return {
    runs,
    measuredBatches,
    warmUpBatches,
    workerStdoutBytes: median(stdoutBytes),
    profiles: { worker, bare },
  };
}

const pairRatios = (samples: ResourceSamples, value: (run: BatchesRun) => number): number[] =>
  samples.runs.worker.map((run, index) => {
    const bare = samples.runs.bare[index];
    return bare === undefined ? Number.NaN : value(run) / value(bare);
  });

const usPerRecord = (run: BatchesRun) => run.cpuUs / run.records;

function commonDetails(samples: ResourceSamples): string[] {
  return [
    `Each repetition runs both bundles (order alternating), each in a fresh \`node --enable-source-maps\` ` +
      `process (as Lambda runs it) that imports the bundle and invokes its handler with ` +
      `${samples.warmUpBatches} warm-up and then ${samples.measuredBatches} measured batches of ${BATCH_SIZE} ` +
      'records, one after the other, against the local DataZone endpoint (no added latency) in the parent ' +
      'process; the endpoint is reset before each run, so every record starts a new run.',
    `Worker settings: RECORD_CONCURRENCY=${SETTINGS.recordConcurrency}, DATAZONE_REQUESTS_PER_SECOND=` +
      `${SETTINGS.requestsPerSecond}, DATAZONE_BURST=${SETTINGS.burst}, logs at INFO (one JSON line per record ` +
      `and EMF metrics per invocation: ${(samples.workerStdoutBytes / 1024).toFixed(0)} KiB per run, drained ` +
      'by the parent).',
    'Bare handler (bench/bare-handler.ts): parses each body and calls StartMetadataGenerationRun with a ' +
      'SHA-256 client token for every record of the batch at once.',
  ];
}

export function memoryResult(samples: ResourceSamples): BenchmarkResult {
  const ratios = pairRatios(samples, (run) => run.maxRssKb);
  const ratio = median(ratios);
  const rss = (side: Side) => samples.runs[side].map((run) => run.maxRssKb);
  return {
    id: 'memory',
    title: 'Memory',
    rows: [
      {
        measure: `peak RSS, ${samples.measuredBatches + samples.warmUpBatches} batches of ${BATCH_SIZE}`,
        worker: mib(median(rss('worker'))),
        baseline: mib(median(rss('bare'))),
        ratio: `${fixed(ratio, 3)}x`,
        target: `≤ ${MEMORY_TARGET}x`,
        pass: ratio <= MEMORY_TARGET,
        repetitionsMeeting: meeting(ratios, (r) => r <= MEMORY_TARGET),
      },
    ],
    details: [
      ...commonDetails(samples),
      'Peak RSS: `process.resourceUsage().maxRSS` of the child at the end (its lifetime peak: import included).',
      `Worker peak RSS (MiB): ${spread(
        rss('worker').map((kb) => kb / 1024),
        1,
      )}; bare: ` +
        `${spread(
          rss('bare').map((kb) => kb / 1024),
          1,
        )}; ratio per repetition: ` +
        `${ratios.map((r) => fixed(r)).join(', ')}.`,
    ],
  };
}

/** A diagnostic row the per-record CPU section shows beside its own, with its method. */
interface ExtraRow {
  readonly row: BenchmarkResult['rows'][number];
  readonly detail: string;
}

export function cpuResult(samples: ResourceSamples, signing?: ExtraRow): BenchmarkResult {
  const ratios = pairRatios(samples, usPerRecord);
  const differences = samples.runs.worker.map((run, index) => {
    const bare = samples.runs.bare[index];
    return bare === undefined ? Number.NaN : usPerRecord(run) - usPerRecord(bare);
  });
  const perRecord = (side: Side) => samples.runs[side].map(usPerRecord);
  return {
    id: 'cpu',
    title: 'Per-record overhead',
    rows: [
      {
        measure: 'CPU time per record (µs), zero-latency endpoint',
        worker: fixed(median(perRecord('worker')), 0),
        baseline: fixed(median(perRecord('bare')), 0),
        ratio: `${fixed(median(ratios))}x`,
        target: 'reported',
        pass: undefined,
      },
      ...(signing === undefined ? [] : [signing.row]),
    ],
    details: [
      ...commonDetails(samples),
      'CPU time: `process.cpuUsage()` (user + system) of the child around the measured batches only, divided ' +
        'by their records: the cost of a record in a warm container, SDK and HTTP client included.',
      `Worker µs/record: ${spread(perRecord('worker'), 0)}; bare: ${spread(perRecord('bare'), 0)}; ` +
        `ratio per repetition: ${ratios.map((r) => fixed(r)).join(', ')}; the worker’s own cost beyond the ` +
        `bare handler: ${fixed(median(differences), 0)} µs per record (median of the per-repetition differences).`,
      'Where the time goes: one extra run of each side, not counted above, with V8’s sampling profiler (the ' +
        'inspector’s Profiler, as `--cpu-prof`) over the measured batches only; samples mapped back through the ' +
        'bundle’s source map and self time summed by package (the worker’s own code by file).',
      `Worker profile: ${formatSummary(samples.profiles.worker)}.`,
      `Bare profile: ${formatSummary(samples.profiles.bare)}.`,
      ...(signing === undefined ? [] : [signing.detail]),
    ],
  };
}
