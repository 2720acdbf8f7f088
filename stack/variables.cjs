// @ts-check
/**
 * Values serverless.yml derives from its parameters at packaging time, where YAML and CloudFormation cannot:
 * division, lists built from a comma-separated parameter, and keys left out when a parameter is empty.
 *
 * osls loads this file with require() for `${file(./stack/variables.cjs):name}` and calls the export `name` with
 * `{ options, resolveVariable }`; `resolveVariable('param:x')` resolves like `${param:x}`. The plain functions
 * below the resolvers do the work and are unit-tested (test/stack/variables.test.ts). A bad parameter throws a
 * ParameterError, which fails packaging with its message.
 */
'use strict';

/** TypeScript callers get their types from the JSDoc here (checkJs: stack/tsconfig.json). */

const WORKER_DEFAULTS = require('../src/runtime/defaults.json');
const DATAZONE_CONSTRAINTS = require('../src/core/datazone-constraints.json');

/** DataZone domain ids, exactly as the worker checks DOMAIN_IDS (the same JSON as src/core/asset-event.ts). */
const DOMAIN_ID_PATTERN = new RegExp(DATAZONE_CONSTRAINTS.domainIdPattern);

/**
 * The smallest per-container rate of an operation the stack deploys: one request every 20 s. Each operation has a
 * token bucket of its own, and a record reserves its slots before its first call, all or none, before the deadline;
 * below about one request per (function timeout - margin) a drained bucket's next slot lies past the deadline, and
 * records would be handed back without a call until the DLQ. (The worker itself accepts down to 0.01, for local
 * experiments.)
 */
const MIN_PER_CONTAINER_RPS = 0.05;

/**
 * The DataZone operations the stack rates one by one (AWS sets a quota per operation): each one's parameter, empty
 * for datazoneAccountRps, and who calls it. The worker and the reconciler split by reconcileBudgetShare the rate of
 * an operation both call; an operation only one of them calls is that one's alone.
 * @type {readonly { operation: string, parameter: string, worker: boolean, sweep: boolean }[]}
 */
const OPERATIONS = Object.freeze([
  { operation: 'GetAsset', parameter: 'datazoneAccountRpsGetAsset', worker: true, sweep: true },
  {
    operation: 'StartMetadataGenerationRun',
    parameter: 'datazoneAccountRpsStartRun',
    worker: true,
    sweep: false,
  },
  {
    operation: 'ListMetadataGenerationRuns',
    parameter: 'datazoneAccountRpsListRuns',
    worker: true,
    sweep: true,
  },
  { operation: 'GetMetadataGenerationRun', parameter: 'datazoneAccountRpsGetRun', worker: true, sweep: true },
  { operation: 'Search', parameter: 'datazoneAccountRpsSearch', worker: false, sweep: true },
]);

/** The most generation groups, hence runs, per revision: three types make two (src/core/generation-types.ts). */
const MAX_TYPES_PER_RUN = 2;

/**
 * The detail-types of run outcomes, which the worker tracks whatever HANDLED_DETAIL_TYPES says: those of metadata
 * generation runs, and those of data-source business-name generation, which it only records. The same lists as
 * RUN_OUTCOME_DETAIL_TYPES and NAME_GENERATION_DETAIL_TYPES in src/core/outcome-event.ts (a TypeScript module this
 * file cannot load; test/stack/variables.test.ts keeps them equal).
 */
const OUTCOME_DETAIL_TYPES = Object.freeze([
  'Metadata Generation Succeeded',
  'Metadata Generation Failed',
  'Metadata Generation Canceled',
  'Business Name Generation Succeeded',
  'Business Name Generation Failed',
]);

/**
 * The longest a failed run's next attempt may wait, in seconds: the worker waits in one hand-back to the queue, at
 * most MAX_VISIBILITY_TIMEOUT_SECONDS (src/core/backoff.ts, 12 hours less 20 minutes; test/stack/variables.test.ts
 * keeps the two equal), and refuses at cold start a configuration whose last wait is longer.
 */
const MAX_RUN_RETRY_WAIT_SECONDS = 42_000;

/** The fewest receives the source queue may allow a message (checkMaxReceiveCount says why). */
const MIN_MAX_RECEIVE_COUNT = 3;

/**
 * MaximumMessageSize of the source queue, in bytes: 256 KiB, the largest event EventBridge delivers (SQS itself
 * accepts up to 1 MiB; a larger source queue would gain nothing).
 */
const SOURCE_QUEUE_MAX_MESSAGE_BYTES = WORKER_DEFAULTS.sourceQueueMaxMessageBytes;

/**
 * MaximumMessageSize of the DLQ: a dead letter is the original body plus the worker's reason attributes, which SQS
 * counts towards the size too. The worker caps its attributes at deadLetterAttributesMaxBytes (the same JSON), so
 * every body the source queue accepted fits into the DLQ with its reason.
 */
const DEAD_LETTER_QUEUE_MAX_MESSAGE_BYTES =
  SOURCE_QUEUE_MAX_MESSAGE_BYTES + WORKER_DEFAULTS.deadLetterAttributesMaxBytes;

/** A parameter osls must reject. The stack is the message: osls prints it after the variable that failed. */
class ParameterError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ParameterError';
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * A number parameter (osls hands over YAML numbers as numbers, --param values as strings).
 * @param {string} name
 * @param {unknown} value
 */
function toNumber(name, value) {
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(parsed))
    throw new ParameterError(`Parameter ${name} must be a number, got "${String(value)}"`);
  return parsed;
}

/**
 * A rate in requests per second rounded DOWN to 0.01, the precision the stack deploys, so that the containers
 * together stay within what they were given. (The 1e-9 undoes binary rounding, as in 0.3 / 3 = 0.09999999999999999,
 * which would otherwise lose a whole hundredth.)
 * @param {number} rps
 */
function floorToHundredths(rps) {
  return Math.floor(rps * 100 + 1e-9) / 100;
}

/**
 * The fraction of each operation's account rate the scheduled reconciler takes (stack/reconciler.cjs): 0 without a
 * reconcileSchedule, since then there is no reconciler and the worker keeps the whole budget.
 * @param {unknown} reconcileSchedule
 * @param {unknown} reconcileBudgetShare
 * @returns {number}
 */
function reconcileShare(reconcileSchedule, reconcileBudgetShare) {
  if (String(reconcileSchedule ?? '').trim() === '') return 0;
  const share = toNumber('reconcileBudgetShare', reconcileBudgetShare);
  if (!(share > 0 && share < 1)) {
    throw new ParameterError(
      `Parameter reconcileBudgetShare must be a fraction of datazoneAccountRps greater than 0 and less than 1, ` +
        `got ${share}: the reconciler and the worker share the account's rate of each DataZone operation`,
    );
  }
  return share;
}

/**
 * An account rate in requests per second: any positive number.
 * @param {string} parameter
 * @param {unknown} value
 * @returns {number}
 */
function positiveRate(parameter, value) {
  const rps = toNumber(parameter, value);
  if (rps <= 0) throw new ParameterError(`Parameter ${parameter} must be positive, got ${rps}`);
  return rps;
}

/**
 * An operation's account rate and the parameter it comes from: the operation's own, or datazoneAccountRps when that
 * is empty.
 * @param {string} parameter the operation's parameter (OPERATIONS)
 * @param {Record<string, unknown>} params the stack parameters by name
 * @returns {{ parameter: string, accountRps: unknown }}
 */
function accountRateOf(parameter, params) {
  const own = params[parameter];
  if (own === undefined || own === null || String(own).trim() === '') {
    return { parameter: 'datazoneAccountRps', accountRps: params.datazoneAccountRps };
  }
  return { parameter, accountRps: own };
}

/**
 * A worker container's rate of one operation (DATAZONE_REQUESTS_PER_SECOND and its per-operation variables): the
 * worker's part of the account's rate (all of it, or 1 - the reconciler's share when a reconciler is deployed and
 * calls the operation too) split evenly over the containers that may run at once, rounded down to 0.01 so that the
 * whole fleet stays within it.
 * @param {unknown} accountRps
 * @param {unknown} maxConcurrency
 * @param {number} [share] the reconciler's fraction (reconcileShare)
 * @param {string} [parameter] the parameter accountRps comes from, for the messages
 * @returns {number}
 */
function splitAccountRps(accountRps, maxConcurrency, share = 0, parameter = 'datazoneAccountRps') {
  const rps = positiveRate(parameter, accountRps);
  const containers = toNumber('maxConcurrency', maxConcurrency);
  // The event source mapping's MaximumConcurrency accepts 2-1000; the direct wiring reuses it as reserved concurrency.
  if (!Number.isInteger(containers) || containers < 2 || containers > 1000) {
    throw new ParameterError(`Parameter maxConcurrency must be an integer from 2 to 1000, got ${containers}`);
  }
  const perContainer = floorToHundredths((rps * (1 - share)) / containers);
  if (perContainer < MIN_PER_CONTAINER_RPS) {
    const split =
      share === 0
        ? `${parameter} / maxConcurrency (${rps} / ${containers})`
        : `${parameter} x (1 - reconcileBudgetShare) / maxConcurrency (${rps} x ${1 - share} / ${containers})`;
    throw new ParameterError(
      `Parameters ${split} leave each container less than ${MIN_PER_CONTAINER_RPS} requests per second: ` +
        `raise ${parameter} or lower maxConcurrency${share === 0 ? '' : ' or reconcileBudgetShare'}`,
    );
  }
  return perContainer;
}

/**
 * @typedef {object} OperationRate
 * @property {string} operation
 * @property {string} parameter the parameter its account rate comes from
 * @property {number} perContainer requests per second from one container (or one sweep step)
 */

/**
 * @typedef {object} Rates
 * @property {number} defaultRps what every operation gets unless told otherwise (DATAZONE_REQUESTS_PER_SECOND)
 * @property {OperationRate[]} operations each operation the function calls, at its own rate
 */

/**
 * The worker container's rates: datazoneAccountRps's split as the default, and each operation's own. A reconciler
 * takes its share of the operations it calls too; StartMetadataGenerationRun is the worker's alone.
 * @param {Record<string, unknown>} params the stack parameters by name (WORKER_RATE_PARAMETERS)
 * @returns {Rates}
 */
function workerRates(params) {
  const share = reconcileShare(params.reconcileSchedule, params.reconcileBudgetShare);
  const defaultRps = splitAccountRps(params.datazoneAccountRps, params.maxConcurrency, share);
  const operations = OPERATIONS.filter((entry) => entry.worker).map(({ operation, parameter, sweep }) => {
    const source = accountRateOf(parameter, params);
    const perContainer = splitAccountRps(
      source.accountRps,
      params.maxConcurrency,
      sweep ? share : 0,
      source.parameter,
    );
    return { operation, parameter: source.parameter, perContainer };
  });
  return { defaultRps, operations };
}

/**
 * `<PREFIX>_<OPERATION>`, the operation's name in SNAKE_CASE, as the worker and the reconciler read it
 * (src/runtime/operation-rates.ts).
 * @param {string} prefix
 * @param {string} operation
 */
function rateVariableOf(prefix, operation) {
  return `${prefix}_${operation.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}`;
}

/**
 * The per-operation variables of the rates that differ from the default: the default's variable holds the rest, so
 * the environment says which operations are rated apart, and changing the default changes every other one.
 * @param {string} prefix the default's variable (DATAZONE_REQUESTS_PER_SECOND, SWEEP_REQUESTS_PER_SECOND)
 * @param {Rates} rates
 * @returns {Record<string, string>}
 */
function rateVariables(prefix, { defaultRps, operations }) {
  return Object.fromEntries(
    operations
      .filter((rate) => rate.perContainer !== defaultRps)
      .map((rate) => [rateVariableOf(prefix, rate.operation), String(rate.perContainer)]),
  );
}

/**
 * A comma-separated list parameter, read the way the worker reads its environment (items trimmed, empty ones
 * dropped), so that the rule and the worker agree.
 * @param {unknown} value
 * @returns {string[]}
 */
function splitList(value) {
  return String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * @param {unknown} domainIds comma-separated, empty for every domain of the account
 * @param {string} [name] the parameter, for the message (reconcileDomainIds is read the same way)
 * @returns {string[]}
 */
function parseDomainIds(domainIds, name = 'domainIds') {
  const ids = splitList(domainIds);
  const invalid = ids.filter((id) => !DOMAIN_ID_PATTERN.test(id));
  if (invalid.length > 0) {
    throw new ParameterError(
      `Parameter ${name} must list DataZone domain ids (${DOMAIN_ID_PATTERN.source}), comma-separated; ` +
        `invalid: ${invalid.join(', ')}`,
    );
  }
  return ids;
}

/**
 * Whether the rule routes run outcomes to the worker (and the role may read runs, and the outcome alarms exist).
 * osls hands over the YAML default as a boolean and a --param value as a string.
 * @param {unknown} trackOutcomes
 * @returns {boolean}
 */
function checkTrackOutcomes(trackOutcomes) {
  if (typeof trackOutcomes === 'boolean') return trackOutcomes;
  const text = String(trackOutcomes ?? '')
    .trim()
    .toLowerCase();
  if (text === 'true' || text === 'false') return text === 'true';
  throw new ParameterError(`Parameter trackOutcomes must be true or false, got "${String(trackOutcomes)}"`);
}

/**
 * The rule's EventPattern as plain JSON: the asset events of detailTypes, and the run outcomes when they are
 * tracked. `detail` is left out without domains: an empty list would match nothing. detailTypes may not name an
 * outcome: the worker would track it while the role, without trackOutcomes, may not read the run.
 * @param {unknown} detailTypes
 * @param {unknown} domainIds
 * @param {unknown} trackOutcomes
 */
function buildEventPattern(detailTypes, domainIds, trackOutcomes) {
  const types = splitList(detailTypes);
  if (types.length === 0)
    throw new ParameterError('Parameter detailTypes must name at least one detail-type');
  const outcomes = types.filter((type) => OUTCOME_DETAIL_TYPES.includes(type));
  if (outcomes.length > 0) {
    throw new ParameterError(
      `Parameter detailTypes names the asset events that start runs; run outcomes are routed by trackOutcomes, ` +
        `not listed there: ${outcomes.join(', ')}`,
    );
  }
  const domains = parseDomainIds(domainIds);
  return {
    source: ['aws.datazone'],
    'detail-type': checkTrackOutcomes(trackOutcomes) ? [...types, ...OUTCOME_DETAIL_TYPES] : types,
    ...(domains.length > 0 ? { detail: { metadata: { domain: domains } } } : {}),
  };
}

/**
 * The DataZone actions of the worker's role, exactly the calls it makes: GetAsset and StartMetadataGenerationRun
 * for asset events, ListMetadataGenerationRuns to confirm a ConflictException; with outcomes tracked,
 * GetMetadataGenerationRun reads an ended run (a failed run's next attempt reuses the two run calls).
 * @param {unknown} trackOutcomes
 * @returns {string[]}
 */
function buildDataZoneActions(trackOutcomes) {
  return [
    'datazone:StartMetadataGenerationRun',
    'datazone:GetAsset',
    'datazone:ListMetadataGenerationRuns',
    ...(checkTrackOutcomes(trackOutcomes) ? ['datazone:GetMetadataGenerationRun'] : []),
  ];
}

/**
 * The domains the worker may call DataZone in: the configured ones, or every domain of the stack's own account and
 * region. Fn::Sub fills in the account at deploy time, which osls does not know offline.
 * @param {unknown} domainIds
 * @param {string} [name] the parameter, for the message
 */
function buildDataZoneResources(domainIds, name = 'domainIds') {
  const ids = parseDomainIds(domainIds, name);
  return (ids.length > 0 ? ids : ['*']).map((id) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:datazone:\${AWS::Region}:\${AWS::AccountId}:domain/${id}`,
  }));
}

/**
 * Which item of custom.alarmEmailResources serverless.yml merges into its resources: the e-mail subscription
 * exists only when there is an address to subscribe (decided here rather than by a CloudFormation condition).
 * @param {unknown} alarmEmail
 * @returns {'subscribed' | 'none'}
 */
function alarmEmailChoice(alarmEmail) {
  const email = String(alarmEmail ?? '').trim();
  if (email === '') return 'none';
  if (!/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(email)) {
    throw new ParameterError(`Parameter alarmEmail must be one e-mail address or empty, got "${email}"`);
  }
  return 'subscribed';
}

/**
 * The log level, both Lambda's application log level and POWERTOOLS_LOG_LEVEL. Only DEBUG and INFO: the EMF metric
 * lines Powertools Metrics writes carry no `level`, which Lambda's log-level filtering treats as INFO, so at WARN or
 * ERROR Lambda would drop every metric, and the alarms built on them would never fire.
 * @param {unknown} logLevel
 * @returns {'DEBUG' | 'INFO'}
 */
function checkLogLevel(logLevel) {
  const level = String(logLevel ?? '')
    .trim()
    .toUpperCase();
  if (level === 'DEBUG' || level === 'INFO') return level;
  throw new ParameterError(
    `Parameter logLevel must be DEBUG or INFO, got "${String(logLevel)}": Lambda treats the worker's metric lines ` +
      '(EMF, no level of their own) as INFO and would drop them, and the alarms with them, at a higher level',
  );
}

/**
 * DEADLINE_SAFETY_MARGIN_MS, checked against the function timeout: the worker stops starting work this long before
 * the timeout. A margin as long as the timeout leaves an empty budget: every record would be handed back at once,
 * visible again at once, and the whole stream would reach the DLQ within seconds, redriven without a reason. Half
 * the timeout at most keeps most of every invocation for records.
 * @param {unknown} marginMs
 * @param {unknown} functionTimeoutSeconds
 * @returns {number}
 */
function checkDeadlineMargin(marginMs, functionTimeoutSeconds) {
  const margin = toNumber('deadlineSafetyMarginMs', marginMs);
  const maxMs = (toNumber('functionTimeoutSeconds', functionTimeoutSeconds) * 1000) / 2;
  if (!Number.isInteger(margin) || margin < 0 || margin > maxMs) {
    throw new ParameterError(
      `Parameter deadlineSafetyMarginMs must be an integer from 0 to ${maxMs} (half the function timeout), ` +
        `got ${margin}: a margin close to the timeout leaves no time for records`,
    );
  }
  return margin;
}

/**
 * An integer parameter within bounds; `why` ends the message when the bounds are the stack's own, not AWS's.
 * @param {string} name
 * @param {unknown} value
 * @param {number} min
 * @param {number} max
 * @param {string} [why]
 * @returns {number}
 */
function toIntegerWithin(name, value, min, max, why) {
  const parsed = toNumber(name, value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ParameterError(
      `Parameter ${name} must be an integer from ${min} to ${max}, got ${parsed}${why ? `: ${why}` : ''}`,
    );
  }
  return parsed;
}

/**
 * The wiring, which serverless.yml uses as a key of custom.wirings: checked here so that a typo fails with the
 * parameter's name rather than with "Value not found" at every place the wiring selects something.
 * @param {unknown} wiring
 * @returns {'queue' | 'direct'}
 */
function checkWiring(wiring) {
  if (wiring === 'queue' || wiring === 'direct') return wiring;
  throw new ParameterError(`Parameter wiring must be queue or direct, got "${String(wiring)}"`);
}

/**
 * The source queue's maxReceiveCount. A healthy message is received again after a hand-back at the deadline, a
 * throttle or quota backoff, an asset-busy wait, a request slot further away than maxSlotWaitMs or a crashed
 * invocation; with fewer than 3 receives one such mishap
 * and one more would dead-letter it. SQS accepts up to 1000.
 * @param {unknown} maxReceiveCount
 * @returns {number}
 */
function checkMaxReceiveCount(maxReceiveCount) {
  return toIntegerWithin(
    'maxReceiveCount',
    maxReceiveCount,
    MIN_MAX_RECEIVE_COUNT,
    1000,
    'a healthy message is received again after a deadline hand-back, a backoff or a crashed invocation, ' +
      'and so few receives would dead-letter it',
  );
}

/**
 * The calls of each operation one record makes at worst, SDK retries and a ConflictException's check aside (the
 * worker's hand-back at the deadline covers those): GetAsset once (an event without its revision, project or asset
 * type), ListMetadataGenerationRuns once (a redelivered or reconciled event, a failed run's next attempt),
 * GetMetadataGenerationRun once (a run's outcome, while tracked), and StartMetadataGenerationRun once per
 * generation group (two when all three types are generated).
 * @param {unknown} generationTypes
 * @param {unknown} trackOutcomes
 * @returns {Record<string, number>}
 */
function callsPerRecord(generationTypes, trackOutcomes) {
  const types = new Set(splitList(generationTypes)).size;
  return {
    GetAsset: 1,
    StartMetadataGenerationRun: types > MAX_TYPES_PER_RUN ? 2 : 1,
    ListMetadataGenerationRuns: 1,
    GetMetadataGenerationRun: checkTrackOutcomes(trackOutcomes) ? 1 : 0,
  };
}

/**
 * @typedef {object} BatchLimit
 * @property {number} max the largest batch one container serves before the worker's deadline
 * @property {OperationRate} rate the operation that bounds it
 * @property {number} calls that operation's calls per record
 */

/**
 * The largest batch one container can serve before the worker's deadline, within the function timeout less the
 * safety margin. Each operation has a bucket of its own, and a record reserves the slots of the calls that follow
 * its first one with it, each in its operation's bucket (src/datazone/request-budget.ts, FOLLOWED_BY): the buckets
 * serve a batch side by side, so it takes as long as its slowest operation, calls x records / rate. Computed in
 * hundredths of a request per second (the rate's own precision) and whole milliseconds, so the integer arithmetic
 * is exact.
 * @param {OperationRate[]} rates the worker's per-container rates
 * @param {Record<string, number>} calls per record, by operation (callsPerRecord)
 * @param {number} functionTimeoutSeconds
 * @param {number} marginMs
 * @returns {BatchLimit}
 */
function maxServableBatchSize(rates, calls, functionTimeoutSeconds, marginMs) {
  const budgetMs = functionTimeoutSeconds * 1000 - marginMs;
  /** @type {BatchLimit | undefined} */
  let limit;
  for (const rate of rates) {
    const perRecord = calls[rate.operation] ?? 0;
    if (perRecord === 0) continue;
    const max = Math.floor((Math.round(rate.perContainer * 100) * budgetMs) / (perRecord * 100_000));
    if (limit === undefined || max < limit.max) limit = { max, rate, calls: perRecord };
  }
  if (limit === undefined) throw new Error('no operation a record calls');
  return limit;
}

/**
 * The event source mapping's batch size (1-10000 on a standard queue), refused when the container's rates cannot
 * serve a full batch before the deadline: the records left over would be handed back at every invocation, use up
 * their receives and reach the DLQ without a single DataZone call.
 * @param {unknown} batchSize
 * @param {{ rates: OperationRate[], calls: Record<string, number>, functionTimeoutSeconds: number, marginMs: number }} limits
 * @returns {number}
 */
function checkBatchSize(batchSize, { rates, calls, functionTimeoutSeconds, marginMs }) {
  const size = toIntegerWithin('batchSize', batchSize, 1, 10_000);
  const {
    max,
    rate,
    calls: perRecord,
  } = maxServableBatchSize(rates, calls, functionTimeoutSeconds, marginMs);
  if (size <= max) return size;
  const budgetSeconds = (functionTimeoutSeconds * 1000 - marginMs) / 1000;
  const needed = Number(((perRecord * size) / rate.perContainer).toFixed(1));
  throw new ParameterError(
    `Parameter batchSize (${size}) cannot be served before the deadline: ${size} records x ${perRecord} ` +
      `${rate.operation} call${perRecord === 1 ? '' : 's'} at ${rate.perContainer} requests per second per ` +
      `container (${rate.parameter} / maxConcurrency) take ${needed} s, more than the ${budgetSeconds} s the ` +
      `${functionTimeoutSeconds} s function timeout leaves after deadlineSafetyMarginMs; ` +
      (max > 0
        ? `use a batchSize of at most ${max}`
        : `no batch fits: raise ${rate.parameter} or lower maxConcurrency or deadlineSafetyMarginMs`),
  );
}

/**
 * The age of the oldest dead letter at which the expiry alarm fires, in seconds: `warningDays` before the earliest
 * a dead letter can expire. A standard queue expires a redriven message by its original enqueue time, but its
 * ApproximateAgeOfOldestMessage counts from the move to the DLQ: in the queue wiring, a message the redrive policy
 * moves may have spent up to the source queue's retention in that queue already, so it comes off the DLQ's.
 * @param {unknown} warningDays
 * @param {{ deadLetterRetentionSeconds: number, sourceRetentionSeconds: number }} retention
 * @returns {number}
 */
function deadLetterExpiryThreshold(warningDays, { deadLetterRetentionSeconds, sourceRetentionSeconds }) {
  const lifetimeSeconds = deadLetterRetentionSeconds - sourceRetentionSeconds;
  const lifetimeDays = Math.floor(lifetimeSeconds / 86_400);
  const days = toIntegerWithin(
    'deadLetterExpiryWarningDays',
    warningDays,
    1,
    lifetimeDays - 1,
    `a dead letter may expire ${lifetimeDays} days after it reaches the DLQ in this wiring`,
  );
  return lifetimeSeconds - days * 86_400;
}

/**
 * The no-successful-run alarm's period in seconds: it watches one period of noSuccessAlarmHours hours. CloudWatch
 * caps an alarm's Period x EvaluationPeriods (at 7 days for periods of an hour or more, and at one day in its older
 * documentation): a day at most is within both.
 * @param {unknown} hours
 * @returns {number}
 */
function noSuccessAlarmPeriod(hours) {
  const whole = toIntegerWithin(
    'noSuccessAlarmHours',
    hours,
    1,
    24,
    'the alarm watches one period of that many hours, and CloudWatch limits an alarm to a day of data',
  );
  return whole * 3600;
}

/**
 * MAX_RUN_ATTEMPTS and RUN_RETRY_BASE_SECONDS, within the worker's bounds (1-10 runs, 1-21600 s), and the last
 * wait, before attempt maxRunAttempts, within what the worker can wait: refused here rather than by the worker at
 * its first cold start.
 * @param {unknown} maxRunAttempts
 * @param {unknown} runRetryBaseSeconds
 * @returns {{ maxRunAttempts: number, runRetryBaseSeconds: number }}
 */
function checkRunRetries(maxRunAttempts, runRetryBaseSeconds) {
  const attempts = toIntegerWithin('maxRunAttempts', maxRunAttempts, 1, 10);
  const baseSeconds = toIntegerWithin('runRetryBaseSeconds', runRetryBaseSeconds, 1, 21_600);
  const exponent = Math.max(0, attempts - 2);
  const longestWait = baseSeconds * 2 ** exponent;
  if (longestWait > MAX_RUN_RETRY_WAIT_SECONDS) {
    throw new ParameterError(
      `Parameters runRetryBaseSeconds x 2^(maxRunAttempts - 2) (${baseSeconds} x 2^${exponent} = ${longestWait} s) ` +
        `must be at most ${MAX_RUN_RETRY_WAIT_SECONDS} s: the worker waits out a failed run's backoff in one ` +
        'hand-back to the queue; lower either',
    );
  }
  return { maxRunAttempts: attempts, runRetryBaseSeconds: baseSeconds };
}

/** @typedef {{ resolveVariable: (variable: string) => Promise<unknown> }} VariableContext */

/**
 * The run retry parameters as osls resolves them, checked together.
 * @param {VariableContext} context
 */
async function runRetries({ resolveVariable }) {
  return checkRunRetries(
    await resolveVariable('param:maxRunAttempts'),
    await resolveVariable('param:runRetryBaseSeconds'),
  );
}

/** The parameters the worker's rates are computed from. */
const WORKER_RATE_PARAMETERS = [
  'datazoneAccountRps',
  'maxConcurrency',
  'reconcileSchedule',
  'reconcileBudgetShare',
  ...OPERATIONS.filter((entry) => entry.worker).map((entry) => entry.parameter),
];

/**
 * The worker's rates as deployed (workerRates), from the parameters as osls resolves them.
 * @param {VariableContext['resolveVariable']} resolveVariable
 * @returns {Promise<Rates>}
 */
async function resolveWorkerRates(resolveVariable) {
  /** @type {Record<string, unknown>} */
  const params = {};
  for (const name of WORKER_RATE_PARAMETERS) params[name] = await resolveVariable(`param:${name}`);
  return workerRates(params);
}

/**
 * DATAZONE_BURST when datazoneBurst is set, one burst for every operation; empty leaves each operation the worker's
 * default (burstWindowMs of requests at the operation's own rate, at least one), which one variable cannot say.
 * @param {unknown} datazoneBurst
 * @returns {number | undefined}
 */
function checkBurst(datazoneBurst) {
  if (datazoneBurst === undefined || datazoneBurst === null || String(datazoneBurst).trim() === '') {
    return undefined;
  }
  return toIntegerWithin(
    'datazoneBurst',
    datazoneBurst,
    1,
    10_000,
    'requests a container may send back to back',
  );
}

module.exports = {
  splitAccountRps,
  reconcileShare,
  floorToHundredths,
  toNumber,
  MIN_PER_CONTAINER_RPS,
  OPERATIONS,
  positiveRate,
  accountRateOf,
  workerRates,
  rateVariableOf,
  rateVariables,
  checkBurst,
  callsPerRecord,
  parseDomainIds,
  buildEventPattern,
  checkTrackOutcomes,
  buildDataZoneActions,
  noSuccessAlarmPeriod,
  checkRunRetries,
  OUTCOME_DETAIL_TYPES,
  MAX_RUN_RETRY_WAIT_SECONDS,
  buildDataZoneResources,
  alarmEmailChoice,
  checkDeadlineMargin,
  checkLogLevel,
  checkWiring,
  checkMaxReceiveCount,
  checkBatchSize,
  maxServableBatchSize,
  deadLetterExpiryThreshold,
  ParameterError,
  SOURCE_QUEUE_MAX_MESSAGE_BYTES,
  DEAD_LETTER_QUEUE_MAX_MESSAGE_BYTES,
  // --- resolvers: `${file(./stack/variables.cjs):<name>}` -----------------------------------------------------
  /** @param {VariableContext} context */
  perContainerRps: async ({ resolveVariable }) => (await resolveWorkerRates(resolveVariable)).defaultRps,
  /**
   * What serverless.yml merges into the worker's environment: the per-operation rates that differ from
   * DATAZONE_REQUESTS_PER_SECOND, and DATAZONE_BURST when datazoneBurst is set.
   * @param {VariableContext} context
   */
  workerRateVariables: async ({ resolveVariable }) => {
    const burst = checkBurst(await resolveVariable('param:datazoneBurst'));
    return {
      ...rateVariables('DATAZONE_REQUESTS_PER_SECOND', await resolveWorkerRates(resolveVariable)),
      ...(burst === undefined ? {} : { DATAZONE_BURST: String(burst) }),
    };
  },
  /** @param {VariableContext} context */
  eventPattern: async ({ resolveVariable }) =>
    buildEventPattern(
      await resolveVariable('param:detailTypes'),
      await resolveVariable('param:domainIds'),
      await resolveVariable('param:trackOutcomes'),
    ),
  /** @param {VariableContext} context */
  dataZoneActions: async ({ resolveVariable }) =>
    buildDataZoneActions(await resolveVariable('param:trackOutcomes')),
  /**
   * Which item of custom.outcomeAlarms serverless.yml merges into its resources: without outcomes no run ends in
   * the metrics, and the no-successful-run alarm would fire at every start.
   * @param {VariableContext} context
   */
  outcomeTracking: async ({ resolveVariable }) =>
    checkTrackOutcomes(await resolveVariable('param:trackOutcomes')) ? 'tracked' : 'untracked',
  /** @param {VariableContext} context */
  dataZoneResources: async ({ resolveVariable }) =>
    buildDataZoneResources(await resolveVariable('param:domainIds')),
  /** @param {VariableContext} context */
  alarmEmail: async ({ resolveVariable }) => alarmEmailChoice(await resolveVariable('param:alarmEmail')),
  /** @param {VariableContext} context */
  deadlineSafetyMarginMs: async ({ resolveVariable }) =>
    checkDeadlineMargin(
      await resolveVariable('param:deadlineSafetyMarginMs'),
      await resolveVariable('self:custom.functionTimeoutSeconds'),
    ),
  /** @param {VariableContext} context */
  logLevel: async ({ resolveVariable }) => checkLogLevel(await resolveVariable('param:logLevel')),
  /** @param {VariableContext} context */
  wiring: async ({ resolveVariable }) => checkWiring(await resolveVariable('param:wiring')),
  /** @param {VariableContext} context */
  maxReceiveCount: async ({ resolveVariable }) =>
    checkMaxReceiveCount(await resolveVariable('param:maxReceiveCount')),
  /** @param {VariableContext} context */
  batchSize: async ({ resolveVariable }) => {
    const functionTimeoutSeconds = toNumber(
      'functionTimeoutSeconds',
      await resolveVariable('self:custom.functionTimeoutSeconds'),
    );
    return checkBatchSize(await resolveVariable('param:batchSize'), {
      rates: (await resolveWorkerRates(resolveVariable)).operations,
      calls: callsPerRecord(
        await resolveVariable('param:generationTypes'),
        await resolveVariable('param:trackOutcomes'),
      ),
      functionTimeoutSeconds,
      marginMs: checkDeadlineMargin(
        await resolveVariable('param:deadlineSafetyMarginMs'),
        functionTimeoutSeconds,
      ),
    });
  },
  /** @param {VariableContext} context */
  deadLetterExpiryAlarmSeconds: async ({ resolveVariable }) => {
    const wiring = checkWiring(await resolveVariable('param:wiring'));
    return deadLetterExpiryThreshold(await resolveVariable('param:deadLetterExpiryWarningDays'), {
      deadLetterRetentionSeconds: toNumber(
        'deadLetterQueueRetentionSeconds',
        await resolveVariable('self:custom.deadLetterQueueRetentionSeconds'),
      ),
      sourceRetentionSeconds:
        wiring === 'queue'
          ? toNumber(
              'sourceQueueRetentionSeconds',
              await resolveVariable('self:custom.sourceQueueRetentionSeconds'),
            )
          : 0,
    });
  },
  /** @param {VariableContext} context */
  maxSlotWaitMs: async ({ resolveVariable }) =>
    toIntegerWithin(
      'maxSlotWaitMs',
      await resolveVariable('param:maxSlotWaitMs'),
      0,
      900_000,
      'a Lambda invocation lasts at most 15 minutes',
    ),
  /** @param {VariableContext} context */
  maxRunAttempts: async (context) => (await runRetries(context)).maxRunAttempts,
  /** @param {VariableContext} context */
  runRetryBaseSeconds: async (context) => (await runRetries(context)).runRetryBaseSeconds,
  /** @param {VariableContext} context */
  runFailureShareAlarmPercent: async ({ resolveVariable }) =>
    toIntegerWithin(
      'runFailureShareAlarmPercent',
      await resolveVariable('param:runFailureShareAlarmPercent'),
      0,
      99,
      'a share of failed runs cannot exceed 100 %',
    ),
  /** @param {VariableContext} context */
  runFailureShareAlarmMinRuns: async ({ resolveVariable }) =>
    toIntegerWithin(
      'runFailureShareAlarmMinRuns',
      await resolveVariable('param:runFailureShareAlarmMinRuns'),
      1,
      10_000,
    ),
  /** @param {VariableContext} context */
  noSuccessAlarmPeriodSeconds: async ({ resolveVariable }) =>
    noSuccessAlarmPeriod(await resolveVariable('param:noSuccessAlarmHours')),
  sourceQueueMaxMessageSize: async () => SOURCE_QUEUE_MAX_MESSAGE_BYTES,
  deadLetterQueueMaxMessageSize: async () => DEAD_LETTER_QUEUE_MAX_MESSAGE_BYTES,
  // --- the worker's defaults (src/runtime/defaults.json), as the parameters' defaults -----------------------
  defaultDetailTypes: async () => WORKER_DEFAULTS.handledDetailTypes.join(','),
  defaultSupportedAssetTypes: async () => WORKER_DEFAULTS.supportedAssetTypes.join(','),
  defaultGenerationTypes: async () => WORKER_DEFAULTS.generationTypes.join(','),
  defaultRetryBackoffBaseSeconds: async () => WORKER_DEFAULTS.retryBackoff.baseSeconds,
  defaultRetryBackoffMaxSeconds: async () => WORKER_DEFAULTS.retryBackoff.maxSeconds,
  defaultQuotaBackoffBaseSeconds: async () => WORKER_DEFAULTS.quotaBackoff.baseSeconds,
  defaultQuotaBackoffMaxSeconds: async () => WORKER_DEFAULTS.quotaBackoff.maxSeconds,
  defaultMaxSlotWaitMs: async () => WORKER_DEFAULTS.maxSlotWaitMs,
  defaultMaxRunAttempts: async () => WORKER_DEFAULTS.maxRunAttempts,
  defaultRunRetryBaseSeconds: async () => WORKER_DEFAULTS.runRetryBaseSeconds,
};
