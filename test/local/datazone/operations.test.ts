import {
  DataZoneClient,
  GetAssetCommand,
  GetMetadataGenerationRunCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
} from '@aws-sdk/client-datazone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDataZone } from '../../../tools/local/datazone/server.js';
import type { LocalDataZone } from '../../../tools/local/datazone/types.js';
import { manualClock } from '../../../tools/local/http-util.js';
import { CUSTOMERS, clientFor, DOMAIN, failure, ORDER_ITEMS, ORDERS, SALES, startInput } from './support.js';

describe('local DataZone: operations', () => {
  const clock = manualClock();
  let server: LocalDataZone;
  let client: DataZoneClient;

  beforeAll(async () => {
    server = await startLocalDataZone({
      now: clock.now,
      lifecycle: { inProgressAfterMs: 50, completeAfterMs: 200 },
    });
    client = clientFor(server);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });
  afterEach(() => server.reset());

  it('GetAsset returns the current revision, or the one asked for', async () => {
    const current = await client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
    expect(current).toMatchObject({
      id: ORDERS,
      revision: '3',
      typeIdentifier: 'amazon.datazone.GlueTableAssetType',
      owningProjectId: SALES,
      domainId: DOMAIN,
      name: 'orders',
      formsOutput: [],
    });
    expect(current.createdAt).toEqual(new Date('2025-11-20T16:45:00Z'));
    const old = await client.send(
      new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS, revision: '1' }),
    );
    expect(old.revision).toBe('1');
    expect(old.createdAt).toEqual(new Date('2025-09-01T08:00:00Z'));
  });

  it('starts a run that moves SUBMITTED → IN_PROGRESS → SUCCEEDED', async () => {
    const started = await client.send(new StartMetadataGenerationRunCommand(startInput()));
    expect(started).toMatchObject({
      domainId: DOMAIN,
      status: 'SUBMITTED',
      types: ['BUSINESS_DESCRIPTIONS'],
      owningProjectId: SALES,
      createdAt: new Date(clock.now()),
    });
    expect(started.id).toMatch(/^[a-z0-9]{14}$/);
    expect(started.createdBy).toBeTruthy();
    const get = () =>
      client.send(new GetMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: started.id }));
    expect((await get()).status).toBe('SUBMITTED');
    clock.advance(50);
    expect(await get()).toMatchObject({
      status: 'IN_PROGRESS',
      target: { type: 'ASSET', identifier: ORDERS, revision: '3' },
    });
    clock.advance(150);
    const done = await get();
    expect(done.status).toBe('SUCCEEDED');
    expect(done.typeStats).toEqual([{ type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED' }]);
  });

  it('uses the current revision when the target names none, and accepts the deprecated `type`', async () => {
    const run = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({
          target: { type: 'ASSET', identifier: ORDERS },
          types: undefined,
          type: 'BUSINESS_NAMES',
        }),
      ),
    );
    expect(run.types).toEqual(['BUSINESS_NAMES']);
    expect(server.runsFor(DOMAIN, ORDERS, '3')).toHaveLength(1);
  });

  it('accepts two distinct types and an older revision', async () => {
    const run = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({
          target: { type: 'ASSET', identifier: ORDERS, revision: '1' },
          types: ['BUSINESS_NAMES', 'BUSINESS_GLOSSARY_ASSOCIATIONS'],
        }),
      ),
    );
    expect(run.types).toEqual(['BUSINESS_NAMES', 'BUSINESS_GLOSSARY_ASSOCIATIONS']);
    expect(server.runsFor(DOMAIN, ORDERS, '1')).toHaveLength(1);
  });

  it('lists runs with filters and pagination', async () => {
    const a = await client.send(new StartMetadataGenerationRunCommand(startInput()));
    clock.advance(1000); // a is SUCCEEDED now
    const b = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({ target: { type: 'ASSET', identifier: CUSTOMERS, revision: '1' } }),
      ),
    );
    const c = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({ target: { type: 'ASSET', identifier: ORDER_ITEMS }, types: ['BUSINESS_NAMES'] }),
      ),
    );
    const list = (q: Partial<ConstructorParameters<typeof ListMetadataGenerationRunsCommand>[0]> = {}) =>
      client.send(new ListMetadataGenerationRunsCommand({ domainIdentifier: DOMAIN, ...q }));

    expect((await list()).items?.map((r) => r.id)).toEqual([a.id, b.id, c.id]);
    expect((await list({ targetIdentifier: ORDERS })).items?.map((r) => r.id)).toEqual([a.id]);
    expect((await list({ status: 'SUCCEEDED' })).items?.map((r) => r.id)).toEqual([a.id]);
    expect((await list({ status: 'SUBMITTED' })).items?.map((r) => r.id)).toEqual([b.id, c.id]);
    expect((await list({ type: 'BUSINESS_NAMES' })).items?.map((r) => r.id)).toEqual([c.id]);

    const page1 = await list({ maxResults: 2 });
    expect(page1.items?.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(page1.nextToken).toBeTruthy();
    const page2 = await list({ maxResults: 2, nextToken: page1.nextToken });
    expect(page2.items?.map((r) => r.id)).toEqual([c.id]);
    expect(page2.nextToken).toBeUndefined();
    expect(page2.items?.[0]).toMatchObject({
      target: { identifier: ORDER_ITEMS, revision: '2' },
      status: 'SUBMITTED',
    });
  });

  it('records every request, with counts and a summary', async () => {
    const run = await client.send(
      new StartMetadataGenerationRunCommand(startInput({ clientToken: 'rec-1' })),
    );
    await failure(() => client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: 'nope' })));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]).toMatchObject({
      operation: 'StartMetadataGenerationRun',
      method: 'POST',
      pathParams: { domainIdentifier: DOMAIN },
      body: { clientToken: 'rec-1', owningProjectIdentifier: SALES, target: { identifier: ORDERS } },
      status: 200,
      runId: run.id,
      dropped: false,
    });
    expect(server.requests[1]).toMatchObject({
      operation: 'GetAsset',
      pathParams: { domainIdentifier: DOMAIN, identifier: 'nope' },
      status: 404,
      errorName: 'ResourceNotFoundException',
    });
    expect(server.countsByOperation()).toEqual({ StartMetadataGenerationRun: 1, GetAsset: 1 });
    expect(server.summary()).toMatchObject({
      requests: 2,
      byStatus: { 200: 1, 404: 1 },
      byError: { ResourceNotFoundException: 1 },
      runs: 1,
      replays: 0,
    });
  });

  it("records each caller's User-Agent, with the SDK's app id, so that callers can be told apart", async () => {
    const backfill = new DataZoneClient({
      endpoint: server.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      userAgentAppId: 'bench-backfill',
    });
    try {
      await backfill.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
    } finally {
      backfill.destroy();
    }
    await client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));

    const [fromBackfill, fromOther] = server.requests;
    expect(fromBackfill?.userAgent?.split(' ')).toContain('app/bench-backfill');
    expect(fromOther?.userAgent).toMatch(/^aws-sdk-js\//);
    expect(fromOther?.userAgent).not.toContain('app/');
  });

  it('sends errors as x-amzn-ErrorType + {"message"} (raw wire check)', async () => {
    const res = await fetch(`${server.url}/v2/domains/${DOMAIN}/assets/missing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await res.json()).toEqual({ message: `Asset missing not found in domain ${DOMAIN}.` });
  });

  it('answers an operation it does not implement with 404 UnknownOperationException', async () => {
    const res = await fetch(`${server.url}/v2/domains/${DOMAIN}/metadata-generation-runs/run1/cancel`, {
      method: 'POST',
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await res.json()).toEqual({
      message: `No local operation for POST /v2/domains/${DOMAIN}/metadata-generation-runs/run1/cancel.`,
    });
    expect(server.requests.at(-1)).toMatchObject({ operation: 'Unknown', status: 404 });
  });
});
