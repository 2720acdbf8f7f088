// The operations the local SQS answers, by the name the JSON protocol's X-Amz-Target gives them.
import type { Operation } from './operation.js';
import { cancelMessageMoveTask } from './operations/cancel-message-move-task.js';
import { changeMessageVisibility } from './operations/change-message-visibility.js';
import { changeMessageVisibilityBatch } from './operations/change-message-visibility-batch.js';
import { deleteMessage } from './operations/delete-message.js';
import { deleteMessageBatch } from './operations/delete-message-batch.js';
import { getQueueAttributes } from './operations/get-queue-attributes.js';
import { listMessageMoveTasks } from './operations/list-message-move-tasks.js';
import { receiveMessage } from './operations/receive-message.js';
import { sendMessage } from './operations/send-message.js';
import { sendMessageBatch } from './operations/send-message-batch.js';
import { startMessageMoveTask } from './operations/start-message-move-task.js';

const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  [
    sendMessage,
    sendMessageBatch,
    receiveMessage,
    deleteMessage,
    deleteMessageBatch,
    changeMessageVisibility,
    changeMessageVisibilityBatch,
    getQueueAttributes,
    startMessageMoveTask,
    listMessageMoveTasks,
    cancelMessageMoveTask,
  ].map((operation) => [operation.name, operation]),
);

/** The operation an X-Amz-Target header names (`AmazonSQS.<Name>`), if this server implements it. */
export function route(target: string): Operation | undefined {
  return target.startsWith('AmazonSQS.') ? OPERATIONS.get(target.slice('AmazonSQS.'.length)) : undefined;
}
