/** DataZone's answers read into the worker's shapes: the fields it uses, defensively. */
import { ServiceError } from '../core/errors.js';
import type { RunSummary } from '../core/ports.js';

/** The run's fields the worker reads, from a list item or a GetMetadataGenerationRun response. */
export function summaryOf(run: {
  readonly id: string;
  readonly status?: string | undefined;
  readonly target?:
    | { readonly identifier?: string | undefined; readonly revision?: string | undefined }
    | undefined;
  readonly types?: readonly string[] | undefined;
  readonly type?: string | undefined;
  readonly createdAt?: Date | undefined;
}): RunSummary {
  return {
    runId: run.id,
    status: run.status,
    assetId: run.target?.identifier,
    revision: run.target?.revision,
    // `type` is the deprecated single-value form, still filled by older runs.
    types: run.types ?? (run.type === undefined ? [] : [run.type]),
    createdAt: run.createdAt?.getTime(),
  };
}

export function incompleteResponse(message: string): ServiceError {
  return new ServiceError('transient', 'IncompleteResponseError', message);
}
