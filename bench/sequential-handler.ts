/**
 * The throughput benchmark's sequential baseline, bundled like the worker: the same SDK client type as the
 * worker against the same endpoint, each record parsed and started with a client token, one record after the other.
 */
import { DataZoneClient } from '@aws-sdk/client-datazone';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startCommandFor } from './start-command.js';

const datazone = new DataZoneClient({});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await datazone.send(startCommandFor(record.body));
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
