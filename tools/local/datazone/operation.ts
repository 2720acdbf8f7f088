// What every operation of the local DataZone provides: where it is routed and how it answers.
import type { DataZoneState } from './state.js';
import type { DataZoneOperation, RecordedRequest } from './types.js';

interface OperationRequest {
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The request's record, for what the handler learns (a replay, the run it started). */
  readonly record: RecordedRequest;
}

export interface Operation {
  readonly name: DataZoneOperation;
  readonly method: 'GET' | 'POST';
  /** The request path; its groups are the path parameters, in the order of `pathParams`. */
  readonly path: RegExp;
  readonly pathParams: readonly string[];
  /** The asset a request names, for errors forced per asset. */
  assetOf?(request: OperationRequest): string | undefined;
  /** The response body; throws ApiError for an error response. */
  handle(state: DataZoneState, request: OperationRequest): unknown;
}
