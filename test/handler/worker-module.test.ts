/**
 * The composition root, src/functions/worker.ts, imported fresh (a cold start) with the configuration in the
 * environment, as Lambda runs it. The other handler tests build the same handler through createHandler with
 * their own random source and clock (test/support/handler.ts).
 */
import { DataZoneClient, StartMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchOf, GLUE_TABLE_EVENT, MALFORMED_BODY, SKIPPED_DETAIL_TYPE } from '../support/fixtures.js';
import { captureStdout, DLQ_URL, lambdaContext, loadHandler } from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);

let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  datazone.on(StartMetadataGenerationRunCommand).resolves({ id: 'run-1', status: 'SUBMITTED' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-message-id' });
  stdout = captureStdout();
});

afterEach(() => {
  stdout.restore();
  vi.unstubAllEnvs();
});

describe('src/functions/worker.ts', () => {
  it('fails at cold start with a message naming the missing variable', async () => {
    await expect(loadHandler({ DEAD_LETTER_QUEUE_URL: '' })).rejects.toThrow(
      /DEAD_LETTER_QUEUE_URL is required/,
    );
  });

  it('processes a batch with the configuration from the environment', async () => {
    const handler = await loadHandler({
      GENERATION_TYPES: 'BUSINESS_GLOSSARY_ASSOCIATIONS',
      POWERTOOLS_SERVICE_NAME: 'metagen-from-env',
    });
    const event = batchOf(GLUE_TABLE_EVENT, SKIPPED_DETAIL_TYPE, MALFORMED_BODY);
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });

    const starts = datazone.commandCalls(StartMetadataGenerationRunCommand).map((call) => call.args[0].input);
    expect(starts.map((input) => input.types)).toEqual([['BUSINESS_GLOSSARY_ASSOCIATIONS']]);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ QueueUrl: DLQ_URL, MessageBody: MALFORMED_BODY.body }),
    ]);
    expect(stdout.logs().find((line) => line.outcome === 'started')).toMatchObject({
      service: 'metagen-from-env',
      messageId: GLUE_TABLE_EVENT.messageId,
    });
  });

  it('composes the worker once per container: only the first invocation is a cold start', async () => {
    // Lambda sets the initialization type; Powertools reports cold starts of on-demand containers only.
    const handler = await loadHandler({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
    await handler(batchOf(SKIPPED_DETAIL_TYPE), lambdaContext());
    await handler(batchOf(SKIPPED_DETAIL_TYPE), lambdaContext());
    expect(stdout.metrics()).toMatchObject({ ColdStart: 1, EventsSkipped: 2 });
  });

  it('holds its stdout during an invocation and writes it out when the invocation ends', async () => {
    const handler = await loadHandler();
    const during: { stdout: number; stderr: number; exitListeners: number }[] = [];
    const held = () => ({
      stdout: process.stdout.writableCorked,
      stderr: process.stderr.writableCorked,
      exitListeners: process.listenerCount('exit'),
    });
    datazone.on(StartMetadataGenerationRunCommand).callsFake(() => {
      during.push(held());
      return { id: 'run-1', status: 'SUBMITTED' };
    });
    const before = held();

    await handler(batchOf(GLUE_TABLE_EVENT), lambdaContext());
    // stdout held, with a listener to write it out at exit; stderr (warnings, errors) never held.
    expect(during).toEqual([
      { ...before, stdout: before.stdout + 1, exitListeners: before.exitListeners + 1 },
    ]);
    expect(held()).toEqual(before);
  });
});
