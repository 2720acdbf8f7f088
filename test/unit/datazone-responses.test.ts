/** DataZone's run descriptions read into the worker's RunSummary, and the error for an answer that lacks a field. */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import { incompleteResponse, summaryOf } from '../../src/datazone/responses.js';

const CREATED_AT = new Date('2026-11-30T10:00:00.000Z');

describe('summaryOf', () => {
  it('reads a complete run', () => {
    expect(
      summaryOf({
        id: 'run-1',
        status: 'SUCCEEDED',
        target: { identifier: 'asset-1', revision: '4' },
        types: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'],
        createdAt: CREATED_AT,
      }),
    ).toEqual({
      runId: 'run-1',
      status: 'SUCCEEDED',
      assetId: 'asset-1',
      revision: '4',
      types: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'],
      createdAt: CREATED_AT.getTime(),
    });
  });

  it('reads an older run’s single, deprecated type as its types', () => {
    expect(summaryOf({ id: 'run-2', type: 'BUSINESS_DESCRIPTIONS' }).types).toEqual([
      'BUSINESS_DESCRIPTIONS',
    ]);
  });

  it('prefers types to the deprecated type when a run has both', () => {
    expect(
      summaryOf({ id: 'run-3', types: ['BUSINESS_NAMES'], type: 'BUSINESS_DESCRIPTIONS' }).types,
    ).toEqual(['BUSINESS_NAMES']);
  });

  it('leaves out what the run does not say: no target, no types, no creation time', () => {
    expect(summaryOf({ id: 'run-4' })).toEqual({
      runId: 'run-4',
      status: undefined,
      assetId: undefined,
      revision: undefined,
      types: [],
      createdAt: undefined,
    });
  });
});

describe('incompleteResponse', () => {
  it('is a transient service error, worth a retry, with the given reason', () => {
    const error = incompleteResponse('GetAsset response lacks revision');
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      kind: 'transient',
      name: 'IncompleteResponseError',
      message: 'GetAsset response lacks revision',
    });
  });
});
