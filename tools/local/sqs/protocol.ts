// The JSON protocol side of the local SQS: reading parameters as SQS reads them, and writing a response.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SqsError } from './errors.js';
import type { SqsRecordedRequest } from './types.js';

/** ChangeMessageVisibility's ceiling, and a message's total visibility from its receipt: 12 hours. */
export const MAX_VISIBILITY = 43_200;

const integer = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
};

/** An optional integer parameter in [min, max], or InvalidParameterValue with SQS's phrasing. */
export function intParam(
  name: string,
  v: unknown,
  min: number,
  max: number,
  reason?: string,
): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = integer(v);
  if (n === undefined || n < min || n > max) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${String(v)} for parameter ${name} is invalid. Reason: ${reason ?? `Must be between ${min} and ${max}.`}`,
    );
  }
  return n;
}

export function requireString(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
  }
  return v;
}

export const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];

/** Writes a response and completes its record; an error goes as `__type` + `message` and x-amzn-query-error. */
export function respond(
  res: ServerResponse,
  rec: SqsRecordedRequest,
  now: number,
  status: number,
  payload: unknown,
  error?: SqsError,
): void {
  rec.status = status;
  rec.respondedAt = now;
  if (error) {
    rec.errorCode = error.spec.queryCode;
    rec.errorMessage = error.message;
  }
  if (res.destroyed) return;
  const body = JSON.stringify(payload);
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  };
  if (error) headers['x-amzn-query-error'] = `${error.spec.queryCode};${error.spec.fault}`;
  res.writeHead(status, headers).end(body);
}

export const respondError = (
  res: ServerResponse,
  rec: SqsRecordedRequest,
  now: number,
  error: SqsError,
): void =>
  respond(
    res,
    rec,
    now,
    error.spec.status,
    { __type: `com.amazonaws.sqs#${error.spec.shape}`, message: error.message },
    error,
  );
