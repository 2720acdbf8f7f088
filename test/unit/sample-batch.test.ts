/** The named fixtures of test/support/fixtures.ts hold what their names say, whatever the file's order. */
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import {
  DUPLICATE_OF_GLUE_TABLE_EVENT,
  GLUE_TABLE_EVENT,
  MALFORMED_BODY,
  NEEDS_DATAZONE,
  NEW_VERSION_WITHOUT_TYPE,
  OTHER_DOMAIN_WITHOUT_REVISION,
  REDSHIFT_TABLE_EVENT,
  SAMPLE_BATCH,
  SKIPPED_DETAIL_TYPE,
  UNSUPPORTED_ASSET_TYPE,
} from '../support/fixtures.js';

interface AssetEvent {
  'detail-type': string;
  detail: { metadata: Record<string, string | undefined>; data: Record<string, string | undefined> };
}

const parsed = (record: SQSRecord) => JSON.parse(record.body) as AssetEvent;
const metadata = (record: SQSRecord) => parsed(record).detail.metadata;

describe('the sample batch’s named records', () => {
  it('name every record of events/sqs/batch.json once', () => {
    const named = [...NEEDS_DATAZONE, SKIPPED_DETAIL_TYPE, MALFORMED_BODY].map((record) => record.messageId);
    expect(new Set(named).size).toBe(named.length);
    expect(SAMPLE_BATCH.Records.map((record) => record.messageId).sort()).toEqual(named.sort());
  });

  it('hold complete events of supported asset types for the Glue and the Redshift table', () => {
    for (const [record, detailType, typeName] of [
      [GLUE_TABLE_EVENT, 'Asset Added To Inventory', 'amazon.datazone.GlueTableAssetType'],
      [REDSHIFT_TABLE_EVENT, 'Asset Added To Catalog', 'amazon.datazone.RedshiftTableAssetType'],
    ] as const) {
      expect(parsed(record)['detail-type']).toBe(detailType);
      expect(metadata(record)).toMatchObject({
        typeName,
        version: expect.any(String),
        owningProjectId: expect.any(String),
      });
    }
  });

  it('hold events that need GetAsset for their type, and for the revision in the other domain', () => {
    expect(parsed(NEW_VERSION_WITHOUT_TYPE)['detail-type']).toBe('New Asset Version Available');
    expect(parsed(NEW_VERSION_WITHOUT_TYPE).detail.data.revision).toEqual(expect.any(String));
    expect(metadata(NEW_VERSION_WITHOUT_TYPE).typeName).toBeUndefined();
    expect(metadata(OTHER_DOMAIN_WITHOUT_REVISION).domain).not.toBe(metadata(GLUE_TABLE_EVENT).domain);
    expect(metadata(OTHER_DOMAIN_WITHOUT_REVISION)).not.toHaveProperty('version');
    expect(metadata(OTHER_DOMAIN_WITHOUT_REVISION)).not.toHaveProperty('owningProjectId');
    expect(metadata(UNSUPPORTED_ASSET_TYPE).typeName).toBeUndefined();
  });

  it('hold a detail-type that is not handled, a body that is not JSON, and a duplicate', () => {
    const { handledDetailTypes } = loadConfig({
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq',
    });
    expect(handledDetailTypes.has(parsed(SKIPPED_DETAIL_TYPE)['detail-type'])).toBe(false);
    expect(() => JSON.parse(MALFORMED_BODY.body)).toThrow(SyntaxError);
    expect(DUPLICATE_OF_GLUE_TABLE_EVENT.body).toBe(GLUE_TABLE_EVENT.body);
    expect(DUPLICATE_OF_GLUE_TABLE_EVENT.messageId).not.toBe(GLUE_TABLE_EVENT.messageId);
  });
});
