/**
 * Drain child of the quota efficiency and backfill benchmarks (run with tsx): drains the source queue through the
 * local runner's event-source loop (tools/local/runner/event-source.ts: ReceiveMessage over the wire, Lambda's
 * SQSEvent, ReportBatchItemFailures deletes), invoking the real handler imported as Lambda would
 * (tools/local/runner/worker-environment.ts `importHandler`), with one poller and one container. The endpoints run in
 * the parent. Says `{ ready: true }` over IPC once the container is loaded, and reports when the queue is drained.
 * Usage: child-quota.ts '<json settings>'
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { runEventSource } from '../tools/local/runner/event-source.js';
import type { InvocationReport } from '../tools/local/runner/invoke.js';
import { importHandler, lambdaRuntimeEnv } from '../tools/local/runner/worker-environment.js';
import { FUNCTION_NAME } from './fixtures.js';

export interface QuotaChildSettings {
  readonly sqsUrl: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly waitTimeSeconds: number;
  readonly functionTimeoutMs: number;
  /** The worker's environment on top of the child's (which holds the endpoints and DEAD_LETTER_QUEUE_URL). */
  readonly workerEnv: Readonly<Record<string, string>>;
  /** Bounds the real time of the run. */
  readonly maxWallMs: number;
}

export interface QuotaChildResult {
  /** From the moment the container was loaded (cold start excluded) to the last invocation that deleted. */
  readonly drainMs: number;
  readonly invocations: number;
  readonly records: number;
  readonly deleted: number;
  readonly handedBack: number;
  readonly drained: boolean;
  readonly stoppedBy?: string;
  readonly verdicts: Record<string, number>;
}

const [json] = process.argv.slice(2);
if (json === undefined) throw new Error("usage: child-quota.ts '<json settings>'");
const settings = JSON.parse(json) as QuotaChildSettings;

const sqs = new SQSClient({ endpoint: settings.sqsUrl, useQueueUrlAsEndpoint: false });
let loadedAt = 0;
let lastDeleteAt = 0;
const result = await runEventSource({
  sqs,
  queueUrl: settings.queueUrl,
  queueArn: settings.queueArn,
  region: settings.region,
  functionName: FUNCTION_NAME,
  concurrency: 1,
  batchSize: settings.batchSize,
  batchingWindowMs: settings.batchingWindowMs,
  waitTimeSeconds: settings.waitTimeSeconds,
  functionTimeoutMs: settings.functionTimeoutMs,
  limits: { maxWallMs: settings.maxWallMs, maxInvocations: 100_000 },
  loadContainer: async (container) => {
    const handler = await importHandler(
      { ...lambdaRuntimeEnv(FUNCTION_NAME, settings.region), ...settings.workerEnv },
      container,
    );
    loadedAt = Date.now();
    // The first receive follows at once: a parent that sends events as they come starts now.
    process.send?.({ ready: true });
    return handler;
  },
  onInvocation: (report: InvocationReport) => {
    if (report.deleted.length > 0) lastDeleteAt = Date.now();
  },
});
sqs.destroy();
const { reports: _reports, ...totals } = result;
const report: QuotaChildResult = {
  drainMs: lastDeleteAt - loadedAt,
  invocations: totals.invocations,
  records: totals.records,
  deleted: totals.deleted,
  handedBack: totals.handedBack,
  drained: totals.drained,
  ...(totals.stoppedBy === undefined ? {} : { stoppedBy: totals.stoppedBy }),
  verdicts: totals.verdicts,
};
process.send?.(report, () => process.exit(0));
