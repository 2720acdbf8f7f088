import { GetAssetCommand } from '@aws-sdk/client-datazone';
import { describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../../tools/local/datazone/catalog.js';
import { withServer } from './support.js';

describe('local DataZone: catalog', () => {
  it('loads the sample catalog', () => {
    const catalog = loadCatalog();
    const assets = catalog.domains.flatMap((d) => d.assets);
    expect(catalog.domains.length).toBeGreaterThanOrEqual(1);
    expect(assets.length).toBeGreaterThanOrEqual(10);
    expect(new Set(assets.map((a) => a.typeIdentifier))).toContain('amazon.datazone.RedshiftTableAssetType');
  });

  it('accepts a catalog object and rejects a broken one with the reason', async () => {
    const catalog: Catalog = {
      domains: [
        {
          id: 'dzd_tiny',
          name: 'tiny',
          projects: [{ id: 'p1', name: 'p1' }],
          assets: [
            {
              id: 'a1',
              name: 't',
              typeIdentifier: 'amazon.datazone.GlueTableAssetType',
              owningProjectId: 'p1',
              revisions: [{ revision: '1', createdAt: '2025-01-01T00:00:00Z' }],
            },
          ],
        },
      ],
    };
    await withServer({ catalog }, async (_s, c) => {
      const asset = await c.send(new GetAssetCommand({ domainIdentifier: 'dzd_tiny', identifier: 'a1' }));
      expect(asset.owningProjectId).toBe('p1');
    });
    const broken = structuredClone(catalog);
    const asset = broken.domains[0]?.assets[0];
    if (asset) asset.owningProjectId = 'p2';
    expect(() => loadCatalog(broken)).toThrow('asset a1: unknown owningProjectId p2');
  });
});
