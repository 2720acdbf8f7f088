/** Search over the local DataZone's catalog, and published assets' listings, through the real SDK. */
import {
  type DataZoneClient,
  GetAssetCommand,
  SearchCommand,
  type SearchCommandInput,
} from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../tools/local/datazone/catalog.js';
import {
  GLUE_TABLE,
  generatedAssetId,
  generatedCatalog,
} from '../../../tools/local/datazone/generated-catalog.js';
import { startLocalDataZone } from '../../../tools/local/datazone/server.js';
import type { LocalDataZone } from '../../../tools/local/datazone/types.js';
import { clientFor, DOMAIN, failure, MARKETING } from './support.js';

const GENERATED = 'dzd_generated';
const ASSETS = 120;
const PROJECTS = ['north', 'south', 'east'];
const S3_COLLECTION = 'amazon.datazone.S3ObjectCollectionAssetType';

/** 120 assets over three projects in turn; every fifth an S3 collection, every fourth published. */
const catalog = generatedCatalog({
  assets: ASSETS,
  domainId: GENERATED,
  projects: PROJECTS,
  typeOf: (i) => (i % 5 === 4 ? S3_COLLECTION : GLUE_TABLE),
  revisionsOf: (i) => 1 + (i % 3),
  publishedOf: (i) => i % 4 === 0,
});
// The sample catalog's domains too, so that the stand-in serves both.
const served = { domains: [...loadCatalog().domains, ...catalog.domains] };

let server: LocalDataZone;
let client: DataZoneClient;

beforeAll(async () => {
  server = await startLocalDataZone({ catalog: served });
  client = clientFor(server);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const searchAssets = (input: Partial<SearchCommandInput> = {}) =>
  client.send(new SearchCommand({ domainIdentifier: GENERATED, searchScope: 'ASSET', ...input }));

/** Every page of a search, following nextToken; the page sizes and the totals each page reported. */
async function allPages(input: Partial<SearchCommandInput> = {}) {
  const ids: string[] = [];
  const sizes: number[] = [];
  const totals: (number | undefined)[] = [];
  let nextToken: string | undefined;
  do {
    const page = await searchAssets({ ...input, ...(nextToken === undefined ? {} : { nextToken }) });
    const items = page.items ?? [];
    sizes.push(items.length);
    totals.push(page.totalMatchCount);
    ids.push(...items.map((item) => item.assetItem?.identifier ?? 'not an asset item'));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return { ids, sizes, totals };
}

const idsWhere = (keep: (index: number) => boolean) =>
  Array.from({ length: ASSETS }, (_, i) => i)
    .filter(keep)
    .map(generatedAssetId);

describe('local DataZone: Search', () => {
  it('lists every asset once, in pages of maxResults, with the total on each page', async () => {
    const { ids, sizes, totals } = await allPages({ maxResults: 50 });

    expect(ids).toEqual(idsWhere(() => true));
    expect(sizes).toEqual([50, 50, 20]);
    expect(totals).toEqual([ASSETS, ASSETS, ASSETS]);
  });

  it('honours a small maxResults, and gives no nextToken on the last page', async () => {
    const first = await searchAssets({ maxResults: 7 });
    expect(first.items).toHaveLength(7);
    expect(first.nextToken).toEqual(expect.any(String));

    const { sizes } = await allPages({ maxResults: 7 });
    expect(sizes).toEqual([...Array(17).fill(7), 1]);
  });

  it('pages of 50 when maxResults is not given', async () => {
    const page = await searchAssets();
    expect(page.items).toHaveLength(50);
  });

  it('describes each asset as an inventory item at its current revision', async () => {
    const page = await searchAssets({ maxResults: 5 });
    expect(page.items?.[4]).toEqual({
      assetItem: {
        domainId: GENERATED,
        identifier: generatedAssetId(4),
        name: 'generated_table_4',
        typeIdentifier: S3_COLLECTION,
        typeRevision: '1',
        owningProjectId: 'south',
        createdAt: new Date('2026-01-01T00:41:00Z'),
        createdBy: expect.any(String),
        firstRevisionCreatedAt: new Date('2026-01-01T00:40:00Z'),
        firstRevisionCreatedBy: expect.any(String),
        glossaryTerms: [],
      },
    });
  });

  it('filters by owning project, the pages and the total counting only its assets', async () => {
    const { ids, sizes, totals } = await allPages({ owningProjectIdentifier: 'south', maxResults: 15 });

    expect(ids).toEqual(idsWhere((i) => i % 3 === 1));
    expect(sizes).toEqual([15, 15, 10]);
    expect(new Set(totals)).toEqual(new Set([40]));
  });

  it('finds nothing for a project that owns no asset, and in the scopes the catalog has nothing of', async () => {
    const none = await searchAssets({ owningProjectIdentifier: 'west' });
    expect(none).toMatchObject({ items: [], totalMatchCount: 0 });
    expect(none.nextToken).toBeUndefined();
    const glossary = await searchAssets({ searchScope: 'GLOSSARY' });
    expect(glossary).toMatchObject({ items: [], totalMatchCount: 0 });
  });

  it('searches the domain asked for only', async () => {
    const { ids } = await allPages({ domainIdentifier: DOMAIN, owningProjectIdentifier: MARKETING });
    const marketing = loadCatalog()
      .domains.flatMap((d) => d.assets)
      .filter((a) => a.owningProjectId === MARKETING)
      .map((a) => a.id);
    expect(ids).toEqual(marketing);
  });

  it('refuses a token from another search, or one it never gave', async () => {
    const first = await searchAssets({ maxResults: 10 });
    const otherProject = await failure(() =>
      searchAssets({ owningProjectIdentifier: 'north', nextToken: first.nextToken }),
    );
    expect(otherProject.name).toBe('ValidationException');
    expect(otherProject.message).toMatch(/at 'nextToken' failed to satisfy constraint: invalid token/);
    const forged = await failure(() => searchAssets({ nextToken: 'not-a-token' }));
    expect(forged.name).toBe('ValidationException');
  });
});

describe('local DataZone: Search validation', () => {
  const cases: [string, Partial<SearchCommandInput>, string][] = [
    [
      'domain pattern',
      { domainIdentifier: 'domain-1' },
      "Value 'domain-1' at 'domainIdentifier' failed to satisfy constraint: Member must satisfy regular " +
        'expression pattern: ^dzd[-_][a-zA-Z0-9_-]{1,36}$',
    ],
    [
      'maxResults below 1',
      { maxResults: 0 },
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50",
    ],
    [
      'maxResults above 50',
      { maxResults: 51 },
      "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50",
    ],
    [
      'searchScope missing',
      { searchScope: undefined },
      "Value null at 'searchScope' failed to satisfy constraint: Member must not be null",
    ],
    [
      'searchScope unknown',
      { searchScope: 'TABLE' as 'ASSET' },
      "Value 'TABLE' at 'searchScope' failed to satisfy constraint: Member must satisfy enum value set: " +
        '[ASSET, GLOSSARY, GLOSSARY_TERM, DATA_PRODUCT]',
    ],
    [
      'project pattern',
      { owningProjectIdentifier: 'sales project' },
      "Value 'sales project' at 'owningProjectIdentifier' failed to satisfy constraint",
    ],
  ];

  it.each(cases)('%s → 400 ValidationException naming the member', async (_what, input, message) => {
    const error = await failure(() => searchAssets(input));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toContain(message);
  });

  it('reports every problem of a request at once', async () => {
    const error = await failure(() => searchAssets({ maxResults: 99, searchScope: undefined }));
    expect(error.message).toMatch(/^2 validation errors detected: /);
  });

  it('refuses the search text and filters it does not model, rather than ignoring them', async () => {
    const error = await failure(() => searchAssets({ searchText: 'orders' }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('does not model searchText');
  });

  it('answers a domain it does not know with ResourceNotFoundException', async () => {
    const error = await failure(() => searchAssets({ domainIdentifier: 'dzd_nowhere' }));
    expect(error.name).toBe('ResourceNotFoundException');
  });
});

describe('local DataZone: published assets', () => {
  const getAsset = (identifier: string) =>
    client.send(new GetAssetCommand({ domainIdentifier: GENERATED, identifier }));

  it('GetAsset shows an active listing for an asset the catalog marks published, and none otherwise', async () => {
    const published = await getAsset(generatedAssetId(8));
    expect(published.listing).toEqual({ listingId: expect.any(String), listingStatus: 'ACTIVE' });
    const draft = await getAsset(generatedAssetId(9));
    expect(draft.listing).toBeUndefined();
  });

  it('the catalog loader refuses a published flag that is not a boolean', () => {
    const broken = generatedCatalog({ assets: 1 });
    const asset = broken.domains[0]?.assets[0];
    if (asset !== undefined) Object.assign(asset, { published: 'yes' });
    expect(() => loadCatalog(broken)).toThrow('asset gen-a00000: "published" must be true or false');
  });
});

describe('generatedCatalog', () => {
  it('builds a valid catalog whose every asset follows from its index', () => {
    const loaded = loadCatalog(catalog);
    const assets = loaded.domains[0]?.assets ?? [];
    expect(assets).toHaveLength(ASSETS);
    expect(new Set(assets.map((a) => a.id)).size).toBe(ASSETS);
    expect(assets[7]).toMatchObject({
      id: 'gen-a00007',
      typeIdentifier: GLUE_TABLE,
      owningProjectId: 'south',
      revisions: [{ revision: '1' }, { revision: '2' }],
    });
    expect(assets[7]?.published).toBeUndefined();
    expect(assets[8]?.published).toBe(true);
  });
});
