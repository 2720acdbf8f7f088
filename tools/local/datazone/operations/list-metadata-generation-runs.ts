// ListMetadataGenerationRuns: a domain's runs in creation order, filtered by status, type and target, in pages.
import type { Operation } from '../operation.js';
import { checkString, DOMAIN_ID, enumProblem, quote, throwIfProblems } from '../protocol.js';
import { runItem } from '../state.js';
import { GENERATION_TYPES, RUN_STATUSES } from '../types.js';

/** The page size, or a problem. */
function maxResultsOf(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 50;
  const maxResults = Number(raw);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) {
    problems.push(
      `Value ${quote(raw)} at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50`,
    );
  }
  return maxResults;
}

/** The token is the seq of the last run returned: stable while new runs arrive. */
function afterToken(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 0;
  const after = Number(
    Buffer.from(raw, 'base64url')
      .toString('utf8')
      .replace(/^runs:/, ''),
  );
  if (!Number.isInteger(after) || after < 0) {
    problems.push(`Value ${quote(raw)} at 'nextToken' failed to satisfy constraint: invalid token`);
  }
  return after;
}

export const listMetadataGenerationRuns: Operation = {
  name: 'ListMetadataGenerationRuns',
  method: 'GET',
  path: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/?$/,
  pathParams: ['domainIdentifier'],
  assetOf: ({ query }) => query.targetIdentifier,
  handle(state, { pathParams, query }) {
    const problems: string[] = [];
    checkString(problems, 'domainIdentifier', pathParams.domainIdentifier, {
      required: true,
      pattern: DOMAIN_ID,
    });
    if (query.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(query.status)) {
      problems.push(enumProblem('status', query.status, RUN_STATUSES));
    }
    if (query.type !== undefined && !(GENERATION_TYPES as readonly string[]).includes(query.type)) {
      problems.push(enumProblem('type', query.type, GENERATION_TYPES));
    }
    const maxResults = maxResultsOf(query.maxResults, problems);
    const after = afterToken(query.nextToken, problems);
    throwIfProblems(problems);
    const d = state.domain(pathParams.domainIdentifier as string);
    const matching = state.runs.filter(
      (r) =>
        r.domainId === d.id &&
        r.seq > after &&
        (query.status === undefined || state.statusOf(r) === query.status) &&
        (query.type === undefined || (r.types as string[]).includes(query.type)) &&
        (query.targetIdentifier === undefined || r.target.identifier === query.targetIdentifier),
    );
    const page = matching.slice(0, maxResults);
    const last = page.at(-1);
    const more = matching.length > page.length && last !== undefined;
    return {
      items: page.map((run) => runItem(state, run)),
      ...(more ? { nextToken: Buffer.from(`runs:${last.seq}`).toString('base64url') } : {}),
    };
  },
};
