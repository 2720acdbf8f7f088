// StartMetadataGenerationRun: validation as the model states it, idempotency on the client token, the catalog's
// refusals, one run in progress per asset revision (or per asset, or per revision and type), and the run-quota
// fault.
import { isRecord } from '../../http-util.js';
import type { CatalogAsset, CatalogDomain } from '../catalog.js';
import type { Operation } from '../operation.js';
import {
  ApiError,
  CLIENT_TOKEN,
  checkString,
  DOMAIN_ID,
  enumProblem,
  nullProblem,
  PROJECT_ID,
  throwIfProblems,
  typeProblem,
} from '../protocol.js';
import { planRunEnd } from '../run-ends.js';
import { CALLER_ID, type DataZoneState, GENERATION_CAPABLE_TYPES } from '../state.js';
import {
  GENERATION_TYPES,
  type GenerationType,
  type MetadataGenerationRun,
  type RunStatus,
} from '../types.js';

interface StartInput {
  domainId: string;
  project: string;
  target: { type: 'ASSET'; identifier: string; revision?: string };
  types: GenerationType[];
  clientToken: string;
}

function checkTarget(problems: string[], target: unknown): void {
  if (target === undefined || target === null) problems.push(nullProblem('target'));
  else if (!isRecord(target)) problems.push(typeProblem('target', target, 'a structure'));
  else {
    if (target.type === undefined || target.type === null) problems.push(nullProblem('target.type'));
    else if (target.type !== 'ASSET') problems.push(enumProblem('target.type', target.type, ['ASSET']));
    checkString(problems, 'target.identifier', target.identifier, { required: true });
    checkString(problems, 'target.revision', target.revision, { min: 1, max: 64 });
  }
}

/** `type` is the deprecated single-valued form; `types` wins when both are present. */
function checkTypes(problems: string[], body: Record<string, unknown>): GenerationType[] {
  const rawTypes = body.types ?? (body.type === undefined || body.type === null ? undefined : [body.type]);
  const field = body.types === undefined || body.types === null ? 'type' : 'types';
  if (rawTypes === undefined || rawTypes === null) {
    problems.push(`${nullProblem('types')} (one of 'types' or 'type' is required)`);
  } else if (!Array.isArray(rawTypes)) {
    problems.push(typeProblem('types', rawTypes, 'a list'));
  } else if (rawTypes.length < 1 || rawTypes.length > 2) {
    problems.push(
      `Value '[${rawTypes.join(', ')}]' at 'types' failed to satisfy constraint: ` +
        'Member must have length between 1 and 2',
    );
  } else if (rawTypes.some((t) => !(GENERATION_TYPES as readonly unknown[]).includes(t))) {
    problems.push(
      `Value '[${rawTypes.join(', ')}]' at '${field}' failed to satisfy constraint: Member must satisfy ` +
        `constraint: [Member must satisfy enum value set: [${GENERATION_TYPES.join(', ')}]]`,
    );
  } else if (new Set(rawTypes).size !== rawTypes.length) {
    problems.push(
      `Value '[${rawTypes.join(', ')}]' at 'types' failed to satisfy constraint: Member must not contain duplicate values`,
    );
  } else return rawTypes as GenerationType[];
  return [];
}

function parseInput(pathParams: Readonly<Record<string, string>>, body: unknown): StartInput {
  const problems: string[] = [];
  const domainId = pathParams.domainIdentifier;
  checkString(problems, 'domainIdentifier', domainId, { required: true, pattern: DOMAIN_ID });
  if (!isRecord(body)) throw new ApiError('ValidationException', 'Request body must be a JSON object.');
  const { owningProjectIdentifier: project, target, clientToken } = body;
  checkString(problems, 'owningProjectIdentifier', project, { required: true, pattern: PROJECT_ID });
  checkTarget(problems, target);
  const types = checkTypes(problems, body);
  checkString(problems, 'clientToken', clientToken, {
    required: true,
    min: 1,
    max: 128,
    pattern: CLIENT_TOKEN,
  });
  throwIfProblems(problems);
  return {
    domainId: domainId as string,
    project: project as string,
    target: target as StartInput['target'],
    types,
    clientToken: String(clientToken),
  };
}

/** The asset to generate for, and its revision, or why generation is refused. */
function resolveTarget(d: CatalogDomain, input: StartInput) {
  const { project, target: t } = input;
  if (!d.projects.some((p) => p.id === project)) {
    throw new ApiError('ResourceNotFoundException', `Project ${project} not found in domain ${d.id}.`);
  }
  const asset = d.assets.find((a) => a.id === t.identifier);
  if (!asset)
    throw new ApiError('ResourceNotFoundException', `Asset ${t.identifier} not found in domain ${d.id}.`);
  if (asset.owningProjectId !== project) {
    throw new ApiError(
      'ValidationException',
      `owningProjectIdentifier '${project}' does not own asset ${asset.id}: ` +
        `its owning project is ${asset.owningProjectId}.`,
    );
  }
  const revision = t.revision ?? asset.revisions.at(-1)?.revision ?? '';
  if (!asset.revisions.some((r) => r.revision === revision)) {
    throw new ApiError(
      'ValidationException',
      `target.revision '${revision}' does not exist for asset ${asset.id} ` +
        `(revisions: ${asset.revisions.map((r) => r.revision).join(', ')}).`,
    );
  }
  checkGenerationCapable(asset);
  return { asset, revision };
}

function checkGenerationCapable(asset: CatalogAsset): void {
  if (!GENERATION_CAPABLE_TYPES.has(asset.typeIdentifier)) {
    throw new ApiError(
      'ValidationException',
      `Metadata generation is not supported for asset ${asset.id} of type ${asset.typeIdentifier}; ` +
        `supported asset types: ${[...GENERATION_CAPABLE_TYPES].join(', ')}.`,
    );
  }
  if (asset.structuredSchema === false) {
    throw new ApiError(
      'ValidationException',
      `Asset ${asset.id} has no structured schema with valid rows and columns; cannot generate metadata.`,
    );
  }
}

/** A run already in progress that the conflict scope says collides with this one conflicts; so does the quota. */
function checkCapacity(
  state: DataZoneState,
  d: string,
  assetId: string,
  revision: string,
  types: GenerationType[],
): void {
  const collides = (r: MetadataGenerationRun): boolean => {
    if (r.domainId !== d || r.target.identifier !== assetId) return false;
    if (state.conflictScope === 'asset') return true;
    return (
      r.target.revision === revision &&
      (state.conflictScope === 'revision' || r.types.some((t) => types.includes(t)))
    );
  };
  const clash = state.runs.find((r) => collides(r) && state.isActive(r));
  if (clash) {
    throw new ApiError(
      'ConflictException',
      `A metadata generation run (${clash.id}) is already ${state.statusOf(clash)} for asset ${assetId} ` +
        `revision ${clash.target.revision}.`,
    );
  }
  const max = state.faults.maxRunsInProgress;
  if (max !== undefined && state.runs.filter(state.isActive).length >= max) {
    throw new ApiError(
      'ServiceQuotaExceededException',
      `Cannot start another metadata generation run: ${max} runs are already in progress (quota).`,
    );
  }
}

/** 1 + the runs of the revision that share a type with this one: a retry of failed types counts as the next. */
function attemptOf(
  state: DataZoneState,
  domainId: string,
  assetId: string,
  revision: string,
  types: readonly GenerationType[],
): number {
  const earlier = state.runs.filter(
    (r) =>
      r.domainId === domainId &&
      r.target.identifier === assetId &&
      r.target.revision === revision &&
      r.types.some((type) => types.includes(type)),
  );
  return earlier.length + 1;
}

const startOutput = (run: MetadataGenerationRun, status: RunStatus) => ({
  domainId: run.domainId,
  id: run.id,
  status,
  type: run.types[0],
  types: run.types,
  createdAt: run.createdAt / 1000,
  createdBy: run.createdBy,
  owningProjectId: run.owningProjectId,
});

export const startMetadataGenerationRun: Operation = {
  name: 'StartMetadataGenerationRun',
  method: 'POST',
  path: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/?$/,
  pathParams: ['domainIdentifier'],
  assetOf({ body }) {
    if (!isRecord(body) || !isRecord(body.target)) return undefined;
    const id = body.target.identifier;
    return typeof id === 'string' ? id : undefined;
  },
  handle(state, { pathParams, body, record }) {
    const input = parseInput(pathParams, body);
    const d = state.domain(input.domainId);

    // Idempotency first: a replay answers with the run it created, whatever happened since.
    const { project, target: t, types, clientToken } = input;
    const fingerprint = JSON.stringify([project, t.identifier, t.revision ?? null, [...types].sort()]);
    const tokenKey = `${d.id}\u0000${clientToken}`;
    const previous = state.runsByToken.get(tokenKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new ApiError(
          'ConflictException',
          `Client token '${clientToken}' was already used with different parameters ` +
            `(run ${previous.run.id} for asset ${previous.run.target.identifier} ` +
            `revision ${previous.run.target.revision}).`,
        );
      }
      record.replayed = true;
      record.runId = previous.run.id;
      return startOutput(previous.run, state.statusOf(previous.run));
    }

    const { asset, revision } = resolveTarget(d, input);
    checkCapacity(state, d.id, asset.id, revision, types);
    const createdAt = state.now();
    const attempt = attemptOf(state, d.id, asset.id, revision, types);
    const identity = { domainId: d.id, assetId: asset.id, revision, types, attempt, createdAt };
    const run: MetadataGenerationRun = {
      seq: state.runs.length + 1,
      id: state.newRunId(),
      domainId: d.id,
      owningProjectId: asset.owningProjectId,
      target: { type: 'ASSET', identifier: asset.id, revision },
      types,
      clientToken,
      createdAt,
      createdBy: CALLER_ID,
      attempt,
      end: planRunEnd(state.lifecycle, state.seed, asset, identity),
    };
    state.runs.push(run);
    state.runsById.set(run.id, run);
    state.runsByToken.set(tokenKey, { run, fingerprint });
    record.runId = run.id;
    // The service answers a new run with SUBMITTED, whatever the lifecycle says a moment later.
    return startOutput(run, 'SUBMITTED');
  },
};
