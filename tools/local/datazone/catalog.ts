// The catalog the local DataZone serves: domains, their projects and assets, each asset's revisions.
import { readFileSync } from 'node:fs';
import { isRecord } from '../http-util.js';
import { ASSET_ID, DOMAIN_ID } from './protocol.js';
import { GENERATION_TYPES, type RunOutcomeSpec } from './types.js';

interface CatalogRevision {
  revision: string;
  /** ISO-8601 */
  createdAt: string;
}

export interface CatalogAsset {
  id: string;
  name: string;
  typeIdentifier: string;
  typeRevision?: string;
  /** true: published to the catalog (GetAsset shows an active listing). Default: not listed. */
  published?: boolean;
  owningProjectId: string;
  /** Oldest first; the last one is the current revision. */
  revisions: CatalogRevision[];
  description?: string;
  externalIdentifier?: string;
  /** false: the asset has no structured schema yet, so generation is refused (ValidationException). */
  structuredSchema?: boolean;
  /**
   * How its runs end, by attempt (the n-th run of a revision among those sharing a type with it); attempts
   * beyond the list end as the last. Absent: the lifecycle decides.
   */
  runOutcomes?: RunOutcomeSpec[];
}

interface CatalogProject {
  id: string;
  name: string;
}

export interface CatalogDomain {
  id: string;
  name: string;
  projects: CatalogProject[];
  assets: CatalogAsset[];
}

export interface Catalog {
  domains: CatalogDomain[];
}

const DEFAULT_CATALOG_PATH = new URL('../catalog.json', import.meta.url);

/** Reads and checks a catalog file, so that a typo fails at start rather than as a puzzling 404 later. */
export function loadCatalog(source: Catalog | string | URL = DEFAULT_CATALOG_PATH): Catalog {
  const raw: unknown = typeof source === 'object' && !(source instanceof URL) ? source : readJson(source);
  const fail = (why: string): never => {
    throw new Error(`invalid DataZone catalog: ${why}`);
  };
  if (!isRecord(raw) || !Array.isArray(raw.domains)) return fail('expected { "domains": [...] }');
  const catalog = structuredClone(raw) as unknown as Catalog;
  for (const [i, d] of catalog.domains.entries()) {
    if (typeof d.id !== 'string' || !DOMAIN_ID.test(d.id)) fail(`domains[${i}].id must match ${DOMAIN_ID}`);
    if (!Array.isArray(d.projects) || !Array.isArray(d.assets))
      fail(`domain ${d.id} needs projects and assets`);
    const projects = new Set(d.projects.map((p) => p.id));
    for (const a of d.assets) {
      if (typeof a.id !== 'string' || !ASSET_ID.test(a.id))
        fail(`asset id ${String(a.id)} must match ${ASSET_ID}`);
      if (!projects.has(a.owningProjectId))
        fail(`asset ${a.id}: unknown owningProjectId ${a.owningProjectId}`);
      if (a.published !== undefined && typeof a.published !== 'boolean')
        fail(`asset ${a.id}: "published" must be true or false`);
      if (!Array.isArray(a.revisions) || a.revisions.length === 0)
        fail(`asset ${a.id} needs at least one revision`);
      for (const r of a.revisions) {
        if (typeof r.revision !== 'string' || Number.isNaN(Date.parse(r.createdAt))) {
          fail(`asset ${a.id}: each revision needs a string "revision" and an ISO "createdAt"`);
        }
      }
      const problem = runOutcomesProblem(a.runOutcomes);
      if (problem !== undefined) fail(`asset ${a.id}: runOutcomes ${problem}`);
    }
  }
  return catalog;
}

const RUN_ENDS: readonly unknown[] = ['SUCCEEDED', 'FAILED', 'PARTIALLY_SUCCEEDED', 'CANCELED'];

function runOutcomesProblem(outcomes: unknown): string | undefined {
  if (outcomes === undefined) return undefined;
  if (!Array.isArray(outcomes) || outcomes.length === 0) return 'must be a non-empty list';
  for (const [i, spec] of outcomes.entries()) {
    const s: unknown = isRecord(spec) ? spec.status : spec;
    if (!RUN_ENDS.includes(s)) return `[${i}]: status must be one of ${RUN_ENDS.join(', ')}`;
    if (!isRecord(spec)) continue;
    const { failedTypes, errorMessage, afterMs } = spec;
    const knownType = (t: unknown) => (GENERATION_TYPES as readonly unknown[]).includes(t);
    if (failedTypes !== undefined && !(Array.isArray(failedTypes) && failedTypes.every(knownType)))
      return `[${i}].failedTypes must list ${GENERATION_TYPES.join(', ')}`;
    if (errorMessage !== undefined && typeof errorMessage !== 'string')
      return `[${i}].errorMessage must be a string`;
    if (afterMs !== undefined && !(typeof afterMs === 'number' && afterMs >= 0))
      return `[${i}].afterMs must be a number of milliseconds`;
  }
  return undefined;
}

function readJson(path: string | URL): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// ---------------------------------------------------------------------------------------------------------------
