/**
 * The minimal happy path both baselines share: an SQS record body (an EventBridge DataZone asset event that
 * carries everything) → the StartMetadataGenerationRun command, with a client token derived from the revision.
 */
import { createHash } from 'node:crypto';
import { StartMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';

const TYPES = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;

interface AssetEventBody {
  readonly detail: {
    readonly metadata: { domain: string; owningProjectId: string; version: string };
    readonly data: { assetId: string };
  };
}

export function startCommandFor(body: string): StartMetadataGenerationRunCommand {
  const { metadata, data } = (JSON.parse(body) as AssetEventBody).detail;
  const key = JSON.stringify([metadata.domain, data.assetId, metadata.version, TYPES]);
  return new StartMetadataGenerationRunCommand({
    domainIdentifier: metadata.domain,
    owningProjectIdentifier: metadata.owningProjectId,
    target: { type: 'ASSET', identifier: data.assetId, revision: metadata.version },
    types: [...TYPES],
    clientToken: createHash('sha256').update(key).digest('base64url'),
  });
}
