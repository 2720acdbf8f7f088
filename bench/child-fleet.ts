/**
 * Drain child of the per-operation and fleet benchmarks (run with tsx): as child-quota.ts, but with `concurrency`
 * pollers, each with its own container (its own module instance of the worker: its own clients, request budget
 * and adaptation), and the handler's own duration per invocation, which is what Lambda bills. The containers'
 * handlers come from fleet-variants.ts. Says `{ ready: true }` over IPC once every container is loaded.
 * Usage: child-fleet.ts '<json settings>'
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { runEventSource } from '../tools/local/runner/event-source.js';
import type { InvocationReport } from '../tools/local/runner/invoke.js';
import type { LambdaHandler } from '../tools/local/runner/lambda-invocation.js';
import { lambdaRuntimeEnv } from '../tools/local/runner/worker-environment.js';
import type { QuotaChildSettings } from './child-quota.js';
import { FUNCTION_NAME } from './fixtures.js';
import { type FleetVariant, isFleetVariant, loadVariantHandler } from './fleet-variants.js';

export interface FleetChildSettings extends QuotaChildSettings {
  /** Containers, each polling on its own (the mapping's maximum concurrency). */
  readonly concurrency: number;
  /** How each container's worker is put together; default `default`. */
  readonly variant?: FleetVariant;
}

export interface FleetChildResult {
  /** Epoch ms when the last container was loaded: the drain starts here. */
  readonly startedAt: number;
  /** From `startedAt` to the last invocation that deleted. */
  readonly drainMs: number;
  readonly invocations: number;
  readonly records: number;
  readonly deleted: number;
  readonly handedBack: number;
  readonly drained: boolean;
  readonly stoppedBy?: string;
  readonly verdicts: Record<string, number>;
  /** Each invocation's handler duration, ms (fractional), in the order they ended. */
  readonly handlerMs: readonly number[];
}

const [json] = process.argv.slice(2);
if (json === undefined) throw new Error("usage: child-fleet.ts '<json settings>'");
const settings = JSON.parse(json) as FleetChildSettings;
const variant = settings.variant ?? 'default';
if (!isFleetVariant(variant)) throw new Error(`child-fleet: unknown variant ${variant}`);

const handlerMs: number[] = [];
/** The handler's own time, capped at the timeout as Lambda stops billing there; the mapping's deletes excluded. */
const timed =
  (handler: LambdaHandler): LambdaHandler =>
  async (event, context) => {
    const began = performance.now();
    try {
      return await handler(event, context);
    } finally {
      handlerMs.push(Math.min(settings.functionTimeoutMs, performance.now() - began));
    }
  };

const sqs = new SQSClient({ endpoint: settings.sqsUrl, useQueueUrlAsEndpoint: false });
let startedAt = 0;
let lastDeleteAt = 0;
const result = await runEventSource({
  sqs,
  queueUrl: settings.queueUrl,
  queueArn: settings.queueArn,
  region: settings.region,
  functionName: FUNCTION_NAME,
  concurrency: settings.concurrency,
  batchSize: settings.batchSize,
  batchingWindowMs: settings.batchingWindowMs,
  waitTimeSeconds: settings.waitTimeSeconds,
  functionTimeoutMs: settings.functionTimeoutMs,
  limits: { maxWallMs: settings.maxWallMs, maxInvocations: 100_000 },
  loadContainer: async (container) => {
    const env = { ...lambdaRuntimeEnv(FUNCTION_NAME, settings.region), ...settings.workerEnv };
    const handler = timed(await loadVariantHandler(variant, env, container));
    if (container === settings.concurrency) {
      startedAt = Date.now();
      // The pollers start at once: a parent that sends events as they come starts now.
      process.send?.({ ready: true });
    }
    return handler;
  },
  onInvocation: (report: InvocationReport) => {
    if (report.deleted.length > 0) lastDeleteAt = Date.now();
  },
});
sqs.destroy();
const report: FleetChildResult = {
  startedAt,
  drainMs: lastDeleteAt - startedAt,
  invocations: result.invocations,
  records: result.records,
  deleted: result.deleted,
  handedBack: result.handedBack,
  drained: result.drained,
  ...(result.stoppedBy === undefined ? {} : { stoppedBy: result.stoppedBy }),
  verdicts: result.verdicts,
  handlerMs,
};
process.send?.(report, () => process.exit(0));
