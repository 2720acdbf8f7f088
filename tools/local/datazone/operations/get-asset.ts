// GetAsset: the asset at its current revision, or at the revision asked for.
import type { Operation } from '../operation.js';
import { ApiError, ASSET_ID, checkString, DOMAIN_ID, throwIfProblems } from '../protocol.js';
import { CALLER_ID } from '../state.js';

export const getAsset: Operation = {
  name: 'GetAsset',
  method: 'GET',
  path: /^\/v2\/domains\/([^/]+)\/assets\/([^/]+)$/,
  pathParams: ['domainIdentifier', 'identifier'],
  assetOf: ({ pathParams }) => pathParams.identifier,
  handle(state, { pathParams, query }) {
    const problems: string[] = [];
    checkString(problems, 'domainIdentifier', pathParams.domainIdentifier, {
      required: true,
      pattern: DOMAIN_ID,
    });
    checkString(problems, 'identifier', pathParams.identifier, { required: true, pattern: ASSET_ID });
    checkString(problems, 'revision', query.revision, { min: 1, max: 64 });
    throwIfProblems(problems);
    const d = state.domain(pathParams.domainIdentifier as string);
    const asset = d.assets.find((a) => a.id === pathParams.identifier);
    if (!asset) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Asset ${pathParams.identifier} not found in domain ${d.id}.`,
      );
    }
    const rev =
      query.revision === undefined
        ? asset.revisions.at(-1)
        : asset.revisions.find((r) => r.revision === query.revision);
    if (!rev) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Revision ${query.revision} of asset ${asset.id} not found.`,
      );
    }
    const first = asset.revisions[0] ?? rev;
    return {
      id: asset.id,
      name: asset.name,
      typeIdentifier: asset.typeIdentifier,
      typeRevision: asset.typeRevision ?? '1',
      revision: rev.revision,
      owningProjectId: asset.owningProjectId,
      domainId: d.id,
      ...(asset.description === undefined ? {} : { description: asset.description }),
      ...(asset.externalIdentifier === undefined ? {} : { externalIdentifier: asset.externalIdentifier }),
      createdAt: Date.parse(rev.createdAt) / 1000,
      createdBy: CALLER_ID,
      firstRevisionCreatedAt: Date.parse(first.createdAt) / 1000,
      firstRevisionCreatedBy: CALLER_ID,
      glossaryTerms: [],
      formsOutput: [],
      readOnlyFormsOutput: [],
      // Published assets have an active listing; the listing id is derived, stable across requests.
      ...(asset.published === true
        ? { listing: { listingId: `l-${asset.id}`, listingStatus: 'ACTIVE' } }
        : {}),
    };
  },
};
