// StartMessageMoveTask: moves a dead-letter queue's messages to DestinationArn, or back to where they came from.
import { sourceQueueOf, startMoveTask } from '../move-tasks.js';
import type { Operation } from '../operation.js';
import { intParam } from '../protocol.js';

export const startMessageMoveTask: Operation = {
  name: 'StartMessageMoveTask',
  queueOf: (state, body) => sourceQueueOf(state, body.SourceArn),
  handle({ state, body }, source) {
    const destination = body.DestinationArn;
    const rate = intParam('MaxNumberOfMessagesPerSecond', body.MaxNumberOfMessagesPerSecond, 1, 500);
    const task = startMoveTask(
      state,
      source,
      typeof destination === 'string' ? destination : undefined,
      rate,
    );
    return { TaskHandle: task.handle };
  },
};
