// CancelMessageMoveTask: stops a running move task; the messages it moved stay moved.
import { cancelMoveTask, queueOfHandle } from '../move-tasks.js';
import type { Operation } from '../operation.js';

export const cancelMessageMoveTask: Operation = {
  name: 'CancelMessageMoveTask',
  queueOf: (state, body) => queueOfHandle(state, body.TaskHandle),
  handle: ({ state, body }, source) => ({
    ApproximateNumberOfMessagesMoved: cancelMoveTask(state, source, body.TaskHandle),
  }),
};
