/**
 * DataZone's outcome events of metadata generation runs. Their `detail` is not documented, so only what is needed
 * to ask the service is read from it, defensively: the domain and the run id. Everything else (status, target,
 * types, per-type results, creation time) comes from GetMetadataGenerationRun.
 */
import type { EventEnvelope, Parsed } from './asset-event.js';
import { DOMAIN_ID_PATTERN } from './asset-event.js';

/** What each outcome detail-type says of the run; the run's own status is still asked for. */
export const RUN_OUTCOME_DETAIL_TYPES = {
  'Metadata Generation Succeeded': 'SUCCEEDED',
  'Metadata Generation Failed': 'FAILED',
  'Metadata Generation Canceled': 'CANCELED',
} as const;

/** Data-source business-name generation: no run of ours, recorded as it comes. */
export const NAME_GENERATION_DETAIL_TYPES = {
  'Business Name Generation Succeeded': 'SUCCEEDED',
  'Business Name Generation Failed': 'FAILED',
} as const;

export interface RunOutcomeEvent {
  readonly eventId: string | undefined;
  readonly detailType: keyof typeof RUN_OUTCOME_DETAIL_TYPES;
  readonly domainId: string;
  readonly runId: string;
  /** The event's `time` (epoch ms), when it has a valid one: the end of the run. */
  readonly time: number | undefined;
}

/** Run ids look like other DataZone ids. */
const RUN_ID_PATTERN = /^[a-zA-Z0-9_-]{1,36}$/;

export function isRunOutcome(detailType: string): detailType is keyof typeof RUN_OUTCOME_DETAIL_TYPES {
  return Object.hasOwn(RUN_OUTCOME_DETAIL_TYPES, detailType);
}

export function isNameGenerationOutcome(
  detailType: string,
): detailType is keyof typeof NAME_GENERATION_DETAIL_TYPES {
  return Object.hasOwn(NAME_GENERATION_DETAIL_TYPES, detailType);
}

/**
 * The run an outcome event is about. The domain is `detail.metadata.domain` (as in every DataZone event); the run
 * id is looked for where a run's id plausibly is: `detail.data.metadataGenerationRunId`, `detail.data.runId`,
 * `detail.data.id`, then `detail.metadata.id` (the event's entity).
 */
export function parseRunOutcomeEvent(envelope: EventEnvelope): Parsed<RunOutcomeEvent> {
  const { detailType } = envelope;
  if (!isRunOutcome(detailType))
    return { ok: false, reason: `detail-type "${detailType}" is not a run outcome` };
  const metadata = member(envelope.detail, 'metadata');
  const data = member(envelope.detail, 'data');
  const domainId = member(metadata, 'domain');
  if (typeof domainId !== 'string' || !DOMAIN_ID_PATTERN.test(domainId)) {
    return { ok: false, reason: 'detail.metadata.domain: expected a DataZone domain id' };
  }
  const candidates = [
    member(data, 'metadataGenerationRunId'),
    member(data, 'runId'),
    member(data, 'id'),
    member(metadata, 'id'),
  ];
  const runId = candidates.find(
    (candidate): candidate is string => typeof candidate === 'string' && RUN_ID_PATTERN.test(candidate),
  );
  if (runId === undefined) {
    return {
      ok: false,
      reason:
        'no run id: none of detail.data.metadataGenerationRunId, detail.data.runId, detail.data.id, ' +
        'detail.metadata.id is a run id',
    };
  }
  const time = envelope.time === undefined ? Number.NaN : Date.parse(envelope.time);
  return {
    ok: true,
    value: { eventId: envelope.id, detailType, domainId, runId, time: Number.isNaN(time) ? undefined : time },
  };
}

/**
 * `value[key]` of a JSON value, undefined when it has none. No JSON value but an object has any of the keys read
 * here (a string, a number, an array or null has none), so an optional read needs no check of the type first.
 */
function member(value: unknown, key: string): unknown {
  return (value as Readonly<Record<string, unknown>> | null | undefined)?.[key];
}
