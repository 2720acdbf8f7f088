// CancelMetadataGenerationRun: an active run becomes CANCELED; an ended one cannot be.
import type { Operation } from '../operation.js';
import { ApiError } from '../protocol.js';
import { findRun } from './get-metadata-generation-run.js';

export const cancelMetadataGenerationRun: Operation = {
  name: 'CancelMetadataGenerationRun',
  method: 'POST',
  path: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/([^/]+)\/cancel$/,
  pathParams: ['domainIdentifier', 'identifier'],
  handle(state, { pathParams }) {
    const run = findRun(state, pathParams);
    if (!state.isActive(run)) {
      throw new ApiError(
        'ConflictException',
        `Metadata generation run ${run.id} is ${state.statusOf(run)}; cannot cancel.`,
      );
    }
    run.statusOverride = 'CANCELED';
    return {};
  },
};
