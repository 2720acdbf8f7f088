// Message attributes as SQS treats them: validation on send, their share of the message size, their MD5, and
// their wire form (BinaryValue travels base64 encoded).
import { createHash } from 'node:crypto';
import { isRecord } from '../http-util.js';
import { ALLOWED_CHARACTERS, invalidCharacter } from './characters.js';
import { SqsError } from './errors.js';
import type { StoredAttribute } from './types.js';

const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.)(?!.*\.\.)(?!\.)[a-zA-Z0-9_.-]{1,256}(?<!\.)$/i;

export const md5 = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');

/**
 * MD5 of message attributes as SQS computes it: attributes sorted by name; for each, length-prefixed (4-byte
 * big-endian) name, length-prefixed data type, a transport byte (1 string, 2 binary), length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Record<string, StoredAttribute>): string {
  const hash = createHash('md5');
  const put = (bytes: Uint8Array) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len).update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    if (!a) continue;
    put(Buffer.from(name, 'utf8'));
    put(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      put(a.BinaryValue);
    } else {
      hash.update(Buffer.from([1]));
      put(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/** What attributes add to a message's size: each one's name, data type and value, in bytes. */
export function attributeSize(attributes: Record<string, StoredAttribute>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

/** InvalidParameterValue naming the first character of an attribute's `part` outside the allowed set. */
function checkCharacters(name: string, part: 'value' | 'data type', text: string): void {
  const bad = invalidCharacter(text);
  if (bad === undefined) return;
  throw new SqsError(
    'InvalidParameterValue',
    `Invalid binary character '${bad}' was found in the message attribute '${name}' ${part}, ` +
      `the set of allowed characters is ${ALLOWED_CHARACTERS}.`,
  );
}

/**
 * One attribute, checked as SQS checks it. String values have the body's restrictions on characters (SQS
 * answers InvalidParameterValue for them); the wording for a data type with such characters is this server's.
 */
function parseAttribute(name: string, v: unknown): StoredAttribute {
  if (!ATTRIBUTE_NAME.test(name)) {
    throw new SqsError('InvalidParameterValue', `Message attribute name '${name}' is invalid.`);
  }
  if (!isRecord(v) || typeof v.DataType !== 'string' || v.DataType.length === 0) {
    throw new SqsError(
      'InvalidParameterValue',
      `The message attribute '${name}' must contain non-empty message attribute type.`,
    );
  }
  const dataType = v.DataType;
  const base = dataType.split('.')[0];
  if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
    throw new SqsError(
      'InvalidParameterValue',
      `The type of message attribute '${name}' is invalid. You must use only the following supported type ` +
        'prefixes: Binary, Number, String.',
    );
  }
  checkCharacters(name, 'data type', dataType);
  const value = base === 'Binary' ? v.BinaryValue : v.StringValue;
  if (typeof value !== 'string' || value.length === 0) {
    throw new SqsError(
      'InvalidParameterValue',
      `Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`,
    );
  }
  if (base === 'Binary')
    return { DataType: dataType, BinaryValue: new Uint8Array(Buffer.from(value, 'base64')) };
  checkCharacters(name, 'value', value);
  if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value)) {
    throw new SqsError('InvalidParameterValue', `Can't cast message attribute '${name}' value to a number.`);
  }
  return { DataType: dataType, StringValue: value };
}

/** Parses MessageAttributes from a request (BinaryValue arrives base64 encoded). */
export function parseMessageAttributes(raw: unknown): Record<string, StoredAttribute> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new SqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  const names = Object.keys(raw);
  if (names.length > 10) {
    throw new SqsError(
      'InvalidParameterValue',
      `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, parseAttribute(name, raw[name])]));
}

export const attributeToWire = (a: StoredAttribute) =>
  a.BinaryValue !== undefined
    ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue).toString('base64') }
    : { DataType: a.DataType, StringValue: a.StringValue };
