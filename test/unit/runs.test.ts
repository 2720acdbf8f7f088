/** What an asset's runs say: a revision's run of a group, a run's attempt, and what follows a run's end. */
import { describe, expect, it } from 'vitest';
import { generationGroups } from '../../src/core/generation-types.js';
import type { RunDetails, RunSummary } from '../../src/core/ports.js';
import { attemptOf, decideAfterRun, runOfAttempt, runOfRevision } from '../../src/core/runs.js';

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
});

describe('decideAfterRun', () => {
  it('does nothing more after a success or a cancellation (someone’s decision)', () => {
    for (const status of ['SUCCEEDED', 'CANCELED']) {
      expect(decideAfterRun(failedRun('r1', { status }), [], POLICY, T0).kind).toBe('done');
    }
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

  it('gives up with the last error when the attempts are used up', () => {
    const runs = [summary('r1', { createdAt: T0 - 2 }), summary('r2', { createdAt: T0 - 1 })];
    const run = failedRun('r3');
    expect(decideAfterRun(run, [...runs, run], POLICY, T0)).toEqual({
      kind: 'give-up',
      why: 'attempt 3 of 3 failed: BUSINESS_DESCRIPTIONS: internal error; BUSINESS_NAMES: internal error',
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

  it('leaves alone a run whose types are not one of the configured groups', () => {
    const run = failedRun('r1', { types: ['BUSINESS_GLOSSARY_ASSOCIATIONS'] });
    expect(decideAfterRun(run, [run], POLICY, T0).kind).toBe('done');
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
    expect(runOfAttempt([second, first], '3', BOTH, 1)?.runId).toBeDefined();
    expect(runOfAttempt([second, first], '3', BOTH, 2)?.runId).toBe('r2');
    expect(runOfAttempt([first], '3', BOTH, 2)).toBeUndefined();
  });
});
