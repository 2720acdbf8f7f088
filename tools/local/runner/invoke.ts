// One invocation of the function with a received batch: timeout, verdict, deletes, and the report of it.
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import {
  type InvocationVerdict,
  type LambdaHandler,
  lambdaContext,
  recordsToDelete,
  toLambdaRecord,
} from './lambda-invocation.js';
import type { SourceQueue } from './source-queue.js';

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

/** What every invocation of one event source shares. */
export interface InvocationSettings {
  readonly queueArn: string;
  readonly region: string;
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly queue: Pick<SourceQueue, 'deleteRecords'>;
  /** Receive count at which each message was last settled, updated after every invocation. */
  readonly settled: Map<string, number>;
  readonly log: (line: string) => void;
}

/** A call that ends in a verdict and the records to delete, whatever the handler does. */
interface Ending {
  readonly verdict: InvocationVerdict;
  readonly deleteIds: readonly string[];
  readonly error?: string;
}

/**
 * Invokes the handler as Lambda does (its own copy of the event, a context, the function timeout), deletes
 * what the response calls for, records the receive count each message was settled at, and logs what it did.
 */
export async function invoke(
  settings: InvocationSettings,
  invocation: number,
  container: number,
  handler: LambdaHandler,
  messages: readonly Message[],
): Promise<InvocationReport> {
  const records = messages.map((m) => toLambdaRecord(m, settings.queueArn, settings.region));
  const began = Date.now();
  const { verdict, deleteIds, error } = await call(settings, container, handler, { Records: records });
  const toDelete = new Set(deleteIds);
  const deleted = await settings.queue.deleteRecords(records.filter((r) => toDelete.has(r.messageId)));
  for (const r of records) settings.settled.set(r.messageId, Number(r.attributes.ApproximateReceiveCount));
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
  const counts = [...new Set(report.records.map((r) => r.receiveCount))].sort((a, b) => a - b).join(',');
  settings.log(
    `invocation ${invocation} (container ${container}): ${records.length} record(s), receive count ${counts}` +
      ` → ${verdict}, ${deleted.length} deleted, ${report.handedBack.length} handed back, ` +
      `${report.durationMs} ms${error === undefined ? '' : ` (${error})`}`,
  );
  return report;
}

async function call(
  settings: InvocationSettings,
  container: number,
  handler: LambdaHandler,
  event: SQSEvent,
): Promise<Ending> {
  const { functionName, region, timeoutMs } = settings;
  const context = lambdaContext({ functionName, region, timeoutMs, container });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // Lambda serialises the response: what the function returns is what the mapping reads.
    const result = await Promise.race([
      handler(structuredClone(event), context).then((response) => ({
        response: response === undefined ? undefined : (JSON.parse(JSON.stringify(response)) as unknown),
      })),
      timedOut,
    ]);
    if (result === 'timeout') {
      return {
        verdict: 'timeout',
        deleteIds: [],
        error: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
      };
    }
    return recordsToDelete(event.Records, { thrown: false, response: result.response });
  } catch (thrown) {
    return {
      ...recordsToDelete(event.Records, { thrown: true }),
      error: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown),
    };
  } finally {
    clearTimeout(timer);
  }
}
