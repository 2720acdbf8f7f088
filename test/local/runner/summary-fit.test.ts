/** The summary on a narrow terminal: facts wrap, details are cut, a pipe gets it whole. */
import { describe, expect, it } from 'vitest';
import { fitSummary } from '../../../tools/local/runner/summary-fit.js';

const RULE = '─'.repeat(100);
const TOTALS = 'events: 20 — 6 started, 3 already existing, 6 skipped, 5 in the DLQ, 0 unaccounted';
const EVENT_ROW = '  4  eventbridge/invalid-asset-event.json          in the DLQ';
const REASON =
  '        worker: InvalidEventError: not a valid DataZone asset event: detail.metadata.domain: expected a DataZone domain id';
const BODY = `      body (521 bytes): {"version":"0","id":"e1f3a5c7-9b2d-4e6f-8a0c-2b4d6f8a0c1e","detail-type":"Asset Added To Inventory"}`;
const SUMMARY = [RULE, 'Summary', RULE, EVENT_ROW, REASON, '', TOTALS, BODY, ''].join('\n');

describe('fitSummary', () => {
  it('prints the summary whole for a pipe or a file', () => {
    expect(fitSummary(SUMMARY, undefined)).toBe(SUMMARY);
  });

  it('fits every line of it to the width', () => {
    for (const line of fitSummary(SUMMARY, 60).split('\n'))
      expect(Array.from(line).length).toBeLessThanOrEqual(60);
  });

  it('cuts a rule to the width, without an ellipsis', () => {
    expect(fitSummary(RULE, 60)).toBe('─'.repeat(60));
  });

  it('cuts an entry’s details (reasons, bodies) with an ellipsis', () => {
    expect(fitSummary(REASON, 60)).toBe('        worker: InvalidEventError: not a valid DataZone ass…');
    expect(fitSummary(BODY, 40)).toBe('      body (521 bytes): {"version":"0",…');
  });

  it('wraps the facts (totals, statuses) at a space, the rest indented under them', () => {
    expect(fitSummary(TOTALS, 60)).toBe(
      'events: 20 — 6 started, 3 already existing, 6 skipped, 5 in\n    the DLQ, 0 unaccounted',
    );
    expect(fitSummary(EVENT_ROW, 50)).toBe('  4  eventbridge/invalid-asset-event.json\n      in the DLQ');
  });

  it('breaks a word wider than the room where the room ends', () => {
    expect(fitSummary(`endpoints: ${'x'.repeat(30)}`, 20)).toBe(
      `endpoints:\n    ${'x'.repeat(16)}\n    ${'x'.repeat(14)}`,
    );
  });

  it('leaves lines that fit as they are', () => {
    expect(fitSummary(SUMMARY, 200)).toBe(SUMMARY);
    expect(fitSummary('  1  a.json  started\n', 80)).toBe('  1  a.json  started\n');
  });

  it('shows control characters in the summary as escapes on a terminal', () => {
    expect(fitSummary('        detail-type "\x1b[2J" is not handled', 80)).toBe(
      '        detail-type "\\u001b[2J" is not handled',
    );
  });
});
