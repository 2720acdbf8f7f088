/** A start and what its answer means, with a plain fake DataZone; a record's outcome from its groups'. */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import type { RecordOutcome } from '../../src/core/outcome.js';
import type { DataZonePort, RunSummary, StartedRun } from '../../src/core/ports.js';
import { combineGroups, startRun } from '../../src/pipeline/start-run.js';

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

/** A DataZone whose every start answers with `answer` (a run, or the error it throws); counts the starts. */
function starting(answer: () => Promise<StartedRun>) {
  const calls = { starts: 0 };
  const datazone: DataZonePort = {
    getAsset: async () => {
      throw new Error('unused');
    },
    getRun: async () => {
      throw new Error('unused');
    },
    startMetadataGenerationRun: () => {
      calls.starts += 1;
      return answer();
    },
    listRuns: async () => [],
  };
  return { datazone, calls };
}

const NAMES_REQUEST = {
  domainId: 'dzd_a',
  assetId: 'a1',
  revision: '3',
  owningProjectId: 'p1',
  generationTypes: ['BUSINESS_NAMES'] as const,
  clientToken: 't1',
};

describe('startRun, when the start succeeds', () => {
  it('reports the run started, with its status', async () => {
    const { datazone } = starting(async () => ({ runId: 'r1', status: 'SUBMITTED' }));
    expect(await startRun(NAMES_REQUEST, target, datazone, new Map())).toStrictEqual({
      kind: 'started',
      target,
      runId: 'r1',
      runStatus: 'SUBMITTED',
    });
  });

  it('reports a run the client token replayed as already existing, naming the run', async () => {
    const { datazone } = starting(async () => ({ runId: 'r0', status: 'SUCCEEDED', replayed: true }));
    expect(await startRun(NAMES_REQUEST, target, datazone, new Map())).toStrictEqual({
      kind: 'already-exists',
      target,
      runId: 'r0',
      error: {
        name: 'ClientTokenReplay',
        message: "run r0 was created before this request: the client token returned an earlier start's run",
      },
    });
  });
});

describe('startRun, for a duplicate of a record of the same batch (same client token)', () => {
  it('shares its twin’s call, and reports the twin’s run as already existing', async () => {
    const { datazone, calls } = starting(async () => ({ runId: 'r1', status: 'SUBMITTED' }));
    const starts = new Map();
    const [twin, duplicate] = await Promise.all([
      startRun(NAMES_REQUEST, target, datazone, starts),
      startRun(NAMES_REQUEST, target, datazone, starts),
    ]);
    expect(calls.starts).toBe(1);
    expect(twin).toMatchObject({ kind: 'started', runId: 'r1' });
    expect(duplicate).toStrictEqual({
      kind: 'already-exists',
      target,
      error: { name: 'DuplicateInBatch', message: 'run r1 was started for an identical event of this batch' },
    });
  });

  it.each([
    ['throttled', 'ThrottlingException', 'short'],
    ['quota', 'ServiceQuotaExceededException', 'long'],
  ] as const)(
    'is deferred when its twin’s call was %s (it never reached the API itself)',
    async (kind, name, schedule) => {
      const { datazone, calls } = starting(async () => {
        throw new ServiceError(kind, name, 'slow down');
      });
      const starts = new Map();
      const twin = await startRun(NAMES_REQUEST, target, datazone, starts);
      const duplicate = await startRun(NAMES_REQUEST, target, datazone, starts);
      expect(calls.starts).toBe(1);
      expect(twin).toMatchObject({ kind: 'retry', cause: kind, schedule });
      expect(duplicate).toStrictEqual({
        kind: 'retry',
        cause: 'deferred',
        schedule,
        error: { name, message: 'slow down' },
        target,
      });
    },
  );

  it('shares any other failure of its twin’s call as it is', async () => {
    const { datazone } = starting(async () => {
      throw new ServiceError('transient', 'InternalServerException', 'try again');
    });
    const starts = new Map();
    await startRun(NAMES_REQUEST, target, datazone, starts);
    expect(await startRun(NAMES_REQUEST, target, datazone, starts)).toMatchObject({
      kind: 'retry',
      cause: 'transient',
    });
  });
});

describe('combineGroups', () => {
  const NAMES_AND_DESCRIPTIONS = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
  const GLOSSARY = ['BUSINESS_GLOSSARY_ASSOCIATIONS'] as const;
  const GROUPS = [NAMES_AND_DESCRIPTIONS, GLOSSARY];
  const startedNow: RecordOutcome = { kind: 'started', target, runId: 'r-new', runStatus: 'SUBMITTED' };
  const startedBefore: RecordOutcome = {
    kind: 'already-exists',
    target,
    runId: 'r-old',
    error: { name: 'ClientTokenReplay', message: 'replayed' },
  };
  const duplicate: RecordOutcome = {
    kind: 'already-exists',
    target,
    error: { name: 'DuplicateInBatch', message: 'shared' },
  };
  const throttled: RecordOutcome = {
    kind: 'retry',
    cause: 'throttled',
    schedule: 'short',
    error: { name: 'ThrottlingException', message: 'slow down' },
    target,
  };
  const invalid: RecordOutcome = {
    kind: 'dead-letter',
    error: { name: 'ValidationException', message: 'no schema' },
    target,
  };

  it('refuses a record without groups', () => {
    expect(() => combineGroups([], [])).toThrow(new RangeError('a record has at least one generation group'));
  });

  it('gives a single group’s outcome as it is, without a list of runs', () => {
    expect(combineGroups([NAMES_AND_DESCRIPTIONS], [startedNow])).toStrictEqual(startedNow);
  });

  it('gives the first retry when a group must come back, even after a dead letter', () => {
    expect(combineGroups(GROUPS, [invalid, throttled])).toBe(throttled);
  });

  it('gives the dead letter when a group cannot be started and none is to be retried', () => {
    expect(combineGroups(GROUPS, [startedNow, invalid])).toBe(invalid);
  });

  it('reports a start with every group’s run, started now or before, when every group has one', () => {
    expect(combineGroups(GROUPS, [startedBefore, startedNow])).toStrictEqual({
      ...startedNow,
      groups: [
        { types: NAMES_AND_DESCRIPTIONS, runId: 'r-old', startedNow: false },
        { types: GLOSSARY, runId: 'r-new', startedNow: true },
      ],
    });
  });

  it('lists a group whose run is not named (a duplicate’s) without a run id', () => {
    expect(combineGroups(GROUPS, [startedNow, duplicate])).toMatchObject({
      groups: [
        { types: NAMES_AND_DESCRIPTIONS, runId: 'r-new', startedNow: true },
        { types: GLOSSARY, runId: undefined, startedNow: false },
      ],
    });
  });

  it('gives the first group’s outcome as it is when no group started a run now', () => {
    expect(combineGroups(GROUPS, [duplicate, startedBefore])).toBe(duplicate);
  });
});
