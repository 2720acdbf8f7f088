/**
 * Lambda's SQS records, read defensively: a record missing a field is that record's outcome, never the batch's.
 */
import type { SQSRecord } from 'aws-lambda';
import type { Parsed } from '../core/asset-event.js';
import { toXmlSafeJson } from '../core/text.js';

/** SQS ApproximateReceiveCount, or undefined when the record does not carry a usable one. */
export function receiveCountOf(record: SQSRecord): number | undefined {
  const attributes: unknown = record.attributes;
  const raw =
    typeof attributes === 'object' && attributes !== null
      ? Reflect.get(attributes, 'ApproximateReceiveCount')
      : undefined;
  const count = Number(raw);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

export function bodyOf(record: SQSRecord): Parsed<string> {
  const body: unknown = record.body;
  return typeof body === 'string'
    ? { ok: true, value: body }
    : {
        ok: false,
        reason: `the SQS record has no string body (got ${body === null ? 'null' : typeof body})`,
      };
}

/** A record without a body is dead-lettered as the record itself, receipt handle aside: nothing else is left. */
export function recordAsBody(record: SQSRecord): string {
  const { receiptHandle: _receiptHandle, ...rest } = record;
  return toXmlSafeJson(JSON.stringify(rest));
}

/** Entries that are records at all; the others are handed to `unreadable` (they have no id to report them by). */
export function readableRecords(
  records: readonly unknown[],
  unreadable: (index: number, got: string) => void,
): SQSRecord[] {
  return records.filter((record, index): record is SQSRecord => {
    const readable = typeof record === 'object' && record !== null;
    if (!readable) unreadable(index, record === null ? 'null' : typeof record);
    return readable;
  });
}
