/** redrive --all by SQS's message move task: following the task, printing its progress, cancelling it. */
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveAllByMoveTask } from '../../src/cli/dlq/move-task.js';
import { DlqSqs } from '../../src/cli/dlq/queue.js';

const sqs = mockClient(SQSClient);
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events-dlq';
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events';

beforeEach(() => {
  sqs.reset();
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

/** A pace that records what is printed and slept, with an interruption after `abortAfterSleeps` sleeps. */
function recordingPace(abortAfterSleeps = Number.POSITIVE_INFINITY) {
  const controller = new AbortController();
  const printed: string[] = [];
  const slept: number[] = [];
  return {
    printed,
    slept,
    pace: {
      rate: undefined,
      pollMs: 25,
      now: () => 0,
      print: (line: string) => printed.push(line),
      signal: controller.signal,
      sleep: async (ms: number) => {
        slept.push(ms);
        if (slept.length >= abortAfterSleeps) controller.abort();
      },
    },
  };
}

const listing = (...tasks: (ListMessageMoveTasksResultEntry | undefined)[]) => {
  const mock = sqs.on(ListMessageMoveTasksCommand);
  for (const task of tasks) mock.resolvesOnce({ Results: task === undefined ? [] : [task] });
};

const run = (pace: ReturnType<typeof recordingPace>['pace']) =>
  redriveAllByMoveTask(new DlqSqs(new SQSClient({ region: 'eu-west-1' })), DLQ_ARN, SOURCE_ARN, pace);

describe('redriveAllByMoveTask', () => {
  it('polls until the task ends, printing each change of its progress once', async () => {
    listing(
      { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 0, ApproximateNumberOfMessagesToMove: 3 },
      { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 0, ApproximateNumberOfMessagesToMove: 3 },
      { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 3 },
      { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 },
    );
    const { pace, printed, slept } = recordingPace();
    expect(await run(pace)).toEqual({
      status: 'COMPLETED',
      moved: 3,
      toMove: 3,
      failureReason: undefined,
    });
    expect(printed).toEqual([
      `message move task started: ${DLQ_ARN} → ${SOURCE_ARN}`,
      'move task: RUNNING, 0/3 moved',
      'move task: RUNNING, 2/3 moved',
      'move task: COMPLETED, 3/3 moved',
    ]);
    expect(slept).toEqual([25, 25, 25]);
  });

  it('keeps polling while a cancellation is under way, and reports a failure with its reason', async () => {
    listing(
      { Status: 'CANCELLING', ApproximateNumberOfMessagesMoved: 1 },
      { Status: 'FAILED', ApproximateNumberOfMessagesMoved: 1, FailureReason: 'AccessDenied' },
    );
    const { pace, printed } = recordingPace();
    expect(await run(pace)).toEqual({
      status: 'FAILED',
      moved: 1,
      toMove: undefined,
      failureReason: 'AccessDenied',
    });
    expect(printed.slice(1)).toEqual(['move task: CANCELLING, 1/? moved', 'move task: FAILED, 1/? moved']);
  });

  it('reports a task that SQS no longer lists as UNKNOWN, none moved', async () => {
    listing(undefined);
    const { pace, printed } = recordingPace();
    expect(await run(pace)).toEqual({
      status: 'UNKNOWN',
      moved: 0,
      toMove: undefined,
      failureReason: undefined,
    });
    expect(printed.at(-1)).toBe('move task: UNKNOWN, 0/? moved');
  });

  it('cancels the task when interrupted, with the count SQS gives on cancelling', async () => {
    const running = { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 4 };
    listing(running, running);
    sqs.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 5 });
    const { pace, printed } = recordingPace(1);
    expect(await run(pace)).toMatchObject({ status: 'CANCELLED', moved: 5 });
    expect(printed.at(-1)).toBe('interrupted: move task cancelled after 5 messages');
    expect(sqs.commandCalls(CancelMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      TaskHandle: 'task-1',
    });
  });

  it('counts what the last poll saw moved when the cancel gives no count', async () => {
    const running = { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 4 };
    listing(running, running);
    sqs.on(CancelMessageMoveTaskCommand).resolves({});
    const { pace, printed } = recordingPace(1);
    expect(await run(pace)).toMatchObject({ status: 'CANCELLED', moved: 4 });
    expect(printed.at(-1)).toBe('interrupted: move task cancelled after 4 messages');
  });
});
