/** A start and what its answer means, with a plain fake DataZone. */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import type { DataZonePort, RunSummary } from '../../src/core/ports.js';
import { startRun } from '../../src/pipeline/start-run.js';

const BOTH = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
const target = { domainId: 'dzd_a', assetId: 'a1', revision: '3' };
const summary = (runId: string, types: string[], createdAt: number): RunSummary => ({
  runId,
  status: 'IN_PROGRESS',
  assetId: 'a1',
  revision: '3',
  types,
  createdAt,
});

function conflicting(runs: RunSummary[]): DataZonePort {
  return {
    getAsset: async () => {
      throw new Error('unused');
    },
    getRun: async () => {
      throw new Error('unused');
    },
    startMetadataGenerationRun: async () => {
      throw new ServiceError('conflict', 'ConflictException', 'a run is in progress');
    },
    listRuns: async () => runs,
  };
}

describe('startRun, when the start meets a 409', () => {
  it('finds a retry of some of the group’s types as that attempt’s run', async () => {
    const datazone = conflicting([summary('r1', [...BOTH], 0), summary('r2', ['BUSINESS_NAMES'], 1)]);
    const request = {
      domainId: 'dzd_a',
      assetId: 'a1',
      revision: '3',
      owningProjectId: 'p1',
      generationTypes: ['BUSINESS_NAMES'] as const,
      clientToken: 't2',
    };
    expect(await startRun(request, target, datazone, new Map(), 2, [...BOTH])).toMatchObject({
      kind: 'already-exists',
      runId: 'r2',
    });
  });

  it('waits, asset-busy, when that attempt has no run yet', async () => {
    const datazone = conflicting([summary('r1', [...BOTH], 0)]);
    const request = {
      domainId: 'dzd_a',
      assetId: 'a1',
      revision: '3',
      owningProjectId: 'p1',
      generationTypes: BOTH,
      clientToken: 't2',
    };
    expect(await startRun(request, target, datazone, new Map(), 2, [...BOTH])).toMatchObject({
      kind: 'retry',
      cause: 'asset-busy',
      schedule: 'long',
    });
  });
});
