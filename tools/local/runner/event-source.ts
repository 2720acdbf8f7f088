// The Lambda SQS event source mapping, played over the wire: its settings, its pollers, and what they did.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { type InvocationReport, type InvocationSettings, invoke } from './invoke.js';
import type { InvocationVerdict, LambdaHandler } from './lambda-invocation.js';
import { MAX_BATCH, sourceQueue } from './source-queue.js';
import { keepVirtualTime, type VirtualTimeControl } from './time-keeper.js';

export interface EventSourceLimits {
  /** Default 1000. */
  readonly maxInvocations?: number;
  /** Real time. Default 120 000 ms. */
  readonly maxWallMs?: number;
  /** Virtual time skipped, in total. Default 7 days. */
  readonly maxVirtualMs?: number;
}

export interface EventSourceOptions {
  /** The runner's own client (not the worker's). */
  readonly sqs: SQSClient;
  /** The source queue's URL as sent in requests. */
  readonly queueUrl: string;
  /** The records' eventSourceARN: the worker derives the queue URL for visibility changes from it. */
  readonly queueArn: string;
  readonly region: string;
  /** One handler per container; `concurrency` containers are loaded, each once. */
  readonly loadContainer: (index: number) => Promise<LambdaHandler>;
  /** 1–10 (one ReceiveMessage). Default 10. */
  readonly batchSize?: number;
  /** Keep receiving until the batch is full or this long after its first record. Default 0. */
  readonly batchingWindowMs?: number;
  /** ReceiveMessage long polling. Default 20, as Lambda. */
  readonly waitTimeSeconds?: number;
  /**
   * Concurrent pollers (the mapping's maximum concurrency), each with its own container: a handler module
   * instance, as Lambda never runs two invocations at once in one container. Default 1.
   */
  readonly concurrency?: number;
  /** Default 30 000 ms. */
  readonly functionTimeoutMs?: number;
  readonly functionName?: string;
  readonly limits?: EventSourceLimits;
  /** Local SQS only: lets the clock jump to the next message's visibility instead of waiting for it. */
  readonly virtualTime?: VirtualTimeControl;
  /**
   * The receive count at which each message was last settled; shared between runs against the same queue so
   * that virtual time knows which in-flight messages nobody holds.
   */
  readonly settled?: Map<string, number>;
  /** Invocations of earlier event sources of the same run: this one's are numbered after them. */
  readonly invocationsBefore?: number;
  /** After each invocation is settled (e.g. to change faults mid-run). */
  readonly onInvocation?: (report: InvocationReport) => void | Promise<void>;
  /** Progress lines from the runner. */
  readonly log?: (line: string) => void;
}

/** What a caller chooses of the mapping; the queue, the client and the containers come from the run. */
export type EventSourceSettings = Pick<
  EventSourceOptions,
  | 'batchSize'
  | 'batchingWindowMs'
  | 'waitTimeSeconds'
  | 'concurrency'
  | 'functionTimeoutMs'
  | 'limits'
  | 'onInvocation'
>;

export interface EventSourceResult {
  readonly invocations: number;
  readonly records: number;
  readonly deleted: number;
  readonly handedBack: number;
  readonly verdicts: Record<InvocationVerdict, number>;
  readonly deleteFailures: number;
  readonly receiveErrors: number;
  readonly receives: number;
  readonly virtualSkips: number;
  readonly virtualSkippedMs: number;
  readonly realMs: number;
  /** Stopped because the source queue was drained. */
  readonly drained: boolean;
  /** Set when a bound stopped the loop before the queue was drained. */
  readonly stoppedBy?: string;
  readonly reports: readonly InvocationReport[];
}

export const DEFAULT_LIMITS = { maxInvocations: 1000, maxWallMs: 120_000 } as const;

/**
 * Polls the source queue as the mapping does (ReceiveMessage with long polling, batch size, batching window
 * and every attribute), invokes a container with the SQSEvent Lambda builds, then applies
 * ReportBatchItemFailures: DeleteMessageBatch for every record not reported as failed, nothing deleted when
 * the function throws, times out or returns an invalid itemIdentifier. Visibility and redrive are the queue's
 * business, as on AWS. Runs until the queue is drained or a bound is reached.
 */
export async function runEventSource(options: EventSourceOptions): Promise<EventSourceResult> {
  const { batchSize, concurrency } = checkedSizes(options);
  const windowMs = options.batchingWindowMs ?? 0;
  const waitSeconds = options.waitTimeSeconds ?? 20;
  const maxInvocations = options.limits?.maxInvocations ?? DEFAULT_LIMITS.maxInvocations;
  const maxWallMs = options.limits?.maxWallMs ?? DEFAULT_LIMITS.maxWallMs;
  const settled = options.settled ?? new Map<string, number>();
  const log = options.log ?? (() => undefined);

  // One after the other: a loader may reset a module registry (vitest) while it imports.
  const containers: LambdaHandler[] = [];
  for (let index = 1; index <= concurrency; index++) containers.push(await options.loadContainer(index));

  const startedAt = Date.now();
  const skippedAtStart = options.virtualTime?.time.skippedMs() ?? 0;
  const reports: InvocationReport[] = [];
  const verdicts: Record<InvocationVerdict, number> = {
    success: 0,
    partial: 0,
    error: 0,
    timeout: 0,
    'invalid-response': 0,
  };
  const totals = { records: 0, deleted: 0 };
  /** Stopped; and pollers holding messages. */
  const loop = { done: false, busy: 0 };
  let reserved = 0; // invocations started or about to be
  let invocationSeq = options.invocationsBefore ?? 0;
  let virtualSkips = 0;
  let drained = false;
  let stoppedBy: string | undefined;
  const stop = (reason?: string) => {
    if (!loop.done && reason !== undefined) {
      stoppedBy = reason;
      log(`stopping: ${reason}`);
    }
    loop.done = true;
    queue.abortReceives();
  };
  const queue = sourceQueue({ sqs: options.sqs, queueUrl: options.queueUrl, log, giveUp: stop });
  const invocations: InvocationSettings = {
    queueArn: options.queueArn,
    region: options.region,
    functionName: options.functionName ?? 'datazone-metagen-worker-local-worker',
    timeoutMs: options.functionTimeoutMs ?? 30_000,
    queue,
    settled,
    log,
  };
  const wallTimer = setTimeout(() => stop(`wall-time bound reached (${maxWallMs} ms)`), maxWallMs);

  /** One batch, as the mapping gathers it: the first receive long-polls; a window collects more. */
  const gather = async (): Promise<Message[]> => {
    const messages = await queue.receive(batchSize, waitSeconds);
    if (messages.length === 0) return messages;
    loop.busy += 1;
    const windowEnd = Date.now() + windowMs;
    while (messages.length < batchSize && !loop.done) {
      const left = windowEnd - Date.now();
      if (left <= 0) break;
      const more = await queue.receive(batchSize - messages.length, Math.min(20, Math.floor(left / 1000)));
      messages.push(...more);
      if (more.length === 0) await sleep(Math.min(left, 20));
    }
    return messages;
  };

  /**
   * Nothing in the queue, nobody holding messages, nothing scheduled to arrive, and no delivery while the queue
   * was being asked: a delivery of events that came due meanwhile would otherwise look like an empty queue.
   */
  const isDrained = async (): Promise<boolean> => {
    const scheduled = options.virtualTime?.scheduled;
    const deliveries = scheduled?.deliveries();
    if (scheduled?.pending()) return false;
    const empty = await queue.isEmpty();
    return empty && loop.busy === 0 && !scheduled?.pending() && scheduled?.deliveries() === deliveries;
  };

  const poller = async (container: number) => {
    const handler = containers[container - 1];
    if (handler === undefined) throw new Error(`no container ${container}`);
    while (!loop.done) {
      if (reserved >= maxInvocations) {
        stop(`invocation bound reached (${maxInvocations})`);
        break;
      }
      reserved += 1;
      const messages = await gather();
      if (messages.length === 0) {
        reserved -= 1;
        if (loop.done) break;
        if (await isDrained()) {
          drained = true;
          stop();
        }
        continue;
      }
      try {
        invocationSeq += 1;
        const report = await invoke(invocations, invocationSeq, container, handler, messages);
        reports.push(report);
        verdicts[report.verdict] += 1;
        totals.records += report.records.length;
        totals.deleted += report.deleted.length;
        await options.onInvocation?.(report);
      } finally {
        loop.busy -= 1;
      }
    }
  };

  const keeper = async (control: VirtualTimeControl) => {
    virtualSkips = await keepVirtualTime(control, {
      loop,
      settled,
      abortReceives: queue.abortReceives,
      stop,
      log,
      maxVirtualMs: options.limits?.maxVirtualMs ?? 7 * 24 * 3600_000,
    });
  };

  try {
    await Promise.all([
      ...containers.map((_, index) => poller(index + 1)),
      ...(options.virtualTime ? [keeper(options.virtualTime)] : []),
    ]);
  } finally {
    clearTimeout(wallTimer);
    loop.done = true;
  }

  const counts = queue.counts();
  return {
    invocations: reports.length,
    records: totals.records,
    deleted: totals.deleted,
    handedBack: totals.records - totals.deleted,
    verdicts,
    deleteFailures: counts.deleteFailures,
    receiveErrors: counts.receiveErrors,
    receives: counts.receives,
    virtualSkips,
    virtualSkippedMs: (options.virtualTime?.time.skippedMs() ?? 0) - skippedAtStart,
    realMs: Date.now() - startedAt,
    drained,
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
    reports,
  };
}

function checkedSizes(options: EventSourceOptions): { batchSize: number; concurrency: number } {
  const batchSize = options.batchSize ?? MAX_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new RangeError(`batch size must be an integer from 1 to ${MAX_BATCH}, got ${batchSize}`);
  }
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  return { batchSize, concurrency };
}
