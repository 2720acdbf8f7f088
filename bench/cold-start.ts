/**
 * 3. Cold start: the size of the built bundle and its module initialisation time (a fresh process that only
 * imports it), against a bare bundle that imports and constructs only the DataZone and SQS clients, built with
 * the same esbuild options (stack/esbuild.cjs, serverless.yml's custom.esbuild).
 */

import { kib, SIZE_TARGET } from '../tools/bundle-size.js';
import { type BuiltBundle, type Bundles, bytesByPackage } from '../tools/bundles.js';
import { lambdaRuntimeEnv } from '../tools/local/runner/worker-environment.js';
import { runChild } from './children.js';
import { FUNCTION_NAME, REGION } from './fixtures.js';
import { LAMBDA_NODE_FLAGS } from './resources.js';
import { fixed, median, spread } from './stats.js';
import type { BenchContext, BenchmarkResult } from './types.js';

const TIME_TARGET = 1.2;

/** The worker's environment at cold start: configuration is parsed at import. */
const IMPORT_ENV = {
  ...lambdaRuntimeEnv(FUNCTION_NAME, REGION),
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-dlq',
  POWERTOOLS_SERVICE_NAME: 'datazone-metagen-worker-bench',
  POWERTOOLS_METRICS_NAMESPACE: 'DataZoneMetagenWorker',
};

async function importMs(bundle: BuiltBundle): Promise<number> {
  const { result } = await runChild<{ ms: number }>('bench/child-cold-start.mjs', [bundle.path], {
    nodeFlags: LAMBDA_NODE_FLAGS,
    env: IMPORT_ENV,
  });
  return result.ms;
}

/** What the worker bundle holds beyond the bare one, by package, largest first. */
function extraBytesByPackage(bundles: Bundles): [string, number][] {
  const bare = bytesByPackage(bundles.bare.metafile);
  return [...bytesByPackage(bundles.worker.metafile)]
    .map(([name, bytes]): [string, number] => [name, bytes - (bare.get(name) ?? 0)])
    .filter(([, bytes]) => Math.abs(bytes) >= 256)
    .sort((a, b) => b[1] - a[1]);
}

export async function coldStart(ctx: BenchContext, bundles: Bundles): Promise<BenchmarkResult> {
  const spawns = ctx.quick ? 5 : Math.max(15, 4 * ctx.repetitions + 1);
  const times = { worker: [] as number[], bare: [] as number[] };
  // One spawn of each first, not counted: the bundles' files get into the page cache.
  await importMs(bundles.worker);
  await importMs(bundles.bare);
  for (let spawn = 0; spawn < spawns; spawn++) {
    const order = spawn % 2 === 0 ? (['worker', 'bare'] as const) : (['bare', 'worker'] as const);
    for (const side of order) times[side].push(await importMs(bundles[side]));
  }
  ctx.log(`  cold start: ${spawns} spawns each`);
  const sizeRatio = bundles.worker.bytes / bundles.bare.bytes;
  const timeRatios = times.worker.map((ms, index) => ms / (times.bare[index] ?? Number.NaN));
  const timeRatio = median(times.worker) / median(times.bare);
  const extra = extraBytesByPackage(bundles);
  return {
    id: 'cold-start',
    title: 'Cold start',
    rows: [
      {
        measure: 'bundle size (minified .mjs, without its .map)',
        worker: kib(bundles.worker.bytes),
        baseline: kib(bundles.bare.bytes),
        ratio: `${fixed(sizeRatio, 3)}x`,
        target: `≤ ${SIZE_TARGET}x`,
        pass: sizeRatio <= SIZE_TARGET,
      },
      {
        measure: `module initialisation (ms, median of ${spawns} spawns)`,
        worker: fixed(median(times.worker), 1),
        baseline: fixed(median(times.bare), 1),
        ratio: `${fixed(timeRatio, 3)}x`,
        target: `≤ ${TIME_TARGET}x`,
        pass: timeRatio <= TIME_TARGET,
      },
    ],
    details: [
      'Both bundles are built with esbuild’s JS API and the options serverless.yml gives serverless-esbuild ' +
        `(stack/esbuild.cjs), translated as serverless-esbuild does: \`${JSON.stringify(bundles.esbuild)}\`.`,
      'Bare bundle: bench/bare-handler.ts, which imports and constructs `DataZoneClient` and `SQSClient` ' +
        '(and the one command its handler sends).',
      `Source maps (not counted above): worker ${kib(bundles.worker.mapBytes)}, bare ${kib(bundles.bare.mapBytes)}.`,
      'Initialisation: a fresh `node --enable-source-maps` process per spawn (as Lambda runs it), timed inside ' +
        'the child with `process.hrtime` around `await import(bundle)`; spawns alternate between the bundles, ' +
        'after one uncounted spawn of each. The ratio is the ratio of the medians.',
      `Worker ms: ${spread(times.worker, 1)}; bare ms: ${spread(times.bare, 1)}; median of per-spawn ratios: ` +
        `${fixed(median(timeRatios))}.`,
      `What the worker bundle adds (esbuild metafile, bytes in output): ${extra
        .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KiB`)
        .join(', ')}.`,
    ],
  };
}
