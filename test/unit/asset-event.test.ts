import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
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
  });

  it('names each missing envelope field', () => {
    const parsed = parseEnvelopeJson('{"detail":{}}');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toContain('source: expected a string');
    expect(parsed.reason).toContain('detail-type: expected a string');
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

describe('parseAssetEvent', () => {
  it('reads every field of a complete event', () => {
    expect(parseAssetEvent(envelopeOf(fixture('asset-added-to-inventory.json')))).toEqual({
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

  it('rejects a malformed owning project id (a documented field)', () => {
    const parsed = parseAssetEvent(withDetail({ metadata: { ...metadata, owningProjectId: 'bad id!' } }));
    expect(parsed).toEqual({
      ok: false,
      reason: 'detail.metadata.owningProjectId: expected a project id matching ^[a-zA-Z0-9_-]{1,36}$',
    });
  });
});
