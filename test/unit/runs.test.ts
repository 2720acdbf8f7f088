/** What an asset's runs say: a revision's run of a group, a run's attempt, and what follows a run's end. */
import { describe, expect, it } from 'vitest';
import { generationGroups } from '../../src/core/generation-types.js';
import type { RunDetails, RunSummary } from '../../src/core/ports.js';
import { attemptOf, decideAfterRun, latestRunOf, runOfAttempt, runOfRevision } from '../../src/core/runs.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const BOTH = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
const ALL_THREE = generationGroups([
  'BUSINESS_DESCRIPTIONS',
  'BUSINESS_NAMES',
  'BUSINESS_GLOSSARY_ASSOCIATIONS',
]);
const POLICY = { groups: [BOTH], maxRunAttempts: 3, runRetryBaseSeconds: 300 };

function summary(runId: string, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId,
    status: 'FAILED',
    assetId: 'a1',
    revision: '3',
    types: [...BOTH],
    createdAt: T0,
    ...overrides,
  };
}

function failedRun(runId: string, overrides: Partial<RunDetails> = {}): RunDetails {
  return {
    ...summary(runId),
    domainId: 'dzd_a',
    owningProjectId: 'p1',
    typeStats: [
      { type: 'BUSINESS_DESCRIPTIONS', status: 'FAILED', errorMessage: 'internal error' },
      { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: 'internal error' },
    ],
    ...overrides,
  };
}

describe('runOfRevision', () => {
  it('finds the revision’s run of the group, a retry of some of its types included', () => {
    const runs = [
      summary('other-revision', { revision: '2' }),
      summary('retry', { types: ['BUSINESS_NAMES'] }),
    ];
    expect(runOfRevision(runs, '3', BOTH)?.runId).toBe('retry');
    expect(runOfRevision(runs, '3', ['BUSINESS_GLOSSARY_ASSOCIATIONS'])).toBeUndefined();
  });

  it('counts a run that does not say its types for every group: never a second run', () => {
    expect(runOfRevision([summary('untyped', { types: [] })], '3', BOTH)?.runId).toBe('untyped');
  });
});

describe('attemptOf', () => {
  it('counts the revision’s earlier runs of the same group', () => {
    const first = summary('r1', { createdAt: T0 });
    const second = summary('r2', { createdAt: T0 + 1000, types: ['BUSINESS_NAMES'] });
    const glossary = summary('g1', { createdAt: T0 + 500, types: ['BUSINESS_GLOSSARY_ASSOCIATIONS'] });
    const olderRevision = summary('old', { createdAt: T0 - 1000, revision: '2' });
    const runs = [second, glossary, olderRevision, first];
    expect(attemptOf(first, runs, BOTH)).toBe(1);
    expect(attemptOf(second, runs, BOTH)).toBe(2);
    expect(attemptOf(glossary, runs, ['BUSINESS_GLOSSARY_ASSOCIATIONS'])).toBe(1);
  });

  it('orders by creation time, not by run id', () => {
    const older = summary('r9', { createdAt: T0 });
    const newer = summary('r1', { createdAt: T0 + 1000 });
    expect(attemptOf(older, [newer, older], BOTH)).toBe(1);
    expect(attemptOf(newer, [newer, older], BOTH)).toBe(2);
  });

  it('orders runs created in the same millisecond by run id, so that each has an attempt of its own', () => {
    const a = summary('ra', { createdAt: T0 });
    const b = summary('rb', { createdAt: T0 });
    expect(attemptOf(a, [b, a], BOTH)).toBe(1);
    expect(attemptOf(b, [b, a], BOTH)).toBe(2);
  });

  it('counts no run without a creation time as earlier, nor any run as earlier than one', () => {
    const untimed = summary('r0', { createdAt: undefined });
    const alsoUntimed = summary('r1', { createdAt: undefined });
    const timed = summary('r2', { createdAt: T0 });
    const runs = [untimed, alsoUntimed, timed];
    expect(runs.map((run) => attemptOf(run, runs, BOTH))).toEqual([1, 1, 1]);
  });

  it('counts a run once, by its id, even when the list gives it another creation time', () => {
    const listed = summary('r1', { createdAt: T0 });
    const described = summary('r1', { createdAt: T0 + 1 });
    expect(attemptOf(described, [listed], BOTH)).toBe(1);
  });
});

describe('latestRunOf', () => {
  it('picks the newest run of the revision and group, wherever the list has it', () => {
    const first = summary('r1', { createdAt: T0 });
    const retry = summary('r2', { createdAt: T0 + 1000, types: ['BUSINESS_NAMES'] });
    const older = summary('r3', { createdAt: T0 + 500 });
    const runs = [
      first,
      retry,
      older,
      summary('next-revision', { createdAt: T0 + 2000, revision: '4' }),
      summary('glossary', { createdAt: T0 + 3000, types: ['BUSINESS_GLOSSARY_ASSOCIATIONS'] }),
    ];
    expect(latestRunOf(runs, '3', BOTH)?.runId).toBe('r2');
    expect(latestRunOf([older, retry, first], '3', BOTH)?.runId).toBe('r2');
  });

  it('finds none for a revision or group without runs', () => {
    const runs = [summary('r1', { createdAt: T0 })];
    expect(latestRunOf(runs, '4', BOTH)).toBeUndefined();
    expect(latestRunOf(runs, '3', ['BUSINESS_GLOSSARY_ASSOCIATIONS'])).toBeUndefined();
  });
});

describe('decideAfterRun', () => {
  it('does nothing more after a success or a cancellation (someone’s decision)', () => {
    for (const status of ['SUCCEEDED', 'CANCELED']) {
      expect(decideAfterRun(failedRun('r1', { status }), [], POLICY, T0)).toEqual({
        kind: 'done',
        why: `status ${status}`,
      });
    }
  });

  it('does nothing more after a run that does not say its status', () => {
    expect(decideAfterRun(failedRun('r1', { status: undefined }), [], POLICY, T0)).toEqual({
      kind: 'done',
      why: 'status unknown',
    });
  });

  it('starts the failed types again after the base backoff, as attempt 2', () => {
    const run = failedRun('r1');
    expect(decideAfterRun(run, [run], POLICY, T0 + 60_000)).toEqual({
      kind: 'start-again',
      group: [...BOTH],
      types: [...BOTH],
      attempt: 2,
      notBefore: T0 + 60_000 + 300_000,
    });
  });

  it('starts only the failed types of a partly successful run, and doubles the backoff for attempt 3', () => {
    const first = summary('r1', { createdAt: T0 - 10_000 });
    const run = failedRun('r2', {
      status: 'PARTIALLY_SUCCEEDED',
      typeStats: [
        { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED', errorMessage: undefined },
        { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: 'model timeout' },
      ],
    });
    expect(decideAfterRun(run, [first, run], POLICY, T0)).toEqual({
      kind: 'start-again',
      group: [...BOTH],
      types: ['BUSINESS_NAMES'],
      attempt: 3,
      notBefore: T0 + 600_000,
    });
  });

  it('starts all of the run’s types again when it reports no result per type', () => {
    const run = failedRun('r1', { types: ['BUSINESS_NAMES'], typeStats: [] });
    expect(decideAfterRun(run, [run], POLICY, T0)).toMatchObject({
      kind: 'start-again',
      types: ['BUSINESS_NAMES'],
    });
  });

  it('gives up with the last error when the attempts are used up', () => {
    const runs = [summary('r1', { createdAt: T0 - 2 }), summary('r2', { createdAt: T0 - 1 })];
    const run = failedRun('r3');
    expect(decideAfterRun(run, [...runs, run], POLICY, T0)).toEqual({
      kind: 'give-up',
      why: 'attempt 3 of 3 failed: BUSINESS_DESCRIPTIONS: internal error; BUSINESS_NAMES: internal error',
    });
  });

  it('gives the failed types’ errors alone, and says so when one has no message', () => {
    const runs = [summary('r1', { createdAt: T0 - 2 }), summary('r2', { createdAt: T0 - 1 })];
    const run = failedRun('r3', {
      status: 'PARTIALLY_SUCCEEDED',
      typeStats: [
        { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED', errorMessage: 'not an error' },
        { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: undefined },
      ],
    });
    expect(decideAfterRun(run, [...runs, run], POLICY, T0)).toEqual({
      kind: 'give-up',
      why: 'attempt 3 of 3 failed: BUSINESS_NAMES: no error message',
    });
  });

  it('gives the run and its status as the error when it reports no result per type', () => {
    const runs = [summary('r1', { createdAt: T0 - 2 }), summary('r2', { createdAt: T0 - 1 })];
    const run = failedRun('r3', { typeStats: [] });
    expect(decideAfterRun(run, [...runs, run], POLICY, T0)).toEqual({
      kind: 'give-up',
      why: 'attempt 3 of 3 failed: run r3 FAILED',
    });
  });

  it('gives up at once on a failure no new attempt can mend', () => {
    const run = failedRun('r1', {
      typeStats: [
        { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: 'Asset has no structured schema' },
      ],
    });
    expect(decideAfterRun(run, [run], POLICY, T0)).toMatchObject({ kind: 'give-up' });
  });

  it.each([
    'Asset has no structured schema',
    'Asset type is not supported',
    'Generation type unsupported for this asset',
    'Asset not found',
    'Asset does not exist',
    'Asset was deleted',
    'Access denied to the asset',
    'User is not authorized to read the asset',
    'Role is not authorised to read the asset',
    'Missing permission on the project',
  ])('gives up at once on “%s”', (errorMessage) => {
    const run = failedRun('r1', { typeStats: [{ type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage }] });
    expect(decideAfterRun(run, [run], POLICY, T0)).toEqual({
      kind: 'give-up',
      why: `failed in a way no new attempt can mend: BUSINESS_NAMES: ${errorMessage}`,
    });
  });

  it('leaves alone a run whose types are not one of the configured groups', () => {
    const run = failedRun('r1', { types: ['BUSINESS_GLOSSARY_ASSOCIATIONS'] });
    expect(decideAfterRun(run, [run], POLICY, T0).kind).toBe('done');
    const acrossGroups = failedRun('r2', { types: ['BUSINESS_GLOSSARY_ASSOCIATIONS', 'BUSINESS_NAMES'] });
    expect(decideAfterRun(acrossGroups, [acrossGroups], POLICY, T0)).toEqual({
      kind: 'done',
      why: 'types BUSINESS_GLOSSARY_ASSOCIATIONS,BUSINESS_NAMES are not a configured group',
    });
    expect(decideAfterRun(run, [run], { ...POLICY, groups: ALL_THREE }, T0).kind).toBe('start-again');
  });

  it('does nothing for a late copy of an outcome whose next attempt has started already', () => {
    const run = failedRun('r1', { createdAt: T0 });
    const next = summary('r2', { createdAt: T0 + 1000, types: ['BUSINESS_NAMES'], status: 'IN_PROGRESS' });
    expect(decideAfterRun(run, [run, next], POLICY, T0 + 600_000)).toEqual({
      kind: 'done',
      why: 'attempt 2 already started: run r2',
    });
  });
});

describe('runOfAttempt', () => {
  it('finds the run of a given attempt, not an earlier one', () => {
    const first = summary('r1', { createdAt: T0 });
    const second = summary('r2', { createdAt: T0 + 1 });
    expect(runOfAttempt([second, first], '3', BOTH, 1)?.runId).toBe('r1');
    expect(runOfAttempt([second, first], '3', BOTH, 2)?.runId).toBe('r2');
    expect(runOfAttempt([first], '3', BOTH, 2)).toBeUndefined();
  });
});
