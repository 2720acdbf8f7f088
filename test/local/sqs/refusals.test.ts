// What SQS refuses on send, refused here the same way: characters outside XML 1.0's set in the body (400
// InvalidMessageContents) or in a message attribute (400 InvalidParameterValue), empty attribute values, and a
// message larger than its queue's MaximumMessageSize, counting the body and each attribute's name, data type and
// value in UTF-8 bytes. Through the real SDK client, whose JSON serialiser sends a lone surrogate as a `\udXXX`
// escape, and as raw JSON on the wire.
import {
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSqs } from '../../../tools/local/sqs/server.js';
import type { LocalSqs } from '../../../tools/local/sqs/types.js';
import { clientFor, failure, url } from './support.js';

const ALLOWED = '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]';

/** Characters outside the allowed set, and how SQS names each one. */
const OUTSIDE: Array<[string, string, string]> = [
  ['NUL', '\u0000', '#x0'],
  ['a C0 control (backspace)', '\u0008', '#x8'],
  ['U+FFFE', '\uFFFE', '#xFFFE'],
  ['U+FFFF', '\uFFFF', '#xFFFF'],
  ['a lone high surrogate', '\uD800', '#xD800'],
  ['a lone low surrogate', '\uDFFF', '#xDFFF'],
];

/** The edges of the allowed set, and a character outside the BMP (a surrogate pair in JavaScript). */
const INSIDE = '\t\n\r \uD7FF\uE000\uFFFD\u{10000}\u{10FFFF}𝄞é';

describe('local SQS: what SendMessage refuses', () => {
  let server: LocalSqs;
  let sqs: SQSClient;
  const send = (
    QueueUrl: string,
    MessageBody: string,
    MessageAttributes?: Record<string, MessageAttributeValue>,
  ) =>
    sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody, ...(MessageAttributes ? { MessageAttributes } : {}) }),
    );
  const reason = (value: string): Record<string, MessageAttributeValue> => ({
    ErrorMessage: { DataType: 'String', StringValue: value },
  });

  beforeAll(async () => {
    server = await startLocalSqs({ queues: { dlq: {}, small: { maximumMessageSize: 1024 } } });
    sqs = clientFor(server);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.close();
  });
  afterEach(() => {
    server.purge('dlq');
    server.purge('small');
  });

  it.each(OUTSIDE)('refuses a body with %s: 400 InvalidMessageContents', async (_what, char, code) => {
    const e = await failure(() => send(url('dlq'), `{"detail":"before${char}after"}`));
    expect(e.name).toBe('InvalidMessageContents');
    expect(e.$metadata?.httpStatusCode).toBe(400);
    expect(e.message).toBe(
      `Invalid binary character '${code}' was found in the message body, the set of allowed characters is ${ALLOWED}.`,
    );
    expect(server.peek('dlq')).toEqual([]);
  });

  it.each(OUTSIDE)(
    'refuses an attribute value with %s: 400 InvalidParameterValue',
    async (_what, char, code) => {
      const e = await failure(() => send(url('dlq'), '{"detail":{}}', reason(`Bad input: ${char}.`)));
      expect(e.name).toBe('InvalidParameterValue');
      expect(e.$metadata?.httpStatusCode).toBe(400);
      expect(e.message).toBe(
        `Invalid binary character '${code}' was found in the message attribute 'ErrorMessage' value, ` +
          `the set of allowed characters is ${ALLOWED}.`,
      );
      expect(server.peek('dlq')).toEqual([]);
    },
  );

  it('accepts every character of the allowed set, in the body and in attribute values, and keeps them', async () => {
    await send(url('dlq'), INSIDE, {
      ...reason(INSIDE),
      Custom: { DataType: 'String.reason', StringValue: INSIDE },
    });
    const [message] = server.peek('dlq');
    expect(message?.body).toBe(INSIDE);
    expect(message?.messageAttributes.ErrorMessage?.StringValue).toBe(INSIDE);
    expect(message?.messageAttributes.Custom?.StringValue).toBe(INSIDE);
  });

  it('refuses those characters in a custom-typed value, an attribute name and a data type', async () => {
    const custom = await failure(() =>
      send(url('dlq'), 'x', { Trace: { DataType: 'String.trace', StringValue: 'a\u0001b' } }),
    );
    expect(custom.name).toBe('InvalidParameterValue');
    expect(custom.message).toContain(
      "Invalid binary character '#x1' was found in the message attribute 'Trace' value",
    );
    const name = await failure(() =>
      send(url('dlq'), 'x', { 'Error\u0000Name': { DataType: 'String', StringValue: 'v' } }),
    );
    expect(name.name).toBe('InvalidParameterValue');
    expect(name.message).toBe("Message attribute name 'Error\u0000Name' is invalid.");
    const dataType = await failure(() =>
      send(url('dlq'), 'x', { Trace: { DataType: 'String.\uFFFF', StringValue: 'v' } }),
    );
    expect(dataType.name).toBe('InvalidParameterValue');
    expect(dataType.message).toContain(
      "Invalid binary character '#xFFFF' was found in the message attribute 'Trace' data type",
    );
    expect(server.peek('dlq')).toEqual([]);
  });

  it('refuses an empty attribute value, as SQS words it', async () => {
    const empty = await failure(() => send(url('dlq'), 'x', reason('')));
    expect(empty.name).toBe('InvalidParameterValue');
    expect(empty.message).toBe(
      "Message (user) attribute 'ErrorMessage' must contain a non-empty value of type 'String'.",
    );
    const binary = await failure(() =>
      send(url('dlq'), 'x', { Blob: { DataType: 'Binary', BinaryValue: new Uint8Array([]) } }),
    );
    expect(binary.message).toBe(
      "Message (user) attribute 'Blob' must contain a non-empty value of type 'Binary'.",
    );
  });

  it("refuses a message over its queue's MaximumMessageSize, counting body and attributes in UTF-8 bytes", async () => {
    // 1000 bytes of body (500 characters of 'é') + 'Why' (3) + 'String' (6) + the value: 1024 bytes with 15.
    const body = 'é'.repeat(500);
    const at = await send(url('small'), body, { Why: { DataType: 'String', StringValue: 'v'.repeat(15) } });
    expect(at.MessageId).toBeDefined();
    const over = await failure(() =>
      send(url('small'), body, { Why: { DataType: 'String', StringValue: 'v'.repeat(16) } }),
    );
    expect(over.name).toBe('InvalidParameterValue');
    expect(over.$metadata?.httpStatusCode).toBe(400);
    expect(over.message).toBe(
      'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
    );
    // 513 characters, 1026 bytes.
    expect((await failure(() => send(url('small'), 'é'.repeat(513)))).name).toBe('InvalidParameterValue');
    expect(server.peek('small')).toHaveLength(1);
  });

  it('reports MaximumMessageSize: the queue’s, else 1 MiB (the SQS default)', async () => {
    const attributes = (name: string) =>
      sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url(name), AttributeNames: ['MaximumMessageSize'] }),
      );
    expect((await attributes('small')).Attributes).toEqual({ MaximumMessageSize: '1024' });
    expect((await attributes('dlq')).Attributes).toEqual({ MaximumMessageSize: '1048576' });
    expect(() => server.createQueue('tiny', { maximumMessageSize: 1023 })).toThrow(
      'createQueue(tiny): maximumMessageSize must be an integer from 1024 to 1048576, got 1023',
    );
  });

  it('refuses the same in a batch, entry by entry', async () => {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url('small'),
        Entries: [
          { Id: 'fine', MessageBody: 'ok', MessageAttributes: reason('tab\tis fine') },
          { Id: 'body', MessageBody: 'bad\uFFFF' },
          { Id: 'value', MessageBody: 'ok', MessageAttributes: reason('lone \uDC00') },
          { Id: 'empty', MessageBody: 'ok', MessageAttributes: reason('') },
          { Id: 'large', MessageBody: 'x'.repeat(1025) },
        ],
      }),
    );
    expect(out.Successful?.map((e) => e.Id)).toEqual(['fine']);
    expect(out.Failed?.map((e) => [e.Id, e.Code, e.SenderFault])).toEqual([
      ['body', 'InvalidMessageContents', true],
      ['value', 'InvalidParameterValue', true],
      ['empty', 'InvalidParameterValue', true],
      ['large', 'InvalidParameterValue', true],
    ]);
  });

  it('limits a batch to 1 MiB in all, attributes included, whatever the queue’s MaximumMessageSize', async () => {
    // Each entry fits the small queue; together they are over its MaximumMessageSize but far under 1 MiB.
    const small = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url('small'),
        Entries: [
          { Id: 'a', MessageBody: 'a'.repeat(1000) },
          { Id: 'b', MessageBody: 'b'.repeat(1000) },
        ],
      }),
    );
    expect(small.Successful?.map((e) => e.Id)).toEqual(['a', 'b']);
    // Bodies of 1,000,000 bytes in all, and 200,030 more in attributes.
    const entry = (Id: string) => ({
      Id,
      MessageBody: Id.repeat(500_000),
      MessageAttributes: { Pad: { DataType: 'String', StringValue: 'p'.repeat(100_006) } },
    });
    const tooLong = await failure(() =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url('dlq'), Entries: [entry('a'), entry('b')] })),
    );
    expect(tooLong.name).toBe('BatchRequestTooLong');
    expect(tooLong.message).toBe(
      'Batch requests cannot be longer than 1048576 bytes. You have sent 1200030 bytes.',
    );
    expect(server.peek('dlq')).toEqual([]);
  });
});

describe('local SQS: what SendMessage refuses, on the wire', () => {
  let server: LocalSqs;
  const post = (body: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body,
    });

  beforeAll(async () => {
    server = await startLocalSqs({ queues: { dlq: {} } });
  });
  afterAll(() => server.close());

  it('refuses a NUL escaped in the JSON body with InvalidMessageContents', async () => {
    const res = await post(`{"QueueUrl":"${url('dlq')}","MessageBody":"a\\u0000b"}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidMessageContents;Sender');
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.sqs#InvalidMessageContents',
      message: `Invalid binary character '#x0' was found in the message body, the set of allowed characters is ${ALLOWED}.`,
    });
  });

  it('refuses a lone surrogate escaped in an attribute value with InvalidParameterValue', async () => {
    const res = await post(
      `{"QueueUrl":"${url('dlq')}","MessageBody":"ok",` +
        '"MessageAttributes":{"ErrorMessage":{"DataType":"String","StringValue":"half \\ud83d of an emoji"}}}',
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.sqs#InvalidParameterValue',
      message:
        "Invalid binary character '#xD83D' was found in the message attribute 'ErrorMessage' value, " +
        `the set of allowed characters is ${ALLOWED}.`,
    });
    expect(server.peek('dlq')).toEqual([]);
  });

  it('accepts a surrogate pair escaped in JSON: one character outside the BMP', async () => {
    const res = await post(`{"QueueUrl":"${url('dlq')}","MessageBody":"clef \\ud834\\udd1e"}`);
    expect(res.status).toBe(200);
    expect(server.peek('dlq').map((m) => m.body)).toEqual(['clef 𝄞']);
  });
});
