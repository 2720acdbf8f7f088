// The Lambda SQS event source mapping, in process: the SQSEvent Lambda would build from a receive, and how it
// settles a batch with ReportBatchItemFailures.
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { collect, type ReceiveParams } from './delivery.js';
import { deleteOne } from './receipts.js';
import { arnOf, type QueueState, type SqsState } from './state.js';

/** Receives like the Lambda event source mapping and returns the SQS event it would invoke with. */
export function receiveLambdaEvent(
  state: SqsState,
  q: QueueState,
  o: { batchSize?: number; visibilityTimeoutSeconds?: number } = {},
): SQSEvent {
  const params: ReceiveParams = {
    max: o.batchSize ?? 10,
    visibility: o.visibilityTimeoutSeconds ?? q.config.visibilityTimeout,
    systemNames: ['All'],
    attributeNames: ['All'],
  };
  const Records = collect(state, q, params).map((m): SQSRecord => {
    const messageAttributes: SQSMessageAttributes = {};
    for (const [k, a] of Object.entries(m.MessageAttributes ?? {})) {
      messageAttributes[k] = {
        dataType: a.DataType,
        ...(a.StringValue === undefined ? {} : { stringValue: a.StringValue }),
        ...('BinaryValue' in a && a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
      };
    }
    const attrs = m.Attributes ?? {};
    return {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body,
      attributes: {
        ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
        SentTimestamp: attrs.SentTimestamp ?? '',
        SenderId: attrs.SenderId ?? state.senderId,
        ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? '',
        ...(attrs.AWSTraceHeader === undefined ? {} : { AWSTraceHeader: attrs.AWSTraceHeader }),
        ...(attrs.DeadLetterQueueSourceArn === undefined
          ? {}
          : { DeadLetterQueueSourceArn: attrs.DeadLetterQueueSourceArn }),
      },
      messageAttributes,
      md5OfBody: m.MD5OfBody,
      ...(m.MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: m.MD5OfMessageAttributes }),
      eventSource: 'aws:sqs',
      eventSourceARN: arnOf(state, q.name),
      awsRegion: state.region,
    };
  });
  return { Records };
}

/**
 * Settles a batch like the event source mapping with ReportBatchItemFailures: deletes every record not listed
 * in batchItemFailures; when the function threw (response undefined), deletes nothing. Returns deleted ids.
 */
export function completeLambdaEvent(
  state: SqsState,
  event: SQSEvent,
  response: SQSBatchResponse | undefined,
): string[] {
  if (response === undefined) return [];
  // Lambda treats a response naming an unknown or empty itemIdentifier as a failure of the whole batch.
  const ids = new Set(event.Records.map((r) => r.messageId));
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  if ([...failed].some((id) => !id || !ids.has(id))) return [];
  const deleted: string[] = [];
  for (const record of event.Records) {
    if (failed.has(record.messageId)) continue;
    const name = record.eventSourceARN.split(':').at(-1) ?? '';
    const q = state.queues.get(name);
    if (!q) throw new Error(`no local queue named ${name}`);
    const notes: string[] = [];
    try {
      deleteOne(state, q, record.receiptHandle, notes);
      if (notes.length === 0) deleted.push(record.messageId);
    } catch {
      // An invalid handle means the message is already gone; the event source mapping shrugs too.
    }
  }
  return deleted;
}
