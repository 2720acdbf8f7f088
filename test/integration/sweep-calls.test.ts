/** The sweep's DataZone session: Search's request, and its answer read into a page of assets. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchDeferredError } from '../../src/core/errors.js';
import { DataZoneSweepCalls } from '../../src/datazone/sweep-calls.js';
import { adapterParts, type CannedDataZone, startCannedDataZone } from '../support/canned-datazone.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const GLUE_TABLE = 'amazon.datazone.GlueTableAssetType';

let endpoint: CannedDataZone;
const finishers: (() => void)[] = [];

beforeAll(async () => {
  endpoint = await startCannedDataZone();
});
afterAll(() => endpoint.close());
afterEach(() => {
  for (const finish of finishers.splice(0)) finish();
  endpoint.requests.length = 0;
  vi.unstubAllEnvs();
});

function sweepCalls(): DataZoneSweepCalls {
  const { client, budget, deadline } = adapterParts(endpoint);
  finishers.push(() => deadline.finish());
  return new DataZoneSweepCalls(client, budget, deadline);
}

const assetItem = (identifier: string | undefined, owningProjectId: string) => ({
  assetItem: {
    domainId: DOMAIN,
    identifier,
    name: `table ${identifier}`,
    typeIdentifier: GLUE_TABLE,
    typeRevision: '1',
    owningProjectId,
    createdBy: 'someone',
  },
});

describe('searchAssets', () => {
  it('stops waiting for Search when the deadline aborts it in flight', async () => {
    endpoint.answerWith(() => ({ body: { items: [] }, delayMs: 3000 }));
    const { client, budget, deadline } = adapterParts(endpoint, { remainingMs: 200 });
    finishers.push(() => deadline.finish());
    const search = new DataZoneSweepCalls(client, budget, deadline).sweepSession().searchAssets(DOMAIN, {});
    await expect(search).rejects.toMatchObject({ message: 'invocation deadline reached during Search' });
  });

  it('asks for one page of assets, 50 by default, across all projects', async () => {
    endpoint.answerWith(() => ({ body: { items: [] } }));
    await sweepCalls().sweepSession().searchAssets(DOMAIN, {});
    expect(endpoint.requests).toMatchObject([
      {
        method: 'POST',
        path: `/v2/domains/${DOMAIN}/search`,
        query: new URLSearchParams(),
        body: { searchScope: 'ASSET', maxResults: 50 },
      },
    ]);
  });

  it('narrows to a project, and asks for the given page size from the given token', async () => {
    endpoint.answerWith(() => ({ body: { items: [] } }));
    await sweepCalls()
      .sweepSession()
      .searchAssets(DOMAIN, { owningProjectId: 'north', nextToken: 'page-2', pageSize: 7 });
    expect(endpoint.requests[0]?.body).toEqual({
      searchScope: 'ASSET',
      maxResults: 7,
      owningProjectIdentifier: 'north',
      nextToken: 'page-2',
    });
  });

  it('reads the assets, the next page’s token and the total, skipping items that are no asset', async () => {
    endpoint.answerWith(() => ({
      body: {
        items: [
          assetItem('asset-1', 'north'),
          { glossaryItem: { id: 'g-1', name: 'terms' } },
          assetItem(undefined, 'north'),
          assetItem('asset-2', 'south'),
        ],
        nextToken: 'page-2',
        totalMatchCount: 12,
      },
    }));
    expect(await sweepCalls().sweepSession().searchAssets(DOMAIN, {})).toEqual({
      assets: [
        { assetId: 'asset-1', typeIdentifier: GLUE_TABLE, owningProjectId: 'north' },
        { assetId: 'asset-2', typeIdentifier: GLUE_TABLE, owningProjectId: 'south' },
      ],
      nextToken: 'page-2',
      totalMatchCount: 12,
    });
  });

  it.each([
    ['no token', {}],
    ['an empty token', { nextToken: '' }],
  ])('reads the last page from %s, and no items as no assets', async (_label, token) => {
    endpoint.answerWith(() => ({ body: token }));
    expect(await sweepCalls().sweepSession().searchAssets(DOMAIN, {})).toEqual({
      assets: [],
      nextToken: undefined,
      totalMatchCount: undefined,
    });
  });
});

describe('sweepSession', () => {
  it('shares one batch across the session’s calls: a throttled Search stops the next', async () => {
    endpoint.answerWith(() => ({
      status: 429,
      errorType: 'ThrottlingException',
      body: { message: 'slow down' },
    }));
    const session = sweepCalls().sweepSession();
    await expect(session.searchAssets(DOMAIN, {})).rejects.toMatchObject({ kind: 'throttled' });
    await expect(session.searchAssets(DOMAIN, {})).rejects.toBeInstanceOf(BatchDeferredError);
    expect(endpoint.requests).toHaveLength(1);
    session.close();
  });

  it('opens a new batch for each session: a throttle in one does not stop the next session', async () => {
    const calls = sweepCalls();
    endpoint.answerWith(() => ({
      status: 429,
      errorType: 'ThrottlingException',
      body: { message: 'slow down' },
    }));
    const first = calls.sweepSession();
    await expect(first.searchAssets(DOMAIN, {})).rejects.toMatchObject({ kind: 'throttled' });
    first.close();
    endpoint.answerWith(() => ({ body: { items: [] } }));
    const second = calls.sweepSession();
    await expect(second.searchAssets(DOMAIN, {})).resolves.toMatchObject({ assets: [] });
    second.close();
  });
});
