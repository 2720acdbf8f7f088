/**
 * Batch throughput child (run with tsx and --enable-source-maps, as Lambda runs a bundle): imports one handler
 * bundle (the worker's, the bare handler's or the sequential baseline's) and invokes its handler with Lambda SQS
 * events one after another. After the warm-up batches it measures consecutive windows of the given numbers of
 * batches, and reports { failures, windows } over IPC, each window { records, wallMs, ownCpuMs, machine, phases }
 * (machine: the whole machine's CPU time, see machine-load.ts; phases: the window's median batch's phases,
 * batch-phases.ts, only with `phases`).
 * Usage: child-throughput.ts <bundle.mjs> phases|no-phases <batches.json> <warm-up batches> <window batches>...
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BatchPhases, batchPhaseRecorder, medianPhases } from './batch-phases.js';
import { lambdaContext } from './lambda-context.js';
import { cpuTimesBetween, machineCpuTimes } from './machine-load.js';
import type { ThroughputWindow } from './throughput-windows.js';

type Handler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;

const [bundle, phasesArg, batchesFile, warmUpArg, ...windowArgs] = process.argv.slice(2);
if (
  bundle === undefined ||
  (phasesArg !== 'phases' && phasesArg !== 'no-phases') ||
  batchesFile === undefined
) {
  throw new Error(
    'usage: child-throughput.ts <bundle.mjs> phases|no-phases <batches.json> <warm-up batches> <window batches>...',
  );
}
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const batches = JSON.parse(readFileSync(batchesFile, 'utf8')) as SQSEvent[];
const warmUp = Number(warmUpArg ?? '1');
const windowSizes = windowArgs.map(Number);
// The sequential baseline has no batch to look inside, and pays for no recording.
const measurePhases = phasesArg === 'phases' ? batchPhaseRecorder() : undefined;

let failures = 0;
async function processBatch(batch: SQSEvent): Promise<void> {
  failures += (await handler(batch, lambdaContext())).batchItemFailures.length;
}

async function measureWindow(window: readonly SQSEvent[]): Promise<ThroughputWindow> {
  const phases: BatchPhases[] = [];
  const machineAtStart = machineCpuTimes();
  const cpuAtStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const batch of window) {
    if (measurePhases === undefined) await processBatch(batch);
    else phases.push(await measurePhases(() => processBatch(batch)));
  }
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    records: window.reduce((sum, batch) => sum + batch.Records.length, 0),
    batches: window.length,
    wallMs,
    ownCpuMs: (cpu.user + cpu.system) / 1000,
    machine: cpuTimesBetween(machineAtStart, machineCpuTimes()),
    ...(phases.length > 0 ? { phases: medianPhases(phases) } : {}),
  };
}

for (const batch of batches.slice(0, warmUp)) await processBatch(batch);
const windows: ThroughputWindow[] = [];
let next = warmUp;
for (const size of windowSizes) {
  windows.push(await measureWindow(batches.slice(next, next + size)));
  next += size;
}
process.send?.({ failures, windows }, () => process.exit(0));
