// Queue attributes: the configuration a queue is created with (validated as SQS validates it) and what
// GetQueueAttributes reports, counts of messages included.
import { isRecord } from '../http-util.js';
import { SqsError } from './errors.js';
import { integer, intParam, MAX_VISIBILITY } from './protocol.js';
import { arnOf, QUEUE_NAME, type QueueConfig, type QueueState, queueByArn, type SqsState } from './state.js';

const PASSIVE_QUEUE_ATTRIBUTES = new Set([
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedriveAllowPolicy',
]);

export const QUEUE_ATTRIBUTE_NAMES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'QueueArn',
  'VisibilityTimeout',
  'DelaySeconds',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize',
  'RedrivePolicy',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  ...PASSIVE_QUEUE_ATTRIBUTES,
];

export function parseQueueAttributes(state: SqsState, raw: unknown, existing?: QueueConfig): QueueConfig {
  const c: QueueConfig = existing
    ? { ...existing, other: { ...existing.other } }
    : {
        visibilityTimeout: 30,
        delaySeconds: 0,
        retentionSeconds: 345_600,
        receiveWaitSeconds: 0,
        maximumMessageSize: state.maxMessageBytes,
        other: {},
      };
  if (raw === undefined || raw === null) return c;
  if (!isRecord(raw)) throw new SqsError('InvalidParameterValue', 'Attributes must be a map.');
  for (const [name, value] of Object.entries(raw)) {
    const v = String(value);
    switch (name) {
      case 'VisibilityTimeout':
        c.visibilityTimeout = intParam(name, v, 0, MAX_VISIBILITY) ?? c.visibilityTimeout;
        break;
      case 'DelaySeconds':
        c.delaySeconds = intParam(name, v, 0, 900) ?? c.delaySeconds;
        break;
      case 'MessageRetentionPeriod':
        c.retentionSeconds = intParam(name, v, 60, 1_209_600) ?? c.retentionSeconds;
        break;
      case 'ReceiveMessageWaitTimeSeconds':
        c.receiveWaitSeconds = intParam(name, v, 0, 20) ?? c.receiveWaitSeconds;
        break;
      case 'MaximumMessageSize':
        c.maximumMessageSize = intParam(name, v, 1024, state.maxMessageBytes) ?? c.maximumMessageSize;
        break;
      case 'RedrivePolicy': {
        if (v === '') {
          delete c.redrive;
          break;
        }
        const invalid = (reason: string) =>
          new SqsError(
            'InvalidParameterValue',
            `Value ${v} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
          );
        let policy: unknown;
        try {
          policy = JSON.parse(v);
        } catch {
          throw invalid('Redrive policy is not a valid JSON map.');
        }
        if (!isRecord(policy) || typeof policy.deadLetterTargetArn !== 'string') {
          throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
        }
        const max = integer(policy.maxReceiveCount);
        if (max === undefined || max < 1 || max > 1000) {
          throw invalid('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
        }
        if (!queueByArn(state, policy.deadLetterTargetArn))
          throw invalid('Dead letter target does not exist.');
        c.redrive = { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: max };
        break;
      }
      default:
        if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
          throw new SqsError('InvalidParameterValue', 'FIFO queues are not supported by the local SQS.');
        }
        if (!PASSIVE_QUEUE_ATTRIBUTES.has(name))
          throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
        c.other[name] = v;
    }
  }
  return c;
}

export function createQueue(state: SqsState, name: string, rawAttributes: unknown): QueueState {
  if (name.endsWith('.fifo'))
    throw new SqsError('InvalidParameterValue', 'FIFO queues are not supported by the local SQS.');
  if (!QUEUE_NAME.test(name)) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, ` +
        'hyphens, or underscores. 1 to 80 in length.',
    );
  }
  const config = parseQueueAttributes(state, rawAttributes);
  const existing = state.queues.get(name);
  if (existing) {
    const a = queueAttributes(state, existing, ['All']);
    const b = queueAttributes(state, { ...existing, config }, ['All']);
    for (const key of Object.keys(isRecord(rawAttributes) ? rawAttributes : {})) {
      if (a[key] !== b[key]) {
        throw new SqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute ${key}`,
        );
      }
    }
    return existing;
  }
  const t = state.now();
  const q: QueueState = { name, config, createdAt: t, modifiedAt: t, messages: [] };
  state.queues.set(name, q);
  return q;
}

export function queueAttributes(
  state: SqsState,
  q: QueueState,
  names: readonly string[],
): Record<string, string> {
  const t = state.now();
  const wanted = names.includes('All') ? QUEUE_ATTRIBUTE_NAMES : names;
  const out: Record<string, string> = {};
  for (const name of wanted) {
    switch (name) {
      case 'ApproximateNumberOfMessages':
        out[name] = String(q.messages.filter((m) => m.visibleAt <= t).length);
        break;
      case 'ApproximateNumberOfMessagesNotVisible':
        out[name] = String(q.messages.filter((m) => m.visibleAt > t && m.receiveCount > 0).length);
        break;
      case 'ApproximateNumberOfMessagesDelayed':
        out[name] = String(q.messages.filter((m) => m.visibleAt > t && m.receiveCount === 0).length);
        break;
      case 'QueueArn':
        out[name] = arnOf(state, q.name);
        break;
      case 'VisibilityTimeout':
        out[name] = String(q.config.visibilityTimeout);
        break;
      case 'DelaySeconds':
        out[name] = String(q.config.delaySeconds);
        break;
      case 'MessageRetentionPeriod':
        out[name] = String(q.config.retentionSeconds);
        break;
      case 'ReceiveMessageWaitTimeSeconds':
        out[name] = String(q.config.receiveWaitSeconds);
        break;
      case 'MaximumMessageSize':
        out[name] = String(q.config.maximumMessageSize);
        break;
      case 'RedrivePolicy':
        if (q.config.redrive) out[name] = JSON.stringify(q.config.redrive);
        break;
      case 'CreatedTimestamp':
        out[name] = String(Math.floor(q.createdAt / 1000));
        break;
      case 'LastModifiedTimestamp':
        out[name] = String(Math.floor(q.modifiedAt / 1000));
        break;
      default: {
        if (!QUEUE_ATTRIBUTE_NAMES.includes(name))
          throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
        const v = q.config.other[name];
        if (v !== undefined) out[name] = v;
      }
    }
  }
  return out;
}
