// @ts-check
/**
 * The scheduled reconciler's parameters (src/functions/reconciler.ts), checked and derived at packaging time. The
 * reconciler exists only when `reconcileSchedule` is set: serverless.yml merges the item of custom.reconcilers
 * that `reconciler` names ('enabled' or 'disabled') into its functions and resources, as it does for the wiring.
 *
 * osls resolves every variable under `custom`, the unused item's included, so `settings` answers with inert
 * placeholders when the reconciler is off; nothing of them reaches the template.
 */
'use strict';

const DATAZONE_CONSTRAINTS = require('../src/core/datazone-constraints.json');
const {
  accountRateOf,
  floorToHundredths,
  MIN_PER_CONTAINER_RPS,
  OPERATIONS,
  ParameterError,
  parseDomainIds,
  positiveRate,
  buildDataZoneResources,
  rateVariables,
  reconcileShare,
  toNumber,
} = require('./variables.cjs');

const PROJECT_ID_PATTERN = new RegExp(DATAZONE_CONSTRAINTS.projectIdPattern);

/** The detail-type of the events a sweep enqueues (src/core/reconciliation.ts, reconciledEvent). */
const RECONCILED_DETAIL_TYPE = 'New Asset Version Available';

/** Seconds per unit of an EventBridge rate expression. */
const RATE_UNIT_SECONDS = { minute: 60, hour: 3600, day: 86_400 };

/**
 * The shortest schedule: a sweep must find the revisions the worker has not started, not those whose events are
 * still waiting out a backoff in the source queue (up to quotaBackoffMaxSeconds, an hour by default).
 */
const MIN_INTERVAL_SECONDS = 3600;

/**
 * The longest schedule: the missing-revisions alarm evaluates two periods of one schedule interval each, and
 * CloudWatch allows at most seven days (604,800 s) of Period x EvaluationPeriods.
 */
const MAX_INTERVAL_SECONDS = 302_400;

/**
 * `rate(N unit)` as EventBridge accepts it (singular unit for 1, plural otherwise), and its interval. A cron
 * expression is refused: the alarm's period is the interval between two sweeps, which a cron does not have.
 * @param {unknown} reconcileSchedule
 * @returns {{ expression: string, intervalSeconds: number }}
 */
function parseSchedule(reconcileSchedule) {
  const expression = String(reconcileSchedule ?? '').trim();
  const match = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  const value = Number(match?.[1]);
  const unit = /** @type {keyof typeof RATE_UNIT_SECONDS} */ (match?.[2]);
  const intervalSeconds = value * RATE_UNIT_SECONDS[unit];
  const plural = match?.[3] === 's';
  const wellFormed = match !== null && value > 0 && plural === (value !== 1);
  if (!wellFormed || intervalSeconds < MIN_INTERVAL_SECONDS || intervalSeconds > MAX_INTERVAL_SECONDS) {
    throw new ParameterError(
      `Parameter reconcileSchedule must be empty (no reconciler) or an EventBridge rate expression from ` +
        `rate(1 hour) to rate(84 hours), such as rate(1 day) or rate(12 hours), got "${expression}": shorter ` +
        'schedules count events still backing off in the source queue as missing, and the alarm on two sweeps ' +
        'in a row can span at most 7 days',
    );
  }
  return { expression, intervalSeconds };
}

/**
 * The domains a sweep covers: required, and among `domainIds` when the worker is limited to some, since the worker
 * would skip the events of any other domain.
 * @param {unknown} reconcileDomainIds
 * @param {unknown} domainIds
 * @returns {string[]}
 */
function reconcileDomains(reconcileDomainIds, domainIds) {
  const swept = parseDomainIds(reconcileDomainIds, 'reconcileDomainIds');
  if (swept.length === 0) {
    throw new ParameterError(
      'Parameter reconcileDomainIds must name at least one domain (dzd_…) when reconcileSchedule is set',
    );
  }
  const handled = parseDomainIds(domainIds);
  const unhandled = swept.filter((id) => handled.length > 0 && !handled.includes(id));
  if (unhandled.length > 0) {
    throw new ParameterError(
      `Parameter reconcileDomainIds names domains the worker skips (not in domainIds): ${unhandled.join(', ')}`,
    );
  }
  return swept;
}

/**
 * RECONCILE_PROJECT_ID: empty for every project of the domains, else one DataZone project id.
 * @param {unknown} reconcileProjectId
 * @returns {string}
 */
function checkProjectId(reconcileProjectId) {
  const id = String(reconcileProjectId ?? '').trim();
  if (id === '' || PROJECT_ID_PATTERN.test(id)) return id;
  throw new ParameterError(
    `Parameter reconcileProjectId must be empty or a DataZone project id (${PROJECT_ID_PATTERN.source}), got "${id}"`,
  );
}

/**
 * RECONCILE_PUBLISHED_ONLY, as the reconciler reads it (osls hands over a YAML boolean, --param a string).
 * @param {unknown} reconcilePublishedOnly
 * @returns {'true' | 'false'}
 */
function checkPublishedOnly(reconcilePublishedOnly) {
  const value = String(reconcilePublishedOnly ?? '')
    .trim()
    .toLowerCase();
  if (value === 'true' || value === 'false') return value;
  throw new ParameterError(
    `Parameter reconcilePublishedOnly must be true or false, got "${String(reconcilePublishedOnly)}"`,
  );
}

/**
 * What the reconciler hands its events to: the worker's source queue, so the worker must exist in the queue wiring
 * and handle the detail-type of a reconciled event.
 * @param {unknown} wiring
 * @param {unknown} detailTypes
 */
function checkWorkerTakesReconciledEvents(wiring, detailTypes) {
  if (wiring !== 'queue') {
    throw new ParameterError(
      `Parameter reconcileSchedule needs wiring queue, got wiring "${String(wiring)}": the reconciler puts its ` +
        "events on the worker's source queue",
    );
  }
  const types = String(detailTypes ?? '')
    .split(',')
    .map((type) => type.trim());
  if (!types.includes(RECONCILED_DETAIL_TYPE)) {
    throw new ParameterError(
      `Parameter detailTypes must include "${RECONCILED_DETAIL_TYPE}" when reconcileSchedule is set: the worker ` +
        'would skip every event the reconciler enqueues',
    );
  }
}

/**
 * SWEEP_REQUESTS_PER_SECOND and its per-operation variables: the reconciler's share of an operation's account rate
 * (all of it for Search, which the worker never calls) split over the sweep steps that may run at once (the
 * mapping's maximum concurrency: two sweeps, or two domains of one, can overlap), rounded down. The worker gets the
 * rest (stack/variables.cjs, workerRates), so live events are never starved.
 * @param {unknown} accountRps
 * @param {number} share the reconciler's fraction (1: the operation is the reconciler's alone)
 * @param {unknown} maxConcurrency
 * @param {string} [parameter] the parameter accountRps comes from, for the messages
 * @returns {number}
 */
function sweepRequestsPerSecond(accountRps, share, maxConcurrency, parameter = 'datazoneAccountRps') {
  const rps = positiveRate(parameter, accountRps);
  const steps = toNumber('reconcilerMaxConcurrency', maxConcurrency);
  const perStep = floorToHundredths((rps * share) / steps);
  // Also what lets one page of one asset (Search, GetAsset, ListMetadataGenerationRuns) fit in an invocation.
  if (perStep < MIN_PER_CONTAINER_RPS) {
    const part =
      share === 1 ? `${parameter} (${rps})` : `${parameter} x reconcileBudgetShare (${rps} x ${share})`;
    throw new ParameterError(
      `Parameters ${part} leave each of the ${steps} sweep steps that may run at once less than ` +
        `${MIN_PER_CONTAINER_RPS} requests per second: raise ${share === 1 ? parameter : `reconcileBudgetShare or ${parameter}`}`,
    );
  }
  return perStep;
}

/**
 * A sweep step's rates: the share of datazoneAccountRps as the default, and each operation the sweep calls at its
 * own (StartMetadataGenerationRun, which it never calls, keeps the default).
 * @param {Record<string, unknown>} params the stack parameters by name, and reconcilerMaxConcurrency
 * @param {number} share
 * @returns {import('./variables.cjs').Rates}
 */
function sweepRates(params, share) {
  const steps = params.reconcilerMaxConcurrency;
  const defaultRps = sweepRequestsPerSecond(params.datazoneAccountRps, share, steps);
  const operations = OPERATIONS.filter((entry) => entry.sweep).map(({ operation, parameter, worker }) => {
    const source = accountRateOf(parameter, params);
    const perContainer = sweepRequestsPerSecond(
      source.accountRps,
      worker ? share : 1,
      steps,
      source.parameter,
    );
    return { operation, parameter: source.parameter, perContainer };
  });
  return { defaultRps, operations };
}

/**
 * @typedef {object} ReconcilerSettings
 * @property {string} scheduleExpression
 * @property {number} alarmPeriodSeconds one schedule interval: one sweep per period
 * @property {string} domainIds RECONCILE_DOMAIN_IDS
 * @property {object[]} dataZoneResources the swept domains' ARNs, for the reconciler's role
 * @property {string} projectId RECONCILE_PROJECT_ID
 * @property {'true' | 'false'} publishedOnly RECONCILE_PUBLISHED_ONLY
 * @property {number} sweepRequestsPerSecond SWEEP_REQUESTS_PER_SECOND
 * @property {Record<string, string>} rateVariables SWEEP_REQUESTS_PER_SECOND_<OPERATION> where it differs
 */

/**
 * Every reconciler parameter checked together, or undefined without a schedule (then none of them is read).
 * @param {Record<string, unknown>} params the stack parameters by name, and reconcilerMaxConcurrency
 * @returns {ReconcilerSettings | undefined}
 */
function reconcilerSettings(params) {
  if (String(params.reconcileSchedule ?? '').trim() === '') return undefined;
  const schedule = parseSchedule(params.reconcileSchedule);
  checkWorkerTakesReconciledEvents(params.wiring, params.detailTypes);
  const domains = reconcileDomains(params.reconcileDomainIds, params.domainIds);
  const share = reconcileShare(params.reconcileSchedule, params.reconcileBudgetShare);
  const rates = sweepRates(params, share);
  return {
    scheduleExpression: schedule.expression,
    alarmPeriodSeconds: schedule.intervalSeconds,
    domainIds: domains.join(','),
    dataZoneResources: buildDataZoneResources(domains.join(','), 'reconcileDomainIds'),
    projectId: checkProjectId(params.reconcileProjectId),
    publishedOnly: checkPublishedOnly(params.reconcilePublishedOnly),
    sweepRequestsPerSecond: rates.defaultRps,
    rateVariables: rateVariables('SWEEP_REQUESTS_PER_SECOND', rates),
  };
}

/** What custom.reconcilers.enabled resolves to when the reconciler is off: valid YAML, never deployed. */
/** @type {ReconcilerSettings} */
const INERT_SETTINGS = {
  scheduleExpression: '',
  alarmPeriodSeconds: 0,
  domainIds: '',
  dataZoneResources: [],
  projectId: '',
  publishedOnly: 'false',
  sweepRequestsPerSecond: 0,
  rateVariables: {},
};

const PARAMETERS = [
  'reconcileSchedule',
  'reconcileDomainIds',
  'reconcileProjectId',
  'reconcilePublishedOnly',
  'reconcileBudgetShare',
  'datazoneAccountRps',
  ...OPERATIONS.filter((entry) => entry.sweep).map((entry) => entry.parameter),
  'domainIds',
  'wiring',
  'detailTypes',
];

/** @typedef {{ resolveVariable: (variable: string) => Promise<unknown> }} VariableContext */

/**
 * @param {VariableContext['resolveVariable']} resolveVariable
 * @returns {Promise<ReconcilerSettings | undefined>}
 */
async function resolveSettings(resolveVariable) {
  /** @type {Record<string, unknown>} */
  const params = {};
  for (const name of PARAMETERS) params[name] = await resolveVariable(`param:${name}`);
  params.reconcilerMaxConcurrency = await resolveVariable('self:custom.reconcilerMaxConcurrency');
  return reconcilerSettings(params);
}

module.exports = {
  parseSchedule,
  reconcileDomains,
  checkProjectId,
  checkPublishedOnly,
  checkWorkerTakesReconciledEvents,
  sweepRequestsPerSecond,
  sweepRates,
  reconcilerSettings,
  RECONCILED_DETAIL_TYPE,
  // --- resolvers: `${file(./stack/reconciler.cjs):<name>}` ---------------------------------------------------
  /**
   * Which item of custom.reconcilers serverless.yml merges: a bad reconciler parameter fails packaging here.
   * @param {VariableContext} context
   * @returns {Promise<'enabled' | 'disabled'>}
   */
  reconciler: async ({ resolveVariable }) =>
    (await resolveSettings(resolveVariable)) === undefined ? 'disabled' : 'enabled',
  /** @param {VariableContext} context */
  settings: async ({ resolveVariable }) => (await resolveSettings(resolveVariable)) ?? INERT_SETTINGS,
};
