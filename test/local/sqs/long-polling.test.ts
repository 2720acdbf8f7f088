import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { startLocalSqs } from '../../../tools/local/sqs/server.js';
import { clientFor, first } from './support.js';

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
