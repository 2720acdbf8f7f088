/** Outcome events, read defensively: only the domain and the run id, from where they plausibly are. */
import { describe, expect, it } from 'vitest';
import { type EventEnvelope, parseEnvelope } from '../../src/core/asset-event.js';
import { parseRunOutcomeEvent } from '../../src/core/outcome-event.js';
import { readEvent } from '../support/lambda.js';

function envelopeOf(event: unknown): EventEnvelope {
  const parsed = parseEnvelope(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

const FAILED = readEvent<Record<string, unknown>>('outcomes/metadata-generation-failed.json');

function withDetail(detail: unknown): EventEnvelope {
  return envelopeOf({ ...FAILED, detail });
}

describe('parseRunOutcomeEvent', () => {
  it('reads the domain, the run id and the time of the sample event', () => {
    expect(parseRunOutcomeEvent(envelopeOf(FAILED))).toEqual({
      ok: true,
      value: {
        eventId: FAILED.id,
        detailType: 'Metadata Generation Failed',
        domainId: 'dzd_bc8e1ez8r2a6xz',
        runId: 'run4x7k2m9q1zt',
        time: Date.parse('2026-11-20T16:50:12Z'),
      },
    });
  });

  it.each([
    ['detail.data.runId', { data: { runId: 'r1' } }],
    ['detail.data.id', { data: { id: 'r1' } }],
    ['detail.metadata.id', { data: {} }],
  ])('finds the run id at %s', (_where, extra) => {
    const detail = { metadata: { domain: 'dzd_bc8e1ez8r2a6xz', id: 'r1' }, ...extra };
    expect(parseRunOutcomeEvent(withDetail(detail))).toMatchObject({ ok: true, value: { runId: 'r1' } });
  });

  it('says why an event cannot be read', () => {
    expect(parseRunOutcomeEvent(withDetail({ metadata: { domain: 42 } }))).toEqual({
      ok: false,
      reason: 'detail.metadata.domain: expected a DataZone domain id',
    });
    expect(
      parseRunOutcomeEvent(withDetail({ metadata: { domain: 'dzd_abc' }, data: { runId: 'a b' } })),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^no run id/),
    });
    expect(parseRunOutcomeEvent(withDetail('not an object'))).toMatchObject({ ok: false });
  });

  it('leaves the time out when the event has none that parses', () => {
    const parsed = parseRunOutcomeEvent(envelopeOf({ ...FAILED, time: 'yesterday' }));
    expect(parsed).toMatchObject({ ok: true, value: { time: undefined } });
  });
});
