/**
 * DataZone for a sweep: a record's calls plus Search, paced by the same request budget. Its own module, so that
 * Search's model stays out of the worker's bundle (only the reconciler and the backfill command import it).
 */
import { SearchCommand } from '@aws-sdk/client-datazone';
import type { AssetPage, SweepDataZone } from '../core/ports.js';
import { DataZoneCalls, RecordCalls } from './client.js';

/** Search answers with at most 50 items a page. */
export const SEARCH_PAGE_LIMIT = 50;

class SweepRecordCalls extends RecordCalls implements SweepDataZone {
  async searchAssets(
    domainId: string,
    options: {
      readonly owningProjectId?: string | undefined;
      readonly nextToken?: string | undefined;
      readonly pageSize?: number | undefined;
    },
  ): Promise<AssetPage> {
    const command = new SearchCommand({
      domainIdentifier: domainId,
      searchScope: 'ASSET',
      maxResults: options.pageSize ?? SEARCH_PAGE_LIMIT,
      // Undefined members are left out of the request: no project searches them all, no token the first page.
      owningProjectIdentifier: options.owningProjectId,
      nextToken: options.nextToken,
    });
    const output = await this.call('Search', () => this.client.send(command));
    const assets = (output.items ?? []).flatMap((item) =>
      item.assetItem?.identifier === undefined
        ? []
        : [
            {
              assetId: item.assetItem.identifier,
              typeIdentifier: item.assetItem.typeIdentifier,
              owningProjectId: item.assetItem.owningProjectId,
            },
          ],
    );
    return { assets, nextToken: output.nextToken || undefined, totalMatchCount: output.totalMatchCount };
  }
}

export class DataZoneSweepCalls extends DataZoneCalls {
  /** One session for the whole sweep: its calls share the budget and the batch's breaker. */
  sweepSession(): SweepRecordCalls & { close(): void } {
    const batch = this.budget.openBatch();
    return new SweepRecordCalls(this.client, batch.openRecord(), this.deadline, this.now);
  }
}
