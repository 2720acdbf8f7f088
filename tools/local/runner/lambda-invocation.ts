// What Lambda hands an SQS-triggered function (records, context) and what it deletes after, by its response.
import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export type InvocationVerdict = 'success' | 'partial' | 'error' | 'timeout' | 'invalid-response';

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
