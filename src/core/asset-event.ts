/**
 * Parsing of EventBridge envelopes and DataZone asset events.
 *
 * Two stages, because only handled events have to carry an asset detail: the envelope decides whether an event is
 * ours at all (an unknown detail-type is skipped, not rejected), then the detail of a handled event is validated.
 * Fields the documentation confirms (`metadata.domain`, `metadata.owningProjectId`, `data.assetId`) are validated
 * strictly; fields it does not confirm (where the revision and the asset type live) are read defensively: a value
 * that is absent or malformed is left undefined and resolved with GetAsset instead of failing the event.
 */
import * as z from 'zod/mini';

export const DATAZONE_SOURCE = 'aws.datazone';
export const DOMAIN_ID_PATTERN = /^dzd[-_][a-zA-Z0-9_-]{1,36}$/;
export const PROJECT_ID_PATTERN = /^[a-zA-Z0-9_-]{1,36}$/;
export const ASSET_ID_PATTERN = /^[a-zA-Z0-9_-]{1,36}$/;
const MAX_REVISION_LENGTH = 64;

/** The parts of an EventBridge event that decide whether it is handled. */
export interface EventEnvelope {
  readonly id: string | undefined;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** What the worker knows about an asset from its event; undefined fields are resolved with GetAsset. */
export interface AssetEvent {
  readonly eventId: string | undefined;
  readonly detailType: string;
  readonly domainId: string;
  readonly assetId: string;
  readonly owningProjectId: string | undefined;
  readonly revision: string | undefined;
  readonly assetType: string | undefined;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

const envelopeSchema = z.object({
  id: z.optional(z.string({ error: 'expected a string' })),
  source: z.string({ error: 'expected a string (the event source, such as "aws.datazone")' }),
  'detail-type': z.string({ error: 'expected a string (the EventBridge detail-type)' }),
  detail: z.optional(z.unknown()),
});

const assetDetailSchema = z.object({
  metadata: z.looseObject(
    {
      domain: z
        .string({ error: 'expected a DataZone domain id string' })
        .check(
          z.regex(DOMAIN_ID_PATTERN, `expected a DataZone domain id matching ${DOMAIN_ID_PATTERN.source}`),
        ),
      owningProjectId: z.optional(
        z
          .string({ error: 'expected a DataZone project id string' })
          .check(z.regex(PROJECT_ID_PATTERN, `expected a project id matching ${PROJECT_ID_PATTERN.source}`)),
      ),
      id: z.optional(z.unknown()),
      version: z.optional(z.unknown()),
      typeName: z.optional(z.unknown()),
    },
    { error: 'expected an object with the DataZone event metadata' },
  ),
  data: z.optional(z.looseObject({}, { error: 'expected an object' })),
});

function describeIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Body of an SQS record (or any JSON text) → EventBridge envelope. */
export function parseEnvelopeJson(body: string): Parsed<EventEnvelope> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}` };
  }
  return parseEnvelope(json);
}

export function parseEnvelope(input: unknown): Parsed<EventEnvelope> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: `expected an EventBridge event (a JSON object), got ${describeType(input)}` };
  }
  const result = envelopeSchema.safeParse(input);
  if (!result.success) return { ok: false, reason: describeIssues('', result.error.issues) };
  const { id, source, 'detail-type': detailType, detail } = result.data;
  return { ok: true, value: { id, source, detailType, detail } };
}

/** Detail of a handled envelope → asset event, or the precise reason it is not one. */
export function parseAssetEvent(envelope: EventEnvelope): Parsed<AssetEvent> {
  const result = assetDetailSchema.safeParse(envelope.detail);
  if (!result.success) return { ok: false, reason: describeIssues('detail', result.error.issues) };
  const { metadata, data } = result.data;

  // data.assetId is the documented field; metadata.id is the entity id of the event, the asset for asset events.
  const assetId = firstString(data?.assetId, metadata.id);
  if (assetId === undefined) {
    return {
      ok: false,
      reason: 'detail.data.assetId: expected the asset id (nor is detail.metadata.id a string)',
    };
  }
  if (!ASSET_ID_PATTERN.test(assetId)) {
    return {
      ok: false,
      reason: `detail.data.assetId: expected an asset id matching ${ASSET_ID_PATTERN.source}`,
    };
  }
  // metadata.version is the version of the event's entity: only the asset's revision if that entity is the asset.
  const entityVersion = metadata.id === assetId ? metadata.version : undefined;
  const revision = firstRevision(data?.revision, data?.assetRevision, entityVersion);
  const assetType = firstString(
    data?.assetType,
    data?.typeIdentifier,
    data?.assetTypeIdentifier,
    metadata.typeName,
  );

  return {
    ok: true,
    value: {
      eventId: envelope.id,
      detailType: envelope.detailType,
      domainId: metadata.domain,
      assetId,
      owningProjectId: metadata.owningProjectId,
      revision,
      assetType,
    },
  };
}

function firstString(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
  }
  return undefined;
}

/** Revisions appear as strings ("3"); a number is accepted as its decimal text. Anything else is ignored. */
function firstRevision(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    const text =
      typeof candidate === 'number' && Number.isSafeInteger(candidate) && candidate >= 0
        ? String(candidate)
        : candidate;
    if (
      typeof text === 'string' &&
      text.length >= 1 &&
      text.length <= MAX_REVISION_LENGTH &&
      text.trim() === text
    ) {
      return text;
    }
  }
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
