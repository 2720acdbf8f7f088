// Creating a queue in process, from options checked against the ranges SQS allows for its attributes.
import { MAX_VISIBILITY } from './protocol.js';
import { arnOf, QUEUE_NAME, type QueueConfig, type QueueState, queueByArn, type SqsState } from './state.js';
import type { QueueOptions } from './types.js';

/**
 * The largest message SQS accepts and the most a batch may carry in all; also a queue's MaximumMessageSize
 * unless it sets a smaller one (the API reference gives 1 MiB as the default since 2025, 256 KiB before).
 */
export const SERVICE_MAX_MESSAGE_BYTES = 1_048_576;

function inRange(what: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function configOf(state: SqsState, o: QueueOptions): QueueConfig {
  const config: QueueConfig = {
    visibilityTimeout:
      inRange('visibilityTimeoutSeconds', o.visibilityTimeoutSeconds, 0, MAX_VISIBILITY) ?? 30,
    delaySeconds: inRange('delaySeconds', o.delaySeconds, 0, 900) ?? 0,
    retentionSeconds: inRange('messageRetentionSeconds', o.messageRetentionSeconds, 60, 1_209_600) ?? 345_600,
    receiveWaitSeconds: inRange('receiveWaitTimeSeconds', o.receiveWaitTimeSeconds, 0, 20) ?? 0,
    maximumMessageSize:
      inRange('maximumMessageSize', o.maximumMessageSize, 1024, SERVICE_MAX_MESSAGE_BYTES) ??
      SERVICE_MAX_MESSAGE_BYTES,
  };
  if (o.redrive) {
    const dlq = o.redrive.deadLetterQueue;
    const deadLetterTargetArn = dlq.startsWith('arn:') ? dlq : arnOf(state, dlq);
    if (!queueByArn(state, deadLetterTargetArn)) throw new Error(`dead-letter queue ${dlq} does not exist`);
    const maxReceiveCount = inRange('redrive.maxReceiveCount', o.redrive.maxReceiveCount, 1, 1000) ?? 0;
    config.redrive = { deadLetterTargetArn, maxReceiveCount };
  }
  return config;
}

export function createQueue(state: SqsState, name: string, o: QueueOptions = {}): QueueState {
  try {
    if (!QUEUE_NAME.test(name))
      throw new Error('a queue name is 1 to 80 letters, digits, hyphens or underscores');
    if (state.queues.has(name)) throw new Error('a queue with this name exists');
    const t = state.now();
    const q: QueueState = { name, config: configOf(state, o), createdAt: t, modifiedAt: t, messages: [] };
    state.queues.set(name, q);
    return q;
  } catch (e) {
    throw new Error(`createQueue(${name}): ${(e as Error).message}`);
  }
}
