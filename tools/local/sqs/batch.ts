// The batch operations' common shape: request-level checks, then each entry on its own.
import { isRecord } from '../http-util.js';
import { SqsError } from './errors.js';

const BATCH_ID = /^[a-zA-Z0-9_-]{1,80}$/;

/** Runs a batch: request-level checks, then each entry on its own (failures become Failed entries). */
export function runBatch(
  entries: unknown,
  kind: string,
  each: (entry: Record<string, unknown>) => Record<string, unknown>,
): { Successful: Record<string, unknown>[]; Failed: Record<string, unknown>[] } {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsError('EmptyBatchRequest', `There should be at least one ${kind} in the request.`);
  }
  if (entries.length > 10) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  for (const e of entries) {
    const id = isRecord(e) ? e.Id : undefined;
    if (typeof id !== 'string' || !BATCH_ID.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. ' +
          'It can be at most 80 letters long.',
      );
    }
    if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
  }
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  for (const e of entries as Record<string, unknown>[]) {
    try {
      Successful.push({ Id: e.Id, ...each(e) });
    } catch (caught) {
      if (!(caught instanceof SqsError)) throw caught;
      Failed.push({
        Id: e.Id,
        SenderFault: caught.spec.fault === 'Sender',
        Code: caught.spec.queryCode,
        Message: caught.message,
      });
    }
  }
  return { Successful, Failed };
}
