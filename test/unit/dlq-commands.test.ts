/**
 * The commands once the DLQ is read, on a scripted SQS: what they print, which messages they release or keep
 * hidden (and for how long), and their exit codes.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type CommandContext,
  deleteCommand,
  redriveCommand,
  showCommand,
} from '../../src/cli/dlq/commands.js';
import { DlqSqs } from '../../src/cli/dlq/queue.js';
import { DlqSession } from '../../src/cli/dlq/session.js';
import { collapse, type DeadLetter } from '../../src/cli/dlq/triage.js';

const sqs = mockClient(SQSClient);
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events-dlq';
const SOURCE = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events-dlq';
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events';
const NOW = Date.UTC(2026, 10, 30, 12);
const HOUR = 3_600_000;

/** Every entry of every batch call succeeds unless a test says otherwise. */
const allSucceed = (input: { Entries?: { Id?: string }[] }) => ({
  Successful: (input.Entries ?? []).map(({ Id }) => ({ Id })),
});

beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityBatchCommand).callsFake(allSucceed);
  sqs.on(SendMessageBatchCommand).callsFake(allSucceed);
  sqs.on(DeleteMessageBatchCommand).callsFake(allSucceed);
});

const event = (assetId: string) =>
  JSON.stringify({
    'detail-type': 'Asset Added To Inventory',
    source: 'aws.datazone',
    detail: { metadata: { domain: 'dzd_bc8e1ez8r2a6xz', id: assetId }, data: { assetId } },
  });

/** A worker's dead letter as SQS returns it: the event, with its reason as String attributes. */
const workerMessage = (assetId: string, errorName: string, sourceMessageId = `source-${assetId}`) => ({
  MessageId: `message-${assetId}-${Math.random().toString(36).slice(2, 8)}`,
  ReceiptHandle: `handle-${assetId}`,
  Body: event(assetId),
  Attributes: { SentTimestamp: String(NOW - HOUR) },
  MessageAttributes: {
    ErrorName: { DataType: 'String', StringValue: errorName },
    ErrorMessage: { DataType: 'String', StringValue: `${errorName} for ${assetId}` },
    SourceMessageId: { DataType: 'String', StringValue: sourceMessageId },
  },
});

type SqsMessage = ReturnType<typeof workerMessage>;

/** Reads `messages` through a session, as `npm run dlq` does, and builds what a command gets. */
async function readContext(
  messages: readonly SqsMessage[],
  options: { rate?: number; signal?: AbortSignal; edit?: (deadLetters: DeadLetter[]) => DeadLetter[] } = {},
) {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [...messages] })
    .resolves({});
  const queue = new DlqSqs(new SQSClient({ region: 'eu-west-1' }));
  const session = new DlqSession(queue, DLQ);
  const read = await session.readAll(100);
  const printed: string[] = [];
  const collapsed = collapse(read.messages);
  const context: CommandContext = {
    sqs: queue,
    session,
    facts: { arn: DLQ_ARN, retentionSeconds: 1_209_600, visible: messages.length, inFlight: 0 },
    messages: read.messages,
    deadLetters: options.edit ? options.edit(collapsed) : collapsed,
    truncated: false,
    now: NOW,
    pace: {
      rate: options.rate,
      sleep: async () => {},
      now: () => NOW,
      print: (line) => printed.push(line),
      signal: options.signal,
      pollMs: 1,
    },
  };
  return { context, printed };
}

/** The visibility changes sent, as [receipt handles, seconds] per call. */
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => {
    const entries = call.args[0].input.Entries ?? [];
    return [entries.map((entry) => entry.ReceiptHandle), entries[0]?.VisibilityTimeout];
  });

const reasonIdOf = (deadLetters: readonly DeadLetter[], name: string) =>
  deadLetters.find((deadLetter) => deadLetter.reason.name === name)?.reason.id;

describe('a selection that matches nothing', () => {
  it('names the reasons in the queue, each once, and exits 1 from every command', async () => {
    const { context, printed } = await readContext([
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000002', 'ValidationException'),
      workerMessage('asset000000003', 'AccessDeniedException'),
    ]);
    const validation = reasonIdOf(context.deadLetters, 'ValidationException');
    const denied = reasonIdOf(context.deadLetters, 'AccessDeniedException');
    const nothing = { reason: 'ThrottlingException' };
    expect(showCommand(context, nothing, false)).toBe(1);
    expect(
      await redriveCommand(context, { selection: nothing, sourceUrl: SOURCE, dryRun: false, force: false }),
    ).toBe(1);
    expect(await deleteCommand(context, { selection: nothing, dryRun: false, save: undefined })).toBe(1);
    const line = `Nothing matches. Reasons in the queue: ${validation} ValidationException, ${denied} AccessDeniedException`;
    expect(printed).toEqual([line, line, line]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
  });

  it('says when the queue is empty', async () => {
    const { context, printed } = await readContext([]);
    expect(showCommand(context, { all: true }, false)).toBe(1);
    expect(printed).toEqual(['Nothing matches. Reasons in the queue: none (it is empty)']);
  });
});

describe('redrive', () => {
  it('plans a dry run by reason, one by one for a selection, and changes nothing', async () => {
    const { context, printed } = await readContext([
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000002', 'ValidationException'),
      workerMessage('asset000000003', 'InternalServerException'),
    ]);
    const code = await redriveCommand(context, {
      selection: { asset: 'asset000000001' },
      sourceUrl: SOURCE,
      dryRun: true,
      force: false,
    });
    expect(code).toBe(0);
    const validation = reasonIdOf(context.deadLetters, 'ValidationException');
    expect(printed).toEqual([
      `Would redrive 1 dead letters (2 messages) to ${SOURCE}, one by one:`,
      `  1 × ${validation} ValidationException`,
    ]);
    expect(visibilityChanges()).toEqual([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });

  it('counts each reason of an --all plan on its own line', async () => {
    const { context, printed } = await readContext([
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000002', 'InternalServerException'),
      workerMessage('asset000000003', 'ValidationException'),
    ]);
    await redriveCommand(context, {
      selection: { all: true },
      sourceUrl: SOURCE,
      dryRun: true,
      force: false,
    });
    const validation = reasonIdOf(context.deadLetters, 'ValidationException');
    const internal = reasonIdOf(context.deadLetters, 'InternalServerException');
    expect(printed).toEqual([
      `Would redrive 3 dead letters (3 messages) to ${SOURCE}, with the SQS message move task:`,
      `  2 × ${validation} ValidationException`,
      `  1 × ${internal} InternalServerException`,
    ]);
  });

  /** The first dead letter's event wrapped in a Lambda record: in its only copy, or in a second copy. */
  const wrapFirst = (asSecondCopy: boolean) => (deadLetters: DeadLetter[]) =>
    deadLetters.map((deadLetter, index): DeadLetter => {
      if (index > 0) return deadLetter;
      const [copy] = deadLetter.copies;
      const wrapped = { ...copy, messageId: 'wrapped-copy', body: `{"requestPayload":${copy.body}}` };
      return { ...deadLetter, copies: asSecondCopy ? [copy, wrapped] : [wrapped] };
    });

  it.each([
    ['one of its dead letters', false],
    ['one copy of a dead letter', true],
  ])('redrives --all one by one when %s carries its event wrapped', async (_label, asSecondCopy) => {
    const { context, printed } = await readContext(
      [
        workerMessage('asset000000001', 'ValidationException'),
        workerMessage('asset000000002', 'ValidationException'),
      ],
      { edit: wrapFirst(asSecondCopy) },
    );
    await redriveCommand(context, {
      selection: { all: true },
      sourceUrl: SOURCE,
      dryRun: true,
      force: false,
    });
    expect(printed[0]).toMatch(/, one by one:$/);
  });

  it('releases the messages not chosen, keeps the chosen hidden for the run, and sends only those', async () => {
    const chosen = [
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000002', 'ValidationException'),
      workerMessage('asset000000003', 'ValidationException'),
    ];
    const other = workerMessage('asset000000009', 'InternalServerException');
    const { context, printed } = await readContext([...chosen, other], { rate: 2 });
    const code = await redriveCommand(context, {
      selection: { reason: 'ValidationException' },
      sourceUrl: SOURCE,
      dryRun: false,
      force: false,
    });
    expect(code).toBe(0);
    // 3 at 2 per second: 2 s of work on top of the 120 s a read message stays hidden.
    expect(visibilityChanges()).toEqual([
      [[other.ReceiptHandle], 0],
      [chosen.map((m) => m.ReceiptHandle), 122],
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries)).toHaveLength(3);
    expect(printed.filter((line) => !line.startsWith('redrive: '))).toEqual([
      'Redriven: 3 of 3 dead letters.',
    ]);
  });

  it('keeps the chosen hidden for 120 s and a second per 50 without a rate', async () => {
    const messages = [workerMessage('asset000000001', 'ValidationException')];
    const { context } = await readContext(messages);
    await redriveCommand(context, {
      selection: { reason: 'ValidationException' },
      sourceUrl: SOURCE,
      dryRun: false,
      force: false,
    });
    expect(visibilityChanges()).toEqual([[[messages[0]?.ReceiptHandle], 121]]);
  });

  it('warns when messages could not be released or kept hidden, and redrives all the same', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolvesOnce({
        Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', Message: 'stale', SenderFault: true }],
      })
      .resolvesOnce({ Failed: [{ Id: '0', Code: 'InternalError', Message: 'retry', SenderFault: false }] })
      .callsFake(allSucceed);
    const { context, printed } = await readContext([
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000009', 'InternalServerException'),
    ]);
    const code = await redriveCommand(context, {
      selection: { reason: 'ValidationException' },
      sourceUrl: SOURCE,
      dryRun: false,
      force: false,
    });
    expect(code).toBe(0);
    expect(printed.slice(0, 2)).toEqual([
      'Warning: 1 messages could not be made visible again yet (ReceiptHandleIsInvalid: stale).',
      'Warning: 1 messages could not be kept hidden for the whole run (InternalError: retry).',
    ]);
  });

  it('redrives --all with the message move task once everything read is released', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: SOURCE_ARN } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2 }] });
    const messages = [
      workerMessage('asset000000001', 'ValidationException'),
      workerMessage('asset000000002', 'ValidationException'),
    ];
    const { context, printed } = await readContext(messages);
    const code = await redriveCommand(context, {
      selection: { all: true },
      sourceUrl: SOURCE,
      dryRun: false,
      force: false,
    });
    expect(code).toBe(0);
    expect(visibilityChanges()).toEqual([[messages.map((m) => m.ReceiptHandle), 0]]);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      DestinationArn: SOURCE_ARN,
    });
    expect(printed.at(-1)).toBe('Move task COMPLETED: 2 messages moved');
    expect(printed.join('\n')).not.toContain('Warning');
  });

  it('exits 1 when the move task fails, with its reason, and warns of messages it could not release', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InternalError', Message: 'retry', SenderFault: false }] });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: SOURCE_ARN } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'FAILED', ApproximateNumberOfMessagesMoved: 0, FailureReason: 'AccessDenied' }],
    });
    const { context, printed } = await readContext([workerMessage('asset000000001', 'ValidationException')]);
    const code = await redriveCommand(context, {
      selection: { all: true },
      sourceUrl: SOURCE,
      dryRun: false,
      force: false,
    });
    expect(code).toBe(1);
    expect(printed[0]).toBe(
      'Warning: 1 messages could not be made visible again: the task skips them (InternalError: retry).',
    );
    expect(printed.at(-1)).toBe('Move task FAILED: 0 messages moved (AccessDenied)');
  });
});

describe('delete', () => {
  it('lists what it could not delete, with its age and error, and exits 1', async () => {
    const kept = workerMessage('asset000000002', 'ResourceNotFoundException');
    const messages = [workerMessage('asset000000001', 'ResourceNotFoundException'), kept];
    sqs.on(DeleteMessageBatchCommand).resolves({
      Successful: [{ Id: '0' }],
      Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', Message: 'stale', SenderFault: true }],
    });
    const { context, printed } = await readContext(messages);
    const code = await deleteCommand(context, {
      selection: { reason: 'ResourceNotFoundException' },
      dryRun: false,
      save: undefined,
    });
    expect(code).toBe(1);
    expect(printed).toEqual([
      'Deleted: 1 of 2 dead letters.',
      'Not deleted (still in the DLQ): 1',
      `  ${kept.MessageId} (ResourceNotFoundException, 1h old): ReceiptHandleIsInvalid: stale`,
    ]);
  });

  it('exits 0 when every dead letter is deleted, and prints no failures', async () => {
    const { context, printed } = await readContext([
      workerMessage('asset000000001', 'ResourceNotFoundException'),
    ]);
    expect(await deleteCommand(context, { selection: { all: true }, dryRun: false, save: undefined })).toBe(
      0,
    );
    expect(printed).toEqual(['Deleted: 1 of 1 dead letters.']);
  });
});
