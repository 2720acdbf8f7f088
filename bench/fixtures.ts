/**
 * What the benchmarks feed the worker: a generated catalog of Glue tables with many revisions, and for each
 * (asset, revision) one "New Asset Version Available" event that names domain, asset, owning project, revision
 * and a supported asset type, so that the worker needs no GetAsset call: one StartMetadataGenerationRun each.
 * Events can leave the revision out; the worker then asks GetAsset for the current one, so each asset of such a
 * catalog has one revision.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Catalog } from '../tools/local/datazone/catalog.js';

export const DOMAIN_ID = 'dzd_benchmark00001';
const PROJECT_ID = 'benchproject00001';
const ASSET_TYPE = 'amazon.datazone.GlueTableAssetType';
export const REGION = 'eu-west-1';
export const FUNCTION_NAME = 'datazone-metagen-worker-bench-worker';
const ACCOUNT_ID = '000000000000';
export const SOURCE_QUEUE = 'bench-source';
export const DEAD_LETTER_QUEUE = 'bench-dlq';
const SOURCE_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${SOURCE_QUEUE}`;

export interface AssetRevision {
  readonly assetId: string;
  readonly revision: string;
}

const REVISIONS_PER_ASSET = 10;

/** `count` distinct asset revisions: assets bench-a0000, bench-a0001, … with revisions 1–10 (by default) each. */
export function assetRevisions(count: number, offset = 0, perAsset = REVISIONS_PER_ASSET): AssetRevision[] {
  return Array.from({ length: count }, (_, index) => {
    const n = offset + index;
    return {
      assetId: `bench-a${String(Math.floor(n / perAsset)).padStart(5, '0')}`,
      revision: String((n % perAsset) + 1),
    };
  });
}

/** A catalog holding every revision of `assetRevisions(count, 0, perAsset)`. */
export function benchCatalog(count: number, perAsset = REVISIONS_PER_ASSET): Catalog {
  const assets = Math.ceil(count / perAsset);
  return {
    domains: [
      {
        id: DOMAIN_ID,
        name: 'Benchmark domain',
        projects: [{ id: PROJECT_ID, name: 'Benchmark project' }],
        assets: Array.from({ length: assets }, (_, index) => ({
          id: `bench-a${String(index).padStart(5, '0')}`,
          name: `bench_table_${index}`,
          typeIdentifier: ASSET_TYPE,
          typeRevision: '1',
          owningProjectId: PROJECT_ID,
          revisions: Array.from({ length: perAsset }, (_, r) => ({
            revision: String(r + 1),
            createdAt: new Date(Date.UTC(2026, 0, 1, 0, r)).toISOString(),
          })),
        })),
      },
    ],
  };
}

/**
 * The EventBridge event DataZone publishes for a new asset revision, as the SQS message body; without
 * `metadata.version` when `withRevision` is false (the worker then looks the revision up with GetAsset).
 */
export function eventBody({ assetId, revision }: AssetRevision, index: number, withRevision = true): string {
  return JSON.stringify({
    version: '0',
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    'detail-type': 'New Asset Version Available',
    source: 'aws.datazone',
    account: ACCOUNT_ID,
    time: '2026-11-25T12:00:00Z',
    region: REGION,
    resources: [`arn:aws:datazone:${REGION}:${ACCOUNT_ID}:domain/${DOMAIN_ID}`],
    detail: {
      version: '1',
      metadata: {
        domain: DOMAIN_ID,
        user: '44f864b8-50a1-70cc-736f-c1f763934ab7',
        id: assetId,
        awsAccountId: ACCOUNT_ID,
        ...(withRevision ? { version: revision } : {}),
        typeName: ASSET_TYPE,
        owningProjectId: PROJECT_ID,
      },
      data: { assetId },
    },
  });
}

function sqsRecord(body: string, index: number): SQSRecord {
  const id = `00000000-0000-4000-9000-${String(index).padStart(12, '0')}`;
  return {
    messageId: id,
    receiptHandle: `bench-receipt-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764072000000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1764072000010',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: SOURCE_QUEUE_ARN,
    awsRegion: REGION,
  };
}

/** Lambda SQS events of `batchSize` records each, one per asset revision of `revisions`. */
export function sqsBatches(revisions: readonly AssetRevision[], batchSize = 10): SQSEvent[] {
  const batches: SQSEvent[] = [];
  for (let start = 0; start < revisions.length; start += batchSize) {
    batches.push({
      Records: revisions
        .slice(start, start + batchSize)
        .map((revision, offset) => sqsRecord(eventBody(revision, start + offset), start + offset)),
    });
  }
  return batches;
}
