import {
  type DataZoneClient,
  GetAssetCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandInput,
} from '@aws-sdk/client-datazone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDataZone } from '../../../tools/local/datazone/server.js';
import type { LocalDataZone } from '../../../tools/local/datazone/types.js';
import { manualClock } from '../../../tools/local/http-util.js';
import { CUSTOMERS, clientFor, DOMAIN, failure, ORDERS, startInput, withServer } from './support.js';

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

  it('can scope conflicts to runs of the revision that share a type', async () => {
    await withServer({ conflictScope: 'types', lifecycle: { completeAfterMs: 'never' } }, async (s, c) => {
      const start = (types: StartMetadataGenerationRunCommandInput['types']) =>
        c.send(new StartMetadataGenerationRunCommand(startInput({ types })));
      await start(['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']);
      await start(['BUSINESS_GLOSSARY_ASSOCIATIONS']);
      const e = await failure(() => start(['BUSINESS_NAMES']));
      expect(e.name).toBe('ConflictException');
      expect(s.runs.map((run) => run.types)).toEqual([
        ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
        ['BUSINESS_GLOSSARY_ASSOCIATIONS'],
      ]);
    });
  });

  it('adds revisions at runtime', async () => {
    const revision = server.addRevision(DOMAIN, CUSTOMERS);
    expect(revision).toBe('2');
    const asset = await client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: CUSTOMERS }));
    expect(asset.revision).toBe('2');
  });
});
