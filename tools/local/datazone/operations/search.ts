// Search: a domain's inventory as the asset search lists it, optionally of one owning project, in catalog order and
// in pages (an opaque nextToken, maxResults 1–50, totalMatchCount). The catalog holds assets only, so the other
// scopes find nothing. Text search, filters and sorting are not modelled: a request using them is refused rather
// than answered as if they had been applied.
import { isRecord } from '../../http-util.js';
import type { CatalogAsset, CatalogDomain } from '../catalog.js';
import type { Operation } from '../operation.js';
import {
  ApiError,
  checkString,
  DOMAIN_ID,
  enumProblem,
  nullProblem,
  PROJECT_ID,
  quote,
  throwIfProblems,
} from '../protocol.js';
import { CALLER_ID } from '../state.js';

const SEARCH_SCOPES = ['ASSET', 'GLOSSARY', 'GLOSSARY_TERM', 'DATA_PRODUCT'] as const;
const UNMODELLED = ['searchText', 'searchIn', 'filters', 'sort', 'additionalAttributes'] as const;
/** The service's default page size is not documented; the largest allowed is used. */
const DEFAULT_MAX_RESULTS = 50;

interface SearchInput {
  readonly domainId: string;
  readonly project: string | undefined;
  readonly scope: string;
  readonly maxResults: number;
  readonly offset: number;
}

/** What a token belongs to: a token is refused by any other query, as a service's opaque tokens are. */
const queryKey = (domainId: string, project: unknown, scope: unknown) =>
  JSON.stringify([domainId, project ?? null, scope]);

const encodeToken = (key: string, offset: number) =>
  Buffer.from(JSON.stringify({ key, offset })).toString('base64url');

function decodeToken(raw: unknown, key: string, problems: string[]): number {
  if (raw === undefined || raw === null) return 0;
  if (!checkString(problems, 'nextToken', raw, { min: 1, max: 8192 })) return 0;
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    token = undefined;
  }
  const offset = isRecord(token) ? token.offset : undefined;
  if (!isRecord(token) || token.key !== key || !Number.isInteger(offset) || (offset as number) < 0) {
    problems.push(
      `Value ${quote(raw)} at 'nextToken' failed to satisfy constraint: invalid token for this search`,
    );
    return 0;
  }
  return offset as number;
}

function maxResultsOf(raw: unknown, problems: string[]): number {
  if (raw === undefined || raw === null) return DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(raw) || (raw as number) < 1 || (raw as number) > 50) {
    problems.push(
      `Value ${quote(raw)} at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50`,
    );
  }
  return raw as number;
}

function parseInput(pathParams: Readonly<Record<string, string>>, rawBody: unknown): SearchInput {
  const body = rawBody ?? {};
  if (!isRecord(body)) throw new ApiError('ValidationException', 'Request body must be a JSON object.');
  const problems: string[] = [];
  const domainId = pathParams.domainIdentifier;
  checkString(problems, 'domainIdentifier', domainId, { required: true, pattern: DOMAIN_ID });
  const { owningProjectIdentifier: project, searchScope: scope } = body;
  checkString(problems, 'owningProjectIdentifier', project, { pattern: PROJECT_ID });
  if (scope === undefined || scope === null) problems.push(nullProblem('searchScope'));
  else if (!(SEARCH_SCOPES as readonly unknown[]).includes(scope))
    problems.push(enumProblem('searchScope', scope, SEARCH_SCOPES));
  const maxResults = maxResultsOf(body.maxResults, problems);
  const offset = decodeToken(body.nextToken, queryKey(String(domainId), project, scope), problems);
  throwIfProblems(problems);
  const unmodelled = UNMODELLED.filter((member) => body[member] !== undefined && body[member] !== null);
  if (unmodelled.length > 0) {
    throw new ApiError(
      'ValidationException',
      `The local DataZone does not model ${unmodelled.join(', ')} of Search; send searchScope, ` +
        'owningProjectIdentifier, maxResults and nextToken only.',
    );
  }
  return {
    domainId: domainId as string,
    project: project as string | undefined,
    scope: scope as string,
    maxResults,
    offset,
  };
}

/** An asset as a search result lists it: the inventory item at its current revision. */
function assetItem(domain: CatalogDomain, asset: CatalogAsset) {
  const current = asset.revisions.at(-1);
  const first = asset.revisions[0];
  return {
    assetItem: {
      domainId: domain.id,
      identifier: asset.id,
      name: asset.name,
      typeIdentifier: asset.typeIdentifier,
      typeRevision: asset.typeRevision ?? '1',
      owningProjectId: asset.owningProjectId,
      ...(asset.description === undefined ? {} : { description: asset.description }),
      ...(asset.externalIdentifier === undefined ? {} : { externalIdentifier: asset.externalIdentifier }),
      ...(current === undefined ? {} : { createdAt: Date.parse(current.createdAt) / 1000 }),
      createdBy: CALLER_ID,
      ...(first === undefined ? {} : { firstRevisionCreatedAt: Date.parse(first.createdAt) / 1000 }),
      firstRevisionCreatedBy: CALLER_ID,
      glossaryTerms: [],
    },
  };
}

export const search: Operation = {
  name: 'Search',
  method: 'POST',
  path: /^\/v2\/domains\/([^/]+)\/search\/?$/,
  pathParams: ['domainIdentifier'],
  handle(state, { pathParams, body }) {
    const input = parseInput(pathParams, body);
    const d = state.domain(input.domainId);
    const matching =
      input.scope === 'ASSET'
        ? d.assets.filter((a) => input.project === undefined || a.owningProjectId === input.project)
        : [];
    const end = input.offset + input.maxResults;
    const more = end < matching.length;
    return {
      items: matching.slice(input.offset, end).map((asset) => assetItem(d, asset)),
      totalMatchCount: matching.length,
      ...(more ? { nextToken: encodeToken(queryKey(d.id, input.project, input.scope), end) } : {}),
    };
  },
};
