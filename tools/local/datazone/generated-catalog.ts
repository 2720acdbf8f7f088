// A catalog of any size for tests of what walks a whole domain (the sweep, Search's pages): one domain, its assets
// spread over its projects in turn, each asset's type, revisions and listing chosen by its index, so that a test
// can tell from the index alone what every asset should be.
import type { Catalog, CatalogAsset } from './catalog.js';

export const GLUE_TABLE = 'amazon.datazone.GlueTableAssetType';

export interface GeneratedCatalogOptions {
  readonly assets: number;
  /** Default dzd_generated. */
  readonly domainId?: string;
  /** Project ids; asset i belongs to projects[i % projects.length]. Default one project, `generated`. */
  readonly projects?: readonly string[];
  /** Asset i's type. Default: Glue tables. */
  readonly typeOf?: (index: number) => string;
  /** How many revisions asset i has (its current one is the last, "n"). Default 1. */
  readonly revisionsOf?: (index: number) => number;
  /** Whether asset i is published. Default: none is. */
  readonly publishedOf?: (index: number) => boolean;
}

/** Asset i's id: `gen-a00000`, `gen-a00001`, … (catalog order is index order). */
export const generatedAssetId = (index: number): string => `gen-a${String(index).padStart(5, '0')}`;

export function generatedCatalog(options: GeneratedCatalogOptions): Catalog {
  const projects = options.projects ?? ['generated'];
  const asset = (index: number): CatalogAsset => ({
    id: generatedAssetId(index),
    name: `generated_table_${index}`,
    typeIdentifier: options.typeOf?.(index) ?? GLUE_TABLE,
    owningProjectId: projects[index % projects.length] ?? 'generated',
    revisions: Array.from({ length: options.revisionsOf?.(index) ?? 1 }, (_, r) => ({
      revision: String(r + 1),
      createdAt: new Date(Date.UTC(2026, 0, 1) + (index * 10 + r) * 60_000).toISOString(),
    })),
    ...(options.publishedOf?.(index) === true ? { published: true } : {}),
  });
  return {
    domains: [
      {
        id: options.domainId ?? 'dzd_generated',
        name: 'Generated domain',
        projects: projects.map((id) => ({ id, name: `project ${id}` })),
        assets: Array.from({ length: options.assets }, (_, index) => asset(index)),
      },
    ],
  };
}
