// ListMessageMoveTasks: a dead-letter queue's most recent move tasks, newest first (MaxResults, default 1).
import { describeTask, sourceQueueOf, tasksOf } from '../move-tasks.js';
import type { Operation } from '../operation.js';
import { intParam } from '../protocol.js';

export const listMessageMoveTasks: Operation = {
  name: 'ListMessageMoveTasks',
  queueOf: (state, body) => sourceQueueOf(state, body.SourceArn),
  handle({ state, body }, source) {
    const max = intParam('MaxResults', body.MaxResults, 1, 10) ?? 1;
    return { Results: tasksOf(state, source).slice(0, max).map(describeTask) };
  },
};
