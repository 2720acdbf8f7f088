/** Outcome events, read defensively: only the domain and the run id, from where they plausibly are. */
import { describe, expect, it } from 'vitest';
import { type EventEnvelope, parseEnvelope } from '../../src/core/asset-event.js';
import { isNameGenerationOutcome, isRunOutcome, parseRunOutcomeEvent } from '../../src/core/outcome-event.js';
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

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const NO_RUN_ID =
  'no run id: none of detail.data.metadataGenerationRunId, detail.data.runId, detail.data.id, ' +
  'detail.metadata.id is a run id';

describe('the outcome detail-types', () => {
  it('tells run outcomes from business-name generation outcomes, and both from asset events', () => {
    expect(isRunOutcome('Metadata Generation Canceled')).toBe(true);
    expect(isNameGenerationOutcome('Metadata Generation Canceled')).toBe(false);
    expect(isNameGenerationOutcome('Business Name Generation Succeeded')).toBe(true);
    expect(isNameGenerationOutcome('Business Name Generation Failed')).toBe(true);
    expect(isRunOutcome('Business Name Generation Failed')).toBe(false);
    expect(isNameGenerationOutcome('Asset Added To Inventory')).toBe(false);
  });
});

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
    ['detail.data.metadataGenerationRunId', { metadataGenerationRunId: 'r1', runId: 'r2', id: 'r3' }, 'r1'],
    ['detail.data.runId', { runId: 'r2', id: 'r3' }, 'r2'],
    ['detail.data.id', { id: 'r3' }, 'r3'],
    ['detail.metadata.id', {}, 'entity4'],
    [
      'detail.metadata.id, when the data has no string run id',
      { metadataGenerationRunId: 5, id: 'a b' },
      'entity4',
    ],
  ])('finds the run id at %s first', (_where, data, runId) => {
    const detail = { metadata: { domain: DOMAIN, id: 'entity4' }, data };
    expect(parseRunOutcomeEvent(withDetail(detail))).toMatchObject({ ok: true, value: { runId } });
  });

  it('reads no other detail-type, even one with a run outcome detail', () => {
    const accepted = envelopeOf({ ...FAILED, 'detail-type': 'Metadata Generation Accepted' });
    expect(parseRunOutcomeEvent(accepted)).toEqual({
      ok: false,
      reason: 'detail-type "Metadata Generation Accepted" is not a run outcome',
    });
  });

  it.each([
    ['a string that is not a domain id', 'domain-1'],
    ['a list whose only item is a domain id', [DOMAIN]],
    ['absent', undefined],
  ])('rejects a domain that is %s', (_what, domain) => {
    expect(parseRunOutcomeEvent(withDetail({ metadata: { domain, id: 'r1' } }))).toEqual({
      ok: false,
      reason: 'detail.metadata.domain: expected a DataZone domain id',
    });
  });

  it.each([
    ['no detail', undefined],
    ['a detail that is a string', 'not an object'],
    ['a detail that is a list', [{ metadata: { domain: DOMAIN, id: 'r1' } }]],
    ['a detail without metadata', { data: { runId: 'r1' } }],
    ['metadata that is null', { metadata: null, data: { runId: 'r1' } }],
  ])('finds no domain in an event with %s', (_what, detail) => {
    expect(parseRunOutcomeEvent(withDetail(detail))).toEqual({
      ok: false,
      reason: 'detail.metadata.domain: expected a DataZone domain id',
    });
  });

  it.each([
    ['no data and no metadata.id', { metadata: { domain: DOMAIN } }],
    ['data that is a string', { metadata: { domain: DOMAIN }, data: 'r1' }],
    ['ids that are not strings', { metadata: { domain: DOMAIN, id: 7 }, data: { runId: ['r1'] } }],
  ])('finds no run id in an event with %s', (_what, detail) => {
    expect(parseRunOutcomeEvent(withDetail(detail))).toEqual({ ok: false, reason: NO_RUN_ID });
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

  it('leaves the time out when the event has none', () => {
    const { time: _time, ...untimed } = FAILED;
    const parsed = parseRunOutcomeEvent(envelopeOf(untimed));
    expect(parsed).toMatchObject({ ok: true, value: { runId: 'run4x7k2m9q1zt', time: undefined } });
  });
});
