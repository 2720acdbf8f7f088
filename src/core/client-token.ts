/**
 * The idempotency token sent with every StartMetadataGenerationRun.
 *
 * A pure function of (domain, asset, revision, generation types): every redelivery of an event, in any process,
 * deployment or region, sends the same token, so DataZone returns the existing run instead of starting another.
 * The inputs are encoded as a JSON array (unambiguous: no two different inputs share an encoding, unlike a
 * concatenation) and hashed as UTF-8 (how `Hash.update` reads a string) with SHA-256, whose base64url digest
 * stays within the API's `[\x21-\x7E]{1,128}`.
 * Generation types are a set: their order in the configuration does not change the token.
 * A run started again after a failure (attempt 2, 3, …) has the attempt in its token, so each attempt starts at
 * most one run; the first attempt's token is the one every earlier version of the worker sent.
 */
import { createHash } from 'node:crypto';
import type { GenerationType } from './generation-types.js';

export interface TokenInput {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly generationTypes: readonly GenerationType[];
  /** 1 (the default) for the first run of these types for this revision. */
  readonly attempt?: number;
}

/** Versioned so that a future change of scheme is explicit; changing it would re-run every asset revision. */
const SCHEME = 'dzmg1';

export function clientToken({
  domainId,
  assetId,
  revision,
  generationTypes,
  attempt = 1,
}: TokenInput): string {
  const types = [...new Set(generationTypes)].sort();
  const parts = [SCHEME, domainId, assetId, revision, types, ...(attempt > 1 ? [attempt] : [])];
  const canonical = JSON.stringify(parts);
  return `${SCHEME}-${createHash('sha256').update(canonical).digest('base64url')}`;
}
