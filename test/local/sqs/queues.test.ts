import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, url, useLocalSqs } from './support.js';

describe('local SQS: queues, records and the wire', () => {
  const local = useLocalSqs();

  it('reports queue attributes', async () => {
    const a = await local.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url('work'),
        AttributeNames: ['QueueArn', 'RedrivePolicy', 'VisibilityTimeout', 'ApproximateNumberOfMessages'],
      }),
    );
    expect(a.Attributes).toEqual({
      QueueArn: 'arn:aws:sqs:eu-west-1:000000000000:work',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: local.server.queueArn('work-dlq'),
        maxReceiveCount: 3,
      }),
      VisibilityTimeout: '30',
      ApproximateNumberOfMessages: '0',
    });
    const e = await failure(() =>
      local.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url('work'), AttributeNames: ['Colour' as 'All'] }),
      ),
    );
    expect(e.name).toBe('InvalidAttributeName');
  });

  it('answers a queue that does not exist with QueueDoesNotExist', async () => {
    const missing = await failure(() =>
      local.sqs.send(new SendMessageCommand({ QueueUrl: url('nope'), MessageBody: 'x' })),
    );
    expect(missing.name).toBe('QueueDoesNotExist');
    expect(missing.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    const attributes = await failure(() =>
      local.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url('nope'), AttributeNames: ['All'] })),
    );
    expect(attributes.name).toBe('QueueDoesNotExist');
  });

  it('creates queues in process, refusing a name taken and a dead-letter queue that does not exist', async () => {
    const created = local.server.createQueue('extra', { visibilityTimeoutSeconds: 5 });
    expect(created).toEqual({
      url: local.server.queueUrl('extra'),
      arn: 'arn:aws:sqs:eu-west-1:000000000000:extra',
    });
    const a = await local.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url('extra'), AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(a.Attributes).toEqual({ VisibilityTimeout: '5' });
    expect(() => local.server.createQueue('extra')).toThrow(
      'createQueue(extra): a queue with this name exists',
    );
    expect(() =>
      local.server.createQueue('orphan', { redrive: { deadLetterQueue: 'gone', maxReceiveCount: 3 } }),
    ).toThrow('createQueue(orphan): dead-letter queue gone does not exist');
    expect(() => local.server.createQueue('slow', { visibilityTimeoutSeconds: 43_201 })).toThrow(
      'createQueue(slow): visibilityTimeoutSeconds must be an integer from 0 to 43200, got 43201',
    );
  });

  it('records requests and counts them', async () => {
    const before = local.server.requests.length;
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x' }));
    await failure(() => local.sqs.send(new SendMessageCommand({ QueueUrl: url('nope'), MessageBody: 'x' })));
    expect(local.server.requests.slice(before)).toMatchObject([
      { operation: 'SendMessage', queue: 'plain', status: 200, body: { MessageBody: 'x' } },
      { operation: 'SendMessage', status: 400, errorCode: 'AWS.SimpleQueueService.NonExistentQueue' },
    ]);
    expect(local.server.countsByOperation().SendMessage).toBeGreaterThanOrEqual(2);
  });

  it('sends errors as __type + message with x-amzn-query-error (raw wire check)', async () => {
    const res = await fetch(local.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.GetQueueAttributes',
      },
      body: JSON.stringify({ QueueUrl: url('nope'), AttributeNames: ['All'] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });

  it('refuses an operation it does not implement with UnknownOperationException', async () => {
    const res = await fetch(local.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.PurgeQueue' },
      body: JSON.stringify({ QueueUrl: url('plain') }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.sqs#UnknownOperationException',
      message: "Unknown or unsupported operation 'AmazonSQS.PurgeQueue' (POST /).",
    });
    expect(local.server.requests.at(-1)).toMatchObject({
      operation: 'PurgeQueue',
      status: 400,
      errorCode: 'UnknownOperationException',
    });
  });
});
