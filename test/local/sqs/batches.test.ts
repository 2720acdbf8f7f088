import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, url, useLocalSqs } from './support.js';

describe('local SQS: batches', () => {
  const local = useLocalSqs();

  it('runs batch sends, deletes and visibility changes with per-entry failures', async () => {
    const sent = await local.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url('plain'),
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
          { Id: 'c', MessageBody: 'bad \u0000 char' },
          { Id: 'd', MessageBody: 'late', DelaySeconds: 60 },
        ],
      }),
    );
    expect(sent.Successful?.map((e) => e.Id)).toEqual(['a', 'b', 'd']);
    expect(sent.Successful?.[1]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'c', SenderFault: true, Code: 'InvalidMessageContents' }),
    ]);

    const got = (await local.receive('plain')).Messages ?? [];
    expect(got.map((m) => m.Body)).toEqual(['one', 'two']); // 'late' is delayed
    const attrs = await local.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url('plain'), AttributeNames: ['All'] }),
    );
    expect(attrs.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '2',
      ApproximateNumberOfMessagesDelayed: '1',
    });

    const [one, two] = got;
    const vis = await local.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url('plain'),
        Entries: [
          { Id: 'x', ReceiptHandle: one?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'y', ReceiptHandle: 'bogus', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(vis.Successful).toEqual([{ Id: 'x' }]);
    expect(vis.Failed).toEqual([expect.objectContaining({ Id: 'y', Code: 'ReceiptHandleIsInvalid' })]);

    const del = await local.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url('plain'),
        Entries: [
          { Id: 'x', ReceiptHandle: two?.ReceiptHandle },
          { Id: 'y', ReceiptHandle: 'bogus' },
        ],
      }),
    );
    expect(del.Successful).toEqual([{ Id: 'x' }]);
    expect(del.Failed).toEqual([
      expect.objectContaining({ Id: 'y', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);
    expect(local.server.peek('plain').map((m) => m.body)).toEqual(['one', 'late']);
  });

  it('rejects malformed batches as a whole', async () => {
    const send = (Entries: { Id: string; MessageBody: string }[]) =>
      failure(() => local.sqs.send(new SendMessageBatchCommand({ QueueUrl: url('plain'), Entries })));
    expect((await send([])).name).toBe('EmptyBatchRequest');
    expect((await send(Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })))).name).toBe(
      'TooManyEntriesInBatchRequest',
    );
    expect(
      (
        await send([
          { Id: 'same', MessageBody: 'x' },
          { Id: 'same', MessageBody: 'y' },
        ])
      ).name,
    ).toBe('BatchEntryIdsNotDistinct');
    expect((await send([{ Id: 'not ok!', MessageBody: 'x' }])).name).toBe('InvalidBatchEntryId');
  });
});
