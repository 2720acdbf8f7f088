import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../tools/local/http-util.js';
import { md5OfMessageAttributes } from '../../../tools/local/sqs/message-attributes.js';
import { startLocalSqs } from '../../../tools/local/sqs/server.js';
import type { LocalSqs } from '../../../tools/local/sqs/types.js';

const clientFor = (server: LocalSqs) =>
  new SQSClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
  });

async function failure(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    return e as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; Code?: string };
  }
  throw new Error('expected the call to fail');
}

const first = (messages: Message[] | undefined): Message => {
  const m = messages?.[0];
  if (!m) throw new Error('no message received');
  return m;
};

describe('local SQS', () => {
  const clock = manualClock();
  let server: LocalSqs;
  let sqs: SQSClient;
  // What the worker derives from eventSourceARN: the host is real AWS, the request still lands here.
  const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/000000000000/${name}`;
  const receive = (name: string, input: Partial<ReceiveMessageCommandInput> = {}) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url(name),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...input,
      }),
    );

  beforeAll(async () => {
    server = await startLocalSqs({
      now: clock.now,
      queues: {
        'work-dlq': {},
        work: { visibilityTimeoutSeconds: 30, redrive: { deadLetterQueue: 'work-dlq', maxReceiveCount: 3 } },
        plain: { visibilityTimeoutSeconds: 10 },
      },
    });
    sqs = clientFor(server);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.close();
  });
  afterEach(() => {
    for (const q of ['work', 'work-dlq', 'plain']) server.purge(q);
    server.clearFaults();
  });

  it('identifies queues by the path of QueueUrl, whatever the host', async () => {
    expect(server.queueUrl('work')).toBe(`${server.url}/000000000000/work`);
    expect(server.queueArn('work')).toBe('arn:aws:sqs:eu-west-1:000000000000:work');
    expect(server.awsStyleQueueUrl('work')).toBe(url('work'));
    await sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'via aws host' }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: server.queueUrl('work'), MessageBody: 'via local host' }),
    );
    expect(server.peek('work').map((m) => m.body)).toEqual(['via aws host', 'via local host']);
  });

  it('sends and receives with correct MD5s (the SDK checks the body MD5) and attributes', async () => {
    const attributes = {
      MyAttr: { DataType: 'String', StringValue: 'TestValue' },
    };
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url('work'),
        MessageBody: '{"detail":"é ✓ 𝄞"}',
        MessageAttributes: attributes,
      }),
    );
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('{"detail":"é ✓ 𝄞"}', 'utf8').digest('hex'));
    // Reference value computed independently (Python) with the SQS attribute-MD5 algorithm.
    expect(sent.MD5OfMessageAttributes).toBe('6aa1eaaeb8ef88eb54d6190124a472f0');

    const got = first((await receive('work')).Messages);
    expect(got.MessageId).toBe(sent.MessageId);
    expect(got.Body).toBe('{"detail":"é ✓ 𝄞"}');
    expect(got.MD5OfBody).toBe(sent.MD5OfMessageBody);
    expect(got.MD5OfMessageAttributes).toBe('6aa1eaaeb8ef88eb54d6190124a472f0');
    expect(got.MessageAttributes).toEqual(attributes);
    expect(got.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SentTimestamp: String(clock.now()),
      ApproximateFirstReceiveTimestamp: String(clock.now()),
    });
    expect(got.Attributes?.SenderId).toBeTruthy();
  });

  it('round-trips Binary and Number attributes and filters attribute names', async () => {
    const MessageAttributes = {
      'trace.id': { DataType: 'String', StringValue: 'abc' },
      'trace.span': { DataType: 'Number', StringValue: '7' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x', MessageAttributes }));
    const all = first((await receive('plain', { VisibilityTimeout: 0 })).Messages);
    expect(all.MessageAttributes?.blob?.BinaryValue).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(all.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes(server.peek('plain')[0]?.messageAttributes ?? {}),
    );

    const some = first(
      (
        await receive('plain', {
          MessageAttributeNames: ['trace.*'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        })
      ).Messages,
    );
    expect(Object.keys(some.MessageAttributes ?? {}).sort()).toEqual(['trace.id', 'trace.span']);
    expect(Object.keys(some.Attributes ?? {})).toEqual(['SentTimestamp']);
  });

  it('hides a received message for its visibility timeout, then redelivers it with a new handle', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'job' }));
    const one = first((await receive('plain', { VisibilityTimeout: 20 })).Messages);
    expect((await receive('plain')).Messages).toBeUndefined();
    expect(server.peek('plain')[0]).toMatchObject({
      inFlight: true,
      receiveCount: 1,
      visibleAt: clock.now() + 20_000,
    });
    clock.advance(19_999);
    expect((await receive('plain')).Messages).toBeUndefined();
    clock.advance(1);
    const two = first((await receive('plain')).Messages); // queue default: 10 s
    expect(two.MessageId).toBe(one.MessageId);
    expect(two.ReceiptHandle).not.toBe(one.ReceiptHandle);
    expect(two.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(two.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      one.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    expect(server.peek('plain')[0]?.visibleAt).toBe(clock.now() + 10_000);
  });

  it('changes visibility, and refuses stale, unknown and not-in-flight handles as SQS does', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'job' }));
    const m = first((await receive('plain')).Messages);
    const change = (ReceiptHandle: string | undefined, VisibilityTimeout: number) =>
      sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url('plain'), ReceiptHandle, VisibilityTimeout }),
      );

    await change(m.ReceiptHandle, 120);
    expect(server.peek('plain')[0]?.visibleAt).toBe(clock.now() + 120_000);

    const tooLong = await failure(() => change(m.ReceiptHandle, 43_201));
    expect(tooLong.name).toBe('InvalidParameterValue');

    const unknown = await failure(() => change('not-a-handle', 10));
    expect(unknown.name).toBe('ReceiptHandleIsInvalid');
    expect(unknown.$metadata?.httpStatusCode).toBe(404);

    await change(m.ReceiptHandle, 0); // visible again at once
    const again = first((await receive('plain')).Messages);
    const stale = await failure(() => change(m.ReceiptHandle, 10));
    expect(stale.name).toBe('ReceiptHandleIsInvalid');

    clock.advance(10_000); // `again` times out: its handle is current but the message is not in flight
    const notInFlight = await failure(() => change(again.ReceiptHandle, 10));
    expect(notInFlight.name).toBe('MessageNotInflight');
    expect(notInFlight.$metadata?.httpStatusCode).toBe(400);
  });

  it('caps a message’s total visibility at 12 hours from its receipt', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'long job' }));
    const m = first((await receive('plain')).Messages);
    clock.advance(5_000);
    const e = await failure(() =>
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url('plain'),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 43_200,
        }),
      ),
    );
    expect(e.message).toContain(
      'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
    );
  });

  it('deletes with the latest handle; a stale handle succeeds without deleting (as documented)', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'job' }));
    const old = first((await receive('plain', { VisibilityTimeout: 0 })).Messages);
    const latest = first((await receive('plain')).Messages);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url('plain'), ReceiptHandle: old.ReceiptHandle }));
    expect(server.peek('plain')).toHaveLength(1);
    expect(server.requests.at(-1)?.notes[0]).toContain('stale receipt handle');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url('plain'), ReceiptHandle: latest.ReceiptHandle }));
    expect(server.peek('plain')).toHaveLength(0);
    // Deleting twice is fine; an invented handle is not.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url('plain'), ReceiptHandle: latest.ReceiptHandle }));
    const e = await failure(() =>
      sqs.send(new DeleteMessageCommand({ QueueUrl: url('plain'), ReceiptHandle: 'made-up' })),
    );
    expect(e.name).toBe('ReceiptHandleIsInvalid');
  });

  it('moves a message to the DLQ on the receive after maxReceiveCount receives', async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'poison' }));
    for (let i = 1; i <= 3; i++) {
      const m = first((await receive('work')).Messages);
      expect(m.Attributes?.ApproximateReceiveCount).toBe(String(i));
      clock.advance(30_000);
    }
    expect((await receive('work')).Messages).toBeUndefined();
    expect(server.peek('work')).toHaveLength(0);
    expect(server.peek('work-dlq')).toMatchObject([
      {
        messageId: sent.MessageId,
        body: 'poison',
        receiveCount: 3,
        deadLetterQueueSourceArn: server.queueArn('work'),
      },
    ]);
    const dead = first((await receive('work-dlq')).Messages);
    expect(dead.MessageId).toBe(sent.MessageId);
    expect(dead.Attributes?.DeadLetterQueueSourceArn).toBe(server.queueArn('work'));
    expect(dead.Attributes?.ApproximateReceiveCount).toBe('4');
  });

  it('runs batch sends, deletes and visibility changes with per-entry failures', async () => {
    const sent = await sqs.send(
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

    const got = (await receive('plain')).Messages ?? [];
    expect(got.map((m) => m.Body)).toEqual(['one', 'two']); // 'late' is delayed
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url('plain'), AttributeNames: ['All'] }),
    );
    expect(attrs.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '2',
      ApproximateNumberOfMessagesDelayed: '1',
    });

    const [one, two] = got;
    const vis = await sqs.send(
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

    const del = await sqs.send(
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
    expect(server.peek('plain').map((m) => m.body)).toEqual(['one', 'late']);
  });

  it('rejects malformed batches as a whole', async () => {
    const send = (Entries: { Id: string; MessageBody: string }[]) =>
      failure(() => sqs.send(new SendMessageBatchCommand({ QueueUrl: url('plain'), Entries })));
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

  it('reports queue attributes', async () => {
    const a = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url('work'),
        AttributeNames: ['QueueArn', 'RedrivePolicy', 'VisibilityTimeout', 'ApproximateNumberOfMessages'],
      }),
    );
    expect(a.Attributes).toEqual({
      QueueArn: 'arn:aws:sqs:eu-west-1:000000000000:work',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: server.queueArn('work-dlq'), maxReceiveCount: 3 }),
      VisibilityTimeout: '30',
      ApproximateNumberOfMessages: '0',
    });
    const e = await failure(() =>
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url('work'), AttributeNames: ['Colour' as 'All'] })),
    );
    expect(e.name).toBe('InvalidAttributeName');
  });

  it('creates, finds and purges queues; unknown queues are QueueDoesNotExist', async () => {
    const created = await sqs.send(
      new CreateQueueCommand({ QueueName: 'extra', Attributes: { VisibilityTimeout: '5' } }),
    );
    expect(created.QueueUrl).toBe(server.queueUrl('extra'));
    const again = await sqs.send(
      new CreateQueueCommand({ QueueName: 'extra', Attributes: { VisibilityTimeout: '5' } }),
    );
    expect(again.QueueUrl).toBe(created.QueueUrl);
    const clash = await failure(() =>
      sqs.send(new CreateQueueCommand({ QueueName: 'extra', Attributes: { VisibilityTimeout: '6' } })),
    );
    expect(clash.name).toBe('QueueNameExists');
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'extra' }))).QueueUrl).toBe(created.QueueUrl);

    await sqs.send(new SendMessageCommand({ QueueUrl: url('extra'), MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url('extra') }));
    expect(server.peek('extra')).toEqual([]);

    const missing = await failure(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: url('nope'), MessageBody: 'x' })),
    );
    expect(missing.name).toBe('QueueDoesNotExist');
    expect(missing.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect((await failure(() => sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })))).name).toBe(
      'QueueDoesNotExist',
    );
  });

  it('validates parameters with InvalidParameterValue', async () => {
    const many = await failure(() => receive('plain', { MaxNumberOfMessages: 11 }));
    expect(many.name).toBe('InvalidParameterValue');
    expect(many.message).toBe(
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
    const big = await failure(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x'.repeat(1_048_577) })),
    );
    expect(big.message).toContain('Message must be shorter than 1048576 bytes');
  });

  it('makes sends to a queue fail on demand (a DLQ that rejects sends)', async () => {
    server.failSends('work-dlq', 'KmsAccessDenied');
    const kms = await failure(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: url('work-dlq'), MessageBody: 'x' })),
    );
    expect(kms.name).toBe('KmsAccessDenied');
    expect(kms.Code).toBe('KMS.AccessDeniedException');
    const batch = await failure(() =>
      sqs.send(
        new SendMessageBatchCommand({ QueueUrl: url('work-dlq'), Entries: [{ Id: 'a', MessageBody: 'x' }] }),
      ),
    );
    expect(batch.name).toBe('KmsAccessDenied');
    // Other queues and other operations are unaffected.
    await sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'x' }));
    await receive('work-dlq');

    server.setFaults([{ queue: 'work-dlq', error: 'InternalError', times: 1 }]);
    const internal = await failure(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: url('work-dlq'), MessageBody: 'x' })),
    );
    expect(internal.name).toBe('InternalError');
    expect(internal.$fault).toBe('server');
    expect(internal.$metadata?.httpStatusCode).toBe(500);
    await sqs.send(new SendMessageCommand({ QueueUrl: url('work-dlq'), MessageBody: 'x' }));
    expect(server.peek('work-dlq')).toHaveLength(1);
  });

  it('records requests and counts them', async () => {
    const before = server.requests.length;
    await sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x' }));
    await failure(() => sqs.send(new SendMessageCommand({ QueueUrl: url('nope'), MessageBody: 'x' })));
    expect(server.requests.slice(before)).toMatchObject([
      { operation: 'SendMessage', queue: 'plain', status: 200, body: { MessageBody: 'x' } },
      { operation: 'SendMessage', status: 400, errorCode: 'AWS.SimpleQueueService.NonExistentQueue' },
    ]);
    expect(server.countsByOperation().SendMessage).toBeGreaterThanOrEqual(2);
  });

  it('sends errors as __type + message with x-amzn-query-error (raw wire check)', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: JSON.stringify({ QueueName: 'nope' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });

  it('polls and settles like the Lambda event source mapping', async () => {
    server.send('work', '{"a":1}');
    server.send('work', '{"a":2}');
    const event = server.receiveLambdaEvent('work', { batchSize: 10 });
    expect(event.Records).toHaveLength(2);
    expect(event.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: server.queueArn('work'),
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    const failedId = event.Records[1]?.messageId ?? '';
    const deleted = server.completeLambdaEvent(event, { batchItemFailures: [{ itemIdentifier: failedId }] });
    expect(deleted).toEqual([event.Records[0]?.messageId]);
    expect(server.peek('work').map((m) => m.messageId)).toEqual([failedId]);
    // An invalid response fails the whole batch.
    clock.advance(30_000);
    const next = server.receiveLambdaEvent('work');
    expect(server.completeLambdaEvent(next, { batchItemFailures: [{ itemIdentifier: 'unknown' }] })).toEqual(
      [],
    );
  });
});

describe('local SQS: long polling in real time', () => {
  it('returns as soon as a message arrives', async () => {
    const server = await startLocalSqs({ queues: { q: {} }, maxLongPollMs: 5000 });
    const sqs = clientFor(server);
    const t0 = performance.now();
    const polling = sqs.send(
      new ReceiveMessageCommand({ QueueUrl: server.awsStyleQueueUrl('q'), WaitTimeSeconds: 20 }),
    );
    setTimeout(() => server.send('q', 'arrived'), 50);
    const res = await polling;
    expect(first(res.Messages).Body).toBe('arrived');
    expect(performance.now() - t0).toBeLessThan(2000);
    sqs.destroy();
    await server.close();
  });

  it('bounds an empty long poll by maxLongPollMs', async () => {
    const server = await startLocalSqs({ queues: { q: {} }, maxLongPollMs: 300 });
    const sqs = clientFor(server);
    const t0 = performance.now();
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: server.awsStyleQueueUrl('q'), WaitTimeSeconds: 20 }),
    );
    const elapsed = performance.now() - t0;
    expect(res.Messages).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3000);
    sqs.destroy();
    await server.close();
  });

  it('closes promptly with a poll in flight', async () => {
    const server = await startLocalSqs({ queues: { q: {} } });
    const sqs = clientFor(server);
    const polling = sqs
      .send(new ReceiveMessageCommand({ QueueUrl: server.awsStyleQueueUrl('q'), WaitTimeSeconds: 20 }))
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await server.close();
    await polling;
    sqs.destroy();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
