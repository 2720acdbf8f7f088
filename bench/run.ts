/**
 * `npm run bench`: runs the benchmarks and writes docs/benchmarks.md.
 *   --repetitions N   repetitions of each measurement (default 5); every figure is the median
 *   --only a,b        some of: throughput, quota, cold-start, memory, cpu, backfill, per-operation, fleet,
 *                     convergence
 *   --quick           a fast smoke run with small workloads
 *   --out PATH        where to write the report (default docs/benchmarks.md)
 *   --compare REF     the throughput section also drains the worker as it was at commit REF, in the same run
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Bundles, buildBundles, REPO_ROOT } from '../tools/bundles.js';
import { backfill } from './backfill.js';
import { coldStart } from './cold-start.js';
import { convergence } from './convergence.js';
import { fleet } from './fleet.js';
import { perOperation } from './per-operation.js';
import { quota } from './quota.js';
import { renderReport } from './report.js';
import { cpuResult, memoryResult, type ResourceSamples, sampleResources } from './resources.js';
import { signingCost } from './signing.js';
import { throughput } from './throughput.js';
import { BENCHMARK_IDS, type BenchContext, type BenchmarkId, type BenchmarkResult } from './types.js';
import { workerAtCommit } from './worker-at-commit.js';

const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '5' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    compare: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  // The usage is this file's opening comment.
  process.stdout.write(
    [
      'npm run bench -- [options]: runs the benchmarks and writes docs/benchmarks.md',
      '  --repetitions N   repetitions of each measurement (default 5); every figure is the median',
      '  --only a,b        some of: throughput, quota, cold-start, memory, cpu, backfill, per-operation,',
      '                    fleet, convergence',
      '  --quick           a fast smoke run with small workloads (not representative: printed, not written,',
      '                    unless --out says where)',
      '  --out PATH        where to write the report (default docs/benchmarks.md for a full run)',
      '  --compare REF     the throughput section also drains the worker as it was at commit REF (its src/,',
      '                    today’s options and packages), in the same repetitions: a diagnostic',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const repetitions = Number(values.repetitions);
if (!Number.isInteger(repetitions) || repetitions < 1)
  throw new Error('--repetitions must be an integer ≥ 1');
const only = values.only?.split(',').map((id) => id.trim()) ?? [...BENCHMARK_IDS];
const unknown = only.filter((id) => !(BENCHMARK_IDS as readonly string[]).includes(id));
if (unknown.length > 0)
  throw new Error(`--only: unknown ${unknown.join(', ')}; known: ${BENCHMARK_IDS.join(', ')}`);
const selected = new Set(only as BenchmarkId[]);

const startedAt = new Date();
const started = performance.now();
const tmpDir = await mkdtemp(join(tmpdir(), 'datazone-metagen-bench-'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const ctx: BenchContext = { repetitions, quick: values.quick, tmpDir, log };

let bundles: Bundles | undefined;
const getBundles = async () => {
  bundles ??= await buildBundles(join(tmpDir, 'bundles'));
  return bundles;
};
let resources: ResourceSamples | undefined;
const getResources = async () => {
  resources ??= await sampleResources(ctx, await getBundles());
  return resources;
};

const runners: Record<BenchmarkId, () => Promise<BenchmarkResult>> = {
  throughput: async () =>
    throughput(
      ctx,
      await getBundles(),
      values.compare === undefined ? undefined : await workerAtCommit(values.compare, tmpDir),
    ),
  quota: () => quota(ctx),
  'per-operation': () => perOperation(ctx),
  fleet: () => fleet(ctx),
  convergence: () => convergence(ctx),
  'cold-start': async () => coldStart(ctx, await getBundles()),
  memory: async () => memoryResult(await getResources()),
  cpu: async () => cpuResult(await getResources(), await signingCost(repetitions)),
  backfill: () => backfill(ctx),
};

const results: BenchmarkResult[] = [];
try {
  for (const id of BENCHMARK_IDS) {
    if (!selected.has(id)) continue;
    const t0 = performance.now();
    log(`${id}…`);
    results.push(await runners[id]());
    log(`${id}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await rm(tmpDir, { recursive: true, force: true });
}

const args = process.argv.slice(2);
const report = renderReport({
  results,
  repetitions,
  quick: values.quick,
  command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  seconds: (performance.now() - started) / 1000,
  startedAt,
});
log(report);
// A quick run calls itself not representative: it never replaces the committed report unless asked to.
const outPath = values.out ?? (values.quick ? undefined : 'docs/benchmarks.md');
if (outPath === undefined) {
  log('quick run: not written (give --out PATH to keep it)');
} else {
  const out = resolve(REPO_ROOT, outPath);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, report);
  log(`written to ${out}`);
}
