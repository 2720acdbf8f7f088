import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  declaredDomain,
  type EventEnvelope,
  parseAssetEvent,
  parseEnvelope,
  parseEnvelopeJson,
} from '../../src/core/asset-event.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../events/eventbridge/${name}`, import.meta.url), 'utf8'));

function envelopeOf(event: unknown): EventEnvelope {
  const parsed = parseEnvelope(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function withDetail(detail: unknown): EventEnvelope {
  return { id: 'e-1', source: 'aws.datazone', detailType: 'Asset Added To Inventory', detail };
}

const metadata = { domain: 'dzd_bc8e1ez8r2a6xz', id: 'ayzstznnx4dxyf', owningProjectId: '6oy92hwk937pgn' };

describe('parseEnvelopeJson', () => {
  it('names the JSON problem for a body that is not JSON', () => {
    const parsed = parseEnvelopeJson('this is not JSON');
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/^body is not valid JSON: /) });
  });

  it('rejects JSON that is not an object, saying what it got', () => {
    expect(parseEnvelopeJson('[1,2]')).toEqual({
      ok: false,
      reason: 'expected an EventBridge event (a JSON object), got an array',
    });
    expect(parseEnvelopeJson('null')).toEqual({
      ok: false,
      reason: 'expected an EventBridge event (a JSON object), got null',
    });
    expect(parseEnvelopeJson('"Asset Added To Inventory"')).toEqual({
      ok: false,
      reason: 'expected an EventBridge event (a JSON object), got a string',
    });
  });

  it('names each missing envelope field, separated by semicolons', () => {
    expect(parseEnvelopeJson('{"detail":{}}')).toEqual({
      ok: false,
      reason:
        'source: expected a string (the event source, such as "aws.datazone"); ' +
        'detail-type: expected a string (the EventBridge detail-type)',
    });
  });

  it('rejects an id that is there but not a string, and reads an event without one', () => {
    const event = fixture('asset-added-to-inventory.json');
    expect(parseEnvelope({ ...event, id: 42 })).toEqual({ ok: false, reason: 'id: expected a string' });
    const { id: _id, ...withoutId } = event;
    expect(parseEnvelope(withoutId)).toMatchObject({ ok: true, value: { id: undefined } });
  });

  it('leaves out a time that is not a string', () => {
    const parsed = parseEnvelope({ ...fixture('asset-added-to-inventory.json'), time: 1795279512 });
    expect(parsed.ok && 'time' in parsed.value).toBe(false);
  });

  it('reads the envelope of a real event', () => {
    const event = fixture('asset-added-to-inventory.json');
    expect(parseEnvelopeJson(JSON.stringify(event))).toEqual({
      ok: true,
      value: {
        id: '6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11',
        source: 'aws.datazone',
        time: '2026-11-20T16:45:12Z',
        detailType: 'Asset Added To Inventory',
        detail: event.detail,
      },
    });
  });
});

describe('declaredDomain', () => {
  it('reads the domain string at detail.metadata.domain, whether or not it is a valid domain id', () => {
    expect(declaredDomain(withDetail({ metadata }))).toBe('dzd_bc8e1ez8r2a6xz');
    expect(declaredDomain(withDetail({ metadata: { domain: 'not a domain' } }))).toBe('not a domain');
  });

  it('names no domain for anything but a string there', () => {
    expect(declaredDomain(withDetail({ metadata: { domain: 7 } }))).toBeUndefined();
    expect(declaredDomain(withDetail({ metadata: 'dzd_bc8e1ez8r2a6xz' }))).toBeUndefined();
    expect(declaredDomain(withDetail(undefined))).toBeUndefined();
  });
});

describe('parseAssetEvent', () => {
  it('reads every field of a complete event, with no reconciliation mark', () => {
    expect(parseAssetEvent(envelopeOf(fixture('asset-added-to-inventory.json')))).toStrictEqual({
      ok: true,
      value: {
        eventId: '6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11',
        detailType: 'Asset Added To Inventory',
        domainId: 'dzd_bc8e1ez8r2a6xz',
        assetId: 'ayzstznnx4dxyf',
        owningProjectId: '6oy92hwk937pgn',
        revision: '3',
        assetType: 'amazon.datazone.GlueTableAssetType',
      },
    });
  });

  it('leaves what the event does not carry undefined, to be resolved with GetAsset', () => {
    const parsed = parseAssetEvent(envelopeOf(fixture('asset-without-revision.json')));
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        assetId: 'm6v0r4e8y2j5qd',
        owningProjectId: undefined,
        revision: undefined,
        assetType: undefined,
      },
    });
  });

  it('takes the revision from data.revision, data.assetRevision, then metadata.version', () => {
    const revisionOf = (detail: unknown) => {
      const parsed = parseAssetEvent(withDetail(detail));
      return parsed.ok ? parsed.value.revision : parsed.reason;
    };
    expect(
      revisionOf({ metadata: { ...metadata, version: '9' }, data: { assetId: metadata.id, revision: '4' } }),
    ).toBe('4');
    expect(
      revisionOf({
        metadata: { ...metadata, version: '9' },
        data: { assetId: metadata.id, assetRevision: '5' },
      }),
    ).toBe('5');
    expect(revisionOf({ metadata: { ...metadata, version: '9' }, data: { assetId: metadata.id } })).toBe('9');
    expect(revisionOf({ metadata: { ...metadata, version: 7 }, data: { assetId: metadata.id } })).toBe('7');
  });

  it('does not take metadata.version as the revision when the entity of the event is not the asset', () => {
    const parsed = parseAssetEvent(
      withDetail({
        metadata: { ...metadata, id: 'listing123', version: '9' },
        data: { assetId: 'ayzstznnx4dxyf' },
      }),
    );
    expect(parsed).toMatchObject({ ok: true, value: { assetId: 'ayzstznnx4dxyf', revision: undefined } });
  });

  it('ignores unconfirmed fields that are malformed instead of failing the event', () => {
    const parsed = parseAssetEvent(
      withDetail({
        metadata: { ...metadata, version: { nested: true }, typeName: 42 },
        data: { assetId: metadata.id, revision: '', assetType: '' },
      }),
    );
    expect(parsed).toMatchObject({ ok: true, value: { revision: undefined, assetType: undefined } });
    const tooLong = parseAssetEvent(
      withDetail({ metadata, data: { assetId: metadata.id, revision: 'x'.repeat(65) } }),
    );
    expect(tooLong).toMatchObject({ ok: true, value: { revision: undefined } });
  });

  it('reads a revision sent as a whole number of zero or more, and no other number', () => {
    const revisionOf = (revision: unknown) => {
      const parsed = parseAssetEvent(withDetail({ metadata, data: { assetId: metadata.id, revision } }));
      return parsed.ok ? parsed.value.revision : parsed.reason;
    };
    expect(revisionOf(12)).toBe('12');
    expect(revisionOf(0)).toBe('0');
    expect(revisionOf(-1)).toBeUndefined();
    expect(revisionOf(1.5)).toBeUndefined();
    expect(revisionOf(2 ** 53)).toBeUndefined();
  });

  it('reads a revision of up to 64 characters, without surrounding spaces', () => {
    const revisionOf = (revision: unknown) => {
      const parsed = parseAssetEvent(withDetail({ metadata, data: { assetId: metadata.id, revision } }));
      return parsed.ok ? parsed.value.revision : parsed.reason;
    };
    expect(revisionOf('r'.repeat(64))).toBe('r'.repeat(64));
    expect(revisionOf(' 3')).toBeUndefined();
    expect(revisionOf('3 ')).toBeUndefined();
  });

  it('takes the asset type from the first field that is not blank', () => {
    const parsed = parseAssetEvent(
      withDetail({
        metadata: { ...metadata, typeName: 'amazon.datazone.RedshiftTableAssetType' },
        data: {
          assetId: metadata.id,
          assetType: '   ',
          typeIdentifier: 'amazon.datazone.GlueTableAssetType',
        },
      }),
    );
    expect(parsed).toMatchObject({ ok: true, value: { assetType: 'amazon.datazone.GlueTableAssetType' } });
  });

  it('falls back to metadata.id for the asset id', () => {
    const parsed = parseAssetEvent(withDetail({ metadata }));
    expect(parsed).toMatchObject({ ok: true, value: { assetId: 'ayzstznnx4dxyf' } });
  });

  it('rejects an invalid domain id, naming the field and the pattern', () => {
    const parsed = parseAssetEvent(envelopeOf(fixture('invalid-asset-event.json')));
    expect(parsed).toEqual({
      ok: false,
      reason: 'detail.metadata.domain: expected a DataZone domain id matching ^dzd[-_][a-zA-Z0-9_-]{1,36}$',
    });
  });

  it('rejects an event without detail or metadata', () => {
    expect(parseAssetEvent(withDetail(undefined))).toEqual({
      ok: false,
      reason: expect.stringContaining('detail'),
    });
    expect(parseAssetEvent(withDetail({ data: { assetId: 'a' } }))).toEqual({
      ok: false,
      reason: 'detail.metadata: expected an object with the DataZone event metadata',
    });
  });

  it('reports every problem of the documented fields at once', () => {
    expect(
      parseAssetEvent(withDetail({ metadata: { domain: 7, owningProjectId: 'x y' }, data: 'text' })),
    ).toEqual({
      ok: false,
      reason:
        'detail.metadata.domain: expected a DataZone domain id string; ' +
        'detail.metadata.owningProjectId: expected a project id matching ^[a-zA-Z0-9_-]{1,36}$; ' +
        'detail.data: expected an object',
    });
  });

  it('rejects an event without any asset id, and one with a malformed asset id', () => {
    const { id: _id, ...withoutId } = metadata;
    expect(parseAssetEvent(withDetail({ metadata: withoutId, data: {} }))).toEqual({
      ok: false,
      reason: 'detail.data.assetId: expected the asset id (nor is detail.metadata.id a string)',
    });
    expect(parseAssetEvent(withDetail({ metadata, data: { assetId: 'has spaces' } }))).toEqual({
      ok: false,
      reason: 'detail.data.assetId: expected an asset id matching ^[a-zA-Z0-9_-]{1,36}$',
    });
  });

  it('rejects an event without a domain id (a documented field that is not optional)', () => {
    const { domain: _domain, ...withoutDomain } = metadata;
    expect(parseAssetEvent(withDetail({ metadata: withoutDomain }))).toEqual({
      ok: false,
      reason: 'detail.metadata.domain: expected a DataZone domain id string',
    });
  });

  it('rejects a malformed owning project id (a documented field)', () => {
    const parsed = parseAssetEvent(withDetail({ metadata: { ...metadata, owningProjectId: 'bad id!' } }));
    expect(parsed).toEqual({
      ok: false,
      reason: 'detail.metadata.owningProjectId: expected a project id matching ^[a-zA-Z0-9_-]{1,36}$',
    });
  });
});

describe('parseAssetEvent: the reconciliation mark of a sweep', () => {
  const mark = { origin: 'reconciler', sweepId: 'sweep-1', groups: [['BUSINESS_NAMES']] };
  const markOf = (reconciliation: unknown) => {
    const parsed = parseAssetEvent(withDetail({ metadata, reconciliation }));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value.reconciliation;
  };

  it('reads a mark of either origin with known generation types', () => {
    expect(markOf(mark)).toEqual(mark);
    const backfill = {
      origin: 'backfill',
      sweepId: 'sweep-2',
      groups: [['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'], ['BUSINESS_GLOSSARY_ASSOCIATIONS']],
    };
    expect(markOf(backfill)).toEqual(backfill);
  });

  it('ignores a mark without a readable origin or sweep id', () => {
    expect(markOf({ ...mark, origin: 7 })).toBeUndefined();
    expect(markOf({ ...mark, origin: 'someone' })).toBeUndefined();
    expect(markOf({ ...mark, sweepId: 42 })).toBeUndefined();
    expect(markOf('reconciler')).toBeUndefined();
  });

  it('ignores a mark without groups, or with no group', () => {
    const { groups: _groups, ...withoutGroups } = mark;
    expect(markOf(withoutGroups)).toBeUndefined();
    expect(markOf({ ...mark, groups: 'BUSINESS_NAMES' })).toBeUndefined();
    expect(markOf({ ...mark, groups: [] })).toBeUndefined();
  });

  it('ignores a mark with any group that is not a non-empty list of known types', () => {
    expect(markOf({ ...mark, groups: [['BUSINESS_NAMES'], ['SUMMARIES']] })).toBeUndefined();
    expect(markOf({ ...mark, groups: [['BUSINESS_NAMES', 'SUMMARIES']] })).toBeUndefined();
    expect(markOf({ ...mark, groups: [['BUSINESS_NAMES'], []] })).toBeUndefined();
    expect(markOf({ ...mark, groups: ['BUSINESS_NAMES'] })).toBeUndefined();
  });
});
