/**
 * Select: is this event ours, and is it a valid asset event? Not ours (another source, detail-type or domain) is
 * skipped, not rejected; ours but malformed is invalid, with the exact field at fault.
 */
import {
  type AssetEvent,
  DATAZONE_SOURCE,
  declaredDomain,
  type EventEnvelope,
  parseAssetEvent,
} from '../core/asset-event.js';
import { truncateCodePoints } from '../core/text.js';

export interface SelectionSettings {
  readonly handledDetailTypes: ReadonlySet<string>;
  /** Empty: events of every domain are handled. */
  readonly domainIds: ReadonlySet<string>;
}

export type Selection =
  | { readonly kind: 'selected'; readonly event: AssetEvent }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function select(envelope: EventEnvelope, settings: SelectionSettings): Selection {
  if (envelope.source !== DATAZONE_SOURCE) {
    return { kind: 'skipped', reason: `source "${envelope.source}" is not ${DATAZONE_SOURCE}` };
  }
  if (!settings.handledDetailTypes.has(envelope.detailType)) {
    return { kind: 'skipped', reason: `detail-type "${envelope.detailType}" is not handled` };
  }
  // Events of other domains are skipped before their detail is judged: they are not ours to dead-letter.
  if (settings.domainIds.size > 0) {
    const domain = declaredDomain(envelope);
    if (domain === undefined || !settings.domainIds.has(domain)) {
      const named = domain === undefined ? 'no domain id string' : `domain ${truncateCodePoints(domain, 64)}`;
      return { kind: 'skipped', reason: `${named} is not in DOMAIN_IDS` };
    }
  }
  const parsed = parseAssetEvent(envelope);
  if (!parsed.ok) return { kind: 'invalid', reason: `not a valid DataZone asset event: ${parsed.reason}` };
  return { kind: 'selected', event: parsed.value };
}
