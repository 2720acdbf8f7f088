// Message move tasks: SQS's own redrive, moving a dead-letter queue's messages to a destination queue (or back to
// the queues their redrive policy moved them from) in the background, at a fixed rate or as fast as it can.
// Wording and error codes follow what SQS answers (as recorded against AWS by LocalStack's snapshot tests).
import { randomUUID } from 'node:crypto';
import { isRecord } from '../http-util.js';
import { SqsError } from './errors.js';
import { requireString } from './protocol.js';
import {
  arnOf,
  expire,
  type QueueState,
  queueByArn,
  type SqsState,
  type StoredMessage,
  wake,
} from './state.js';

type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface MoveTask {
  readonly taskId: string;
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly rate: number | undefined;
  readonly startedAt: number;
  /** The visible messages when the task started: it moves at most this many. */
  readonly toMove: number;
  moved: number;
  status: MoveTaskStatus;
  failureReason?: string;
  timer?: NodeJS.Timeout;
}

/** Without a rate the task moves this many messages every TICK_MS (SQS picks its own rate then). */
const UNLIMITED_PER_TICK = 100;
const TICK_MS = 10;

const sourceMissing = () =>
  new SqsError(
    'ResourceNotFoundException',
    "The resource that you specified for the SourceArn parameter doesn't exist.",
  );

/** The source queue a request's SourceArn names; it must be some queue's dead-letter queue. */
export function sourceQueueOf(state: SqsState, rawArn: unknown): QueueState {
  const source = queueByArn(state, requireString('SourceArn', rawArn));
  if (source === undefined) throw sourceMissing();
  const arn = arnOf(state, source.name);
  const isDeadLetterQueue = [...state.queues.values()].some(
    (q) => q.config.redrive?.deadLetterTargetArn === arn,
  );
  if (!isDeadLetterQueue) {
    throw new SqsError('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
  }
  return source;
}

/** A task handle names its task and source queue (base64 JSON, as SQS's opaque handles do in effect). */
const encodeHandle = (taskId: string, sourceArn: string): string =>
  Buffer.from(JSON.stringify({ taskId, sourceArn })).toString('base64');

function decodeHandle(raw: unknown): { taskId: string; sourceArn: string } {
  const handle = requireString('TaskHandle', raw);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!isRecord(decoded) || typeof decoded.taskId !== 'string' || typeof decoded.sourceArn !== 'string') {
    throw new SqsError('InvalidParameterValue', 'Value for parameter TaskHandle is invalid.');
  }
  return { taskId: decoded.taskId, sourceArn: decoded.sourceArn };
}

/** The source queue of the task a handle names (ResourceNotFoundException when that queue is gone). */
export function queueOfHandle(state: SqsState, raw: unknown): QueueState {
  const source = queueByArn(state, decodeHandle(raw).sourceArn);
  if (source === undefined) throw sourceMissing();
  return source;
}

export const tasksOf = (state: SqsState, source: QueueState): MoveTask[] =>
  state.moveTasks.get(source.name) ?? [];

export function startMoveTask(
  state: SqsState,
  source: QueueState,
  destinationArn: string | undefined,
  rate: number | undefined,
): MoveTask {
  if (destinationArn !== undefined && queueByArn(state, destinationArn) === undefined) {
    throw new SqsError(
      'ResourceNotFoundException',
      "The resource that you specified for the DestinationArn parameter doesn't exist.",
    );
  }
  if (tasksOf(state, source).some((task) => task.status === 'RUNNING')) {
    throw new SqsError(
      'InvalidParameterValue',
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    );
  }
  const t = state.now();
  const taskId = randomUUID();
  const sourceArn = arnOf(state, source.name);
  const task: MoveTask = {
    taskId,
    handle: encodeHandle(taskId, sourceArn),
    sourceArn,
    destinationArn,
    rate,
    startedAt: t,
    toMove: source.messages.filter((m) => m.visibleAt <= t).length,
    moved: 0,
    status: 'RUNNING',
  };
  state.moveTasks.set(source.name, [task, ...tasksOf(state, source)]);
  schedule(state, source, task, 0);
  return task;
}

/** Stops a running task at once; returns how many messages it had moved. */
export function cancelMoveTask(state: SqsState, source: QueueState, rawHandle: unknown): number {
  const { taskId } = decodeHandle(rawHandle);
  const task = tasksOf(state, source).find((candidate) => candidate.taskId === taskId);
  if (task === undefined) throw new SqsError('ResourceNotFoundException', 'Task does not exist.');
  // Not documented: this server refuses to cancel a task that has already ended.
  if (task.status !== 'RUNNING') {
    throw new SqsError(
      'InvalidParameterValue',
      `Only a running task can be cancelled; this one is ${task.status}.`,
    );
  }
  stop(state, task, 'CANCELLED');
  return task.moved;
}

function schedule(state: SqsState, source: QueueState, task: MoveTask, delayMs: number): void {
  const timer = setTimeout(() => {
    state.pendingTimers.delete(timer);
    step(state, source, task);
  }, delayMs);
  state.pendingTimers.add(timer);
  task.timer = timer;
}

function stop(state: SqsState, task: MoveTask, status: MoveTaskStatus, failureReason?: string): void {
  task.status = status;
  if (failureReason !== undefined) task.failureReason = failureReason;
  if (task.timer !== undefined) {
    clearTimeout(task.timer);
    state.pendingTimers.delete(task.timer);
  }
}

/** One tick: one message at a fixed rate, a handful without one; done when nothing visible is left to move. */
function step(state: SqsState, source: QueueState, task: MoveTask): void {
  if (task.status !== 'RUNNING' || state.closing) return;
  const perTick = task.rate === undefined ? UNLIMITED_PER_TICK : 1;
  for (let i = 0; i < perTick && task.moved < task.toMove; i++) {
    const outcome = moveOne(state, source, task);
    if (outcome === 'no-destination') {
      stop(state, task, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
      return;
    }
    if (outcome === 'nothing-to-move') break;
  }
  if (task.moved >= task.toMove || !hasVisible(state, source)) {
    stop(state, task, 'COMPLETED');
    return;
  }
  schedule(state, source, task, task.rate === undefined ? TICK_MS : 1000 / task.rate);
}

const hasVisible = (state: SqsState, source: QueueState): boolean =>
  source.messages.some((m) => m.visibleAt <= state.now());

function moveOne(state: SqsState, source: QueueState, task: MoveTask) {
  expire(state, source);
  const t = state.now();
  const message = source.messages.find((m) => m.visibleAt <= t);
  if (message === undefined) return 'nothing-to-move';
  // Without a destination a message returns to the queue its redrive policy moved it from; one that was sent to
  // the dead-letter queue directly has none, which fails the task (this server's choice: SQS does not say).
  const destinationArn = task.destinationArn ?? message.deadLetterQueueSourceArn;
  const destination = destinationArn === undefined ? undefined : queueByArn(state, destinationArn);
  if (destination === undefined) return 'no-destination';
  source.messages = source.messages.filter((m) => m !== message);
  destination.messages.push(arrived(message, t, destination));
  task.moved += 1;
  wake(state, destination.name);
  return 'moved';
}

/**
 * The message as its destination holds it: body, attributes and id kept, received never, enqueued now. SQS does
 * not document the id or the enqueue time of a moved message; this server keeps the one and resets the other.
 */
function arrived(message: StoredMessage, t: number, destination: QueueState): StoredMessage {
  const {
    receiptHandle: _handle,
    receivedAt: _received,
    firstReceivedAt: _first,
    deadLetterQueueSourceArn: _from,
    ...kept
  } = message;
  return {
    ...kept,
    sentAt: t,
    visibleAt: t + destination.config.delaySeconds * 1000,
    receiveCount: 0,
  };
}

/** A task as ListMessageMoveTasks reports it: the handle only while it runs, the reason only when it failed. */
export function describeTask(task: MoveTask): Record<string, unknown> {
  return {
    ...(task.status === 'RUNNING' ? { TaskHandle: task.handle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn === undefined ? {} : { DestinationArn: task.destinationArn }),
    ...(task.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: task.rate }),
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    ...(task.failureReason === undefined ? {} : { FailureReason: task.failureReason }),
    StartedTimestamp: task.startedAt,
  };
}
