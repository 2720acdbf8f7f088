/**
 * Select: is this event ours, and what is it? Not ours (another source, detail-type or domain) is skipped, not
 * rejected; an asset event of ours but malformed is invalid, with the exact field at fault; a run's outcome event
 * that cannot be read is unreadable (recorded, not retried: its format is not documented).
 */
import {
  type AssetEvent,
  DATAZONE_SOURCE,
  declaredDomain,
  type EventEnvelope,
  parseAssetEvent,
} from '../core/asset-event.js';
import {
  isNameGenerationOutcome,
  isRunOutcome,
  NAME_GENERATION_DETAIL_TYPES,
  parseRunOutcomeEvent,
  type RunOutcomeEvent,
} from '../core/outcome-event.js';
import { truncateCodePoints } from '../core/text.js';

export interface SelectionSettings {
  readonly handledDetailTypes: ReadonlySet<string>;
  /** Empty: events of every domain are handled. */
  readonly domainIds: ReadonlySet<string>;
}

export type Selection =
  | { readonly kind: 'asset-event'; readonly event: AssetEvent }
  | { readonly kind: 'run-outcome'; readonly event: RunOutcomeEvent }
  | { readonly kind: 'name-generation'; readonly status: string; readonly domainId: string | undefined }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'outcome-unreadable'; readonly reason: string };

export function select(envelope: EventEnvelope, settings: SelectionSettings): Selection {
  if (envelope.source !== DATAZONE_SOURCE) {
    return { kind: 'skipped', reason: `source "${envelope.source}" is not ${DATAZONE_SOURCE}` };
  }
  const outcome = isRunOutcome(envelope.detailType) || isNameGenerationOutcome(envelope.detailType);
  if (!outcome && !settings.handledDetailTypes.has(envelope.detailType)) {
    return { kind: 'skipped', reason: `detail-type "${envelope.detailType}" is not handled` };
  }
  // Events of other domains are skipped before their detail is judged: they are not ours to dead-letter.
  const domain = declaredDomain(envelope);
  const outside = outsideDomains(domain, settings.domainIds);
  if (outside !== undefined) return { kind: 'skipped', reason: outside };
  if (isNameGenerationOutcome(envelope.detailType)) {
    return {
      kind: 'name-generation',
      status: NAME_GENERATION_DETAIL_TYPES[envelope.detailType],
      domainId: domain,
    };
  }
  if (isRunOutcome(envelope.detailType)) {
    const parsed = parseRunOutcomeEvent(envelope);
    return parsed.ok
      ? { kind: 'run-outcome', event: parsed.value }
      : { kind: 'outcome-unreadable', reason: `${envelope.detailType}: ${parsed.reason}` };
  }
  const parsed = parseAssetEvent(envelope);
  if (!parsed.ok) return { kind: 'invalid', reason: `not a valid DataZone asset event: ${parsed.reason}` };
  return { kind: 'asset-event', event: parsed.value };
}

/** Why an event is not of DOMAIN_IDS, or undefined when it is (an empty DOMAIN_IDS takes every domain). */
function outsideDomains(domain: string | undefined, domainIds: ReadonlySet<string>): string | undefined {
  if (domainIds.size === 0) return undefined;
  if (domain === undefined) return 'no domain id string is not in DOMAIN_IDS';
  if (domainIds.has(domain)) return undefined;
  return `domain ${truncateCodePoints(domain, 64)} is not in DOMAIN_IDS`;
}
