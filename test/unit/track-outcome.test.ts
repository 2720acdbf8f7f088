/**
 * Track, with a plain fake DataZone: what a run's outcome event becomes, from the run as DataZone reports it and the
 * asset's runs: recorded, asked again, started again (at once or after its backoff in the queue), or dead-lettered.
 */
import { describe, expect, it } from 'vitest';
import { clientToken } from '../../src/core/client-token.js';
import { ServiceError } from '../../src/core/errors.js';
import type { RecordOutcome, RunReport } from '../../src/core/outcome.js';
import type { RunOutcomeEvent } from '../../src/core/outcome-event.js';
import type {
  DataZonePort,
  RunDetails,
  RunSummary,
  StartedRun,
  StartRunRequest,
} from '../../src/core/ports.js';
import type { StartsInBatch } from '../../src/pipeline/start-run.js';
import { trackOutcome } from '../../src/pipeline/track-outcome.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const BOTH = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
/** Two attempts at most, the second 300 s after the first failed. */
const POLICY = { groups: [BOTH], maxRunAttempts: 2, runRetryBaseSeconds: 300 };
const QUEUE = { canWaitInQueue: true };
const FAILED_STATS = BOTH.map((type) => ({ type, status: 'FAILED', errorMessage: 'internal error' }));

/** The event that says run r1 failed, 90 s after it was created. */
const FAILED_EVENT: RunOutcomeEvent = {
  eventId: 'e1',
  detailType: 'Metadata Generation Failed',
  domainId: 'dzd_a',
  runId: 'r1',
  time: T0 + 90_000,
};

/** Run r1 of revision 3 of asset a1, created at T0, as GetMetadataGenerationRun describes it. */
function runR1(overrides: Partial<RunDetails> = {}): RunDetails {
  return {
    runId: 'r1',
    status: 'FAILED',
    assetId: 'a1',
    revision: '3',
    types: [...BOTH],
    createdAt: T0,
    domainId: 'dzd_a',
    owningProjectId: 'p1',
    typeStats: FAILED_STATS,
    ...overrides,
  };
}

/** The report of run r1 as the event above ends it. */
const R1_REPORT = {
  runId: 'r1',
  status: 'FAILED',
  types: [...BOTH],
  typeStats: FAILED_STATS,
  durationSeconds: 90,
};

/** The target of a failed run's next attempt: the revision, its project and the attempt's own token. */
function attemptTarget(attempt: number) {
  const token = clientToken({
    domainId: 'dzd_a',
    assetId: 'a1',
    revision: '3',
    generationTypes: BOTH,
    attempt,
  });
  return { domainId: 'dzd_a', assetId: 'a1', revision: '3', owningProjectId: 'p1', clientToken: token };
}

interface FakeDataZone extends DataZonePort {
  readonly started: StartRunRequest[];
  readonly listed: string[];
}

/** DataZone that describes `run`, lists `runs` (or fails as told) and starts runs as `start` answers. */
function fakeDataZone({
  run = runR1(),
  runs = [run],
  getRunError,
  listError,
  start = async (request) => ({ runId: `run-of-${request.clientToken.slice(-4)}`, status: 'SUBMITTED' }),
}: {
  run?: RunDetails;
  runs?: RunSummary[];
  getRunError?: Error;
  listError?: Error;
  start?: (request: StartRunRequest) => Promise<StartedRun>;
} = {}): FakeDataZone {
  const started: StartRunRequest[] = [];
  const listed: string[] = [];
  return {
    started,
    listed,
    getAsset: async () => {
      throw new Error('track never asks for the asset');
    },
    getRun: async (domainId, runId) => {
      if (getRunError !== undefined) throw getRunError;
      expect([domainId, runId]).toEqual([FAILED_EVENT.domainId, FAILED_EVENT.runId]);
      return run;
    },
    listRuns: async (_domainId, assetId) => {
      listed.push(assetId);
      if (listError !== undefined) throw listError;
      return runs;
    },
    startMetadataGenerationRun: async (request) => {
      started.push(request);
      return start(request);
    },
  };
}

/** The report of a run-ended outcome: anything else fails the test. */
function runReportOf(outcome: RecordOutcome): RunReport {
  if (outcome.kind !== 'run-ended') throw new Error(`expected run-ended, got ${outcome.kind}`);
  return outcome.run;
}

function track(
  datazone: DataZonePort,
  { now = T0 + 90_000, event = FAILED_EVENT, options = QUEUE, starts = new Map() as StartsInBatch } = {},
) {
  return trackOutcome(event, POLICY, datazone, starts, () => now, options);
}

describe('trackOutcome, before the run is known', () => {
  it('retries with the domain and an unknown asset when the run cannot be read', async () => {
    const datazone = fakeDataZone({
      getRunError: new ServiceError('throttled', 'ThrottlingException', 'slow down'),
    });
    expect(await track(datazone)).toEqual({
      kind: 'retry',
      cause: 'throttled',
      schedule: 'short',
      error: { name: 'ThrottlingException', message: 'slow down' },
      target: { domainId: 'dzd_a', assetId: 'unknown' },
    });
  });
});

describe('trackOutcome, a run that has not ended yet', () => {
  it.each(['SUBMITTED', 'IN_PROGRESS'])('asks again shortly when the run still reads %s', async (status) => {
    const datazone = fakeDataZone({ run: runR1({ status }) });
    expect(await track(datazone)).toEqual({
      kind: 'retry',
      cause: 'transient',
      schedule: 'short',
      error: {
        name: 'RunNotEndedYet',
        message: `the event says Metadata Generation Failed, the run still reads ${status}`,
      },
      target: { domainId: 'dzd_a', assetId: 'a1', revision: '3' },
    });
    expect(datazone.listed).toEqual([]);
  });
});

describe('trackOutcome, a run that ended without failing', () => {
  it('is recorded with its status and duration, as of an unknown asset when the run names none', async () => {
    const run = runR1({ status: 'SUCCEEDED', assetId: undefined, typeStats: [] });
    const datazone = fakeDataZone({ run });
    expect(await track(datazone)).toStrictEqual({
      kind: 'run-ended',
      target: { domainId: 'dzd_a', assetId: 'unknown', revision: '3' },
      run: { runId: 'r1', status: 'SUCCEEDED', types: [...BOTH], typeStats: [], durationSeconds: 90 },
      next: { why: 'status SUCCEEDED' },
    });
    expect(datazone.listed).toEqual([]);
  });

  it('is recorded as UNKNOWN when the run reads no status', async () => {
    const outcome = await track(fakeDataZone({ run: runR1({ status: undefined }) }));
    expect(outcome).toMatchObject({
      kind: 'run-ended',
      run: { status: 'UNKNOWN' },
      next: { why: 'status unknown' },
    });
  });
});

describe('trackOutcome, the run report’s duration', () => {
  const succeeded = (overrides: Partial<RunDetails> = {}) =>
    fakeDataZone({ run: runR1({ status: 'SUCCEEDED', ...overrides }) });
  const WITHOUT_DURATION = { runId: 'r1', status: 'SUCCEEDED', types: [...BOTH], typeStats: FAILED_STATS };

  it('is the seconds from the run’s creation to the event’s time', async () => {
    const event = { ...FAILED_EVENT, time: T0 + 2500 };
    expect(runReportOf(await track(succeeded(), { event }))).toEqual({
      ...WITHOUT_DURATION,
      durationSeconds: 2.5,
    });
  });

  it('is left out when the run has no creation time', async () => {
    const report = runReportOf(await track(succeeded({ createdAt: undefined })));
    expect(report).toStrictEqual(WITHOUT_DURATION);
  });

  it('is left out when the event has no time', async () => {
    const event = { ...FAILED_EVENT, time: undefined };
    expect(runReportOf(await track(succeeded(), { event }))).toStrictEqual(WITHOUT_DURATION);
  });
});

describe('trackOutcome, a failed run DataZone does not fully describe', () => {
  it.each([
    ['asset', { assetId: undefined }],
    ['revision', { revision: undefined }],
    ['owning project', { owningProjectId: undefined }],
  ])('is recorded, not started again, when the run names no %s', async (_missing, gap) => {
    const run = runR1(gap);
    const datazone = fakeDataZone({ run });
    const outcome = await track(datazone, { now: T0 + 3_600_000 });
    expect(outcome).toMatchObject({
      kind: 'run-ended',
      run: { runId: 'r1', status: 'FAILED' },
      next: { why: 'the run names no asset revision or project' },
    });
    expect(datazone.listed).toEqual([]);
    expect(datazone.started).toEqual([]);
  });
});

describe('trackOutcome, a failed run', () => {
  it('retries with the run’s target when its asset’s runs cannot be listed', async () => {
    const datazone = fakeDataZone({ listError: new Error('socket hang up') });
    expect(await track(datazone)).toEqual({
      kind: 'retry',
      cause: 'transient',
      schedule: 'short',
      error: { name: 'Error', message: 'socket hang up' },
      target: { domainId: 'dzd_a', assetId: 'a1', revision: '3' },
    });
    expect(datazone.listed).toEqual(['a1']);
  });

  it('is only recorded when its next attempt is listed already (a late copy of the event)', async () => {
    const later = { ...runR1(), runId: 'r2', status: 'IN_PROGRESS', createdAt: T0 + 400_000 };
    const datazone = fakeDataZone({ runs: [runR1(), later] });
    expect(await track(datazone, { now: T0 + 500_000 })).toEqual({
      kind: 'run-ended',
      target: { domainId: 'dzd_a', assetId: 'a1', revision: '3' },
      run: R1_REPORT,
      next: { why: 'attempt 2 already started: run r2' },
    });
    expect(datazone.started).toEqual([]);
  });

  it('goes to the DLQ with its report once its attempts are used up', async () => {
    const first = { ...runR1(), runId: 'r0', createdAt: T0 - 600_000 };
    const datazone = fakeDataZone({ runs: [runR1(), first] });
    expect(await track(datazone)).toEqual({
      kind: 'dead-letter',
      error: {
        name: 'MetadataGenerationFailed',
        message:
          'attempt 2 of 2 failed: BUSINESS_DESCRIPTIONS: internal error; BUSINESS_NAMES: internal error',
      },
      target: { domainId: 'dzd_a', assetId: 'a1', revision: '3' },
      run: R1_REPORT,
    });
  });

  it('waits in the queue for what is left of its backoff', async () => {
    const datazone = fakeDataZone();
    // Ended at T0 + 90 s, 300 s of backoff: 59.5 s of it are left, waited as 60.
    expect(await track(datazone, { now: T0 + 330_500 })).toEqual({
      kind: 'retry',
      cause: 'run-retry-wait',
      schedule: 'short',
      error: { name: 'RunRetryScheduled', message: "attempt 2 of run r1's types starts after its backoff" },
      target: { domainId: 'dzd_a', assetId: 'a1', revision: '3' },
      visibleAfterSeconds: 60,
    });
    expect(datazone.started).toEqual([]);
  });

  it('starts its next attempt the moment its backoff is over, with the attempt in the token', async () => {
    const datazone = fakeDataZone();
    const target = attemptTarget(2);
    expect(await track(datazone, { now: T0 + 390_000 })).toEqual({
      kind: 'run-ended',
      target,
      run: R1_REPORT,
      next: { runId: `run-of-${target.clientToken.slice(-4)}`, attempt: 2 },
    });
    expect(datazone.started).toEqual([{ ...target, generationTypes: [...BOTH] }]);
  });

  it('starts its next attempt at once when there is no queue to wait in', async () => {
    const datazone = fakeDataZone();
    const outcome = await track(datazone, { now: T0 + 90_000, options: { canWaitInQueue: false } });
    expect(outcome).toMatchObject({ kind: 'run-ended', next: { attempt: 2 } });
    expect(datazone.started).toHaveLength(1);
  });

  it('starts again only the types that failed', async () => {
    const typeStats = [
      { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED', errorMessage: undefined },
      { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: 'internal error' },
    ];
    const datazone = fakeDataZone({ run: runR1({ status: 'PARTIALLY_SUCCEEDED', typeStats }) });
    await track(datazone, { now: T0 + 390_000 });
    expect(datazone.started.map((request) => request.generationTypes)).toEqual([['BUSINESS_NAMES']]);
  });

  it('hands back what the start of the next attempt met, with that attempt’s target', async () => {
    const datazone = fakeDataZone({
      start: async () => {
        throw new ServiceError('quota', 'ServiceQuotaExceededException', 'too many runs');
      },
    });
    expect(await track(datazone, { now: T0 + 390_000 })).toEqual({
      kind: 'retry',
      cause: 'quota',
      schedule: 'long',
      error: { name: 'ServiceQuotaExceededException', message: 'too many runs' },
      target: attemptTarget(2),
    });
  });
});

describe('trackOutcome, a next attempt started already', () => {
  it('is recorded with the run its token replayed, not counted again', async () => {
    const datazone = fakeDataZone({
      start: async () => ({ runId: 'r2', status: 'IN_PROGRESS', replayed: true }),
    });
    expect(await track(datazone, { now: T0 + 390_000 })).toEqual({
      kind: 'run-ended',
      target: attemptTarget(2),
      run: R1_REPORT,
      next: { why: 'attempt 2 was started already: run r2' },
    });
  });

  it('is recorded without a run id when an identical event of the batch started it', async () => {
    const starts: StartsInBatch = new Map([
      [attemptTarget(2).clientToken, Promise.resolve({ runId: 'r2', status: 'SUBMITTED' })],
    ]);
    const datazone = fakeDataZone();
    expect(await track(datazone, { now: T0 + 390_000, starts })).toEqual({
      kind: 'run-ended',
      target: attemptTarget(2),
      run: R1_REPORT,
      next: { why: 'attempt 2 was started already' },
    });
    expect(datazone.started).toEqual([]);
  });
});
