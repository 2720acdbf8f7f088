/**
 * The bare baseline bundle: the two SDK clients the worker needs, constructed once, and a handler doing the
 * minimal equivalent of the worker's happy path: parse each body, derive a client token from the asset revision
 * and start one metadata generation run per record, all records at once. No configuration, validation, rate
 * limit, logging, metrics or failure handling: what is left is what any implementation has to pay.
 */
import { createHash } from 'node:crypto';
import { DataZoneClient, StartMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

const datazone = new DataZoneClient({});
export const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

interface BareEvent {
  readonly detail: {
    readonly metadata: { domain: string; owningProjectId: string; version: string };
    readonly data: { assetId: string };
  };
}

const TYPES = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const results = await Promise.allSettled(
    event.Records.map(async (record) => {
      const { metadata, data } = (JSON.parse(record.body) as BareEvent).detail;
      const key = JSON.stringify([metadata.domain, data.assetId, metadata.version, TYPES]);
      await datazone.send(
        new StartMetadataGenerationRunCommand({
          domainIdentifier: metadata.domain,
          owningProjectIdentifier: metadata.owningProjectId,
          target: { type: 'ASSET', identifier: data.assetId, revision: metadata.version },
          types: [...TYPES],
          clientToken: createHash('sha256').update(key).digest('base64url'),
        }),
      );
    }),
  );
  return {
    batchItemFailures: event.Records.flatMap((record, index) =>
      results[index]?.status === 'rejected' ? [{ itemIdentifier: record.messageId }] : [],
    ),
  };
}
