// What every operation of the local SQS provides. Most name their queue by QueueUrl, the message move tasks by
// an ARN or a task handle; the server resolves the queue, drops expired messages and applies faults before the
// operation runs.
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
  /** The queue the request is about, or the SqsError that says why there is none. Default: its QueueUrl's. */
  queueOf?(state: SqsState, body: Record<string, unknown>): QueueState;
  /** The response body; throws SqsError for an error response. */
  handle(request: OperationRequest, queue: QueueState): unknown;
}
