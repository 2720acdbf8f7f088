/** The fields of a record's log line, capped: values from events and services never make a line grow with them. */
import type { RecordOutcome } from '../core/outcome.js';
import { truncateCodePoints } from '../core/text.js';

/** Free text may say more than identifiers; neither may make a log line grow with its input. */
const MAX_TEXT_CODE_POINTS = 1024;
const MAX_VALUE_CODE_POINTS = 256;
const FREE_TEXT_KEYS = new Set(['reason', 'errorMessage', 'why']);

/**
 * Event fields and error messages are user-controlled: a 200 KB detail-type would otherwise make a 400 KB line.
 * Logs keep the start of each value; the DLQ keeps the original body. Arrays and objects are capped inside.
 */
// Stryker disable next-line StringLiteral: any key outside FREE_TEXT_KEYS caps alike; '' only names none
export function capped<T>(value: T, key = ''): T {
  if (typeof value === 'string') {
    const limit = FREE_TEXT_KEYS.has(key) ? MAX_TEXT_CODE_POINTS : MAX_VALUE_CODE_POINTS;
    return truncateCodePoints(value, limit) as T;
  }
  if (Array.isArray(value)) return value.map((item) => capped(item, key)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, capped(item, name)])) as T;
  }
  return value;
}

/** What each outcome adds to its line beyond the record's context and target. */
export function describe(outcome: RecordOutcome): Record<string, unknown> {
  switch (outcome.kind) {
    case 'started':
      return {
        runId: outcome.runId,
        runStatus: outcome.runStatus,
        ...(outcome.groups === undefined ? {} : { groups: outcome.groups }),
      };
    case 'skipped':
    case 'outcome-unreadable':
      return { reason: outcome.reason };
    case 'retry':
      return {
        retryCause: outcome.cause,
        errorName: outcome.error.name,
        errorMessage: outcome.error.message,
        ...(outcome.error.operation === undefined ? {} : { operation: outcome.error.operation }),
      };
    case 'already-exists':
      return { runId: outcome.runId, errorName: outcome.error.name, errorMessage: outcome.error.message };
    case 'dead-letter':
      return {
        errorName: outcome.error.name,
        errorMessage: outcome.error.message,
        ...(outcome.error.operation === undefined ? {} : { operation: outcome.error.operation }),
        ...(outcome.run === undefined ? {} : runFields(outcome.run)),
      };
    case 'run-ended':
      return {
        ...runFields(outcome.run),
        ...('why' in outcome.next ? { why: outcome.next.why } : { nextRun: outcome.next }),
      };
    case 'name-generation-ended':
      return { runStatus: outcome.status, domainId: outcome.domainId };
  }
}

function runFields(run: Extract<RecordOutcome, { kind: 'run-ended' }>['run']): Record<string, unknown> {
  return {
    runId: run.runId,
    runStatus: run.status,
    generationTypes: run.types,
    typeStats: run.typeStats,
    durationSeconds: run.durationSeconds,
  };
}
