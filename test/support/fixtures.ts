/**
 * The sample events' records by name. Records are looked up by message id, never by position, so reordering
 * events/sqs/batch.json changes no test; test/unit/sample-batch.test.ts checks that each record still holds what
 * its name says.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsEvent } from './lambda.js';

/** events/sqs/batch.json: eight records, one of each kind below. */
export const SAMPLE_BATCH: SQSEvent = sqsEvent('sqs/batch.json');

function sampleRecord(messageId: string): SQSRecord {
  const matches = SAMPLE_BATCH.Records.filter((record) => record.messageId === messageId);
  const [record] = matches;
  if (record === undefined || matches.length > 1) {
    throw new Error(`events/sqs/batch.json: expected one record ${messageId}, found ${matches.length}`);
  }
  return record;
}

/** Asset Added To Inventory of a Glue table with revision, project and type: only the start call is needed. */
export const GLUE_TABLE_EVENT = sampleRecord('eb921929-9eb9-d5c7-1a1a-566fd9a53a9e');

/** Asset Added To Catalog of a Redshift table, complete like the Glue table event. */
export const REDSHIFT_TABLE_EVENT = sampleRecord('fdbcf5be-a7a5-8762-29c0-bac5a03c518c');

/** New Asset Version Available with the revision in data.revision and no asset type: GetAsset tells the type. */
export const NEW_VERSION_WITHOUT_TYPE = sampleRecord('f67c566d-8c56-05ce-d4c0-fada948a0f4a');

/** An event of a second domain without revision, project or type: GetAsset resolves all three. */
export const OTHER_DOMAIN_WITHOUT_REVISION = sampleRecord('1642807f-7daa-68fd-c8a7-4f9223973f7c');

/** Metadata Generation Succeeded: a detail-type the worker does not handle. */
export const SKIPPED_DETAIL_TYPE = sampleRecord('5b59104a-2a51-e164-e1aa-45b09543f770');

/** An event without its asset type, which GetAsset reports as an S3 object collection: not supported. */
export const UNSUPPORTED_ASSET_TYPE = sampleRecord('97337eae-b010-c44a-5b6f-b5a7d6ab1057');

/** A body cut off in the middle of its JSON. */
export const MALFORMED_BODY = sampleRecord('4b59ebb9-5be0-dba2-bb88-6e595b1a85d4');

/** The Glue table event once more as another message: the same body, its own message id. */
export const DUPLICATE_OF_GLUE_TABLE_EVENT = sampleRecord('58d05e42-6a7d-a53a-e350-f36431b61a00');

/** The sample records that need DataZone: all but the skipped detail-type and the malformed body. */
export const NEEDS_DATAZONE: readonly SQSRecord[] = [
  GLUE_TABLE_EVENT,
  REDSHIFT_TABLE_EVENT,
  NEW_VERSION_WITHOUT_TYPE,
  OTHER_DOMAIN_WITHOUT_REVISION,
  UNSUPPORTED_ASSET_TYPE,
  DUPLICATE_OF_GLUE_TABLE_EVENT,
];

/** The asset id a sample asset event is about. */
export function assetIdOf(record: SQSRecord): string {
  const event = JSON.parse(record.body) as { detail: { metadata: { id: string } } };
  return event.detail.metadata.id;
}

/** The given records in the order the batch holds them: a batch's report lists its records in batch order. */
export function inBatchOrder(event: SQSEvent, records: readonly SQSRecord[]): SQSRecord[] {
  const ids = new Set(records.map((record) => record.messageId));
  return event.Records.filter((record) => ids.has(record.messageId));
}

/** The record of a sample file that holds exactly one, such as events/sqs/malformed-body.json. */
export function onlyRecord(event: SQSEvent): SQSRecord {
  const [record, ...others] = event.Records;
  if (record === undefined || others.length > 0) {
    throw new Error(`expected a single record, found ${event.Records.length}`);
  }
  return record;
}

export function batchOf(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** The record as SQS delivers it the `count`th time, optionally as another message. */
export function withReceiveCount(record: SQSRecord, count: number, messageId = record.messageId): SQSRecord {
  return {
    ...record,
    messageId,
    attributes: { ...record.attributes, ApproximateReceiveCount: String(count) },
  };
}
