// Memory and CPU child: a plain Node process (no loader) that imports one bundle, as Lambda would, and feeds
// its handler Lambda SQS events one after another. The endpoint runs in the parent, so none of its memory or
// CPU is counted here. Reports over IPC:
//   cpuUs    user + system CPU time around the measured batches (process.cpuUsage)
//   maxRssKb peak resident set size of the process (process.resourceUsage().maxRSS), import included
//   records, failures, wallMs
// With BENCH_CPU_PROFILE=<file>, the measured batches (only them) are also profiled with V8's sampling profiler
// (the inspector's Profiler, what --cpu-prof uses) and the .cpuprofile written there.
// Usage: child-batches.mjs <bundle.mjs> <batches.json> <warm-up batches>
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

const [bundle, batchesFile, warmUpArg] = process.argv.slice(2);
if (bundle === undefined || batchesFile === undefined) {
  throw new Error('usage: child-batches.mjs <bundle.mjs> <batches.json> <warm-up batches>');
}
const warmUp = Number(warmUpArg ?? '0');
const batches = JSON.parse(readFileSync(batchesFile, 'utf8'));
const { handler } = await import(pathToFileURL(bundle).href);

let invocation = 0;
function lambdaContext() {
  const end = Date.now() + 60_000;
  invocation += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'datazone-metagen-worker-bench-worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:datazone-metagen-worker-bench-worker',
    memoryLimitInMB: '512',
    awsRequestId: `00000000-0000-4000-a000-${String(invocation).padStart(12, '0')}`,
    logGroupName: '/aws/lambda/datazone-metagen-worker-bench-worker',
    logStreamName: '2026/11/25/[$LATEST]bench',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let failures = 0;
const run = async (batch) => {
  const response = await handler(batch, lambdaContext());
  failures += response?.batchItemFailures?.length ?? 0;
};

for (const batch of batches.slice(0, warmUp)) await run(batch);
const measured = batches.slice(warmUp);
const profileFile = process.env.BENCH_CPU_PROFILE;
const session = profileFile === undefined ? undefined : new Session();
if (session !== undefined) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const cpuBefore = process.cpuUsage();
const wallBefore = process.hrtime.bigint();
for (const batch of measured) await run(batch);
const cpu = process.cpuUsage(cpuBefore);
const wallMs = Number(process.hrtime.bigint() - wallBefore) / 1e6;
if (session !== undefined && profileFile !== undefined) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  session.disconnect();
}
const records = measured.reduce((sum, batch) => sum + batch.Records.length, 0);
const result = {
  cpuUs: cpu.user + cpu.system,
  maxRssKb: process.resourceUsage().maxRSS,
  records,
  failures,
  wallMs,
};
process.send?.(result, () => process.exit(0));
