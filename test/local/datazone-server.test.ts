import {
  CancelMetadataGenerationRunCommand,
  DataZoneClient,
  GetAssetCommand,
  GetMetadataGenerationRunCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandInput,
} from '@aws-sdk/client-datazone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Catalog,
  type LocalDataZone,
  type LocalDataZoneOptions,
  loadCatalog,
  startLocalDataZone,
} from '../../tools/local/datazone-server.js';
import { manualClock } from '../../tools/local/http-util.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const SALES = '6oy92hwk937pgn';
const MARKETING = 'b3x7mz1q9w2k4e';
const ORDERS = 'ayzstznnx4dxyf'; // Glue table, revisions 1–3
const CUSTOMERS = 'c1u9e5y8b2m6qa'; // Glue table, revision 1
const ORDER_ITEMS = 'd4r7t1w9k3p5zn'; // Glue table, revisions 1–2
const CLICKS = 'e8n2v6c4x1q7jm'; // Redshift table (marketing)
const EXPORTS = 'g2k6p0m4r8t3yc'; // S3 object collection (marketing)
const RAW_CLICKSTREAM = 'k9t4x8m2h6b1pr'; // Glue table without a structured schema (marketing)

const clientFor = (server: LocalDataZone, maxAttempts = 1) =>
  new DataZoneClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  });

const startInput = (
  over: Partial<StartMetadataGenerationRunCommandInput> = {},
): StartMetadataGenerationRunCommandInput => ({
  domainIdentifier: DOMAIN,
  owningProjectIdentifier: SALES,
  target: { type: 'ASSET', identifier: ORDERS, revision: '3' },
  types: ['BUSINESS_DESCRIPTIONS'],
  clientToken: `token-${Math.random().toString(36).slice(2)}`,
  ...over,
});

/** Runs `fn`, expecting a service error; returns it for assertions. */
async function failure(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    return e as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  }
  throw new Error('expected the call to fail');
}

async function withServer<T>(
  options: LocalDataZoneOptions,
  fn: (s: LocalDataZone, c: DataZoneClient) => Promise<T>,
) {
  const server = await startLocalDataZone(options);
  const client = clientFor(server);
  try {
    return await fn(server, client);
  } finally {
    client.destroy();
    await server.close();
  }
}

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

  it('cancels an active run', async () => {
    const run = await client.send(new StartMetadataGenerationRunCommand(startInput()));
    await client.send(
      new CancelMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: run.id }),
    );
    const got = await client.send(
      new GetMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: run.id }),
    );
    expect(got.status).toBe('CANCELED');
    const again = await failure(() =>
      client.send(new CancelMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: run.id })),
    );
    expect(again.name).toBe('ConflictException');
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

  it('sends errors as x-amzn-ErrorType + {"message"} (raw wire check)', async () => {
    const res = await fetch(`${server.url}/v2/domains/${DOMAIN}/assets/missing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await res.json()).toEqual({ message: `Asset missing not found in domain ${DOMAIN}.` });
  });
});

describe('local DataZone: validation and not found', () => {
  let server: LocalDataZone;
  let client: DataZoneClient;

  beforeAll(async () => {
    server = await startLocalDataZone();
    client = clientFor(server);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  const validation: Array<[string, Partial<StartMetadataGenerationRunCommandInput>, string | RegExp]> = [
    [
      'domain pattern',
      { domainIdentifier: 'domain-1' },
      "Value 'domain-1' at 'domainIdentifier' failed to satisfy constraint: Member must satisfy regular " +
        'expression pattern: ^dzd[-_][a-zA-Z0-9_-]{1,36}$',
    ],
    [
      'project pattern',
      { owningProjectIdentifier: 'sales project' },
      "Value 'sales project' at 'owningProjectIdentifier' failed to satisfy constraint: Member must satisfy " +
        'regular expression pattern: ^[a-zA-Z0-9_-]{1,36}$',
    ],
    [
      'target type',
      { target: { type: 'TABLE' as 'ASSET', identifier: ORDERS } },
      "Value 'TABLE' at 'target.type' failed to satisfy constraint: Member must satisfy enum value set: [ASSET]",
    ],
    [
      'revision length',
      { target: { type: 'ASSET', identifier: ORDERS, revision: 'r'.repeat(65) } },
      "at 'target.revision' failed to satisfy constraint: Member must have length between 1 and 64",
    ],
    [
      'no types',
      { types: [] },
      "Value '[]' at 'types' failed to satisfy constraint: Member must have length between 1 and 2",
    ],
    [
      'three types',
      { types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES', 'BUSINESS_GLOSSARY_ASSOCIATIONS'] },
      "at 'types' failed to satisfy constraint: Member must have length between 1 and 2",
    ],
    [
      'unknown type',
      { types: ['SUMMARIES' as 'BUSINESS_NAMES'] },
      "Value '[SUMMARIES]' at 'types' failed to satisfy constraint: Member must satisfy constraint: [Member must " +
        'satisfy enum value set: [BUSINESS_DESCRIPTIONS, BUSINESS_NAMES, BUSINESS_GLOSSARY_ASSOCIATIONS]]',
    ],
    [
      'duplicate types',
      { types: ['BUSINESS_NAMES', 'BUSINESS_NAMES'] },
      "at 'types' failed to satisfy constraint: Member must not contain duplicate values",
    ],
    [
      'types missing',
      { types: undefined },
      "Value null at 'types' failed to satisfy constraint: Member must not be null",
    ],
    [
      'client token pattern',
      { clientToken: 'has space' },
      "Value 'has space' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression " +
        'pattern: ^[\\x21-\\x7E]+$',
    ],
    [
      'client token length',
      { clientToken: 'x'.repeat(129) },
      "at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 128",
    ],
    [
      'project does not own the asset',
      { owningProjectIdentifier: MARKETING },
      `owningProjectIdentifier '${MARKETING}' does not own asset ${ORDERS}: its owning project is ${SALES}.`,
    ],
    [
      'revision does not exist',
      { target: { type: 'ASSET', identifier: ORDERS, revision: '9' } },
      `target.revision '9' does not exist for asset ${ORDERS} (revisions: 1, 2, 3).`,
    ],
    [
      'asset type cannot generate',
      { owningProjectIdentifier: MARKETING, target: { type: 'ASSET', identifier: EXPORTS } },
      `Metadata generation is not supported for asset ${EXPORTS} of type amazon.datazone.S3ObjectCollectionAssetType`,
    ],
    [
      'no structured schema',
      { owningProjectIdentifier: MARKETING, target: { type: 'ASSET', identifier: RAW_CLICKSTREAM } },
      `Asset ${RAW_CLICKSTREAM} has no structured schema`,
    ],
  ];

  it.each(validation)('rejects %s with ValidationException', async (_name, over, message) => {
    const e = await failure(() => client.send(new StartMetadataGenerationRunCommand(startInput(over))));
    expect(e.name).toBe('ValidationException');
    expect(e.$metadata?.httpStatusCode).toBe(400);
    expect(e.message).toContain(message);
  });

  it('reports every problem of a request at once', async () => {
    const e = await failure(() =>
      client.send(new StartMetadataGenerationRunCommand(startInput({ domainIdentifier: 'bad', types: [] }))),
    );
    expect(e.message).toMatch(
      /^2 validation errors detected: Value 'bad' at 'domainIdentifier'.*; Value '\[\]' at 'types'/,
    );
  });

  it('accepts a Redshift table', async () => {
    const run = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({ owningProjectIdentifier: MARKETING, target: { type: 'ASSET', identifier: CLICKS } }),
      ),
    );
    expect(run.status).toBe('SUBMITTED');
  });

  const notFound: Array<[string, () => Promise<unknown>, string]> = [
    [
      'unknown domain',
      () =>
        client.send(
          new StartMetadataGenerationRunCommand(startInput({ domainIdentifier: 'dzd_unknown123' })),
        ),
      'Domain dzd_unknown123 not found.',
    ],
    [
      'unknown asset',
      () =>
        client.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: 'gone1' } }),
          ),
        ),
      `Asset gone1 not found in domain ${DOMAIN}.`,
    ],
    [
      'unknown project',
      () =>
        client.send(
          new StartMetadataGenerationRunCommand(startInput({ owningProjectIdentifier: 'noproject' })),
        ),
      `Project noproject not found in domain ${DOMAIN}.`,
    ],
    [
      'GetAsset unknown asset',
      () => client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: 'gone1' })),
      `Asset gone1 not found in domain ${DOMAIN}.`,
    ],
    [
      'GetAsset unknown revision',
      () =>
        client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS, revision: '42' })),
      `Revision 42 of asset ${ORDERS} not found.`,
    ],
    [
      'GetAsset unknown domain',
      () => client.send(new GetAssetCommand({ domainIdentifier: 'dzd_nothere', identifier: ORDERS })),
      'Domain dzd_nothere not found.',
    ],
    [
      'unknown run',
      () =>
        client.send(new GetMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: 'norun' })),
      `Metadata generation run norun not found in domain ${DOMAIN}.`,
    ],
  ];

  it.each(notFound)('answers %s with ResourceNotFoundException', async (_name, call, message) => {
    const e = await failure(call);
    expect(e.name).toBe('ResourceNotFoundException');
    expect(e.$metadata?.httpStatusCode).toBe(404);
    expect(e.message).toBe(message);
  });

  it('validates GetAsset and ListMetadataGenerationRuns parameters', async () => {
    const asset = await failure(() =>
      client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: 'a b' })),
    );
    expect(asset.message).toContain("Value 'a b' at 'identifier' failed to satisfy constraint");
    const list = await failure(() =>
      client.send(new ListMetadataGenerationRunsCommand({ domainIdentifier: DOMAIN, maxResults: 51 })),
    );
    expect(list.name).toBe('ValidationException');
    expect(list.message).toContain(
      "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50",
    );
  });
});

describe('local DataZone: idempotency and conflicts', () => {
  const clock = manualClock();
  let server: LocalDataZone;
  let client: DataZoneClient;

  beforeAll(async () => {
    server = await startLocalDataZone({ now: clock.now, lifecycle: { completeAfterMs: 1000 } });
    client = clientFor(server);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });
  afterEach(() => server.reset());

  it('answers a repeated client token with the same run, never a new one', async () => {
    const input = startInput({ clientToken: 'dzd_bc8e1ez8r2a6xz:ayzstznnx4dxyf:3:BUSINESS_DESCRIPTIONS' });
    const first = await client.send(new StartMetadataGenerationRunCommand(input));
    const second = await client.send(new StartMetadataGenerationRunCommand(input));
    clock.advance(5000);
    const third = await client.send(new StartMetadataGenerationRunCommand(input));
    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    expect(second.$metadata.httpStatusCode).toBe(200);
    expect(third.status).toBe('SUCCEEDED');
    expect(server.runsFor(DOMAIN, ORDERS, '3')).toHaveLength(1);
    expect(server.requests.map((r) => r.replayed ?? false)).toEqual([false, true, true]);
  });

  it('treats the types of a replay as a set', async () => {
    const types: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'] = ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'];
    const first = await client.send(
      new StartMetadataGenerationRunCommand(startInput({ clientToken: 'set', types })),
    );
    const again = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({ clientToken: 'set', types: [...types].reverse() as typeof types }),
      ),
    );
    expect(again.id).toBe(first.id);
  });

  it('refuses a client token reused with different parameters', async () => {
    await client.send(new StartMetadataGenerationRunCommand(startInput({ clientToken: 'reused' })));
    const e = await failure(() =>
      client.send(
        new StartMetadataGenerationRunCommand(
          startInput({ clientToken: 'reused', target: { type: 'ASSET', identifier: ORDERS, revision: '2' } }),
        ),
      ),
    );
    expect(e.name).toBe('ConflictException');
    expect(e.message).toContain("Client token 'reused' was already used with different parameters");
  });

  it('answers a second run for a revision still in progress with ConflictException, not after it ends', async () => {
    const first = await client.send(new StartMetadataGenerationRunCommand(startInput()));
    const e = await failure(() => client.send(new StartMetadataGenerationRunCommand(startInput())));
    expect(e.name).toBe('ConflictException');
    expect(e.$metadata?.httpStatusCode).toBe(409);
    expect(e.message).toBe(
      `A metadata generation run (${first.id}) is already SUBMITTED for asset ${ORDERS} revision 3.`,
    );
    // Another revision of the same asset is fine with the default scope.
    await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({ target: { type: 'ASSET', identifier: ORDERS, revision: '2' } }),
      ),
    );
    clock.advance(1000);
    const later = await client.send(new StartMetadataGenerationRunCommand(startInput()));
    expect(later.id).not.toBe(first.id);
    expect(server.runsFor(DOMAIN, ORDERS, '3')).toHaveLength(2);
  });

  it('starts exactly one run out of many concurrent requests for one revision', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        client.send(new StartMetadataGenerationRunCommand(startInput({ clientToken: `concurrent-${i}` }))),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Error).name);
    expect(rejected).toEqual(Array(9).fill('ConflictException'));
    expect(server.runsFor(DOMAIN, ORDERS)).toHaveLength(1);
  });

  it('can scope conflicts to the whole asset', async () => {
    await withServer({ conflictScope: 'asset', lifecycle: { completeAfterMs: 'never' } }, async (s, c) => {
      await c.send(new StartMetadataGenerationRunCommand(startInput()));
      const e = await failure(() =>
        c.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: ORDERS, revision: '2' } }),
          ),
        ),
      );
      expect(e.name).toBe('ConflictException');
      expect(s.runs).toHaveLength(1);
    });
  });

  it('adds revisions at runtime', async () => {
    const revision = server.addRevision(DOMAIN, CUSTOMERS);
    expect(revision).toBe('2');
    const asset = await client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: CUSTOMERS }));
    expect(asset.revision).toBe('2');
  });
});

describe('local DataZone: fault injection', () => {
  it('throttles with a token bucket (429 ThrottlingException) and refills on the server clock', async () => {
    const clock = manualClock();
    const faults = { rateLimit: { requestsPerSecond: 2, burst: 2 } };
    await withServer({ now: clock.now, faults }, async (s, c) => {
      const get = () => c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
      await get();
      await get();
      const e = await failure(get);
      expect(e.name).toBe('ThrottlingException');
      expect(e.$metadata?.httpStatusCode).toBe(429);
      clock.advance(500); // one token back
      await get();
      await expect(get()).rejects.toThrow('Rate exceeded');
      expect(s.summary().byError).toEqual({ ThrottlingException: 2 });
    });
  });

  it('limits only the operations named', async () => {
    const clock = manualClock();
    const faults = {
      rateLimit: { requestsPerSecond: 1, burst: 1, operations: ['StartMetadataGenerationRun' as const] },
    };
    await withServer({ now: clock.now, faults }, async (_s, c) => {
      await c.send(new StartMetadataGenerationRunCommand(startInput()));
      for (let i = 0; i < 3; i++)
        await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
      const e = await failure(() =>
        c.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: CUSTOMERS } }),
          ),
        ),
      );
      expect(e.name).toBe('ThrottlingException');
    });
  });

  it('caps runs in progress (402 ServiceQuotaExceededException)', async () => {
    await withServer(
      { lifecycle: { completeAfterMs: 'never' }, faults: { maxRunsInProgress: 2 } },
      async (s, c) => {
        await c.send(new StartMetadataGenerationRunCommand(startInput()));
        await c.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: CUSTOMERS } }),
          ),
        );
        const e = await failure(() =>
          c.send(
            new StartMetadataGenerationRunCommand(
              startInput({ target: { type: 'ASSET', identifier: ORDER_ITEMS } }),
            ),
          ),
        );
        expect(e.name).toBe('ServiceQuotaExceededException');
        expect(e.$metadata?.httpStatusCode).toBe(402);
        const first = s.runs[0];
        if (!first) throw new Error('no run');
        s.setRunStatus(first.id, 'SUCCEEDED');
        await c.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: ORDER_ITEMS } }),
          ),
        );
      },
    );
  });

  it('answers a seeded fraction with 500 InternalServerException, reproducibly', async () => {
    const pattern = async (seed: number) =>
      withServer({ seed, faults: { internalErrorRate: 0.3 } }, async (_s, c) => {
        const out: string[] = [];
        for (let i = 0; i < 30; i++) {
          try {
            await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
            out.push('ok');
          } catch (e) {
            out.push((e as Error).name);
          }
        }
        return out;
      });
    const a = await pattern(7);
    const b = await pattern(7);
    const other = await pattern(8);
    expect(b).toEqual(a);
    expect(other).not.toEqual(a);
    const errors = a.filter((x) => x !== 'ok');
    expect(new Set(errors)).toEqual(new Set(['InternalServerException']));
    expect(errors.length).toBeGreaterThan(2);
    expect(errors.length).toBeLessThan(20);
  });

  it('adds latency without blocking other requests', async () => {
    const faults = { latencyMs: 300, operations: ['StartMetadataGenerationRun' as const] };
    await withServer({ faults }, async (_s, c) => {
      const t0 = performance.now();
      const order: string[] = [];
      const slow = c
        .send(new StartMetadataGenerationRunCommand(startInput()))
        .then(() => order.push('start'));
      const fast = c
        .send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }))
        .then(() => order.push('get'));
      await Promise.all([slow, fast]);
      expect(order).toEqual(['get', 'start']);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    });
  });

  it('draws latency from a range', async () => {
    await withServer({ faults: { latencyMs: { min: 20, max: 60 } } }, async (s, c) => {
      const t0 = performance.now();
      await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
      expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
      expect(s.requests[0]?.status).toBe(200);
    });
  });

  it('drops connections: the SDK sees a connection error', async () => {
    await withServer({ faults: { dropRate: 1 } }, async (s, c) => {
      const e = await failure(() =>
        c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS })),
      );
      expect(e.$metadata?.httpStatusCode).toBeUndefined();
      expect(`${e.code} ${e.message}`).toMatch(/ECONNRESET|socket hang up/);
      expect(s.requests[0]).toMatchObject({ operation: 'GetAsset', dropped: true });
      expect(s.requests[0]?.status).toBeUndefined();
      s.setFaults({ dropRate: undefined });
      await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
    });
  });

  it('forces errors for specific assets, optionally a number of times', async () => {
    const faults = {
      forceErrors: {
        [ORDERS]: 'AccessDeniedException' as const,
        [CUSTOMERS]: { name: 'InternalServerException' as const, times: 2, message: 'flaky' },
      },
    };
    await withServer({ faults }, async (s, c) => {
      const denied = await failure(() => c.send(new StartMetadataGenerationRunCommand(startInput())));
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.$metadata?.httpStatusCode).toBe(403);
      const get = await failure(() =>
        c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS })),
      );
      expect(get.name).toBe('AccessDeniedException');

      const customers = () =>
        c.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: CUSTOMERS } }),
          ),
        );
      await expect(customers()).rejects.toThrow('flaky');
      await expect(customers()).rejects.toThrow('flaky');
      await expect(customers()).resolves.toMatchObject({ status: 'SUBMITTED' });

      s.clearFaults();
      await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
    });
  });

  it('lets a hook decide per request', async () => {
    const faults = {
      hook: ({ operation, body }: { operation: string; body: unknown }) =>
        operation === 'StartMetadataGenerationRun' && JSON.stringify(body).includes('"BUSINESS_NAMES"')
          ? ('UnauthorizedException' as const)
          : undefined,
    };
    await withServer({ faults }, async (_s, c) => {
      const e = await failure(() =>
        c.send(new StartMetadataGenerationRunCommand(startInput({ types: ['BUSINESS_NAMES'] }))),
      );
      expect(e.name).toBe('UnauthorizedException');
      expect(e.$metadata?.httpStatusCode).toBe(401);
      await c.send(new StartMetadataGenerationRunCommand(startInput()));
    });
  });

  it('retries nothing itself: with SDK retries on, a transient 500 is absorbed by the client', async () => {
    const faults = { forceErrors: { [ORDERS]: { name: 'InternalServerException' as const, times: 1 } } };
    await withServer({ faults }, async (s) => {
      const retrying = clientFor(s, 2);
      const asset = await retrying.send(
        new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }),
      );
      retrying.destroy();
      expect(asset.$metadata.attempts).toBe(2);
      expect(s.requests.map((r) => r.status)).toEqual([500, 200]);
    });
  });
});

describe('local DataZone: catalog', () => {
  it('loads the sample catalog', () => {
    const catalog = loadCatalog();
    const assets = catalog.domains.flatMap((d) => d.assets);
    expect(catalog.domains.length).toBeGreaterThanOrEqual(1);
    expect(assets.length).toBeGreaterThanOrEqual(10);
    expect(new Set(assets.map((a) => a.typeIdentifier))).toContain('amazon.datazone.RedshiftTableAssetType');
  });

  it('accepts a catalog object and rejects a broken one with the reason', async () => {
    const catalog: Catalog = {
      domains: [
        {
          id: 'dzd_tiny',
          name: 'tiny',
          projects: [{ id: 'p1', name: 'p1' }],
          assets: [
            {
              id: 'a1',
              name: 't',
              typeIdentifier: 'amazon.datazone.GlueTableAssetType',
              owningProjectId: 'p1',
              revisions: [{ revision: '1', createdAt: '2025-01-01T00:00:00Z' }],
            },
          ],
        },
      ],
    };
    await withServer({ catalog }, async (_s, c) => {
      const asset = await c.send(new GetAssetCommand({ domainIdentifier: 'dzd_tiny', identifier: 'a1' }));
      expect(asset.owningProjectId).toBe('p1');
    });
    const broken = structuredClone(catalog);
    const asset = broken.domains[0]?.assets[0];
    if (asset) asset.owningProjectId = 'p2';
    expect(() => loadCatalog(broken)).toThrow('asset a1: unknown owningProjectId p2');
  });
});
