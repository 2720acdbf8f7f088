/**
 * The revisions a local run owes a run of every generation group (eligible), those it ended without (missed), and
 * why: lost on the bus, named by no event, or named by an event that started none.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogAsset } from '../../../tools/local/datazone/catalog.js';
import type { GenerationType, MetadataGenerationRun } from '../../../tools/local/datazone/types.js';
import { namedDomains, type RunEvent, revisionsOwed } from '../../../tools/local/runner/missed-revisions.js';

const RETAIL = 'dzd_retail01';
const PLANT = 'dzd_plant01';
const GLUE = 'amazon.datazone.GlueTableAssetType';
const REDSHIFT = 'amazon.datazone.RedshiftTableAssetType';
const S3 = 'amazon.datazone.S3ObjectCollectionAssetType';
const DEFAULT_GROUP = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'];
const WORKER_ENV = { DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq' };

const asset = (id: string, typeIdentifier: string, revisions = 1, more: Partial<CatalogAsset> = {}) => ({
  id,
  name: id,
  typeIdentifier,
  owningProjectId: 'project1',
  revisions: Array.from({ length: revisions }, (_, i) => ({
    revision: String(i + 1),
    createdAt: '2026-01-01T00:00:00Z',
  })),
  ...more,
});

const catalog: Catalog = {
  domains: [
    {
      id: RETAIL,
      name: 'Retail',
      projects: [{ id: 'project1', name: 'one' }],
      assets: [
        asset('orders', GLUE, 3),
        asset('clicks', REDSHIFT),
        asset('exports', S3),
        asset('raw', GLUE, 1, { structuredSchema: false }),
        asset('ledger', REDSHIFT, 2),
      ],
    },
    {
      id: PLANT,
      name: 'Plant',
      projects: [{ id: 'project1', name: 'one' }],
      assets: [asset('sensors', GLUE)],
    },
  ],
};

let seq = 0;
function run(
  domainId: string,
  assetId: string,
  revision: string,
  types: GenerationType[],
): MetadataGenerationRun {
  seq += 1;
  return {
    seq,
    id: `run${seq}`,
    domainId,
    owningProjectId: 'project1',
    target: { type: 'ASSET', identifier: assetId, revision },
    types,
    clientToken: `token${seq}`,
    createdAt: 0,
    createdBy: 'caller',
    attempt: 1,
    end: { at: 0, status: 'SUCCEEDED', typeStats: [] },
  };
}

function event(
  index: number,
  assetId: string,
  { revision, dropped = false, detailType = 'Asset Added To Inventory', domain = RETAIL } = {} as {
    revision?: string;
    dropped?: boolean;
    detailType?: string;
    domain?: string;
  },
): RunEvent {
  const body = JSON.stringify({
    version: '0',
    id: `event-${index}`,
    'detail-type': detailType,
    source: 'aws.datazone',
    detail: {
      metadata: { domain, id: assetId, ...(revision === undefined ? {} : { version: revision }) },
      data: { assetId },
    },
  });
  return { index, body, dropped };
}

const owed = (events: RunEvent[], runs: MetadataGenerationRun[] = [], env: Record<string, string> = {}) =>
  revisionsOwed({ catalog, runs, events, workerEnv: { ...WORKER_ENV, ...env } });

describe('the revisions a run owes', () => {
  it("are the current revisions of the named domains' assets that a run can be started for", () => {
    const result = owed([event(1, 'orders', { revision: '3' })]);

    // Not the S3 collection (no supported type), not the table without a schema, not the other domain's.
    expect(result.domainIds).toEqual([RETAIL]);
    expect(result.eligible).toBe(3);
    expect(result.missed.map((m) => m.assetRevision)).toEqual([
      `${RETAIL}/orders@3`,
      `${RETAIL}/clicks@1`,
      `${RETAIL}/ledger@2`,
    ]);
  });

  it('owes nothing in a domain no asset event names', () => {
    expect(owed([])).toEqual({ domainIds: [], eligible: 0, missed: [] });
  });

  it('counts a revision with a run of its group, whoever started it, as not missed', () => {
    const result = owed(
      [event(1, 'clicks')],
      [run(RETAIL, 'orders', '3', ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'])],
    );

    expect(result.eligible).toBe(3);
    expect(result.missed.map((m) => m.assetRevision)).toEqual([`${RETAIL}/clicks@1`, `${RETAIL}/ledger@2`]);
  });

  it("counts a run of an older revision, or of another group, as not the current revision's", () => {
    const result = owed(
      [event(1, 'orders')],
      [
        run(RETAIL, 'orders', '2', ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']),
        run(RETAIL, 'orders', '3', ['BUSINESS_GLOSSARY_ASSOCIATIONS']),
      ],
      { GENERATION_TYPES: 'BUSINESS_DESCRIPTIONS,BUSINESS_NAMES,BUSINESS_GLOSSARY_ASSOCIATIONS' },
    );

    expect(result.missed.find((m) => m.assetRevision === `${RETAIL}/orders@3`)?.groups).toEqual([
      DEFAULT_GROUP,
    ]);
  });

  it('says why: every event lost on the bus, no event, or an event that reached the queue and started none', () => {
    const result = owed([
      event(1, 'orders', { dropped: true }),
      event(2, 'orders', { revision: '3', dropped: true }),
      event(3, 'clicks', { dropped: true }),
      event(4, 'clicks'),
    ]);

    expect(result.missed).toEqual([
      {
        assetRevision: `${RETAIL}/orders@3`,
        groups: [DEFAULT_GROUP],
        cause: 'events-lost',
        events: [
          { index: 1, dropped: true },
          { index: 2, dropped: true },
        ],
      },
      {
        assetRevision: `${RETAIL}/clicks@1`,
        groups: [DEFAULT_GROUP],
        cause: 'not-started',
        events: [
          { index: 3, dropped: true },
          { index: 4, dropped: false },
        ],
      },
      { assetRevision: `${RETAIL}/ledger@2`, groups: [DEFAULT_GROUP], cause: 'no-event', events: [] },
    ]);
  });

  it('takes an event about an older revision, or of a detail-type the worker does not handle, as naming none', () => {
    const result = owed([
      event(1, 'ledger', { revision: '1', dropped: true }),
      event(2, 'clicks', { detailType: 'Metadata Generation Accepted', dropped: true }),
    ]);

    expect(result.missed.map((m) => [m.assetRevision, m.cause])).toEqual([
      [`${RETAIL}/orders@3`, 'no-event'],
      [`${RETAIL}/clicks@1`, 'no-event'],
      [`${RETAIL}/ledger@2`, 'no-event'],
    ]);
  });

  it('covers the domains any asset event names, lost or not, in catalog order; unknown domains are left out', () => {
    const events = [
      event(1, 'sensors', { domain: PLANT }),
      event(2, 'orders', { dropped: true }),
      event(3, 'gone', { domain: 'dzd_unknown1' }),
    ];

    expect(
      namedDomains(
        catalog,
        events.map((e) => e.body),
      ),
    ).toEqual([RETAIL, PLANT]);
    expect(owed(events).domainIds).toEqual([RETAIL, PLANT]);
  });
});
