/** A record's log line: the fields each outcome adds, and the caps that keep a line from growing with its input. */
import { expect, describe as group, it } from 'vitest';
import type { RecordOutcome, RunReport } from '../../src/core/outcome.js';
import { capped, describe } from '../../src/runtime/log-line.js';

const ELLIPSIS = '…';
/** An identifier-like value longer than any identifier: kept to 256 code points, the last an ellipsis. */
const LONG_VALUE = 'x'.repeat(300);
const CUT_VALUE = `${'x'.repeat(255)}${ELLIPSIS}`;
/** Free text longer than the 1024 code points it keeps. */
const LONG_TEXT = 't'.repeat(1100);
const CUT_TEXT = `${'t'.repeat(1023)}${ELLIPSIS}`;
/** Longer than a value may be, shorter than free text may be. */
const MEDIUM_TEXT = 'm'.repeat(500);

const TARGET = { domainId: 'dzd_bc8e1ez8r2a6xz', assetId: 'asset-1', clientToken: 'token-1' };
const RUN: RunReport = {
  runId: 'run-1',
  status: 'PARTIALLY_SUCCEEDED',
  types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
  typeStats: [
    { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED' },
    { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: 'no columns' },
  ],
  durationSeconds: 42,
};
const RUN_FIELDS = {
  runId: 'run-1',
  runStatus: 'PARTIALLY_SUCCEEDED',
  generationTypes: RUN.types,
  typeStats: RUN.typeStats,
  durationSeconds: 42,
};
const THROTTLE = { name: 'ThrottlingException', message: 'Rate exceeded', operation: 'GetAsset' };

group('capped', () => {
  it('keeps values up to 256 code points and free text (reason, errorMessage, why) up to 1024', () => {
    expect(capped(LONG_VALUE, 'assetId')).toBe(CUT_VALUE);
    expect(capped(LONG_VALUE)).toBe(CUT_VALUE);
    expect(capped('x'.repeat(256), 'assetId')).toBe('x'.repeat(256));
    for (const key of ['reason', 'errorMessage', 'why']) {
      expect(capped(MEDIUM_TEXT, key)).toBe(MEDIUM_TEXT);
      expect(capped(LONG_TEXT, key)).toBe(CUT_TEXT);
    }
    expect(capped('t'.repeat(1024), 'reason')).toBe('t'.repeat(1024));
  });

  it('caps the fields of a line by their own names, inside arrays and nested objects', () => {
    const line = {
      reason: MEDIUM_TEXT,
      detailType: MEDIUM_TEXT,
      why: [MEDIUM_TEXT],
      generationTypes: [LONG_VALUE, 'BUSINESS_NAMES'],
      typeStats: [{ type: LONG_VALUE, errorMessage: MEDIUM_TEXT }],
    };
    expect(capped(line)).toEqual({
      reason: MEDIUM_TEXT,
      detailType: `${'m'.repeat(255)}${ELLIPSIS}`,
      why: [MEDIUM_TEXT],
      generationTypes: [CUT_VALUE, 'BUSINESS_NAMES'],
      typeStats: [{ type: CUT_VALUE, errorMessage: MEDIUM_TEXT }],
    });
  });

  it('passes numbers, booleans, null and undefined through', () => {
    const line = { receiveCount: 3, startedNow: true, runId: null, runStatus: undefined };
    expect(capped(line)).toStrictEqual(line);
    expect(capped(null)).toBeNull();
    expect(capped(7)).toBe(7);
  });
});

group('describe', () => {
  it('gives a started run its id and status, and its groups when there are several', () => {
    expect(
      describe({ kind: 'started', target: TARGET, runId: 'run-1', runStatus: 'SUBMITTED' }),
    ).toStrictEqual({
      runId: 'run-1',
      runStatus: 'SUBMITTED',
    });
    const groups = [
      { types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'], runId: 'run-1', startedNow: true },
      { types: ['BUSINESS_GLOSSARY_ASSOCIATIONS'], runId: 'run-0', startedNow: false },
    ];
    expect(describe({ kind: 'started', target: TARGET, runId: 'run-1', groups })).toStrictEqual({
      runId: 'run-1',
      runStatus: undefined,
      groups,
    });
  });

  it('gives a skipped event and an unreadable outcome event their reason', () => {
    expect(describe({ kind: 'skipped', reason: 'unsupported asset type' })).toStrictEqual({
      reason: 'unsupported asset type',
    });
    expect(describe({ kind: 'outcome-unreadable', reason: 'no runId' })).toStrictEqual({
      reason: 'no runId',
    });
  });

  it('gives a retry its cause, the error, and the failed operation when known', () => {
    const retry: RecordOutcome = { kind: 'retry', cause: 'throttled', schedule: 'short', error: THROTTLE };
    expect(describe(retry)).toStrictEqual({
      retryCause: 'throttled',
      errorName: 'ThrottlingException',
      errorMessage: 'Rate exceeded',
      operation: 'GetAsset',
    });
    const late = { name: 'DeadlineExceededError', message: 'late' };
    expect(describe({ kind: 'retry', cause: 'deadline', schedule: 'short', error: late })).toStrictEqual({
      retryCause: 'deadline',
      errorName: 'DeadlineExceededError',
      errorMessage: 'late',
    });
  });

  it('gives an existing run its id and the conflict', () => {
    const conflict = { name: 'ConflictException', message: 'exists' };
    expect(
      describe({ kind: 'already-exists', target: TARGET, error: conflict, runId: 'run-0' }),
    ).toStrictEqual({
      runId: 'run-0',
      errorName: 'ConflictException',
      errorMessage: 'exists',
    });
  });

  it('gives a dead letter the error, its operation when known, and the run whose attempts ran out', () => {
    const invalid = { name: 'ValidationException', message: 'bad asset' };
    expect(describe({ kind: 'dead-letter', error: invalid })).toStrictEqual({
      errorName: 'ValidationException',
      errorMessage: 'bad asset',
    });
    expect(
      describe({
        kind: 'dead-letter',
        error: { ...invalid, operation: 'StartMetadataGenerationRun' },
        run: RUN,
      }),
    ).toStrictEqual({
      errorName: 'ValidationException',
      errorMessage: 'bad asset',
      operation: 'StartMetadataGenerationRun',
      ...RUN_FIELDS,
    });
  });

  it('gives an ended run its report, and why nothing follows or the next attempt', () => {
    expect(
      describe({ kind: 'run-ended', target: TARGET, run: RUN, next: { why: 'all succeeded' } }),
    ).toStrictEqual({ ...RUN_FIELDS, why: 'all succeeded' });
    const next = { runId: 'run-2', attempt: 2 };
    expect(describe({ kind: 'run-ended', target: TARGET, run: RUN, next })).toStrictEqual({
      ...RUN_FIELDS,
      nextRun: next,
    });
  });

  it('gives an ended name generation its status and domain', () => {
    expect(
      describe({ kind: 'name-generation-ended', status: 'FAILED', domainId: 'dzd_bc8e1ez8r2a6xz' }),
    ).toStrictEqual({ runStatus: 'FAILED', domainId: 'dzd_bc8e1ez8r2a6xz' });
  });
});
