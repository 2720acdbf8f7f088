// The events a local run sends to the source queue: the samples in events/, files named on the command line, or
// events generated from the local DataZone catalog (for load and fault scenarios).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../datazone/catalog.js';
import { isRecord, seededRandom } from '../http-util.js';

/** One message body to send, with where it came from. */
export interface InputEvent {
  /** Where it came from, e.g. `eventbridge/unknown-asset.json` or `sqs/batch.json#3`. */
  readonly label: string;
  /** The SQS message body, sent unchanged (EventBridge events are sent as compact JSON, as EventBridge does). */
  readonly body: string;
  /** For generated events: the asset revision it is about. */
  readonly asset?: { readonly domainId: string; readonly assetId: string; readonly revision: string };
}

export const EVENTS_DIR = fileURLToPath(new URL('../../../events/', import.meta.url));

/** Every `events/eventbridge/*.json`, then the bodies of every `events/sqs/*.json` record, in name order. */
export function loadSampleEvents(eventsDir: string = EVENTS_DIR): InputEvent[] {
  return [join(eventsDir, 'eventbridge'), join(eventsDir, 'sqs')].flatMap((dir) =>
    jsonFilesIn(dir).flatMap((file) => eventsFromFile(file, relative(eventsDir, file))),
  );
}

/** Files or directories (their `*.json`, in name order) given on the command line. */
export function loadEventFiles(paths: readonly string[], cwd: string = process.cwd()): InputEvent[] {
  return paths.flatMap((path) => {
    const full = resolve(cwd, path);
    const files = statSync(full).isDirectory() ? jsonFilesIn(full) : [full];
    return files.flatMap((file) => eventsFromFile(file, relative(cwd, file)));
  });
}

function jsonFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * A file holds an EventBridge event, an SQS event (`{"Records": [...]}`: each record's body is sent unchanged),
 * or an array of EventBridge events.
 */
function eventsFromFile(file: string, label: string): InputEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${label}: not a JSON file (${(error as Error).message})`);
  }
  if (Array.isArray(json)) {
    return json.map((event, index) => ({ label: `${label}#${index + 1}`, body: JSON.stringify(event) }));
  }
  if (isRecord(json) && Array.isArray(json.Records)) {
    return json.Records.map((record: unknown, index) => {
      if (!isRecord(record) || typeof record.body !== 'string') {
        throw new Error(`${label}: Records[${index}] has no string "body"`);
      }
      return { label: `${label}#${index + 1}`, body: record.body };
    });
  }
  if (isRecord(json)) return [{ label, body: JSON.stringify(json) }];
  throw new Error(`${label}: expected an EventBridge event, an SQS event {"Records": [...]} or an array`);
}

export interface GenerateOptions {
  readonly count: number;
  readonly seed?: number;
  /** Asset types to generate events for. Default: Glue and Redshift tables. */
  readonly assetTypes?: readonly string[];
  /** Events start at this time (ISO timestamps in the events). Default 2026-11-25T00:00:00Z. */
  readonly startMs?: number;
}

const DETAIL_TYPES = ['Asset Added To Inventory', 'Asset Added To Catalog', 'New Asset Version Available'];

/**
 * `count` DataZone asset events about the catalog's asset revisions that can be generated for (Glue and Redshift
 * tables with a schema), chosen with a seeded random: with more events than revisions, revisions repeat, through
 * differently shaped events (revision in `data.revision` or in `metadata.version`, with or without the asset type
 * and project, so that some need a GetAsset call). Events that omit the revision are about the current one.
 */
export function generateCatalogEvents(catalog: Catalog, options: GenerateOptions): InputEvent[] {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('nothing to pick from');
    return item;
  };
  const types = new Set(
    options.assetTypes ?? ['amazon.datazone.GlueTableAssetType', 'amazon.datazone.RedshiftTableAssetType'],
  );
  const candidates = catalog.domains.flatMap((domain) =>
    domain.assets
      .filter((asset) => types.has(asset.typeIdentifier) && asset.structuredSchema !== false)
      .flatMap((asset) => asset.revisions.map((r) => ({ domain, asset, revision: r.revision }))),
  );
  if (candidates.length === 0) throw new Error('the catalog has no asset revision to generate events for');
  const startMs = options.startMs ?? Date.UTC(2026, 10, 25);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

  return Array.from({ length: options.count }, (_, index) => {
    const { domain, asset, revision } = pick(candidates);
    const current = asset.revisions.at(-1)?.revision;
    const shape =
      revision === current ? pick(['data', 'metadata', 'none'] as const) : pick(['data', 'metadata']);
    const withType = random() < 0.6;
    const metadata: Record<string, unknown> = {
      domain: domain.id,
      user: '44f864b8-50a1-70cc-736f-c1f763934ab7',
      id: asset.id,
      awsAccountId: '111111111111',
      ...(shape === 'metadata' ? { version: revision } : {}),
      ...(withType ? { typeName: asset.typeIdentifier, owningProjectId: asset.owningProjectId } : {}),
    };
    const event = {
      version: '0',
      id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      'detail-type': pick(DETAIL_TYPES),
      source: 'aws.datazone',
      account: '111111111111',
      time: new Date(startMs + index * 1000).toISOString().replace('.000Z', 'Z'),
      region: 'eu-west-1',
      resources: [`arn:aws:datazone:eu-west-1:111111111111:domain/${domain.id}`],
      detail: {
        version: '1',
        metadata,
        data: { assetId: asset.id, ...(shape === 'data' ? { revision } : {}) },
      },
    };
    return {
      label: `generated#${index + 1} ${asset.id}@${revision}`,
      body: JSON.stringify(event),
      asset: { domainId: domain.id, assetId: asset.id, revision },
    };
  });
}
