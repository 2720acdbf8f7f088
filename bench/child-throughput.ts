/**
 * Batch throughput child (run with tsx): processes Lambda SQS events one after another, either with the real
 * handler (src/functions/worker.ts, configured by the environment the parent passes) or with the sequential baseline: the
 * same SDK client type against the same endpoint, one record after the other, each starting its run with a
 * client token. After the warm-up batches it measures consecutive windows of the given numbers of batches, and
 * reports { failures, windows } over IPC, each window { records, wallMs, ownCpuMs, machine, phases } (machine: the
 * whole machine's CPU time, see machine-load.ts; phases: the median batch's phases, batch-phases.ts, not for the
 * baseline).
 * A third mode, `bare`, runs bench/bare-handler.ts (a diagnostic: the same concurrency without the worker).
 * Usage: child-throughput.ts worker|baseline|bare <batches.json> <warm-up batches> <window batches>...
 */
import { readFileSync } from 'node:fs';
import { DataZoneClient } from '@aws-sdk/client-datazone';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BatchPhases, batchPhaseRecorder, medianPhases } from './batch-phases.js';
import { lambdaContext } from './lambda-context.js';
import { cpuTimesBetween, type MeasuredWindow, machineCpuTimes } from './machine-load.js';
import { startCommandFor } from './start-command.js';

type ProcessBatch = (event: SQSEvent) => Promise<number>;

/** The baseline: one record after the other, one StartMetadataGenerationRun each, with a client token. */
function sequentialBaseline(): ProcessBatch {
  const client = new DataZoneClient({});
  return async (event) => {
    let failures = 0;
    for (const record of event.Records) {
      try {
        await client.send(startCommandFor(record.body));
      } catch {
        failures += 1;
      }
    }
    return failures;
  };
}

/** Diagnostic: the bare bundle's handler (all records of a batch at once, nothing else), from its source. */
async function bareConcurrent(): Promise<ProcessBatch> {
  const { handler } = await import('./bare-handler.js');
  return async (event) => (await handler(event)).batchItemFailures.length;
}

async function realWorker(): Promise<ProcessBatch> {
  const { handler } = await import('../src/functions/worker.js');
  return async (event) => {
    const response = (await handler(event, lambdaContext())) as SQSBatchResponse;
    return response.batchItemFailures.length;
  };
}

const [mode, batchesFile, warmUpArg, ...windowArgs] = process.argv.slice(2);
if ((mode !== 'worker' && mode !== 'baseline' && mode !== 'bare') || batchesFile === undefined) {
  throw new Error(
    'usage: child-throughput.ts worker|baseline|bare <batches.json> <warm-up batches> <window batches>...',
  );
}
const batches = JSON.parse(readFileSync(batchesFile, 'utf8')) as SQSEvent[];
const warmUp = Number(warmUpArg ?? '1');
const windowSizes = windowArgs.map(Number);
const processBatch =
  mode === 'worker' ? await realWorker() : mode === 'bare' ? await bareConcurrent() : sequentialBaseline();

// The sequential baseline has no batch to look inside, and pays for no recording.
const measurePhases = mode === 'baseline' ? undefined : batchPhaseRecorder();

interface ThroughputWindow extends MeasuredWindow {
  readonly records: number;
  /** Inside the window's median batch (not for the baseline). */
  readonly phases?: BatchPhases;
}

async function measureWindow(window: readonly SQSEvent[]): Promise<ThroughputWindow> {
  const phases: BatchPhases[] = [];
  const machineAtStart = machineCpuTimes();
  const cpuAtStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const batch of window) {
    if (measurePhases === undefined) failures += await processBatch(batch);
    else
      phases.push(
        await measurePhases(async () => {
          failures += await processBatch(batch);
        }),
      );
  }
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    records: window.reduce((sum, batch) => sum + batch.Records.length, 0),
    wallMs,
    ownCpuMs: (cpu.user + cpu.system) / 1000,
    machine: cpuTimesBetween(machineAtStart, machineCpuTimes()),
    ...(phases.length > 0 ? { phases: medianPhases(phases) } : {}),
  };
}

let failures = 0;
for (const batch of batches.slice(0, warmUp)) failures += await processBatch(batch);
const windows: ThroughputWindow[] = [];
let next = warmUp;
for (const size of windowSizes) {
  windows.push(await measureWindow(batches.slice(next, next + size)));
  next += size;
}
process.send?.({ failures, windows }, () => process.exit(0));
