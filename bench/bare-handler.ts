/**
 * The bare baseline bundle: the two SDK clients the worker needs, constructed once, and a handler doing the
 * minimal equivalent of the worker's happy path: parse each body, derive a client token from the asset revision
 * and start one metadata generation run per record, all records at once. No configuration, validation, rate
 * limit, logging, metrics or failure handling: what is left is what any implementation has to pay.
 */
import { DataZoneClient } from '@aws-sdk/client-datazone';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startCommandFor } from './start-command.js';

const datazone = new DataZoneClient({});
export const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const results = await Promise.allSettled(
    event.Records.map(async (record) => {
      await datazone.send(startCommandFor(record.body));
    }),
  );
  return {
    batchItemFailures: event.Records.flatMap((record, index) =>
      results[index]?.status === 'rejected' ? [{ itemIdentifier: record.messageId }] : [],
    ),
  };
}
