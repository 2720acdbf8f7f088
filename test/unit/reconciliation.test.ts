/** What a sweep decides per asset, and the event it puts on the worker's queue. */
import { describe, expect, it } from 'vitest';
import { parseAssetEvent, parseEnvelope } from '../../src/core/asset-event.js';
import { generationGroups } from '../../src/core/generation-types.js';
import type { RunSummary } from '../../src/core/ports.js';
import { missingGroups, reconciledEvent, sweepSeconds } from '../../src/core/reconciliation.js';

const ALL_THREE = generationGroups([
  'BUSINESS_DESCRIPTIONS',
  'BUSINESS_NAMES',
  'BUSINESS_GLOSSARY_ASSOCIATIONS',
]);
const run = (revision: string, types: string[]): RunSummary => ({
  runId: `r-${revision}-${types.join('-')}`,
  status: 'SUCCEEDED',
  assetId: 'a1',
  revision,
  types,
  createdAt: 0,
});

describe('missingGroups', () => {
  it('names the groups the current revision has no run of, whatever older revisions had', () => {
    const runs = [
      run('2', ['BUSINESS_GLOSSARY_ASSOCIATIONS']),
      run('3', ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']),
    ];
    expect(missingGroups('3', runs, ALL_THREE)).toEqual([['BUSINESS_GLOSSARY_ASSOCIATIONS']]);
    expect(missingGroups('4', runs, ALL_THREE)).toEqual(ALL_THREE);
    expect(missingGroups('3', [...runs, run('3', ['BUSINESS_GLOSSARY_ASSOCIATIONS'])], ALL_THREE)).toEqual(
      [],
    );
  });
});

describe('reconciledEvent', () => {
  const missing = {
    domainId: 'dzd_bc8e1ez8r2a6xz',
    assetId: 'ayzstznnx4dxyf',
    revision: '7',
    owningProjectId: '6oy92hwk937pgn',
    assetType: 'amazon.datazone.GlueTableAssetType',
    groups: [ALL_THREE[1] ?? []],
  };
  const mark = { origin: 'backfill' as const, sweepId: 'sweep-1', groups: missing.groups };

  it('is an asset event the worker reads back whole, mark included', () => {
    const envelope = parseEnvelope(
      reconciledEvent(missing, mark, { time: new Date('2026-11-30T10:00:00Z') }),
    );
    if (!envelope.ok) throw new Error(envelope.reason);
    expect(parseAssetEvent(envelope.value)).toEqual({
      ok: true,
      value: {
        eventId: 'reconcile-dzd_bc8e1ez8r2a6xz-ayzstznnx4dxyf-7',
        detailType: 'New Asset Version Available',
        domainId: missing.domainId,
        assetId: missing.assetId,
        owningProjectId: missing.owningProjectId,
        revision: '7',
        assetType: missing.assetType,
        reconciliation: mark,
      },
    });
  });

  it('gets the same id from every sweep that finds the same revision', () => {
    const at = { time: new Date() };
    expect(reconciledEvent(missing, mark, at).id).toBe(
      reconciledEvent(missing, { ...mark, sweepId: 'other' }, at).id,
    );
  });

  it('is read without its mark when the mark does not read', () => {
    const event = reconciledEvent(missing, mark, { time: new Date() }) as { detail: Record<string, unknown> };
    event.detail.reconciliation = { origin: 'someone', sweepId: 's', groups: [['BUSINESS_NAMES']] };
    const envelope = parseEnvelope(event);
    if (!envelope.ok) throw new Error(envelope.reason);
    const parsed = parseAssetEvent(envelope.value);
    expect(parsed.ok && parsed.value.reconciliation).toBeUndefined();
  });
});

describe('sweepSeconds', () => {
  it('counts two calls per asset and one search per 50 assets, at the given rate', () => {
    expect(sweepSeconds(100_000, 4)).toBe((200_000 + 2_000) / 4);
    expect(sweepSeconds(1, 1)).toBe(3);
  });
});
