// Shared by the local SQS tests: an SDK client for a server, queue URLs as the worker derives them, helpers.
import {
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ManualClock, manualClock } from '../../../tools/local/http-util.js';
import { startLocalSqs } from '../../../tools/local/sqs/server.js';
import type { LocalSqs } from '../../../tools/local/sqs/types.js';

export const clientFor = (server: LocalSqs) =>
  new SQSClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
  });

/** What the worker derives from eventSourceARN: the host is real AWS, the request still lands locally. */
export const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/000000000000/${name}`;

/** Runs `fn`, expecting a service error; returns it for assertions. */
export async function failure(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    return e as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; Code?: string };
  }
  throw new Error('expected the call to fail');
}

export const first = (messages: Message[] | undefined): Message => {
  const m = messages?.[0];
  if (!m) throw new Error('no message received');
  return m;
};

/** ReceiveMessage as the event source asks for it: up to 10, every attribute. */
const receiver =
  (sqs: SQSClient) =>
  (name: string, input: Partial<ReceiveMessageCommandInput> = {}) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url(name),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...input,
      }),
    );

export interface SqsFixture {
  readonly clock: ManualClock;
  readonly server: LocalSqs;
  readonly sqs: SQSClient;
  readonly receive: ReturnType<typeof receiver>;
}

/**
 * A local SQS on a manual clock for the tests of one file: queues `work` (visibility 30 s, redrive to `work-dlq`
 * after 3 receives), `work-dlq` and `plain` (visibility 10 s), emptied and without faults after each test.
 */
export function useLocalSqs(): SqsFixture {
  const clock = manualClock();
  let server: LocalSqs | undefined;
  let sqs: SQSClient | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the local SQS is not started yet');
    return value;
  };
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
    sqs?.destroy();
    await server?.close();
  });
  afterEach(() => {
    for (const q of ['work', 'work-dlq', 'plain']) started(server).purge(q);
    started(server).clearFaults();
  });
  return {
    clock,
    get server() {
      return started(server);
    },
    get sqs() {
      return started(sqs);
    },
    get receive() {
      return receiver(started(sqs));
    },
  };
}
