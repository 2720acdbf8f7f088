/**
 * Shared by the sweep's tests over the wire: a generated catalog whose every asset's fate follows from its index
 * (type, runs that already exist), the runs seeded at the local DataZone through the SDK, the real adapters
 * (DataZoneSweepCalls, SqsEventQueue) pointed at the local endpoints, and what the source queue holds.
 */

import {
  type DataZoneClient,
  DataZoneClient as SdkDataZoneClient,
  StartMetadataGenerationRunCommand,
} from '@aws-sdk/client-datazone';
import { vi } from 'vitest';
import { parseAssetEvent, parseEnvelopeJson } from '../../src/core/asset-event.js';
import { clientToken } from '../../src/core/client-token.js';
import {
  type GenerationGroup,
  type GenerationType,
  generationGroups,
} from '../../src/core/generation-types.js';
import type { ReconcileOrigin } from '../../src/core/reconciliation.js';
import { createDataZoneClient } from '../../src/datazone/client.js';
import { oneBucketForAll, RequestBudget } from '../../src/datazone/request-budget.js';
import { DataZoneSweepCalls } from '../../src/datazone/sweep-calls.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import { SqsEventQueue } from '../../src/queues/event-queue.js';
import { createSqsClient } from '../../src/queues/sqs.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';
import type { SweepSettings } from '../../src/sweep/sweep.js';
import type { Catalog } from '../../tools/local/datazone/catalog.js';
import {
  GLUE_TABLE,
  generatedAssetId,
  generatedCatalog,
} from '../../tools/local/datazone/generated-catalog.js';
import type { LocalDataZone } from '../../tools/local/datazone/types.js';
import type { LocalWorld } from '../../tools/local/runner/world.js';

export const DOMAIN = 'dzd_sweep01';
const PROJECTS = ['alpha', 'beta'];
const REDSHIFT_TABLE = 'amazon.datazone.RedshiftTableAssetType';
const S3_COLLECTION = 'amazon.datazone.S3ObjectCollectionAssetType';
export const SUPPORTED = new Set([GLUE_TABLE, REDSHIFT_TABLE]);
export const ALL_TYPES: readonly GenerationType[] = [
  'BUSINESS_DESCRIPTIONS',
  'BUSINESS_GLOSSARY_ASSOCIATIONS',
  'BUSINESS_NAMES',
];
/** The worker's default generation types: one group. */
export const DEFAULT_TYPES: readonly GenerationType[] = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'];

/**
 * Asset i: every sixth (i % 6 == 5) an S3 collection, which no run is for; i % 6 == 4 a Redshift table, the rest
 * Glue tables; 1 to 3 revisions. Which runs already exist follows from i % 5 (seedRuns):
 *   0: a run of every group for the current revision (covered)
 *   1: a run of the first group only for the current revision
 *   2: runs of every group for revision 1 (covered only when revision 1 is the current one)
 *   3, 4: no run at all
 */
export function sweepCatalog(assets: number, publishedOf?: (index: number) => boolean): Catalog {
  return generatedCatalog({
    assets,
    domainId: DOMAIN,
    projects: PROJECTS,
    typeOf: (i) => (i % 6 === 5 ? S3_COLLECTION : i % 6 === 4 ? REDSHIFT_TABLE : GLUE_TABLE),
    revisionsOf: (i) => 1 + (i % 3),
    ...(publishedOf === undefined ? {} : { publishedOf }),
  });
}

const supported = (index: number) => index % 6 !== 5;
const currentRevision = (index: number) => String(1 + (index % 3));

/** The runs seeded for asset i: [revision, group] pairs. */
function seededRuns(index: number, groups: readonly GenerationGroup[]): [string, GenerationGroup][] {
  if (!supported(index)) return [];
  const [firstGroup] = groups;
  switch (index % 5) {
    case 0:
      return groups.map((group) => [currentRevision(index), group]);
    case 1:
      return firstGroup === undefined ? [] : [[currentRevision(index), firstGroup]];
    case 2:
      return groups.map((group) => ['1', group]);
    default:
      return [];
  }
}

export interface ExpectedRevision {
  readonly assetId: string;
  readonly revision: string;
  readonly owningProjectId: string;
  readonly assetType: string;
  readonly groups: readonly GenerationGroup[];
}

/** What a sweep of the first `assets` assets should find missing, from the indexes alone. */
export function expectedMissing(
  assets: number,
  types: readonly GenerationType[],
  keep: (index: number) => boolean = () => true,
): ExpectedRevision[] {
  const groups = generationGroups(types);
  const catalog = sweepCatalog(assets);
  return (catalog.domains[0]?.assets ?? []).flatMap((asset, index) => {
    if (!supported(index) || !keep(index)) return [];
    const current = currentRevision(index);
    const covered = seededRuns(index, groups).filter(([revision]) => revision === current);
    const missing = groups.filter((group) => !covered.some(([, done]) => done === group));
    if (missing.length === 0) return [];
    return [
      {
        assetId: asset.id,
        revision: current,
        owningProjectId: asset.owningProjectId,
        assetType: asset.typeIdentifier,
        groups: missing,
      },
    ];
  });
}

/** How many of the first `assets` assets have every group of their current revision covered. */
export function expectedCovered(assets: number, types: readonly GenerationType[]): number {
  const supportedCount = Array.from({ length: assets }, (_, i) => i).filter(supported).length;
  return supportedCount - expectedMissing(assets, types).length;
}

export const expectedSkippedByType = (assets: number) =>
  Array.from({ length: assets }, (_, i) => i).filter((i) => !supported(i)).length;

/** Starts the seeded runs at the local DataZone through the SDK, each ended (SUCCEEDED) before the next. */
export async function seedRuns(dataZone: LocalDataZone, assets: number, types: readonly GenerationType[]) {
  const client = new SdkDataZoneClient({
    endpoint: dataZone.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  try {
    for (let index = 0; index < assets; index++) {
      for (const [revision, group] of seededRuns(index, generationGroups(types))) {
        await startEndedRun(client, dataZone, index, revision, group);
      }
    }
  } finally {
    client.destroy();
  }
}

async function startEndedRun(
  client: DataZoneClient,
  dataZone: LocalDataZone,
  index: number,
  revision: string,
  group: GenerationGroup,
): Promise<void> {
  const run = await client.send(
    new StartMetadataGenerationRunCommand({
      domainIdentifier: DOMAIN,
      owningProjectIdentifier: PROJECTS[index % PROJECTS.length],
      target: { type: 'ASSET', identifier: generatedAssetId(index), revision },
      types: [...group],
      // The worker's own token for attempt 1: these stand for runs an earlier delivery started.
      clientToken: clientToken({
        domainId: DOMAIN,
        assetId: generatedAssetId(index),
        revision,
        generationTypes: group,
      }),
    }),
  );
  if (run.id === undefined) throw new Error('the local DataZone started a run without an id');
  dataZone.setRunStatus(run.id, 'SUCCEEDED');
}

export interface SweepAdapters {
  /** A new DataZone session (one per invocation, as the reconciler opens one). */
  session(): ReturnType<DataZoneSweepCalls['sweepSession']>;
  readonly queue: SqsEventQueue;
  close(): void;
}

/** The real adapters, configured from the environment as the reconciler and the backfill are. */
export function sweepAdapters(world: LocalWorld): SweepAdapters {
  vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', world.dataZone.url);
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', world.sqs.url);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  const deadline = new InvocationDeadline();
  deadline.start(120_000, 0);
  const datazone = new DataZoneSweepCalls(
    createDataZoneClient(5000),
    new RequestBudget(
      oneBucketForAll(new TokenBucket({ ratePerSecond: 1000, burst: 20 })),
      deadline,
      Date.now,
    ),
    deadline,
  );
  const sqs = createSqsClient(5000);
  return {
    session: () => datazone.sweepSession(),
    queue: new SqsEventQueue(sqs, world.sqs.queueUrl(world.sourceQueue)),
    close: () => {
      deadline.finish();
      sqs.destroy();
    },
  };
}

export const sweepSettings = (
  types: readonly GenerationType[],
  over: Partial<SweepSettings> = {},
): SweepSettings => ({
  domainId: DOMAIN,
  owningProjectId: undefined,
  assetTypes: SUPPORTED,
  publishedOnly: false,
  groups: generationGroups(types),
  origin: 'backfill',
  sweepId: 'backfill/test',
  pageSize: 10,
  retry: { maxRunAttempts: 3, runRetryBaseSeconds: 300 },
  ...over,
});

export interface QueuedEvent extends ExpectedRevision {
  readonly eventId: string | undefined;
  readonly origin: ReconcileOrigin;
  readonly sweepId: string;
}

/** A body on the source queue read as the worker reads it; throws unless it is a reconciled asset event. */
export function readQueuedEvent(body: string): QueuedEvent {
  const envelope = parseEnvelopeJson(body);
  if (!envelope.ok) throw new Error(`not an EventBridge event: ${envelope.reason}`);
  const event = parseAssetEvent(envelope.value);
  if (!event.ok) throw new Error(`not an asset event: ${event.reason}`);
  const { assetId, revision, owningProjectId, assetType, reconciliation, eventId } = event.value;
  if (reconciliation === undefined) throw new Error(`event ${eventId} carries no reconciliation mark`);
  if (revision === undefined || owningProjectId === undefined || assetType === undefined)
    throw new Error(`event ${eventId} lacks its revision, project or type`);
  return {
    eventId,
    assetId,
    revision,
    owningProjectId,
    assetType,
    groups: reconciliation.groups,
    origin: reconciliation.origin,
    sweepId: reconciliation.sweepId,
  };
}

/** The source queue's bodies as reconciled events, without receiving them. */
export const queuedEvents = (world: LocalWorld): QueuedEvent[] =>
  world.sqs.peek(world.sourceQueue).map((message) => readQueuedEvent(message.body));

/** The parts of an event a sweep decides, for comparing with expectedMissing. */
export const asExpected = ({ assetId, revision, owningProjectId, assetType, groups }: ExpectedRevision) => ({
  assetId,
  revision,
  owningProjectId,
  assetType,
  groups,
});
