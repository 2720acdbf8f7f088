// Message move tasks as SQS runs them: from a dead-letter queue to DestinationArn, or back to the queue each
// message's redrive policy moved it from; at a fixed rate or at once; listed newest first; cancelled by handle;
// refused with SQS's codes and wording. Also the single-message DeleteMessage and ChangeMessageVisibility.
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, first, url, useLocalSqs } from './support.js';

describe('local SQS: message move tasks', () => {
  const local = useLocalSqs();
  const arn = (name: string) => local.server.queueArn(name);

  const latestTask = async (): Promise<ListMessageMoveTasksResultEntry> => {
    const out = await local.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn('work-dlq') }));
    const [task] = out.Results ?? [];
    if (task === undefined) throw new Error('no move task listed');
    return task;
  };

  /** Polls until the latest task has ended (tasks run on real-time timers). */
  const ended = async (): Promise<ListMessageMoveTasksResultEntry> => {
    for (let i = 0; i < 200; i++) {
      const task = await latestTask();
      if (task.Status !== 'RUNNING') return task;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the move task did not end within 2 s');
  };

  /** A message the worker would have dead-lettered: sent to the DLQ directly, with its reason. */
  const deadLetter = (body: string) =>
    local.server.send('work-dlq', body, { ErrorName: { DataType: 'String', StringValue: 'Boom' } });

  it('moves every visible dead letter to DestinationArn, keeping body and attributes', async () => {
    const ids = [deadLetter('event-1'), deadLetter('event-2'), deadLetter('event-3')];
    const started = await local.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq'), DestinationArn: arn('work') }),
    );
    expect(started.TaskHandle).toEqual(expect.any(String));
    expect(await ended()).toEqual({
      Status: 'COMPLETED',
      SourceArn: arn('work-dlq'),
      DestinationArn: arn('work'),
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
      StartedTimestamp: local.clock.now(),
    });
    expect(local.server.peek('work-dlq')).toEqual([]);
    expect(local.server.peek('work')).toMatchObject(
      ids.map((messageId, i) => ({
        messageId,
        body: `event-${i + 1}`,
        receiveCount: 0,
        messageAttributes: { ErrorName: { DataType: 'String', StringValue: 'Boom' } },
      })),
    );
  });

  it('leaves messages in flight where they are: it moves the ones visible when it starts', async () => {
    deadLetter('being read');
    await local.receive('work-dlq', { VisibilityTimeout: 60 });
    deadLetter('waiting');
    await local.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq'), DestinationArn: arn('work') }),
    );
    expect(await ended()).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesToMove: 1 });
    expect(local.server.peek('work').map((m) => m.body)).toEqual(['waiting']);
    expect(local.server.peek('work-dlq').map((m) => m.body)).toEqual(['being read']);
  });

  it('without DestinationArn returns a message to the queue its redrive policy moved it from', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'poison' }));
    for (let i = 0; i < 3; i++) {
      first((await local.receive('work')).Messages);
      local.clock.advance(30_000);
    }
    await local.receive('work'); // the fourth receive moves it to the DLQ
    expect(local.server.peek('work-dlq')).toHaveLength(1);
    await local.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq') }));
    const task = await ended();
    expect(task).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1 });
    expect(task.DestinationArn).toBeUndefined();
    expect(local.server.peek('work')).toMatchObject([{ body: 'poison', receiveCount: 0 }]);
  });

  it('without DestinationArn fails on a message sent to the DLQ directly: it has nowhere to return', async () => {
    deadLetter('sent by the worker');
    await local.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq') }));
    expect(await ended()).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
      ApproximateNumberOfMessagesMoved: 0,
    });
    expect(local.server.peek('work-dlq')).toHaveLength(1);
  });

  it('keeps to MaxNumberOfMessagesPerSecond, lists the running task with its handle, and cancels it', async () => {
    for (let i = 0; i < 6; i++) deadLetter(`event-${i}`);
    const { TaskHandle } = await local.sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: arn('work-dlq'),
        DestinationArn: arn('work'),
        MaxNumberOfMessagesPerSecond: 2,
      }),
    );
    // The first message moves at once, the others one every 500 ms: the task is still running.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const running = await latestTask();
    expect(running).toMatchObject({
      TaskHandle,
      Status: 'RUNNING',
      MaxNumberOfMessagesPerSecond: 2,
      ApproximateNumberOfMessagesToMove: 6,
    });
    expect(running.ApproximateNumberOfMessagesMoved).toBeGreaterThanOrEqual(1);
    expect(running.ApproximateNumberOfMessagesMoved).toBeLessThan(6);

    const cancelled = await local.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    const moved = cancelled.ApproximateNumberOfMessagesMoved ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const after = await latestTask();
    expect(after).toMatchObject({ Status: 'CANCELLED', ApproximateNumberOfMessagesMoved: moved });
    expect(after.TaskHandle).toBeUndefined();
    expect(local.server.peek('work')).toHaveLength(moved);
    expect(local.server.peek('work-dlq')).toHaveLength(6 - moved);
  });

  it('refuses what SQS refuses, with its codes and wording', async () => {
    const start = (input: Partial<{ SourceArn: string; DestinationArn: string; rate: number }>) =>
      failure(() =>
        local.sqs.send(
          new StartMessageMoveTaskCommand({
            SourceArn: input.SourceArn ?? arn('work-dlq'),
            ...(input.DestinationArn === undefined ? {} : { DestinationArn: input.DestinationArn }),
            ...(input.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: input.rate }),
          }),
        ),
      );
    expect(await start({ SourceArn: arn('plain') })).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
    expect(await start({ SourceArn: arn('nowhere') })).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the SourceArn parameter doesn't exist.",
      $metadata: { httpStatusCode: 404 },
    });
    expect(await start({ DestinationArn: arn('nowhere') })).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the DestinationArn parameter doesn't exist.",
    });
    expect(await start({ rate: 501 })).toMatchObject({ name: 'InvalidParameterValue' });
    expect(
      await failure(() => local.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'not-a-handle' }))),
    ).toMatchObject({ name: 'InvalidParameterValue', message: 'Value for parameter TaskHandle is invalid.' });

    deadLetter('slow 1');
    deadLetter('slow 2'); // the second waits a second at one message per second
    const { TaskHandle } = await local.sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: arn('work-dlq'),
        DestinationArn: arn('work'),
        MaxNumberOfMessagesPerSecond: 1,
      }),
    );
    expect(await start({ DestinationArn: arn('work') })).toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    });
    await local.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(
      await failure(() => local.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }))),
    ).toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('local SQS: single-message delete and visibility change', () => {
  const local = useLocalSqs();

  it('deletes with DeleteMessage and changes visibility with ChangeMessageVisibility', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'a' }));
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'b' }));
    const { Messages = [] } = await local.receive('plain');
    const [a, b] = Messages;
    await local.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url('plain'),
        ReceiptHandle: b?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    await local.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url('plain'), ReceiptHandle: a?.ReceiptHandle }),
    );
    expect(local.server.peek('plain')).toMatchObject([{ body: 'b', inFlight: false }]);
    expect(
      await failure(() =>
        local.sqs.send(new DeleteMessageCommand({ QueueUrl: url('plain'), ReceiptHandle: 'made-up' })),
      ),
    ).toMatchObject({ name: 'ReceiptHandleIsInvalid', $metadata: { httpStatusCode: 404 } });
  });
});
