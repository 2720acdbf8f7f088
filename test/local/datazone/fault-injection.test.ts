import { GetAssetCommand, StartMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../tools/local/http-util.js';
import {
  CUSTOMERS,
  clientFor,
  DOMAIN,
  failure,
  ORDER_ITEMS,
  ORDERS,
  startInput,
  withServer,
} from './support.js';

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

  it('limits the operations named together, from one bucket, unless told otherwise', async () => {
    const clock = manualClock();
    const faults = { rateLimit: { requestsPerSecond: 1, burst: 1 } };
    await withServer({ now: clock.now, faults }, async (s, c) => {
      await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
      const e = await failure(() => c.send(new StartMetadataGenerationRunCommand(startInput())));
      expect(e.name).toBe('ThrottlingException');
      expect(s.summary().byError).toEqual({ ThrottlingException: 1 });
    });
  });

  it('gives each operation its own bucket with perOperation, as AWS sets quotas per API operation', async () => {
    const clock = manualClock();
    const faults = { rateLimit: { requestsPerSecond: 2, burst: 2, perOperation: true } };
    await withServer({ now: clock.now, faults }, async (s, c) => {
      const get = () => c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
      // Distinct revisions, so that no start conflicts with a run of an earlier one.
      const targets = [
        { identifier: ORDERS, revision: '3' },
        { identifier: CUSTOMERS, revision: '1' },
        { identifier: ORDER_ITEMS, revision: '2' },
      ];
      let started = 0;
      const start = async () => {
        const target = targets[started];
        if (target === undefined) throw new Error('no target left');
        await c.send(
          new StartMetadataGenerationRunCommand(startInput({ target: { type: 'ASSET', ...target } })),
        );
        started += 1;
      };
      await get();
      await get();
      // GetAsset's bucket is empty; StartMetadataGenerationRun's is still full.
      expect((await failure(get)).name).toBe('ThrottlingException');
      await start();
      await start();
      expect((await failure(start)).name).toBe('ThrottlingException');
      clock.advance(500); // one token back in each bucket
      await get();
      await start();
      expect((await failure(get)).name).toBe('ThrottlingException');
      expect(s.summary().byError).toEqual({ ThrottlingException: 3 });
      s.setFaults({}); // refills every bucket
      await get();
      await get();
    });
  });

  it('leaves operations not named unlimited when each named one has its own bucket', async () => {
    const clock = manualClock();
    const faults = {
      rateLimit: {
        requestsPerSecond: 1,
        burst: 1,
        perOperation: true,
        operations: ['StartMetadataGenerationRun' as const],
      },
    };
    await withServer({ now: clock.now, faults }, async (_s, c) => {
      await c.send(new StartMetadataGenerationRunCommand(startInput()));
      for (let i = 0; i < 3; i++)
        await c.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS }));
      const e = await failure(() => c.send(new StartMetadataGenerationRunCommand(startInput())));
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
