// The restJson1 side of the local DataZone: the service model's constraints, validation messages phrased as the
// service phrases them, errors, and how a response goes on the wire.
import type { ServerResponse } from 'node:http';
import CONSTRAINTS from '../../../src/core/datazone-constraints.json' with { type: 'json' };
import { validationMessage } from '../http-util.js';
import { DATAZONE_ERROR_STATUS, type DataZoneErrorName, type RecordedRequest } from './types.js';

// The identifier patterns of the DataZone model, from the one file that records them for the worker and the stack.
export const DOMAIN_ID = new RegExp(CONSTRAINTS.domainIdPattern);
export const PROJECT_ID = new RegExp(CONSTRAINTS.projectIdPattern);
export const ASSET_ID = new RegExp(CONSTRAINTS.assetIdPattern);
export const RUN_ID = /^[a-zA-Z0-9_-]{1,36}$/;
export const CLIENT_TOKEN = /^[\x21-\x7E]+$/;

export class ApiError extends Error {
  constructor(
    readonly errorName: DataZoneErrorName | 'UnknownOperationException',
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return this.errorName === 'UnknownOperationException' ? 404 : DATAZONE_ERROR_STATUS[this.errorName];
  }
}

export const quote = (v: unknown): string => (v === undefined || v === null ? 'null' : `'${String(v)}'`);
const patternProblem = (field: string, v: unknown, re: RegExp): string =>
  `Value ${quote(v)} at '${field}' failed to satisfy constraint: ` +
  `Member must satisfy regular expression pattern: ${re.source}`;
const lengthProblem = (field: string, v: unknown, min: number, max: number): string =>
  `Value ${quote(v)} at '${field}' failed to satisfy constraint: Member must have length between ${min} and ${max}`;
export const nullProblem = (field: string): string =>
  `Value null at '${field}' failed to satisfy constraint: Member must not be null`;
export const enumProblem = (field: string, v: unknown, values: readonly string[]): string =>
  `Value ${quote(v)} at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`;
export const typeProblem = (field: string, v: unknown, expected: string): string =>
  `Value ${quote(typeof v === 'object' ? JSON.stringify(v) : v)} at '${field}' failed to satisfy constraint: ` +
  `Member must be ${expected}`;

/** Checks an optional or required string member; records each problem and says whether it is a valid string. */
export function checkString(
  problems: string[],
  field: string,
  v: unknown,
  rule: { required?: boolean; pattern?: RegExp; min?: number; max?: number },
): v is string {
  if (v === undefined || v === null) {
    if (rule.required) problems.push(nullProblem(field));
    return false;
  }
  if (typeof v !== 'string') {
    problems.push(typeProblem(field, v, 'a string'));
    return false;
  }
  const before = problems.length;
  if (rule.min !== undefined && rule.max !== undefined && (v.length < rule.min || v.length > rule.max)) {
    problems.push(lengthProblem(field, v, rule.min, rule.max));
  }
  if (rule.pattern && !rule.pattern.test(v)) problems.push(patternProblem(field, v, rule.pattern));
  return problems.length === before;
}

/** Every problem of a request goes back at once, as one ValidationException. */
export function throwIfProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new ApiError('ValidationException', validationMessage(problems));
}

/** Writes a response and completes its record; an error goes as `x-amzn-ErrorType` + `{"message"}`. */
export function sendResponse(
  res: ServerResponse,
  rec: RecordedRequest,
  now: number,
  status: number,
  payload: unknown,
  error?: ApiError,
): void {
  rec.status = status;
  rec.respondedAt = now;
  if (error) {
    rec.errorName = error.errorName;
    rec.errorMessage = error.message;
  }
  if (res.destroyed) return;
  const body = JSON.stringify(payload);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': `local-${rec.seq}`,
  };
  if (error) headers['x-amzn-errortype'] = error.errorName;
  res.writeHead(status, headers).end(body);
}

export const sendError = (res: ServerResponse, rec: RecordedRequest, now: number, error: ApiError): void =>
  sendResponse(res, rec, now, error.status, { message: error.message }, error);
