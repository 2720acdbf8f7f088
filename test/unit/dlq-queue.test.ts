/** The SQS calls of npm run dlq: what each sends, what it makes of the answers, and how failures come back. */
import {
  type BatchResultErrorEntry,
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chunks, DlqSqs } from '../../src/cli/dlq/queue.js';
import type { ReceivedMessage } from '../../src/cli/dlq/triage.js';

const sqs = mockClient(SQSClient);
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events-dlq';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events-dlq';
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events';

beforeEach(() => sqs.reset());

const queue = () => new DlqSqs(new SQSClient({ region: 'eu-west-1' }));

/** A message as the command holds it after a receive. */
const held = (index: number): ReceivedMessage => ({
  messageId: `message-${index}`,
  receiptHandle: `handle-${index}`,
  body: `body-${index}`,
  attributes: {},
  sentAt: 0,
  movedFrom: undefined,
});
const heldMessages = (count: number) => Array.from({ length: count }, (_, i) => held(i));

describe('chunks', () => {
  it('cuts a list into pieces of the size, the last one shorter', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2], 2)).toEqual([[1, 2]]);
    expect(chunks([], 10)).toEqual([]);
  });
});

describe('DlqSqs.facts', () => {
  it('asks for the four attributes it reports and reads them as numbers', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        QueueArn: DLQ_ARN,
        MessageRetentionPeriod: '1209600',
        ApproximateNumberOfMessages: '12',
        ApproximateNumberOfMessagesNotVisible: '3',
      },
    });
    expect(await queue().facts(DLQ)).toEqual({
      arn: DLQ_ARN,
      retentionSeconds: 1_209_600,
      visible: 12,
      inFlight: 3,
    });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      AttributeNames: [
        'QueueArn',
        'MessageRetentionPeriod',
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
      ],
    });
  });

  it('takes SQS’s defaults for what the answer leaves out: 4 days of retention, no messages', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: DLQ_ARN } });
    expect(await queue().facts(DLQ)).toEqual({
      arn: DLQ_ARN,
      retentionSeconds: 345_600,
      visible: 0,
      inFlight: 0,
    });
  });

  it('refuses an answer without the queue’s ARN', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({});
    await expect(queue().facts(DLQ)).rejects.toThrow(`GetQueueAttributes of ${DLQ} gave no QueueArn`);
  });
});

describe('DlqSqs.receive', () => {
  it('receives at most 10, hidden and long-polled as asked, with the attributes triage reads', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    expect(await queue().receive(DLQ, 25, 120, 1)).toEqual([]);
    await queue().receive(DLQ, 3, 60, 0);
    expect(sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: DLQ,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 120,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['SentTimestamp', 'DeadLetterQueueSourceArn'],
        MessageAttributeNames: ['All'],
      },
      expect.objectContaining({ MaxNumberOfMessages: 3, VisibilityTimeout: 60, WaitTimeSeconds: 0 }),
    ]);
  });

  it('keeps the String attributes, the sent time and the queue the redrive policy moved it from', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          Body: '{"detail":{}}',
          Attributes: { SentTimestamp: '1764500000000', DeadLetterQueueSourceArn: SOURCE_ARN },
          MessageAttributes: {
            ErrorName: { DataType: 'String', StringValue: 'ValidationException' },
            Blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) },
          },
        },
      ],
    });
    // Strictly: a Binary attribute leaves no key behind, not even one without a value.
    expect(await queue().receive(DLQ, 10, 120, 1)).toStrictEqual([
      {
        messageId: 'm-1',
        receiptHandle: 'rh-1',
        body: '{"detail":{}}',
        attributes: { ErrorName: 'ValidationException' },
        sentAt: 1_764_500_000_000,
        movedFrom: SOURCE_ARN,
      },
    ]);
  });

  it('takes an empty body, no attributes and the current time for what the answer leaves out', async () => {
    vi.useFakeTimers({ now: 1_764_500_123_000, toFake: ['Date'] });
    try {
      sqs.on(ReceiveMessageCommand).resolves({ Messages: [{ MessageId: 'm-1', ReceiptHandle: 'rh-1' }] });
      expect(await queue().receive(DLQ, 10, 120, 1)).toEqual([
        {
          messageId: 'm-1',
          receiptHandle: 'rh-1',
          body: '',
          attributes: {},
          sentAt: 1_764_500_123_000,
          movedFrom: undefined,
        },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('skips a message without an id or a receipt handle: it cannot be told apart or released', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { ReceiptHandle: 'rh-no-id', Body: 'a' },
        { MessageId: 'm-no-handle', Body: 'b' },
        { MessageId: 'm-3', ReceiptHandle: 'rh-3', Body: 'c' },
      ],
    });
    expect((await queue().receive(DLQ, 10, 120, 1)).map((m) => m.messageId)).toEqual(['m-3']);
  });
});

describe('DlqSqs batch calls', () => {
  it('changes visibility 10 entries a call, numbered within each batch, failures by message id', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.filter(({ Id }) => Id !== '1').map(({ Id }) => ({ Id })),
    }));
    expect(await queue().setVisibility(DLQ, heldMessages(12), 0)).toEqual([
      { key: 'message-1', error: 'not reported by SQS' },
      { key: 'message-11', error: 'not reported by SQS' },
    ]);
    const calls = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 2]);
    expect(calls[1]).toEqual({
      QueueUrl: DLQ,
      Entries: [
        { Id: '0', ReceiptHandle: 'handle-10', VisibilityTimeout: 0 },
        { Id: '1', ReceiptHandle: 'handle-11', VisibilityTimeout: 0 },
      ],
    });
  });

  it('sends each body alone, nothing else, and keys its failures as the caller did', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'sent-0', MD5OfMessageBody: 'md5' }],
      Failed: [{ Id: '1', Code: 'InvalidParameterValue', Message: 'too long', SenderFault: true }],
    });
    const failures = await queue().send(DLQ, [
      { key: 'first', body: 'event-1' },
      { key: 'second', body: 'event-2' },
    ]);
    expect(failures).toEqual([{ key: 'second', error: 'InvalidParameterValue: too long' }]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      Entries: [
        { Id: '0', MessageBody: 'event-1' },
        { Id: '1', MessageBody: 'event-2' },
      ],
    });
  });

  it('deletes by receipt handle and reports what SQS did not delete by message id', async () => {
    sqs.on(DeleteMessageBatchCommand).resolves({
      Successful: [{ Id: '1' }],
      // Code is required in the SDK's type, but nothing makes SQS send it.
      Failed: [{ Id: '0', SenderFault: true } as BatchResultErrorEntry],
    });
    const failures = await queue().delete(DLQ, heldMessages(3));
    expect(failures).toEqual([
      { key: 'message-0', error: 'Failed: ' },
      { key: 'message-2', error: 'not reported by SQS' },
    ]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      Entries: [
        { Id: '0', ReceiptHandle: 'handle-0' },
        { Id: '1', ReceiptHandle: 'handle-1' },
        { Id: '2', ReceiptHandle: 'handle-2' },
      ],
    });
  });

  it('counts every entry of a call that fails as a whole as failed, and goes on with the next call', async () => {
    sqs
      .on(DeleteMessageBatchCommand)
      .rejectsOnce(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError' }))
      .callsFake((input: { Entries: { Id: string }[] }) => ({
        Successful: input.Entries.map(({ Id }) => ({ Id })),
      }));
    const failures = await queue().delete(DLQ, heldMessages(11));
    expect(failures).toEqual(
      heldMessages(10).map((m) => ({
        key: m.messageId,
        error: 'InternalError: We encountered an internal error.',
      })),
    );
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(2);
  });

  it('describes a rejection that is not an Error as it is', async () => {
    const rejecting = { send: () => Promise.reject('connection reset') } as unknown as SQSClient;
    expect(await new DlqSqs(rejecting).delete(DLQ, heldMessages(1))).toEqual([
      { key: 'message-0', error: 'connection reset' },
    ]);
  });

  it('counts an answer that lists no entries as every entry unreported', async () => {
    sqs.on(SendMessageBatchCommand).resolves({});
    expect(await queue().send(DLQ, [{ key: 'k', body: 'b' }])).toEqual([
      { key: 'k', error: 'not reported by SQS' },
    ]);
  });
});

describe('DlqSqs move tasks', () => {
  it('starts a task at the rate given, or at SQS’s own pace without one', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    expect(await queue().startMoveTask(DLQ_ARN, SOURCE_ARN, 50)).toBe('task-1');
    await queue().startMoveTask(DLQ_ARN, SOURCE_ARN, undefined);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: DLQ_ARN, DestinationArn: SOURCE_ARN, MaxNumberOfMessagesPerSecond: 50 },
      { SourceArn: DLQ_ARN, DestinationArn: SOURCE_ARN },
    ]);
  });

  it('refuses a start without a task handle: the task could not be cancelled', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({});
    await expect(queue().startMoveTask(DLQ_ARN, SOURCE_ARN, undefined)).rejects.toThrow(
      'StartMessageMoveTask gave no TaskHandle',
    );
  });

  it('reads the latest task of the DLQ, none when it never had one', async () => {
    const task = { Status: 'RUNNING', SourceArn: DLQ_ARN, ApproximateNumberOfMessagesMoved: 3 };
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [task] })
      .resolves({});
    expect(await queue().latestMoveTask(DLQ_ARN)).toEqual(task);
    expect(await queue().latestMoveTask(DLQ_ARN)).toBeUndefined();
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      MaxResults: 1,
    });
  });

  it('cancels by handle and reports how many messages had moved', async () => {
    sqs.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 7 });
    expect(await queue().cancelMoveTask('task-1')).toBe(7);
    expect(sqs.commandCalls(CancelMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      TaskHandle: 'task-1',
    });
  });
});
