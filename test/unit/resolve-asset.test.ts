/** What an asset event leaves out, and when that takes a GetAsset call, with a fake DataZone that records them. */
import { describe, expect, it } from 'vitest';
import type { AssetEvent } from '../../src/core/asset-event.js';
import type { AssetFacts, DataZonePort } from '../../src/core/ports.js';
import { resolveAsset } from '../../src/pipeline/resolve-asset.js';

const GLUE = 'amazon.datazone.GlueTableAssetType';
const SUPPORTED = new Set([GLUE]);

/** An event that tells everything: revision, project and a supported type. */
const COMPLETE_EVENT: AssetEvent = {
  eventId: 'e1',
  detailType: 'Asset Added To Inventory',
  domainId: 'dzd_a',
  assetId: 'a1',
  owningProjectId: 'p-event',
  revision: '4',
  assetType: GLUE,
};

/** What GetAsset says of the asset (its latest revision, when no revision is asked for). */
const ASSET: AssetFacts = { revision: '5', owningProjectId: 'p-asset', typeIdentifier: GLUE };

function recordingGetAsset(facts: AssetFacts) {
  const calls: { domainId: string; assetId: string; revision: string | undefined }[] = [];
  const datazone: DataZonePort = {
    getAsset: async (domainId, assetId, revision) => {
      calls.push({ domainId, assetId, revision });
      return facts;
    },
    getRun: async () => {
      throw new Error('unused');
    },
    startMetadataGenerationRun: async () => {
      throw new Error('unused');
    },
    listRuns: async () => [],
  };
  return { datazone, calls };
}

describe('resolveAsset', () => {
  it('takes everything from an event that tells revision, project and a supported type, without a call', async () => {
    const { datazone, calls } = recordingGetAsset(ASSET);
    expect(await resolveAsset(COMPLETE_EVENT, SUPPORTED, datazone)).toStrictEqual({
      owningProjectId: 'p-event',
      revision: '4',
      assetType: GLUE,
    });
    expect(calls).toStrictEqual([]);
  });

  it('asks GetAsset for the project an event leaves out, of the event’s revision', async () => {
    const { datazone, calls } = recordingGetAsset({ ...ASSET, revision: '4' });
    const event = { ...COMPLETE_EVENT, owningProjectId: undefined };
    expect(await resolveAsset(event, SUPPORTED, datazone)).toStrictEqual({
      owningProjectId: 'p-asset',
      revision: '4',
      assetType: GLUE,
    });
    expect(calls).toStrictEqual([{ domainId: 'dzd_a', assetId: 'a1', revision: '4' }]);
  });

  it('asks GetAsset for the latest revision when the event names none, keeping the event’s project', async () => {
    const { datazone, calls } = recordingGetAsset(ASSET);
    const event = { ...COMPLETE_EVENT, revision: undefined };
    expect(await resolveAsset(event, SUPPORTED, datazone)).toStrictEqual({
      owningProjectId: 'p-event',
      revision: '5',
      assetType: GLUE,
    });
    expect(calls).toStrictEqual([{ domainId: 'dzd_a', assetId: 'a1', revision: undefined }]);
  });

  it.each([
    ['no type', undefined],
    ['a type it does not support', 'amazon.datazone.S3ObjectCollectionAssetType'],
  ])('confirms the type with GetAsset when the event gives %s', async (_, assetType) => {
    const { datazone, calls } = recordingGetAsset({ ...ASSET, revision: '4' });
    const event = { ...COMPLETE_EVENT, assetType };
    expect(await resolveAsset(event, SUPPORTED, datazone)).toStrictEqual({
      owningProjectId: 'p-event',
      revision: '4',
      assetType: GLUE,
    });
    expect(calls).toHaveLength(1);
  });
});
