/** What a sweep decides per asset, and the event it puts on the worker's queue. */
import { describe, expect, it } from 'vitest';
import { type EventEnvelope, parseAssetEvent, parseEnvelope } from '../../src/core/asset-event.js';
import { generationGroups } from '../../src/core/generation-types.js';
import { parseRunOutcomeEvent } from '../../src/core/outcome-event.js';
import type { RunSummary } from '../../src/core/ports.js';
import {
  missingGroups,
  reconciledEvent,
  reconciledOutcomeEvent,
  sweepSeconds,
} from '../../src/core/reconciliation.js';

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

function envelopeOf(event: unknown): EventEnvelope {
  const parsed = parseEnvelope(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

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
    const envelope = envelopeOf(reconciledEvent(missing, mark, { time: new Date('2026-11-30T10:00:00Z') }));
    expect(parseAssetEvent(envelope)).toEqual({
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

  it('is an EventBridge event of DataZone, with the revision where the worker looks for it', () => {
    expect(reconciledEvent(missing, mark, { time: new Date('2026-11-30T10:00:00Z') })).toEqual({
      version: '0',
      id: 'reconcile-dzd_bc8e1ez8r2a6xz-ayzstznnx4dxyf-7',
      'detail-type': 'New Asset Version Available',
      source: 'aws.datazone',
      account: '',
      time: '2026-11-30T10:00:00.000Z',
      region: '',
      resources: [],
      detail: {
        version: '1',
        metadata: {
          domain: 'dzd_bc8e1ez8r2a6xz',
          id: 'ayzstznnx4dxyf',
          version: '7',
          typeName: 'amazon.datazone.GlueTableAssetType',
          owningProjectId: '6oy92hwk937pgn',
        },
        data: { assetId: 'ayzstznnx4dxyf', revision: '7' },
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
    const parsed = parseAssetEvent(envelopeOf(event));
    expect(parsed.ok && parsed.value.reconciliation).toBeUndefined();
  });
});

describe('reconciledOutcomeEvent', () => {
  const mark = { origin: 'reconciler' as const, sweepId: 'sweep-2' };

  it('is the failed outcome event DataZone did not deliver, for the run it names', () => {
    expect(reconciledOutcomeEvent('dzd_bc8e1ez8r2a6xz', 'run4x7k2m9q1zt', mark)).toEqual({
      version: '0',
      id: 'reconcile-outcome-run4x7k2m9q1zt',
      'detail-type': 'Metadata Generation Failed',
      source: 'aws.datazone',
      account: '',
      region: '',
      resources: [],
      detail: {
        version: '1',
        metadata: { domain: 'dzd_bc8e1ez8r2a6xz', id: 'run4x7k2m9q1zt' },
        data: { metadataGenerationRunId: 'run4x7k2m9q1zt' },
        reconciliation: mark,
      },
    });
  });

  it('is read back as an outcome of that run, without a time', () => {
    const envelope = envelopeOf(reconciledOutcomeEvent('dzd_bc8e1ez8r2a6xz', 'run4x7k2m9q1zt', mark));
    expect(envelope.source).toBe('aws.datazone');
    expect(parseRunOutcomeEvent(envelope)).toEqual({
      ok: true,
      value: {
        eventId: 'reconcile-outcome-run4x7k2m9q1zt',
        detailType: 'Metadata Generation Failed',
        domainId: 'dzd_bc8e1ez8r2a6xz',
        runId: 'run4x7k2m9q1zt',
        time: undefined,
      },
    });
  });
});

describe('sweepSeconds', () => {
  it('counts two calls per asset and one search per 50 assets, at the given rate', () => {
    expect(sweepSeconds(100_000, 4)).toBe((200_000 + 2_000) / 4);
    expect(sweepSeconds(1, 1)).toBe(3);
  });
});
