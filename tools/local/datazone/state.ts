// What the local DataZone remembers: the catalog, the runs it started and their client tokens, and the run
// lifecycle that moves a run's status along the server clock to the end decided when it started.
import { seededRandom } from '../http-util.js';
import { type Catalog, type CatalogDomain, loadCatalog } from './catalog.js';
import { ApiError } from './protocol.js';
import { type ResolvedLifecycle, resolveLifecycle } from './run-ends.js';
import type {
  ConflictScope,
  DataZoneFaults,
  LocalDataZoneOptions,
  MetadataGenerationRun,
  RunStatus,
  TypeStat,
} from './types.js';

/** Asset types DataZone can generate metadata for (the API reference names Glue tables; Redshift tables too). */
export const GENERATION_CAPABLE_TYPES: ReadonlySet<string> = new Set([
  'amazon.datazone.GlueTableAssetType',
  'amazon.datazone.RedshiftTableAssetType',
]);

/** `createdBy` of runs and assets. */
export const CALLER_ID = '44f864b8-50a1-70cc-736f-c1f763934ab7';

export interface DataZoneState {
  readonly catalog: Catalog;
  readonly now: () => number;
  readonly seed: number;
  readonly lifecycle: ResolvedLifecycle;
  readonly conflictScope: ConflictScope;
  readonly runs: MetadataGenerationRun[];
  readonly runsById: Map<string, MetadataGenerationRun>;
  readonly runsByToken: Map<string, { run: MetadataGenerationRun; fingerprint: string }>;
  /** The faults in force (the start handler reads `maxRunsInProgress`). */
  faults: DataZoneFaults;
  /** The catalog's domain, or ResourceNotFoundException. */
  domain(id: string): CatalogDomain;
  statusOf(run: MetadataGenerationRun): RunStatus;
  isActive(run: MetadataGenerationRun): boolean;
  /** A run that has ended: by its lifecycle, or by cancel / setRunStatus. */
  hasEnded(run: MetadataGenerationRun): boolean;
  newRunId(): string;
}

export function createState(options: LocalDataZoneOptions): DataZoneState {
  const catalog = loadCatalog(options.catalog);
  const now = options.now ?? Date.now;
  const lifecycle = resolveLifecycle(options.lifecycle);
  const seed = options.seed ?? 1;
  // Its own stream, so that turning faults on does not change the run ids.
  const ids = seededRandom(seed ^ 0x27d4eb2f);
  const runsById = new Map<string, MetadataGenerationRun>();

  const statusOf = (run: MetadataGenerationRun): RunStatus => {
    if (run.statusOverride) return run.statusOverride;
    if (run.end.at !== undefined && now() >= run.end.at) return run.end.status;
    return now() - run.createdAt >= lifecycle.inProgressAfterMs ? 'IN_PROGRESS' : 'SUBMITTED';
  };
  const isActive = (run: MetadataGenerationRun): boolean => {
    const s = statusOf(run);
    return s === 'SUBMITTED' || s === 'IN_PROGRESS';
  };

  return {
    catalog,
    now,
    seed,
    lifecycle,
    conflictScope: options.conflictScope ?? 'revision',
    runs: [],
    runsById,
    runsByToken: new Map(),
    faults: { ...options.faults },
    domain(id) {
      const d = catalog.domains.find((x) => x.id === id);
      if (!d) throw new ApiError('ResourceNotFoundException', `Domain ${id} not found.`);
      return d;
    },
    statusOf,
    isActive,
    hasEnded: (run) => !isActive(run),
    newRunId() {
      const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
      for (;;) {
        let id = '';
        for (let i = 0; i < 14; i++) id += alphabet[Math.floor(ids() * alphabet.length)];
        if (!runsById.has(id)) return id;
      }
    },
  };
}

/** A run as GetMetadataGenerationRun and ListMetadataGenerationRuns describe it. */
export const runItem = (state: DataZoneState, run: MetadataGenerationRun) => ({
  domainId: run.domainId,
  id: run.id,
  owningProjectId: run.owningProjectId,
  target: run.target,
  status: state.statusOf(run),
  type: run.types[0],
  types: run.types,
  createdAt: run.createdAt / 1000,
  createdBy: run.createdBy,
});

/** An ended run's per-type results: as planned, or every type with the status cancel / setRunStatus gave it. */
export function typeStatsOf(state: DataZoneState, run: MetadataGenerationRun): TypeStat[] {
  const status = state.statusOf(run);
  if (run.statusOverride === undefined || status === run.end.status) return run.end.typeStats;
  return run.types.map((type) => ({ type, status }));
}
