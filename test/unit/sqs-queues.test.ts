import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { VisibilityChange } from '../../src/core/ports.js';
import { createSqsClient, queueUrlFromArn, SqsQueues } from '../../src/queues/sqs.js';

const sqs = mockClient(SQSClient);
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq';

beforeEach(() => sqs.reset());

/** The options a command was sent with (its abort signal), after the command itself. */
const optionsOf = (call: { readonly args: readonly unknown[] }) => call.args[1];

describe('queueUrlFromArn', () => {
  it('derives the regional queue URL from an SQS ARN', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:111111111111:source')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111111111111/source',
    );
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:111111111111:source')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/111111111111/source',
    );
  });

  it('names the field and the expected shape for anything else', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:111111111111:topic')).toThrow(
      'eventSourceARN: expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), got "arn:aws:sns:eu-west-1:111111111111:topic"',
    );
    expect(() => queueUrlFromArn('')).toThrow(/eventSourceARN/);
  });

  it.each([
    ['no arn prefix', 'urn:aws:sqs:eu-west-1:111111111111:source'],
    ['no partition', 'arn::sqs:eu-west-1:111111111111:source'],
    ['no region', 'arn:aws:sqs::111111111111:source'],
    ['no account', 'arn:aws:sqs:eu-west-1::source'],
    ['no queue name', 'arn:aws:sqs:eu-west-1:111111111111:'],
    ['a seventh part', 'arn:aws:sqs:eu-west-1:111111111111:source:extra'],
  ])('refuses an ARN with %s', (_label, arn) => {
    expect(() => queueUrlFromArn(arn)).toThrow(`got "${arn}"`);
  });
});

describe('SqsQueues', () => {
  const queues = new SqsQueues(new SQSClient({ region: 'eu-west-1' }), DLQ);

  const failedAt = new Date('2026-11-30T10:00:00.000Z');
  const reason = { errorName: 'X', errorMessage: 'why', sourceMessageId: 'm-1', failedAt };

  it('sends the body unchanged with the reason as String attributes', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await queues.deadLetter({ body: ' {raw} ', reason });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      MessageBody: ' {raw} ',
      MessageAttributes: {
        ErrorName: { DataType: 'String', StringValue: 'X' },
        ErrorMessage: { DataType: 'String', StringValue: 'why' },
        SourceMessageId: { DataType: 'String', StringValue: 'm-1' },
        FailedAt: { DataType: 'String', StringValue: failedAt.toISOString() },
      },
    });
  });

  it('propagates a failed send', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('denied'));
    await expect(queues.deadLetter({ body: 'b', reason })).rejects.toThrow('denied');
  });

  it.each(['InvalidParameterValue', 'InvalidAttributeValue', 'InvalidMessageContents'])(
    'sends again with the minimal attributes when SQS refuses the message as %s',
    async (name) => {
      sqs
        .on(SendMessageCommand)
        .rejectsOnce(Object.assign(new Error('refused'), { name, $metadata: { httpStatusCode: 400 } }))
        .resolves({});
      await queues.deadLetter({ body: 'b', reason: { ...reason, errorMessage: 'é', detailType: 'D' } });
      const sent = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageAttributes);
      expect(sent).toHaveLength(2);
      expect(Object.keys(sent[1] ?? {}).sort()).toEqual([
        'ErrorMessage',
        'ErrorName',
        'FailedAt',
        'SourceMessageId',
      ]);
      expect(sent[1]?.ErrorMessage?.StringValue).toBe('?');
    },
  );

  it('recognises the query-protocol code SQS adds to some errors', async () => {
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(
        Object.assign(new Error('refused'), {
          name: 'SQSServiceException',
          Code: 'AWS.SimpleQueueService.InvalidParameterValue',
        }),
      )
      .resolves({});
    await queues.deadLetter({ body: 'b', reason });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });

  it('sends with the signal it is given, so that the deadline can cut the call', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const signal = new AbortController().signal;
    await queues.deadLetter({ body: 'b', reason }, signal);
    await queues.deadLetter({ body: 'b', reason });
    expect(sqs.commandCalls(SendMessageCommand).map(optionsOf)).toStrictEqual([{ abortSignal: signal }, {}]);
  });

  it('recognises an invalid attribute name as a refused message', async () => {
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(Object.assign(new Error('refused'), { name: 'InvalidAttributeName' }))
      .resolves({});
    await queues.deadLetter({ body: 'b', reason: { ...reason, detailType: 'D' } });
    const sent = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageAttributes);
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toHaveProperty('DetailType');
  });

  it.each([
    [
      'a query-protocol code of another kind',
      { name: 'SQSServiceException', Code: 'AWS.SimpleQueueService.NonExistentQueue' },
    ],
    [
      'a code that only ends like an invalid message',
      { name: 'SQSServiceException', Code: 'Other.InvalidParameterValue' },
    ],
    ['a code that is not a string', { name: 'SQSServiceException', Code: 400 }],
    // Only a leading prefix is removed: this code names no error once the prefix inside it is cut.
    [
      'the query-protocol prefix inside its code',
      { name: 'SQSServiceException', Code: 'InvalidAWS.SimpleQueueService.ParameterValue' },
    ],
  ])('does not repeat a send refused with %s', async (_label, fields) => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('no'), fields));
    await expect(queues.deadLetter({ body: 'b', reason })).rejects.toThrow('no');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('propagates whatever the client rejects with, even null', async () => {
    const rejectingNull = { send: () => Promise.reject(null) } as unknown as SQSClient;
    await expect(new SqsQueues(rejectingNull, DLQ).deadLetter({ body: 'b', reason })).rejects.toBeNull();
  });

  it('does not repeat a send that failed for another reason', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('no'), { name: 'KmsAccessDenied' }));
    await expect(queues.deadLetter({ body: 'b', reason })).rejects.toThrow('no');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('keeps receipt handles out of the failure messages it returns', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Failed: [
        { Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'handle rh-secret is bad' },
      ],
    });
    const failures = await queues.changeVisibility([
      { queueUrl: DLQ, receiptHandle: 'rh-secret', timeoutSeconds: 1, key: 'k' },
    ]);
    expect(failures).toEqual([
      { key: 'k', errorName: 'ReceiptHandleIsInvalid', errorMessage: 'handle <receipt handle> is bad' },
    ]);
  });

  it('changes visibility in batches of at most 10 per queue and maps failures back to their keys', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .callsFake((input: { QueueUrl: string; Entries: { Id: string }[] }) => ({
        Successful: [],
        Failed: input.QueueUrl.endsWith('/b')
          ? [{ Id: '0', Code: 'ReceiptHandleIsInvalid', Message: 'stale', SenderFault: true }]
          : [],
      }));
    const change = (queue: string, index: number): VisibilityChange => ({
      queueUrl: `https://sqs.eu-west-1.amazonaws.com/1/${queue}`,
      receiptHandle: `rh-${queue}-${index}`,
      timeoutSeconds: index,
      key: `${queue}-${index}`,
    });
    const changes = [
      ...Array.from({ length: 12 }, (_, index) => change('a', index)),
      change('b', 0),
      change('b', 1),
    ];
    const failures = await queues.changeVisibility(changes);

    const calls = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.QueueUrl?.split('/').pop(), input.Entries?.length])).toEqual([
      ['a', 10],
      ['a', 2],
      ['b', 2],
    ]);
    expect(calls[1]?.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-a-10', VisibilityTimeout: 10 },
      { Id: '1', ReceiptHandle: 'rh-a-11', VisibilityTimeout: 11 },
    ]);
    expect(failures).toEqual([{ key: 'b-0', errorName: 'ReceiptHandleIsInvalid', errorMessage: 'stale' }]);
  });

  it('changes visibility with the signal it is given', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    const signal = new AbortController().signal;
    const change = { queueUrl: DLQ, receiptHandle: 'r', timeoutSeconds: 1, key: 'k' };
    await queues.changeVisibility([change], signal);
    await queues.changeVisibility([change]);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map(optionsOf)).toStrictEqual([
      { abortSignal: signal },
      {},
    ]);
  });

  it('changes the visibility of ten messages of one queue in one call', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Failed: [] });
    const changes = Array.from({ length: 10 }, (_, index) => ({
      queueUrl: DLQ,
      receiptHandle: `r${index}`,
      timeoutSeconds: 1,
      key: `k${index}`,
    }));
    await queues.changeVisibility(changes);
    expect(
      sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input.Entries?.length),
    ).toEqual([10]);
  });

  it('makes no call for no changes', async () => {
    expect(await queues.changeVisibility([])).toEqual([]);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)).toEqual([]);
  });

  it('reads an answer without failures as all changed', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    expect(
      await queues.changeVisibility([{ queueUrl: DLQ, receiptHandle: 'r', timeoutSeconds: 1, key: 'k' }]),
    ).toEqual([]);
  });

  it('names what a failure leaves out: its code, its message, an entry it does not know', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Failed: [
        { Id: '0', Code: undefined, SenderFault: false },
        { Id: '7', Code: 'InternalError', Message: 'lost', SenderFault: false },
      ],
    });
    const failures = await queues.changeVisibility([
      { queueUrl: DLQ, receiptHandle: 'r', timeoutSeconds: 1, key: 'k' },
    ]);
    expect(failures).toEqual([
      { key: 'k', errorName: 'UnknownError', errorMessage: '' },
      { key: 'unknown entry 7', errorName: 'InternalError', errorMessage: 'lost' },
    ]);
  });

  it('leaves a message alone where a change has an empty receipt handle', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', Message: 'empty handle', SenderFault: true }],
    });
    const failures = await queues.changeVisibility([
      { queueUrl: DLQ, receiptHandle: '', timeoutSeconds: 1, key: 'k' },
    ]);
    expect(failures).toEqual([
      { key: 'k', errorName: 'ReceiptHandleIsInvalid', errorMessage: 'empty handle' },
    ]);
  });

  it('keeps receipt handles out of the message of a call that failed', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .rejects(Object.assign(new Error('bad handle r1'), { name: 'ReceiptHandleIsInvalid' }));
    const change = { queueUrl: DLQ, receiptHandle: 'r1', timeoutSeconds: 1, key: 'k1' };
    expect(await queues.changeVisibility([change])).toEqual([
      { key: 'k1', errorName: 'ReceiptHandleIsInvalid', errorMessage: 'bad handle <receipt handle>' },
    ]);
  });

  it('reports every entry of a chunk whose call failed', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .rejects(Object.assign(new Error('nope'), { name: 'AccessDenied' }));
    const failures = await queues.changeVisibility([
      { queueUrl: DLQ, receiptHandle: 'r1', timeoutSeconds: 1, key: 'k1' },
      { queueUrl: DLQ, receiptHandle: 'r2', timeoutSeconds: 1, key: 'k2' },
    ]);
    expect(failures).toEqual([
      { key: 'k1', errorName: 'AccessDenied', errorMessage: 'nope' },
      { key: 'k2', errorName: 'AccessDenied', errorMessage: 'nope' },
    ]);
  });
});

describe('createSqsClient', () => {
  it('does not send to the host of the queue URL, so a configured endpoint is honoured', async () => {
    const client = createSqsClient(1000);
    expect(await client.config.useQueueUrlAsEndpoint).toBe(false);
  });
});
