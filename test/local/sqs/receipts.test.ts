import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { first, url, useLocalSqs } from './support.js';

describe('local SQS: visibility, receipt handles and redrive', () => {
  const local = useLocalSqs();

  it('hides a received message for its visibility timeout, then redelivers it with a new handle', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'job' }));
    const one = first((await local.receive('plain', { VisibilityTimeout: 20 })).Messages);
    expect((await local.receive('plain')).Messages).toBeUndefined();
    expect(local.server.peek('plain')[0]).toMatchObject({
      inFlight: true,
      receiveCount: 1,
      visibleAt: local.clock.now() + 20_000,
    });
    local.clock.advance(19_999);
    expect((await local.receive('plain')).Messages).toBeUndefined();
    local.clock.advance(1);
    const two = first((await local.receive('plain')).Messages); // queue default: 10 s
    expect(two.MessageId).toBe(one.MessageId);
    expect(two.ReceiptHandle).not.toBe(one.ReceiptHandle);
    expect(two.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(two.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      one.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    expect(local.server.peek('plain')[0]?.visibleAt).toBe(local.clock.now() + 10_000);
  });

  /** ChangeMessageVisibilityBatch with one entry, as the worker sends it: its Successful or Failed entry. */
  const change = async (ReceiptHandle: string | undefined, VisibilityTimeout: number) => {
    const out = await local.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url('plain'),
        Entries: [{ Id: 'only', ReceiptHandle, VisibilityTimeout }],
      }),
    );
    return out.Failed?.[0] ?? out.Successful?.[0];
  };

  /** DeleteMessageBatch with one entry, as the event source sends it: its Successful or Failed entry. */
  const remove = async (ReceiptHandle: string | undefined) => {
    const out = await local.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url('plain'), Entries: [{ Id: 'only', ReceiptHandle }] }),
    );
    return out.Failed?.[0] ?? out.Successful?.[0];
  };

  it('changes visibility, and refuses stale, unknown and not-in-flight handles as SQS does', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'job' }));
    const m = first((await local.receive('plain')).Messages);

    expect(await change(m.ReceiptHandle, 120)).toEqual({ Id: 'only' });
    expect(local.server.peek('plain')[0]?.visibleAt).toBe(local.clock.now() + 120_000);

    expect(await change(m.ReceiptHandle, 43_201)).toMatchObject({
      Code: 'InvalidParameterValue',
      SenderFault: true,
    });
    expect(await change('not-a-handle', 10)).toMatchObject({
      Code: 'ReceiptHandleIsInvalid',
      SenderFault: true,
    });

    await change(m.ReceiptHandle, 0); // visible again at once
    const again = first((await local.receive('plain')).Messages);
    expect(await change(m.ReceiptHandle, 10)).toMatchObject({ Code: 'ReceiptHandleIsInvalid' });

    local.clock.advance(10_000); // `again` times out: its handle is current but the message is not in flight
    expect(await change(again.ReceiptHandle, 10)).toMatchObject({
      Code: 'AWS.SimpleQueueService.MessageNotInflight',
      SenderFault: true,
    });
  });

  it('caps a message’s total visibility at 12 hours from its receipt', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'long job' }));
    const m = first((await local.receive('plain')).Messages);
    local.clock.advance(5_000);
    const refused = await change(m.ReceiptHandle, 43_200);
    expect(refused).toMatchObject({ Code: 'InvalidParameterValue' });
    expect(refused && 'Message' in refused ? refused.Message : '').toContain(
      'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
    );
  });

  it('deletes with the latest handle; a stale handle succeeds without deleting (as documented)', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'job' }));
    const old = first((await local.receive('plain', { VisibilityTimeout: 0 })).Messages);
    const latest = first((await local.receive('plain')).Messages);
    expect(await remove(old.ReceiptHandle)).toEqual({ Id: 'only' });
    expect(local.server.peek('plain')).toHaveLength(1);
    expect(local.server.requests.at(-1)?.notes[0]).toContain('stale receipt handle');
    expect(await remove(latest.ReceiptHandle)).toEqual({ Id: 'only' });
    expect(local.server.peek('plain')).toHaveLength(0);
    // Deleting twice is fine; an invented handle is not.
    expect(await remove(latest.ReceiptHandle)).toEqual({ Id: 'only' });
    expect(await remove('made-up')).toMatchObject({ Code: 'ReceiptHandleIsInvalid', SenderFault: true });
  });

  it('moves a message to the DLQ on the receive after maxReceiveCount receives', async () => {
    const sent = await local.sqs.send(
      new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'poison' }),
    );
    for (let i = 1; i <= 3; i++) {
      const m = first((await local.receive('work')).Messages);
      expect(m.Attributes?.ApproximateReceiveCount).toBe(String(i));
      local.clock.advance(30_000);
    }
    expect((await local.receive('work')).Messages).toBeUndefined();
    expect(local.server.peek('work')).toHaveLength(0);
    expect(local.server.peek('work-dlq')).toMatchObject([
      {
        messageId: sent.MessageId,
        body: 'poison',
        receiveCount: 3,
        deadLetterQueueSourceArn: local.server.queueArn('work'),
      },
    ]);
    const dead = first((await local.receive('work-dlq')).Messages);
    expect(dead.MessageId).toBe(sent.MessageId);
    expect(dead.Attributes?.DeadLetterQueueSourceArn).toBe(local.server.queueArn('work'));
    expect(dead.Attributes?.ApproximateReceiveCount).toBe('4');
  });
});
