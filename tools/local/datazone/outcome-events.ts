// The outcome events of runs, as DataZone publishes them to EventBridge once a run has ended: "Metadata Generation
// Succeeded / Failed / Canceled", with the domain, the run id and the asset. DataZone publishes no sample of their
// detail; this one carries what the worker reads and nothing it would have to trust.
import { seededRandom } from '../http-util.js';
import type { FaultInjector } from './faults.js';
import { CALLER_ID, type DataZoneState } from './state.js';
import type { DataZoneEvent, MetadataGenerationRun, RunStatus } from './types.js';

/** The account and region of the sample catalog's ARNs. */
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

/**
 * Which event each end publishes. Not documented for a partial success: the stand-in says Failed, since some type
 * failed; the worker asks GetMetadataGenerationRun for the status either way.
 */
const DETAIL_TYPE: Partial<Record<RunStatus, string>> = {
  SUCCEEDED: 'Metadata Generation Succeeded',
  PARTIALLY_SUCCEEDED: 'Metadata Generation Failed',
  FAILED: 'Metadata Generation Failed',
  CANCELED: 'Metadata Generation Canceled',
};

export interface OutcomePublisher {
  publishDue(): DataZoneEvent[];
  nextRunEndAt(): number | undefined;
}

export function createOutcomePublisher(
  state: DataZoneState,
  faults: FaultInjector,
  eventBus: ((event: DataZoneEvent) => void) | undefined,
): OutcomePublisher {
  // Its own stream, so that publishing events does not change run ids or faults.
  const ids = seededRandom(state.seed ^ 0x165667b1);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(ids() * 16).toString(16)).join('');
  const eventId = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const endOf = (run: MetadataGenerationRun) => (run.statusOverride === undefined ? run.end.at : undefined);

  return {
    publishDue() {
      const ended = state.runs
        .filter((run) => !run.published && state.hasEnded(run))
        .sort((a, b) => (endOf(a) ?? state.now()) - (endOf(b) ?? state.now()) || a.seq - b.seq);
      const events: DataZoneEvent[] = [];
      for (const run of ended) {
        run.published = true;
        if (faults.losesOutcome()) continue;
        const event = outcomeEvent(run, state.statusOf(run), endOf(run) ?? state.now(), eventId());
        events.push(event);
        // EventBridge's redelivery of the same event: the same id.
        if (faults.duplicatesOutcome()) events.push(event);
      }
      for (const event of events) eventBus?.(event);
      return events;
    },
    nextRunEndAt() {
      const ends = state.runs
        .filter((run) => !run.published)
        .map((run) => (state.hasEnded(run) ? state.now() : endOf(run)))
        .filter((at): at is number => at !== undefined);
      return ends.length === 0 ? undefined : Math.min(...ends);
    },
  };
}

function outcomeEvent(
  run: MetadataGenerationRun,
  status: RunStatus,
  endedAt: number,
  id: string,
): DataZoneEvent {
  return {
    version: '0',
    id,
    'detail-type': DETAIL_TYPE[status] ?? 'Metadata Generation Failed',
    source: 'aws.datazone',
    account: ACCOUNT,
    // EventBridge's format: whole seconds, so the event never says the run ended later than it did.
    time: new Date(Math.floor(endedAt / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region: REGION,
    resources: [`arn:aws:datazone:${REGION}:${ACCOUNT}:domain/${run.domainId}`],
    detail: {
      version: '1',
      metadata: {
        domain: run.domainId,
        user: CALLER_ID,
        id: run.id,
        owningProjectId: run.owningProjectId,
        awsAccountId: ACCOUNT,
      },
      data: { metadataGenerationRunId: run.id, assetId: run.target.identifier },
    },
  };
}
