// What every operation of the local SQS provides. Each names its queue by QueueUrl; the server resolves the
// queue, drops expired messages and applies faults before the operation runs.
import type { ServerResponse } from 'node:http';
import type { QueueState, SqsState } from './state.js';
import type { SqsOperation, SqsRecordedRequest } from './types.js';

interface OperationRequest {
  readonly state: SqsState;
  readonly body: Record<string, unknown>;
  readonly record: SqsRecordedRequest;
  /** The connection, so that a long poll notices a client that went away. */
  readonly response: ServerResponse;
}

export interface Operation {
  readonly name: SqsOperation;
  /** The response body; throws SqsError for an error response. */
  handle(request: OperationRequest, queue: QueueState): unknown;
}
