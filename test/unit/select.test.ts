/** Select: whether an event is the worker's, and what it is, from its envelope alone. */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/core/asset-event.js';
import { type SelectionSettings, select } from '../../src/pipeline/select.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const OTHER_DOMAIN = 'dzd_7ttq4pj2fcnl0m';
const ASSET = 'ayzstznnx4dxyf';

const EVERY_DOMAIN: SelectionSettings = {
  handledDetailTypes: new Set(['Asset Added To Inventory']),
  domainIds: new Set(),
};
const ONE_DOMAIN: SelectionSettings = { ...EVERY_DOMAIN, domainIds: new Set([DOMAIN]) };

/** A DataZone event of the given detail-type whose `detail.metadata.domain` is `domain`. */
function datazoneEvent(detailType: string, domain: unknown): EventEnvelope {
  return {
    id: 'e1',
    source: 'aws.datazone',
    detailType,
    detail: { metadata: { domain, id: ASSET, version: '3' }, data: { assetId: ASSET } },
  };
}

const assetAdded = (domain: unknown) => datazoneEvent('Asset Added To Inventory', domain);

describe('select, for business-name generation outcomes', () => {
  it('reads the status from the detail-type and the domain from the event', () => {
    expect(select(datazoneEvent('Business Name Generation Succeeded', DOMAIN), EVERY_DOMAIN)).toEqual({
      kind: 'name-generation',
      status: 'SUCCEEDED',
      domainId: DOMAIN,
    });
    expect(select(datazoneEvent('Business Name Generation Failed', DOMAIN), EVERY_DOMAIN)).toEqual({
      kind: 'name-generation',
      status: 'FAILED',
      domainId: DOMAIN,
    });
  });

  it('takes one without a domain when DOMAIN_IDS is empty, its domain left unknown', () => {
    expect(select(datazoneEvent('Business Name Generation Failed', 42), EVERY_DOMAIN)).toEqual({
      kind: 'name-generation',
      status: 'FAILED',
      domainId: undefined,
    });
  });
});

describe('select, with DOMAIN_IDS', () => {
  it('takes an event of a listed domain', () => {
    expect(select(assetAdded(DOMAIN), ONE_DOMAIN)).toMatchObject({
      kind: 'asset-event',
      event: { domainId: DOMAIN, assetId: ASSET, revision: '3' },
    });
  });

  it('skips an event of another domain, naming it', () => {
    expect(select(assetAdded(OTHER_DOMAIN), ONE_DOMAIN)).toEqual({
      kind: 'skipped',
      reason: `domain ${OTHER_DOMAIN} is not in DOMAIN_IDS`,
    });
  });

  it('names a long foreign domain by its first 64 characters', () => {
    const long = `dzd_${'x'.repeat(100)}`;
    expect(select(assetAdded(long), ONE_DOMAIN)).toEqual({
      kind: 'skipped',
      reason: `domain ${long.slice(0, 63)}… is not in DOMAIN_IDS`,
    });
  });

  it('skips an event that names no domain, before its detail is judged', () => {
    expect(select(assetAdded({ id: DOMAIN }), ONE_DOMAIN)).toEqual({
      kind: 'skipped',
      reason: 'no domain id string is not in DOMAIN_IDS',
    });
  });

  it('skips a business-name generation outcome of another domain', () => {
    expect(select(datazoneEvent('Business Name Generation Succeeded', OTHER_DOMAIN), ONE_DOMAIN)).toEqual({
      kind: 'skipped',
      reason: `domain ${OTHER_DOMAIN} is not in DOMAIN_IDS`,
    });
  });
});

describe('select, without DOMAIN_IDS', () => {
  it('judges the detail of an event that names no domain: a handled one is invalid', () => {
    expect(select(assetAdded({ id: DOMAIN }), EVERY_DOMAIN)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('detail.metadata.domain: expected a DataZone domain id string'),
    });
  });

  it('takes an event of any domain', () => {
    expect(select(assetAdded(OTHER_DOMAIN), EVERY_DOMAIN)).toMatchObject({
      kind: 'asset-event',
      event: { domainId: OTHER_DOMAIN },
    });
  });
});
