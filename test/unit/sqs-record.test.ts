/** Lambda's SQS records read one field at a time: a missing or odd field is that record's fact, never a throw. */
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { bodyOf, readableRecords, receiveCountOf, recordAsBody } from '../../src/intake/sqs-record.js';
import { GLUE_TABLE_EVENT } from '../support/fixtures.js';

/** A record as Lambda could hand it over when a field is missing or of another type than its declaration. */
function recordWith(fields: Record<string, unknown>): SQSRecord {
  return { ...GLUE_TABLE_EVENT, ...fields } as unknown as SQSRecord;
}

function withReceiveCount(raw: unknown): SQSRecord {
  return recordWith({ attributes: { ...GLUE_TABLE_EVENT.attributes, ApproximateReceiveCount: raw } });
}

describe('receiveCountOf', () => {
  it('reads ApproximateReceiveCount, a string of digits in SQS events, as a number', () => {
    expect(receiveCountOf(withReceiveCount('1'))).toBe(1);
    expect(receiveCountOf(withReceiveCount('7'))).toBe(7);
  });

  it.each([
    ['zero', '0'],
    ['a negative count', '-2'],
    ['a fraction', '2.5'],
    ['text', 'many'],
    ['an absent count', undefined],
  ])('gives no count for %s', (_label, raw) => {
    expect(receiveCountOf(withReceiveCount(raw))).toBeUndefined();
  });

  it('gives no count, without throwing, when the attributes are missing, null or not an object', () => {
    const { attributes: _attributes, ...bare } = GLUE_TABLE_EVENT;
    expect(receiveCountOf(bare as SQSRecord)).toBeUndefined();
    expect(receiveCountOf(recordWith({ attributes: null }))).toBeUndefined();
    expect(receiveCountOf(recordWith({ attributes: '3' }))).toBeUndefined();
  });
});

describe('bodyOf', () => {
  it('gives a string body as it is, the empty one included', () => {
    expect(bodyOf(GLUE_TABLE_EVENT)).toEqual({ ok: true, value: GLUE_TABLE_EVENT.body });
    expect(bodyOf(recordWith({ body: '' }))).toEqual({ ok: true, value: '' });
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [42, 'number'],
    [{ json: true }, 'object'],
  ])('refuses a body of %j, naming what it got', (body, got) => {
    expect(bodyOf(recordWith({ body }))).toEqual({
      ok: false,
      reason: `the SQS record has no string body (got ${got})`,
    });
  });
});

describe('recordAsBody', () => {
  it('is the record as JSON without its receipt handle', () => {
    const { body: _body, ...bodiless } = GLUE_TABLE_EVENT;
    const { receiptHandle: _handle, ...expected } = bodiless;
    expect(JSON.parse(recordAsBody(bodiless as SQSRecord))).toEqual(expected);
    expect(recordAsBody(bodiless as SQSRecord)).not.toContain(GLUE_TABLE_EVENT.receiptHandle);
  });

  it('escapes characters SQS refuses, so that the DLQ takes it and it parses back the same', () => {
    const record = recordWith({ body: 42, messageId: 'id\u0000\uFFFF' });
    const sent = recordAsBody(record);
    expect(sent).toContain('\\u0000');
    expect(sent).toContain('\\uFFFF');
    expect(sent).not.toContain('\uFFFF');
    expect(JSON.parse(sent)).toMatchObject({ body: 42, messageId: 'id\u0000\uFFFF' });
  });
});

describe('readableRecords', () => {
  it('keeps the objects in order and reports every other entry by its index and type', () => {
    const unreadable: [number, string][] = [];
    const other = { ...GLUE_TABLE_EVENT, messageId: 'other' };
    const records = readableRecords([null, GLUE_TABLE_EVENT, 'text', 7, other, undefined], (index, got) =>
      unreadable.push([index, got]),
    );
    expect(records).toEqual([GLUE_TABLE_EVENT, other]);
    expect(unreadable).toEqual([
      [0, 'null'],
      [2, 'string'],
      [3, 'number'],
      [5, 'undefined'],
    ]);
  });

  it('reports nothing when every entry is a record', () => {
    const unreadable: unknown[] = [];
    expect(readableRecords([GLUE_TABLE_EVENT], (...args) => unreadable.push(args))).toEqual([
      GLUE_TABLE_EVENT,
    ]);
    expect(unreadable).toEqual([]);
  });
});
