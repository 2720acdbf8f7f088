// What every operation of the local SQS provides: how it answers, and how it finds its queue.
import type { ServerResponse } from 'node:http';
import type { QueueState, SqsState } from './state.js';
import type { SqsOperation, SqsRecordedRequest } from './types.js';

export interface OperationRequest {
  readonly state: SqsState;
  readonly body: Record<string, unknown>;
  readonly record: SqsRecordedRequest;
  /** The connection, so that a long poll notices a client that went away. */
  readonly response: ServerResponse;
}

/** An operation on the queue its QueueUrl names: the queue is resolved and faults are applied first. */
export interface QueueOperation {
  readonly name: SqsOperation;
  readonly target: 'QueueUrl';
  handle(request: OperationRequest, queue: QueueState): unknown;
}

/** An operation that names its queue by QueueName, or none. */
export interface ServiceOperation {
  readonly name: SqsOperation;
  readonly target: 'QueueName' | 'none';
  handle(request: OperationRequest): unknown;
}

export type Operation = QueueOperation | ServiceOperation;
