/** What the backfill command prints: its progress line, its final table and a dry run's lines. */
import { describe, expect, it } from 'vitest';
import { missingLine, progressLine, summaryTable } from '../../src/cli/backfill-report.js';
import { NO_COUNTS, type SweepCounts } from '../../src/sweep/sweep.js';

const counts = (over: Partial<SweepCounts>): SweepCounts => ({ ...NO_COUNTS, ...over });

describe('progressLine', () => {
  it('shows a bar and "done/total" when the total is known', () => {
    const line = progressLine(counts({ assetsScanned: 50, revisionsMissing: 7, enqueued: 5 }), 200, 42);
    expect(line).toBe(
      `[${'#'.repeat(6)}${'.'.repeat(18)}] 50/200 assets · 7 missing · 5 enqueued · about 42s left`,
    );
  });

  it('shows a full bar at the end, and never more than full', () => {
    expect(progressLine(counts({ assetsScanned: 200 }), 200, 0)).toMatch(/^\[#{24}\] 200\/200 assets/);
    expect(progressLine(counts({ assetsScanned: 260 }), 200, 0)).toMatch(/^\[#{24}\] 260\/200 assets/);
  });

  it('has no bar when the total is unknown or zero', () => {
    expect(progressLine(counts({ assetsScanned: 3 }), undefined, 5)).toBe(
      '3 assets · 0 missing · 0 enqueued · about 5s left',
    );
    expect(progressLine(NO_COUNTS, 0, 0)).toBe('0/0 assets · 0 missing · 0 enqueued · about 0s left');
  });

  it.each([
    [89.4, '89s'],
    [90, '2m'],
    [5399, '90m'],
    [5400, '1.5h'],
    [36_000, '10.0h'],
    [Number.NaN, 'unknown'],
    [Number.POSITIVE_INFINITY, 'unknown'],
  ])('says %s seconds left as "%s"', (seconds, text) => {
    expect(progressLine(NO_COUNTS, undefined, seconds)).toBe(
      `0 assets · 0 missing · 0 enqueued · about ${text} left`,
    );
  });
});

describe('summaryTable', () => {
  const final = counts({
    assetsScanned: 1234,
    revisionsCovered: 1000,
    revisionsMissing: 200,
    enqueued: 200,
    skippedByType: 30,
    skippedUnpublished: 3,
    failedRunsRequeued: 2,
    errors: 1,
  });

  it('lists every count, labels aligned and numbers right-aligned', () => {
    expect(summaryTable(final, false).split('\n')).toEqual([
      'assets scanned                 1234',
      'revisions already covered      1000',
      'revisions missing               200',
      'enqueued                        200',
      'failed runs re-enqueued           2',
      'skipped by type                  30',
      'skipped, not published            3',
      'errors                            1',
    ]);
  });

  it('says on a dry run that the missing revisions were not enqueued', () => {
    const lines = summaryTable({ ...final, enqueued: 0 }, true).split('\n');
    expect(lines[2]).toBe('revisions missing (not enqueued: dry run)       200');
    expect(lines[3]).toBe('enqueued                                          0');
    expect(lines[4]).toBe('failed runs re-enqueued                           2');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });
});

describe('missingLine', () => {
  it('names the revision and each group it would be enqueued for', () => {
    const line = missingLine({
      domainId: 'dzd_bc8e1ez8r2a6xz',
      assetId: 'ayzstznnx4dxyf',
      revision: '3',
      owningProjectId: '6oy92hwk937pgn',
      assetType: 'amazon.datazone.GlueTableAssetType',
      groups: [['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'], ['BUSINESS_GLOSSARY_ASSOCIATIONS']],
    });
    expect(line).toBe(
      'would enqueue dzd_bc8e1ez8r2a6xz ayzstznnx4dxyf revision 3: ' +
        'BUSINESS_DESCRIPTIONS+BUSINESS_NAMES, BUSINESS_GLOSSARY_ASSOCIATIONS',
    );
  });
});
