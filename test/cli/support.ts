// Shared by the `npm run dlq` tests: a local SQS with the stack's two queues, the four kinds of message a DLQ
// holds, and the command run in process with its output captured.
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { runDlq } from '../../src/cli/dlq/main.js';
import { startLocalSqs } from '../../tools/local/sqs/server.js';
import type { LocalSqs, StoredAttribute } from '../../tools/local/sqs/types.js';

export const DLQ = 'metagen-events-dlq';
export const SOURCE = 'metagen-events';
const DAY_SECONDS = 86_400;

/** The sample domain and asset ids have DataZone's shapes (events/eventbridge/). */
export const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
export const OTHER_DOMAIN = 'dzd_7xk2m9q4w1e5rt';

/** An asset event as EventBridge delivers it to the source queue. */
export function assetEvent(
  assetId: string,
  domain = DOMAIN,
  detailType = 'Asset Added To Inventory',
): string {
  return JSON.stringify({
    version: '0',
    id: `event-of-${assetId}`,
    'detail-type': detailType,
    source: 'aws.datazone',
    detail: { metadata: { domain, id: assetId, owningProjectId: '6oy92hwk937pgn' }, data: { assetId } },
  });
}

const text = (value: string): StoredAttribute => ({ DataType: 'String', StringValue: value });

export interface DlqFixture {
  readonly server: LocalSqs;
  /** What the worker sends: the event with its reason as String attributes. */
  workerDeadLetter(
    assetId: string,
    errorName: string,
    errorMessage: string,
    sourceMessageId?: string,
  ): string;
  /** A Lambda on-failure destination record of the direct wiring. */
  lambdaRecord(assetId: string, errorType: string, errorMessage: string): string;
  /** An event the source queue's redrive policy moved after its receives ran out: no reason attached. */
  movedByRedrivePolicy(assetId: string): Promise<string>;
  bodies(queue: string): string[];
  /** Runs `npm run dlq -- ...argv` in process: its exit code and what it printed. */
  dlq(argv: readonly string[], signal?: AbortSignal): Promise<{ code: number; output: string }>;
}

/** A local SQS (real clock) with the DLQ (14 days) and the source queue (redrive after 2 receives). */
export function useDlqFixture(): DlqFixture {
  let server: LocalSqs | undefined;
  let sqs: SQSClient | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the local SQS is not started yet');
    return value;
  };
  beforeAll(async () => {
    server = await startLocalSqs({
      maxLongPollMs: 20,
      queues: {
        [DLQ]: { messageRetentionSeconds: 14 * DAY_SECONDS },
        [SOURCE]: { visibilityTimeoutSeconds: 180, redrive: { deadLetterQueue: DLQ, maxReceiveCount: 2 } },
      },
    });
    sqs = new SQSClient({
      endpoint: server.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      useQueueUrlAsEndpoint: false,
    });
  });
  beforeEach(() => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', started(server).url);
    vi.stubEnv('DLQ_URL', started(server).queueUrl(DLQ));
    vi.stubEnv('SOURCE_QUEUE_URL', started(server).queueUrl(SOURCE));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    started(server).purge(DLQ);
    started(server).purge(SOURCE);
    started(server).clearFaults();
  });
  afterAll(async () => {
    sqs?.destroy();
    await server?.close();
  });
  return {
    get server() {
      return started(server);
    },
    workerDeadLetter: (assetId, errorName, errorMessage, sourceMessageId = `source-${assetId}`) =>
      started(server).send(DLQ, assetEvent(assetId), {
        ErrorName: text(errorName),
        ErrorMessage: text(errorMessage),
        SourceMessageId: text(sourceMessageId),
        SourceQueueArn: text(started(server).queueArn(SOURCE)),
        DetailType: text('Asset Added To Inventory'),
        FailedAt: text(new Date().toISOString()),
      }),
    lambdaRecord: (assetId, errorType, errorMessage) =>
      started(server).send(
        DLQ,
        JSON.stringify({
          version: '1.0',
          requestContext: { requestId: `request-${assetId}`, condition: 'RetriesExhausted' },
          requestPayload: JSON.parse(assetEvent(assetId, OTHER_DOMAIN)),
          responsePayload: { errorType, errorMessage },
        }),
      ),
    async movedByRedrivePolicy(assetId) {
      const client = started(sqs);
      const QueueUrl = started(server).queueUrl(SOURCE);
      const { MessageId = '' } = await client.send(
        new SendMessageCommand({ QueueUrl, MessageBody: assetEvent(assetId) }),
      );
      // Two receives use up maxReceiveCount; the third finds the message past it and moves it to the DLQ.
      for (let i = 0; i < 3; i++)
        await client.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
      return MessageId;
    },
    bodies: (queue) =>
      started(server)
        .peek(queue)
        .map((m) => m.body),
    async dlq(argv, signal) {
      const lines: string[] = [];
      const code = await runDlq(argv, {
        env: process.env,
        print: (line) => lines.push(line),
        movePollMs: 20,
        ...(signal === undefined ? {} : { signal }),
      });
      return { code, output: lines.join('\n') };
    },
  };
}
