// GetMetadataGenerationRun: a run's status on the server clock, with per-type results once it has ended (a failed
// type with its errorMessage: the only place the service says why).
import type { Operation } from '../operation.js';
import { ApiError, checkString, DOMAIN_ID, RUN_ID, throwIfProblems } from '../protocol.js';
import { type DataZoneState, runItem, typeStatsOf } from '../state.js';
import type { MetadataGenerationRun } from '../types.js';

/** The run a request names, or why there is none. */
function findRun(state: DataZoneState, pathParams: Readonly<Record<string, string>>): MetadataGenerationRun {
  const problems: string[] = [];
  checkString(problems, 'domainIdentifier', pathParams.domainIdentifier, {
    required: true,
    pattern: DOMAIN_ID,
  });
  checkString(problems, 'identifier', pathParams.identifier, { required: true, pattern: RUN_ID });
  throwIfProblems(problems);
  const d = state.domain(pathParams.domainIdentifier as string);
  const run = state.runsById.get(pathParams.identifier as string);
  if (!run || run.domainId !== d.id) {
    throw new ApiError(
      'ResourceNotFoundException',
      `Metadata generation run ${pathParams.identifier} not found in domain ${d.id}.`,
    );
  }
  return run;
}

export const getMetadataGenerationRun: Operation = {
  name: 'GetMetadataGenerationRun',
  method: 'GET',
  path: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/([^/]+)$/,
  pathParams: ['domainIdentifier', 'identifier'],
  handle(state, { pathParams }) {
    const run = findRun(state, pathParams);
    return {
      ...runItem(state, run),
      ...(state.hasEnded(run) ? { typeStats: typeStatsOf(state, run) } : {}),
    };
  },
};
