// The Lambda SQS event source mapping, in process: the SQSEvent Lambda builds from what it receives.
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { collect, type ReceiveParams, SENDER_ID } from './delivery.js';
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
        SenderId: attrs.SenderId ?? SENDER_ID,
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
