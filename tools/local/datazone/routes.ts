// Which operation a request is: its method and path, as the restJson1 model binds them.
import type { Operation } from './operation.js';
import { getAsset } from './operations/get-asset.js';
import { getMetadataGenerationRun } from './operations/get-metadata-generation-run.js';
import { listMetadataGenerationRuns } from './operations/list-metadata-generation-runs.js';
import { search } from './operations/search.js';
import { startMetadataGenerationRun } from './operations/start-metadata-generation-run.js';

const OPERATIONS: readonly Operation[] = [
  startMetadataGenerationRun,
  listMetadataGenerationRuns,
  getMetadataGenerationRun,
  getAsset,
  search,
];

export interface Route {
  operation: Operation;
  pathParams: Record<string, string>;
}

export function route(method: string, path: string): Route | undefined {
  for (const operation of OPERATIONS) {
    if (operation.method !== method) continue;
    const m = operation.path.exec(path);
    if (!m) continue;
    const pathParams: Record<string, string> = {};
    operation.pathParams.forEach((name, i) => {
      const segment = m[i + 1] ?? '';
      try {
        pathParams[name] = decodeURIComponent(segment);
      } catch {
        pathParams[name] = segment; // malformed escapes: left as sent, so validation names the field
      }
    });
    return { operation, pathParams };
  }
  return undefined;
}
