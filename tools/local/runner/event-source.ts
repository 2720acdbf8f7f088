// The Lambda SQS event source mapping, played by the runner over the wire with the real SQS client:
// ReceiveMessage (long polling, batch size, batching window, all attributes), the SQSEvent exactly as Lambda builds
// it, an invocation with a Lambda context and a function timeout, then ReportBatchItemFailures semantics:
// DeleteMessageBatch for every record not reported as failed, nothing deleted when the function throws, times
// out or returns an invalid itemIdentifier. Visibility and redrive are the queue's business, as on AWS.
//
// Several pollers run at once with `concurrency` (the mapping's maximum concurrency), each with its own
// container: a handler module instance, as Lambda never runs two invocations at once in one container.
//
// Virtual time (local SQS only): when no message is visible, every message in flight was settled by an
// invocation (none is being processed or is on its way to a poller) and no invocation is running, the clock
// jumps to the next message's visibility instead of waiting for it.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { VirtualTime } from './virtual-time.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** What the runner may see of the source queue to move virtual time (local SQS's `peek`). */
export interface QueueInsight {
  readonly messageId: string;
  readonly receiveCount: number;
  /** Epoch ms on the virtual clock. */
  readonly visibleAt: number;
}

export interface VirtualTimeControl {
  readonly time: VirtualTime;
  /** Every message still in the source queue. */
  readonly peek: () => readonly QueueInsight[];
  /** Real milliseconds between checks. Default 5. */
  readonly tickMs?: number;
}

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
  /** Concurrent pollers and containers. Default 1. */
  readonly concurrency?: number;
  /** Default 30 000 ms. */
  readonly functionTimeoutMs?: number;
  readonly functionName?: string;
  readonly limits?: EventSourceLimits;
  readonly virtualTime?: VirtualTimeControl;
  /**
   * The receive count at which each message was last settled; shared between runs against the same queue so
   * that virtual time knows which in-flight messages nobody holds.
   */
  readonly settled?: Map<string, number>;
  /** After each invocation is settled (e.g. to change faults mid-run). */
  readonly onInvocation?: (report: InvocationReport) => void | Promise<void>;
  /** Progress lines from the runner. */
  readonly log?: (line: string) => void;
}

export type InvocationVerdict = 'success' | 'partial' | 'error' | 'timeout' | 'invalid-response';

export interface InvocationReport {
  readonly invocation: number;
  readonly container: number;
  readonly records: readonly { readonly messageId: string; readonly receiveCount: number }[];
  readonly verdict: InvocationVerdict;
  readonly deleted: readonly string[];
  readonly handedBack: readonly string[];
  readonly error?: string;
  readonly durationMs: number;
}

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

const MAX_BATCH = 10;
/** Consecutive ReceiveMessage failures after which the loop gives up (a missing queue, bad credentials...). */
const MAX_FAILING_RECEIVES = 10;

/** A received SQS message → the record Lambda puts in the SQSEvent. */
export function toLambdaRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? '',
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
  };
  for (const [name, value] of Object.entries(system)) {
    if (!(name in attributes) && value !== undefined)
      (attributes as unknown as Record<string, string>)[name] = value;
  }
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? 'String',
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export function lambdaContext(options: {
  functionName: string;
  region: string;
  timeoutMs: number;
  container: number;
  now?: () => number;
}): Context {
  const now = options.now ?? Date.now;
  const end = now() + options.timeoutMs;
  const { functionName, region } = options;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]container${String(options.container).padStart(4, '0')}`,
    getRemainingTimeInMillis: () => Math.max(0, end - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Which records to delete after an invocation, with ReportBatchItemFailures: all but the reported failures; none
 * when the function failed or named an itemIdentifier that is empty or not in the batch.
 */
export function recordsToDelete(
  records: readonly SQSRecord[],
  outcome: { thrown: true } | { thrown: false; response: unknown },
): { verdict: InvocationVerdict; deleteIds: string[] } {
  if (outcome.thrown) return { verdict: 'error', deleteIds: [] };
  const { response } = outcome;
  const all = records.map((r) => r.messageId);
  // A null or empty response, or no batchItemFailures, is complete success.
  if (typeof response !== 'object' || response === null) return { verdict: 'success', deleteIds: all };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { verdict: 'success', deleteIds: all };
  if (!Array.isArray(failures)) return { verdict: 'invalid-response', deleteIds: [] };
  const ids = new Set(all);
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id))
      return { verdict: 'invalid-response', deleteIds: [] };
    failed.add(id);
  }
  return {
    verdict: failed.size === 0 ? 'success' : 'partial',
    deleteIds: all.filter((id) => !failed.has(id)),
  };
}

export async function runEventSource(options: EventSourceOptions): Promise<EventSourceResult> {
  const batchSize = options.batchSize ?? MAX_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new RangeError(`batch size must be an integer from 1 to ${MAX_BATCH}, got ${batchSize}`);
  }
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const windowMs = options.batchingWindowMs ?? 0;
  const waitSeconds = options.waitTimeSeconds ?? 20;
  const timeoutMs = options.functionTimeoutMs ?? 30_000;
  const functionName = options.functionName ?? 'datazone-metagen-worker-local-worker';
  const maxInvocations = options.limits?.maxInvocations ?? 1000;
  const maxWallMs = options.limits?.maxWallMs ?? 120_000;
  const maxVirtualMs = options.limits?.maxVirtualMs ?? 7 * 24 * 3600_000;
  const settled = options.settled ?? new Map<string, number>();
  const log = options.log ?? (() => undefined);
  const { sqs, queueUrl } = options;

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
  const stats = { records: 0, deleted: 0, deleteFailures: 0, receiveErrors: 0, receives: 0, skips: 0 };
  let reserved = 0; // invocations started or about to be
  let invocationSeq = 0;
  let busy = 0; // pollers holding messages
  let failingReceives = 0;
  let done = false;
  let drained = false;
  let stoppedBy: string | undefined;
  const receiving = new Set<AbortController>();
  const abortReceives = () => {
    for (const controller of receiving) controller.abort();
  };
  const stop = (reason?: string) => {
    if (!done && reason !== undefined) {
      stoppedBy = reason;
      log(`stopping: ${reason}`);
    }
    done = true;
    abortReceives();
  };
  const wallTimer = setTimeout(() => stop(`wall-time bound reached (${maxWallMs} ms)`), maxWallMs);

  const receiveOnce = async (max: number, wait: number): Promise<Message[]> => {
    const controller = new AbortController();
    receiving.add(controller);
    try {
      stats.receives += 1;
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: controller.signal },
      );
      failingReceives = 0;
      return out.Messages ?? [];
    } catch (error) {
      if (controller.signal.aborted) return [];
      stats.receiveErrors += 1;
      failingReceives += 1;
      const why = `${(error as Error).name}: ${(error as Error).message}`;
      log(`ReceiveMessage failed: ${why}`);
      if (failingReceives >= MAX_FAILING_RECEIVES)
        stop(`ReceiveMessage failed ${failingReceives} times in a row (${why})`);
      else await sleep(100 * failingReceives);
      return [];
    } finally {
      receiving.delete(controller);
    }
  };

  /** One batch, as the mapping gathers it: the first receive long-polls; a window collects more. */
  const gather = async (): Promise<Message[]> => {
    const messages = await receiveOnce(batchSize, waitSeconds);
    if (messages.length === 0) return messages;
    busy += 1;
    const windowEnd = Date.now() + windowMs;
    while (messages.length < batchSize && !done) {
      const left = windowEnd - Date.now();
      if (left <= 0) break;
      const more = await receiveOnce(batchSize - messages.length, Math.min(20, Math.floor(left / 1000)));
      messages.push(...more);
      if (more.length === 0) await sleep(Math.min(left, 20));
    }
    return messages;
  };

  const isDrained = async (): Promise<boolean> => {
    try {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      const a = out.Attributes ?? {};
      const count =
        Number(a.ApproximateNumberOfMessages ?? 0) +
        Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
      return count === 0 && busy === 0;
    } catch (error) {
      log(`GetQueueAttributes failed: ${(error as Error).name}: ${(error as Error).message}`);
      return false;
    }
  };

  const deleteRecords = async (records: readonly SQSRecord[]): Promise<string[]> => {
    const deleted: string[] = [];
    for (let start = 0; start < records.length; start += MAX_BATCH) {
      const chunk = records.slice(start, start + MAX_BATCH);
      try {
        const out = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        for (const failure of out.Failed ?? []) {
          log(`DeleteMessageBatch entry ${failure.Id} failed: ${failure.Code}: ${failure.Message}`);
        }
        stats.deleteFailures += failed.size;
        chunk.forEach((r, i) => {
          if (!failed.has(String(i))) deleted.push(r.messageId);
        });
      } catch (error) {
        stats.deleteFailures += chunk.length;
        log(`DeleteMessageBatch failed: ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    return deleted;
  };

  const invoke = async (handler: LambdaHandler, container: number, messages: Message[]) => {
    invocationSeq += 1;
    const invocation = invocationSeq;
    const records = messages.map((m) => toLambdaRecord(m, options.queueArn, options.region));
    const event: SQSEvent = { Records: records };
    const context = lambdaContext({ functionName, region: options.region, timeoutMs, container });
    const began = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let verdict: InvocationVerdict;
    let deleteIds: string[];
    let error: string | undefined;
    try {
      // Lambda serialises the response: what the function returns is what the mapping reads.
      const result = await Promise.race([
        handler(structuredClone(event), context).then((response) => ({
          response: response === undefined ? undefined : (JSON.parse(JSON.stringify(response)) as unknown),
        })),
        timedOut,
      ]);
      if (result === 'timeout') {
        verdict = 'timeout';
        deleteIds = [];
        error = `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
      } else {
        ({ verdict, deleteIds } = recordsToDelete(records, { thrown: false, response: result.response }));
      }
    } catch (thrown) {
      ({ verdict, deleteIds } = recordsToDelete(records, { thrown: true }));
      error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    } finally {
      clearTimeout(timer);
    }
    const toDelete = new Set(deleteIds);
    const deleted = await deleteRecords(records.filter((r) => toDelete.has(r.messageId)));
    for (const r of records) settled.set(r.messageId, Number(r.attributes.ApproximateReceiveCount));
    const deletedSet = new Set(deleted);
    const report: InvocationReport = {
      invocation,
      container,
      records: records.map((r) => ({
        messageId: r.messageId,
        receiveCount: Number(r.attributes.ApproximateReceiveCount),
      })),
      verdict,
      deleted,
      handedBack: records.map((r) => r.messageId).filter((id) => !deletedSet.has(id)),
      ...(error === undefined ? {} : { error }),
      durationMs: Date.now() - began,
    };
    reports.push(report);
    verdicts[verdict] += 1;
    stats.records += records.length;
    stats.deleted += deleted.length;
    const counts = [...new Set(report.records.map((r) => r.receiveCount))].sort((a, b) => a - b).join(',');
    log(
      `invocation ${invocation} (container ${container}): ${records.length} record(s), receive count ${counts}` +
        ` → ${verdict}, ${deleted.length} deleted, ${report.handedBack.length} handed back, ` +
        `${report.durationMs} ms${error === undefined ? '' : ` (${error})`}`,
    );
    await options.onInvocation?.(report);
  };
  const poller = async (container: number) => {
    const handler = containers[container - 1];
    if (handler === undefined) throw new Error(`no container ${container}`);
    while (!done) {
      if (reserved >= maxInvocations) {
        stop(`invocation bound reached (${maxInvocations})`);
        break;
      }
      reserved += 1;
      const messages = await gather();
      if (messages.length === 0) {
        reserved -= 1;
        if (done) break;
        if (await isDrained()) {
          drained = true;
          stop();
        }
        continue;
      }
      try {
        await invoke(handler, container, messages);
      } finally {
        busy -= 1;
      }
    }
  };

  const keeper = async (control: VirtualTimeControl) => {
    const tick = control.tickMs ?? 5;
    while (!done) {
      await sleep(tick);
      if (busy > 0 || done) continue;
      const messages = control.peek();
      if (messages.length === 0) {
        abortReceives(); // nothing left: let the pollers confirm it over the wire
        continue;
      }
      const now = control.time.now();
      if (messages.some((m) => m.visibleAt <= now)) continue;
      const unheld = messages.every(
        (m) => m.receiveCount === 0 || settled.get(m.messageId) === m.receiveCount,
      );
      if (!unheld) continue;
      const next = Math.min(...messages.map((m) => m.visibleAt));
      const skipped = control.time.advanceTo(next);
      if (skipped > 0) {
        stats.skips += 1;
        log(
          `virtual time +${skipped < 1000 ? `${skipped} ms` : `${(skipped / 1000).toFixed(1)} s`}: next message visible`,
        );
      }
      if (control.time.skippedMs() - skippedAtStart > maxVirtualMs)
        stop(`virtual-time bound reached (${maxVirtualMs} ms)`);
    }
  };

  try {
    await Promise.all([
      ...containers.map((_, index) => poller(index + 1)),
      ...(options.virtualTime ? [keeper(options.virtualTime)] : []),
    ]);
  } finally {
    clearTimeout(wallTimer);
    done = true;
  }

  return {
    invocations: reports.length,
    records: stats.records,
    deleted: stats.deleted,
    handedBack: stats.records - stats.deleted,
    verdicts,
    deleteFailures: stats.deleteFailures,
    receiveErrors: stats.receiveErrors,
    receives: stats.receives,
    virtualSkips: stats.skips,
    virtualSkippedMs: (options.virtualTime?.time.skippedMs() ?? 0) - skippedAtStart,
    realMs: Date.now() - startedAt,
    drained,
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
    reports,
  };
}
