/** The sweep's events reach the source queue in SendMessageBatch calls of at most ten, or the send throws. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsEventQueue } from '../../src/queues/event-queue.js';

const sqs = mockClient(SQSClient);
const SOURCE_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111111111111/source';
const queue = new SqsEventQueue(new SQSClient({ region: 'eu-west-1' }), SOURCE_QUEUE);

const eventBodies = (count: number) => Array.from({ length: count }, (_, index) => `{"event":${index}}`);
const sentBatches = () => sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);

beforeEach(() => sqs.reset());

describe('SqsEventQueue', () => {
  it('sends the bodies in order, ten per call, each batch numbering its entries from 0', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const bodies = eventBodies(23);
    await queue.send(bodies);
    const batches = sentBatches();
    expect(batches.map((batch) => batch.QueueUrl)).toEqual([SOURCE_QUEUE, SOURCE_QUEUE, SOURCE_QUEUE]);
    expect(batches.map((batch) => batch.Entries?.map((entry) => entry.MessageBody))).toEqual([
      bodies.slice(0, 10),
      bodies.slice(10, 20),
      bodies.slice(20),
    ]);
    expect(batches[2]?.Entries).toEqual([
      { Id: '0', MessageBody: '{"event":20}' },
      { Id: '1', MessageBody: '{"event":21}' },
      { Id: '2', MessageBody: '{"event":22}' },
    ]);
  });

  it('sends exactly ten bodies in one call, and nothing for none', async () => {
    sqs.on(SendMessageBatchCommand).resolves({});
    await queue.send(eventBodies(10));
    expect(sentBatches().map((batch) => batch.Entries?.length)).toEqual([10]);
    sqs.resetHistory();
    await queue.send([]);
    expect(sentBatches()).toEqual([]);
  });

  it('throws the first refused entry’s code and message, and sends no further batch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [
        { Id: '3', Code: 'InvalidMessageContents', Message: 'bad character', SenderFault: true },
        { Id: '4', Code: 'InternalError', Message: 'later', SenderFault: false },
      ],
    });
    const sending = queue.send(eventBodies(15));
    await expect(sending).rejects.toThrow(
      'SendMessageBatch refused an event: InvalidMessageContents: bad character',
    );
    await expect(sending).rejects.toMatchObject({ name: 'InvalidMessageContents' });
    expect(sentBatches()).toHaveLength(1);
  });

  it('names an error SQS gave without a code or message all the same', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '0', SenderFault: false } as never] });
    const sending = queue.send(eventBodies(1));
    await expect(sending).rejects.toThrow(/^SendMessageBatch refused an event: undefined: $/);
    await expect(sending).rejects.toMatchObject({ name: 'SendMessageBatchFailed' });
  });
});
