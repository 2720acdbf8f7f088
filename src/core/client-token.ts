/**
 * The idempotency token sent with every StartMetadataGenerationRun.
 *
 * A pure function of (domain, asset, revision, generation types): every redelivery of an event, in any process,
 * deployment or region, sends the same token, so DataZone returns the existing run instead of starting another.
 * The inputs are encoded as a JSON array (unambiguous: no two different inputs share an encoding, unlike a
 * concatenation) and hashed with SHA-256, whose base64url digest stays within the API's `[\x21-\x7E]{1,128}`.
 * Generation types are a set: their order in the configuration does not change the token.
 */
import { createHash } from 'node:crypto';
import type { GenerationType } from './generation-types.js';

export interface TokenInput {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly generationTypes: readonly GenerationType[];
}

/** Versioned so that a future change of scheme is explicit; changing it would re-run every asset revision. */
const SCHEME = 'dzmg1';

export function clientToken({ domainId, assetId, revision, generationTypes }: TokenInput): string {
  const types = [...new Set(generationTypes)].sort();
  const canonical = JSON.stringify([SCHEME, domainId, assetId, revision, types]);
  return `${SCHEME}-${createHash('sha256').update(canonical, 'utf8').digest('base64url')}`;
}
