import { createHash } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '../../../tools/local/sqs/message-attributes.js';
import { failure, first, url, useLocalSqs } from './support.js';

describe('local SQS: sending and receiving', () => {
  const local = useLocalSqs();

  it('identifies queues by the path of QueueUrl, whatever the host', async () => {
    expect(local.server.queueUrl('work')).toBe(`${local.server.url}/000000000000/work`);
    expect(local.server.queueArn('work')).toBe('arn:aws:sqs:eu-west-1:000000000000:work');
    expect(local.server.awsStyleQueueUrl('work')).toBe(url('work'));
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'via aws host' }));
    await local.sqs.send(
      new SendMessageCommand({ QueueUrl: local.server.queueUrl('work'), MessageBody: 'via local host' }),
    );
    expect(local.server.peek('work').map((m) => m.body)).toEqual(['via aws host', 'via local host']);
  });

  it('sends and receives with correct MD5s (the SDK checks the body MD5) and attributes', async () => {
    const attributes = {
      MyAttr: { DataType: 'String', StringValue: 'TestValue' },
    };
    const sent = await local.sqs.send(
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

    const got = first((await local.receive('work')).Messages);
    expect(got.MessageId).toBe(sent.MessageId);
    expect(got.Body).toBe('{"detail":"é ✓ 𝄞"}');
    expect(got.MD5OfBody).toBe(sent.MD5OfMessageBody);
    expect(got.MD5OfMessageAttributes).toBe('6aa1eaaeb8ef88eb54d6190124a472f0');
    expect(got.MessageAttributes).toEqual(attributes);
    expect(got.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SentTimestamp: String(local.clock.now()),
      ApproximateFirstReceiveTimestamp: String(local.clock.now()),
    });
    expect(got.Attributes?.SenderId).toBeTruthy();
  });

  it('round-trips Binary and Number attributes and filters attribute names', async () => {
    const MessageAttributes = {
      'trace.id': { DataType: 'String', StringValue: 'abc' },
      'trace.span': { DataType: 'Number', StringValue: '7' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    };
    await local.sqs.send(
      new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x', MessageAttributes }),
    );
    const all = first((await local.receive('plain', { VisibilityTimeout: 0 })).Messages);
    expect(all.MessageAttributes?.blob?.BinaryValue).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(all.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes(local.server.peek('plain')[0]?.messageAttributes ?? {}),
    );

    const some = first(
      (
        await local.receive('plain', {
          MessageAttributeNames: ['trace.*'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        })
      ).Messages,
    );
    expect(Object.keys(some.MessageAttributes ?? {}).sort()).toEqual(['trace.id', 'trace.span']);
    expect(Object.keys(some.Attributes ?? {})).toEqual(['SentTimestamp']);
  });

  it('validates parameters with InvalidParameterValue', async () => {
    const many = await failure(() => local.receive('plain', { MaxNumberOfMessages: 11 }));
    expect(many.name).toBe('InvalidParameterValue');
    expect(many.message).toBe(
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
    const big = await failure(() =>
      local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x'.repeat(1_048_577) })),
    );
    expect(big.message).toContain('Message must be shorter than 1048576 bytes');
  });
});
