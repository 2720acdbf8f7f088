/**
 * A fleet of containers against one quota, in virtual time: the convergence study's model of the fleet benchmark.
 * Each container is the worker as deployed, reduced to what paces it:
 * - the event source mapping hands it batches of 10 records (a full batch at once, else what is visible once the
 *   5 s batching window has passed), and its next batch only when every record of the current one is done;
 * - the 10 records run at once (RECORD_CONCURRENCY=10), each needing one admitted call, paced by the worker's
 *   TokenBucket under the rate law studied: a slot further away than MAX_SLOT_WAIT_MS is not waited for (the record
 *   goes back to the queue, visible again when the slot would have come), a slot voided by a cut is reserved again;
 * - a throttled attempt is retried as the worker's SDK client does (3 attempts, full jitter on base × 2^(n-1),
 *   its retry quota), each retry waiting for a slot of its own;
 * - after a call's final throttle the batch's breaker trips: the records still waiting for their first attempt go
 *   back to the queue, as does the throttled one, invisible for the worker's short backoff (5–10 s on a first
 *   receive, longer after).
 * DataZone is a token bucket of R per second with a burst of R/10, deciding when a request arrives and answering
 * after the scenario's latency. Seeded, so that every rate law meets the same jitter.
 */
import { visibilityTimeoutSeconds } from '../src/core/backoff.js';
import type { RateAdaptation } from '../src/datazone/adaptive-rate.js';
import { TokenBucket } from '../src/datazone/token-bucket.js';
import DEFAULTS from '../src/runtime/defaults.json' with { type: 'json' };
import { Agenda, Quota, seeded } from './virtual-world.js';

export interface FleetScenario {
  readonly containers: number;
  /** Each container's configured rate (DATAZONE_REQUESTS_PER_SECOND). */
  readonly configuredPerSecond: number;
  /** What DataZone admits, for the whole fleet. */
  readonly quotaPerSecond: number;
  readonly records: number;
  /** Round trip of a DataZone call, and of the mapping's deletes and receive between two invocations. */
  readonly latencyMs: number;
  readonly seed: number;
}

/** A rate law as a container runs it: its adaptation, and the SDK's backoff base before retrying a throttle. */
export interface ContainerLaw {
  readonly adaptation: (configuredPerSecond: number) => RateAdaptation;
  readonly throttleRetryBaseMs: number;
}

export interface FleetRun {
  /** Until the last record's call was answered; the time limit when `finished` is false. */
  readonly drainMs: number;
  readonly finished: boolean;
  readonly attempts: number;
  readonly throttled: number;
  /** Records given back to the queue (a refused slot, a tripped breaker, a final throttle). */
  readonly handedBack: number;
  /** When each container's admitted calls arrived at DataZone (ms), one list per container. */
  readonly admittedAt: readonly (readonly number[])[];
}

const BATCH_SIZE = 10;
const BATCHING_WINDOW_MS = 5000;
const MAX_ATTEMPTS = 3;
const RETRY_DELAY_MAX_MS = 20_000;
/** The SDK's retry quota per client: 500 tokens, 5 per throttle retried, back on success (1 without a retry). */
const RETRY_CAPACITY = 500;
const THROTTLE_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;
/** A drain this many times the ideal (at the quota or the fleet's rate) has not converged: stopped, unfinished. */
const GIVE_UP_FACTOR = 30;

interface Container {
  readonly index: number;
  readonly bucket: TokenBucket;
  retryCapacity: number;
  /** When its batching window closes, once it has seen a record. */
  windowEnd?: number | undefined;
}

interface Batch {
  open: number;
  tripped: boolean;
}

interface QueuedRecord {
  receives: number;
}

interface Slot {
  readonly at: number;
  readonly epoch: number;
}

export function simulateFleet(scenario: FleetScenario, law: ContainerLaw): FleetRun {
  return new FleetModel(scenario, law).run();
}

class FleetModel {
  private readonly agenda = new Agenda();
  private now = 0;
  private readonly random: () => number;
  private readonly containers: Container[];
  private readonly visible: QueuedRecord[];
  private readonly idle = new Set<Container>();
  private readonly quota: Quota;
  private readonly admittedAt: number[][];
  private done = 0;
  private attempts = 0;
  private throttled = 0;
  private handedBack = 0;

  constructor(
    private readonly scenario: FleetScenario,
    private readonly law: ContainerLaw,
  ) {
    this.random = seeded(scenario.seed);
    this.quota = new Quota(scenario.quotaPerSecond);
    this.visible = Array.from({ length: scenario.records }, () => ({ receives: 0 }));
    this.admittedAt = Array.from({ length: scenario.containers }, () => []);
    const rate = scenario.configuredPerSecond;
    this.containers = Array.from({ length: scenario.containers }, (_, index) => ({
      index,
      retryCapacity: RETRY_CAPACITY,
      bucket: new TokenBucket({
        ratePerSecond: rate,
        burst: Math.max(1, Math.ceil((rate * DEFAULTS.burstWindowMs) / 1000)),
        adaptation: law.adaptation(rate),
        now: () => this.now,
      }),
    }));
  }

  run(): FleetRun {
    for (const container of this.containers) this.poll(container);
    const { records, quotaPerSecond, containers, configuredPerSecond } = this.scenario;
    const limitMs =
      ((records * 1000) / Math.min(quotaPerSecond, containers * configuredPerSecond)) * GIVE_UP_FACTOR;
    while (this.done < this.scenario.records) {
      const action = this.agenda.next();
      if (action === undefined || action.at > limitMs) break;
      this.now = action.at;
      action.run();
    }
    const finished = this.done === this.scenario.records;
    const { attempts, throttled, handedBack, admittedAt } = this;
    return { drainMs: finished ? this.now : limitMs, finished, attempts, throttled, handedBack, admittedAt };
  }

  private poll(container: Container): void {
    this.idle.add(container);
    this.offer(container);
  }

  /** The mapping's receive: a full batch at once, else what is visible once the batching window has passed. */
  private offer(container: Container): void {
    if (!this.idle.has(container) || this.visible.length === 0) return;
    if (this.visible.length < BATCH_SIZE) {
      if (container.windowEnd === undefined) {
        container.windowEnd = this.now + BATCHING_WINDOW_MS;
        this.agenda.schedule(container.windowEnd, () => this.offer(container));
      }
      if (this.now < container.windowEnd) return;
    }
    this.idle.delete(container);
    container.windowEnd = undefined;
    const records = this.visible.splice(0, BATCH_SIZE);
    const batch: Batch = { open: records.length, tripped: false };
    for (const record of records) {
      record.receives += 1;
      this.firstAttempt(container, batch, record);
    }
  }

  /** RequestBudget.reserve: a slot, or how many seconds away it is when that is too far to wait in Lambda. */
  private reserve(container: Container): Slot | number {
    const { bucket } = container;
    const epoch = bucket.epoch;
    const [at = this.now] = bucket.reserve(1) ?? [];
    const waitMs = at - this.now;
    if (waitMs <= DEFAULTS.maxSlotWaitMs) return { at, epoch };
    bucket.release(1);
    return Math.ceil(waitMs / 1000);
  }

  private firstAttempt(container: Container, batch: Batch, record: QueuedRecord): void {
    const slot = this.reserve(container);
    if (typeof slot === 'number') {
      this.handBack(container, batch, record, slot);
      return;
    }
    this.agenda.schedule(slot.at, () => {
      const voided = container.bucket.epoch !== slot.epoch;
      if (batch.tripped) {
        if (!voided) container.bucket.release(1);
        return this.handBack(container, batch, record);
      }
      if (voided) return this.firstAttempt(container, batch, record);
      this.send(container, batch, record, 1);
    });
  }

  /** An SDK retry: a slot of its own (no breaker check, as in RecordBudget.beforeRetry), or the call fails. */
  private retry(container: Container, batch: Batch, record: QueuedRecord, attempt: number): void {
    const slot = this.reserve(container);
    if (typeof slot === 'number') {
      this.finalThrottle(container, batch, record);
      return;
    }
    this.agenda.schedule(slot.at, () => {
      if (container.bucket.epoch !== slot.epoch) return this.retry(container, batch, record, attempt);
      this.send(container, batch, record, attempt);
    });
  }

  private send(container: Container, batch: Batch, record: QueuedRecord, attempt: number): void {
    const sentAt = this.now;
    const half = this.scenario.latencyMs / 2;
    this.agenda.schedule(sentAt + half, () => {
      this.attempts += 1;
      const admitted = this.quota.admit(this.now);
      if (admitted) this.admittedAt[container.index]?.push(this.now);
      else this.throttled += 1;
      this.agenda.schedule(this.now + half, () => {
        container.bucket.answered(sentAt, !admitted);
        if (admitted) return this.succeeded(container, batch, attempt);
        this.wasThrottled(container, batch, record, attempt);
      });
    });
  }

  private succeeded(container: Container, batch: Batch, attempt: number): void {
    const back = attempt > 1 ? THROTTLE_RETRY_COST : NO_RETRY_INCREMENT;
    container.retryCapacity = Math.min(RETRY_CAPACITY, container.retryCapacity + back);
    this.done += 1;
    this.finish(container, batch);
  }

  private wasThrottled(container: Container, batch: Batch, record: QueuedRecord, attempt: number): void {
    if (attempt >= MAX_ATTEMPTS || container.retryCapacity < THROTTLE_RETRY_COST) {
      this.finalThrottle(container, batch, record);
      return;
    }
    container.retryCapacity -= THROTTLE_RETRY_COST;
    const ceiling = Math.min(RETRY_DELAY_MAX_MS, this.law.throttleRetryBaseMs * 2 ** (attempt - 1));
    const delay = Math.floor(this.random() * ceiling);
    this.agenda.schedule(this.now + delay, () => this.retry(container, batch, record, attempt + 1));
  }

  private finalThrottle(container: Container, batch: Batch, record: QueuedRecord): void {
    batch.tripped = true;
    this.handBack(container, batch, record);
  }

  /** Back to the queue, invisible for the given seconds or the worker's short backoff at its receive count. */
  private handBack(container: Container, batch: Batch, record: QueuedRecord, visibleAfterS?: number): void {
    this.handedBack += 1;
    const seconds =
      visibleAfterS ??
      visibilityTimeoutSeconds({
        receiveCount: record.receives,
        settings: DEFAULTS.retryBackoff,
        random: this.random(),
      });
    this.agenda.schedule(this.now + seconds * 1000, () => {
      this.visible.push(record);
      for (const waiting of [...this.idle]) this.offer(waiting);
    });
    this.finish(container, batch);
  }

  /** The invocation ends with its batch's last record; the deletes and the next receive take a round trip. */
  private finish(container: Container, batch: Batch): void {
    batch.open -= 1;
    if (batch.open === 0)
      this.agenda.schedule(this.now + this.scenario.latencyMs, () => this.poll(container));
  }
}
