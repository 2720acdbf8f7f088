/**
 * The reconciler's parameters as serverless.yml resolves them (stack/reconciler.cjs), and the share of the DataZone
 * budget the worker gives up for it (stack/variables.cjs), without packaging.
 */
import { describe, expect, it } from 'vitest';
import { reconciledEvent } from '../../src/core/reconciliation.js';
import { loadReconcilerConfig } from '../../src/runtime/reconciler-config.js';
import reconcilerModule from '../../stack/reconciler.cjs';
import variables from '../../stack/variables.cjs';

const {
  checkProjectId,
  checkPublishedOnly,
  checkWorkerTakesReconciledEvents,
  parseSchedule,
  reconcileDomains,
  reconcilerSettings,
  reconciler,
  RECONCILED_DETAIL_TYPE,
  settings,
  sweepRates,
  sweepRequestsPerSecond,
} = reconcilerModule;
const { ParameterError, perContainerRps, reconcileShare, splitAccountRps, workerRates } = variables;

/** The parameters of a deployment with a reconciler, as osls hands them over (strings from --param). */
const WITH_SCHEDULE = {
  reconcileSchedule: 'rate(1 day)',
  reconcileDomainIds: 'dzd_abc123',
  reconcileProjectId: '',
  reconcilePublishedOnly: false,
  reconcileBudgetShare: 0.25,
  datazoneAccountRps: 8,
  datazoneAccountRpsGetAsset: '',
  datazoneAccountRpsStartRun: '',
  datazoneAccountRpsListRuns: '',
  datazoneAccountRpsGetRun: '',
  datazoneAccountRpsSearch: '',
  maxConcurrency: 4,
  domainIds: '',
  wiring: 'queue',
  detailTypes: 'Asset Added To Inventory,Asset Added To Catalog,New Asset Version Available',
  reconcilerMaxConcurrency: 2,
};

/** What osls hands a resolver: `param:<name>` from the parameters, `self:custom.<name>` from custom. */
function context(params: Record<string, unknown>) {
  return {
    resolveVariable: async (variable: string) => {
      const name = variable.replace(/^param:|^self:custom\./, '');
      if (!(name in params)) throw new Error(`unexpected variable ${variable}`);
      return params[name];
    },
  };
}

const HOUR = 3600;
const DAY = 86_400;

describe('parseSchedule', () => {
  it('takes the rate expressions EventBridge accepts, from 1 hour to 84 hours, with their interval', () => {
    expect(parseSchedule('rate(1 day)')).toEqual({ expression: 'rate(1 day)', intervalSeconds: DAY });
    expect(parseSchedule(' rate(12 hours) ')).toEqual({
      expression: 'rate(12 hours)',
      intervalSeconds: 12 * HOUR,
    });
    expect(parseSchedule('rate(60 minutes)').intervalSeconds).toBe(HOUR);
    expect(parseSchedule('rate(1 hour)').intervalSeconds).toBe(HOUR);
    expect(parseSchedule('rate(3 days)').intervalSeconds).toBe(3 * DAY);
    expect(parseSchedule('rate(84 hours)').intervalSeconds).toBe(84 * HOUR);
  });

  it('refuses what EventBridge would (the unit is singular for 1 only), crons, and intervals out of range', () => {
    for (const bad of [
      'rate(1 days)',
      'rate(2 day)',
      'rate(0 hours)',
      'rate(1.5 hours)',
      'rate(59 minutes)',
      'rate(85 hours)',
      'rate(4 days)',
      'cron(0 2 * * ? *)',
      'daily',
    ]) {
      expect(() => parseSchedule(bad), bad).toThrow(/^Parameter reconcileSchedule must be empty/);
    }
    expect(() => parseSchedule('cron(0 2 * * ? *)')).toThrow(
      /^Parameter reconcileSchedule must be empty \(no reconciler\) or an EventBridge rate expression from rate\(1 hour\) to rate\(84 hours\).*got "cron\(0 2 \* \* \? \*\)"/,
    );
  });

  it('gives every accepted schedule an alarm period CloudWatch accepts for two evaluation periods', () => {
    for (const unit of ['minutes', 'hours', 'days'] as const) {
      for (let value = 2; value <= 6000; value += 1) {
        let interval: number;
        try {
          interval = parseSchedule(`rate(${value} ${unit})`).intervalSeconds;
        } catch {
          continue;
        }
        // A multiple of 60, and two periods within CloudWatch's 7 days of Period x EvaluationPeriods.
        expect(interval % 60).toBe(0);
        expect(2 * interval).toBeLessThanOrEqual(604_800);
      }
    }
  });
});

describe('reconcileDomains', () => {
  it('takes the swept domains, among domainIds when the worker is limited to some', () => {
    expect(reconcileDomains(' dzd_abc123, dzd-def456 ', '')).toEqual(['dzd_abc123', 'dzd-def456']);
    expect(reconcileDomains('dzd_abc123', 'dzd_abc123,dzd-def456')).toEqual(['dzd_abc123']);
  });

  it('needs one at least, valid ids, and none the worker skips', () => {
    expect(() => reconcileDomains('', '')).toThrow(
      'Parameter reconcileDomainIds must name at least one domain (dzd_…) when reconcileSchedule is set',
    );
    expect(() => reconcileDomains('dzd_ok,abc', '')).toThrow(
      /^Parameter reconcileDomainIds must list DataZone domain ids .*invalid: abc$/,
    );
    expect(() => reconcileDomains('dzd_abc123,dzd_other', 'dzd_abc123')).toThrow(
      'Parameter reconcileDomainIds names domains the worker skips (not in domainIds): dzd_other',
    );
  });
});

describe('checkProjectId and checkPublishedOnly', () => {
  it('take a project id or nothing, and a boolean from YAML or --param', () => {
    expect(checkProjectId('')).toBe('');
    expect(checkProjectId(' proj_42 ')).toBe('proj_42');
    expect(() => checkProjectId('a b')).toThrow(/^Parameter reconcileProjectId must be empty or a DataZone/);
    expect(checkPublishedOnly(false)).toBe('false');
    expect(checkPublishedOnly('TRUE')).toBe('true');
    expect(() => checkPublishedOnly('yes')).toThrow(
      'Parameter reconcilePublishedOnly must be true or false, got "yes"',
    );
  });
});

describe('checkWorkerTakesReconciledEvents', () => {
  it('expects the detail-type the sweep writes', () => {
    const missing = {
      domainId: 'dzd_abc123',
      assetId: 'asset1',
      revision: '3',
      owningProjectId: 'proj_42',
      assetType: 'amazon.datazone.GlueTableAssetType',
      groups: [],
    };
    const event = reconciledEvent(
      missing,
      { origin: 'reconciler', sweepId: 's', groups: [] },
      { time: new Date(0) },
    );
    expect(event['detail-type']).toBe(RECONCILED_DETAIL_TYPE);
  });

  it('needs the queue wiring and a worker that handles that detail-type', () => {
    expect(() => checkWorkerTakesReconciledEvents('queue', WITH_SCHEDULE.detailTypes)).not.toThrow();
    expect(() => checkWorkerTakesReconciledEvents('direct', WITH_SCHEDULE.detailTypes)).toThrow(
      /^Parameter reconcileSchedule needs wiring queue, got wiring "direct"/,
    );
    expect(() => checkWorkerTakesReconciledEvents('queue', 'Asset Added To Catalog')).toThrow(
      /^Parameter detailTypes must include "New Asset Version Available" when reconcileSchedule is set/,
    );
  });
});

describe('the budget split between the worker and the reconciler', () => {
  it('gives the reconciler nothing without a schedule, whatever the share says', () => {
    expect(reconcileShare('', 0.25)).toBe(0);
    expect(reconcileShare(undefined, 'nonsense')).toBe(0);
    expect(reconcileShare('rate(1 day)', '0.25')).toBe(0.25);
  });

  it('takes a share strictly between 0 and 1', () => {
    for (const bad of [0, 1, -0.1, 1.5, 'half', '']) {
      expect(() => reconcileShare('rate(1 day)', bad), String(bad)).toThrow(ParameterError);
    }
    expect(() => reconcileShare('rate(1 day)', 1)).toThrow(
      /^Parameter reconcileBudgetShare must be a fraction of datazoneAccountRps greater than 0 and less than 1, got 1: the reconciler and the worker share the account's rate of each DataZone operation$/,
    );
  });

  it('splits the share over the two sweep steps and the rest over the worker containers', () => {
    // The defaults: 8 requests/s, a quarter for the reconciler, 4 worker containers.
    expect(sweepRequestsPerSecond(8, 0.25, 2)).toBe(1);
    expect(splitAccountRps(8, 4, 0.25)).toBe(1.5);
    expect(splitAccountRps(8, 4)).toBe(2);
  });

  it('keeps both together within the account budget, rounding each down to 0.01', () => {
    for (const rps of [0.5, 1, 3, 8, 12.5, 20, 99.99]) {
      for (const share of [0.05, 0.1, 0.25, 0.3, 0.5, 0.75]) {
        for (const containers of [2, 3, 4, 7, 10]) {
          let worker: number;
          let sweep: number;
          try {
            worker = splitAccountRps(rps, containers, share);
            sweep = sweepRequestsPerSecond(rps, share, 2);
          } catch {
            continue;
          }
          expect(Math.round(worker * 100) * containers + Math.round(sweep * 100) * 2).toBeLessThanOrEqual(
            Math.round(rps * 100),
          );
          expect(sweep).toBeGreaterThan((rps * share) / 2 - 0.01);
          expect(worker).toBeGreaterThan((rps * (1 - share)) / containers - 0.01);
        }
      }
    }
  });

  it('refuses a split that leaves the sweep or a worker container less than 0.05 requests/s, naming the share', () => {
    expect(() => sweepRequestsPerSecond(0.5, 0.1, 2)).toThrow(
      /^Parameters datazoneAccountRps x reconcileBudgetShare \(0\.5 x 0\.1\) leave each of the 2 sweep steps .* raise reconcileBudgetShare or datazoneAccountRps$/,
    );
    expect(() => splitAccountRps(1, 4, 0.9)).toThrow(
      /^Parameters datazoneAccountRps x \(1 - reconcileBudgetShare\) \/ maxConcurrency .* or reconcileBudgetShare$/,
    );
  });

  it('deploys the worker at its reduced rate only when a schedule is set', async () => {
    const params = {
      ...WITH_SCHEDULE,
      datazoneAccountRps: '12.5',
      maxConcurrency: '4',
      reconcileBudgetShare: '0.3',
    };
    await expect(perContainerRps(context({ ...params, reconcileSchedule: '' }))).resolves.toBe(3.12);
    await expect(perContainerRps(context({ ...params, reconcileSchedule: 'rate(1 day)' }))).resolves.toBe(
      2.18,
    );
  });
});

describe('the sweep’s rate of each DataZone operation', () => {
  /** The per-step rate of each operation, by name. */
  const byOperation = (rates: { operations: { operation: string; perContainer: number }[] }) =>
    Object.fromEntries(rates.operations.map((rate) => [rate.operation, rate.perContainer]));

  it('is the share of each operation’s own account rate over the two steps, and all of Search’s', () => {
    const rates = sweepRates(
      { ...WITH_SCHEDULE, datazoneAccountRpsGetAsset: '12', datazoneAccountRpsSearch: '10' },
      0.25,
    );
    expect(rates.defaultRps).toBe(1);
    expect(byOperation(rates)).toEqual({
      GetAsset: 1.5,
      ListMetadataGenerationRuns: 1,
      GetMetadataGenerationRun: 1,
      Search: 5,
    });
    // Search defaults to datazoneAccountRps, and the worker never calls it: 8 over the two steps.
    expect(byOperation(sweepRates(WITH_SCHEDULE, 0.25)).Search).toBe(4);
  });

  it('sets SWEEP_REQUESTS_PER_SECOND_<OPERATION> only where it differs, as the reconciler reads it', async () => {
    const params = { ...WITH_SCHEDULE, datazoneAccountRpsListRuns: '16', datazoneAccountRpsGetRun: '8' };
    const deployed = reconcilerSettings(params);
    expect(deployed?.rateVariables).toEqual({
      SWEEP_REQUESTS_PER_SECOND_LIST_METADATA_GENERATION_RUNS: '2',
      SWEEP_REQUESTS_PER_SECOND_SEARCH: '4',
    });
    const config = loadReconcilerConfig({
      RECONCILE_DOMAIN_IDS: 'dzd_abc123',
      SOURCE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/events',
      SWEEP_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sweeps',
      SWEEP_REQUESTS_PER_SECOND: String(deployed?.sweepRequestsPerSecond),
      ...deployed?.rateVariables,
    });
    const read = Object.fromEntries(
      Object.entries(config.rates).map(([operation, rate]) => [operation, rate.ratePerSecond]),
    );
    // StartMetadataGenerationRun, which a sweep never calls, keeps the default.
    expect(read).toEqual({ ...byOperation(sweepRates(params, 0.25)), StartMetadataGenerationRun: 1 });
  });

  it('keeps the worker and the sweep together within each operation’s account rate', () => {
    for (const rps of [0.5, 3, 8, 12.5, 20]) {
      for (const share of [0.1, 0.25, 0.5]) {
        for (const containers of [2, 3, 7]) {
          const params = {
            ...WITH_SCHEDULE,
            reconcileBudgetShare: share,
            maxConcurrency: containers,
            datazoneAccountRpsGetAsset: rps,
            datazoneAccountRpsStartRun: rps,
            datazoneAccountRpsSearch: rps,
          };
          let worker: Record<string, number>;
          let sweep: Record<string, number>;
          try {
            worker = byOperation(workerRates(params));
            sweep = byOperation(sweepRates(params, share));
          } catch {
            continue;
          }
          const hundredths = (operation: string) =>
            Math.round((worker[operation] ?? 0) * 100) * containers +
            Math.round((sweep[operation] ?? 0) * 100) * 2;
          for (const operation of ['GetAsset', 'StartMetadataGenerationRun', 'Search']) {
            expect(hundredths(operation), `${operation} at ${rps}`).toBeLessThanOrEqual(
              Math.round(rps * 100),
            );
            // Nothing left unused but the rounding: one hundredth per container or step at most.
            expect(hundredths(operation)).toBeGreaterThan(Math.round(rps * 100) - containers - 2);
          }
        }
      }
    }
  });

  it('refuses an operation’s rate that leaves a step less than 0.05 requests/s, naming its parameter', () => {
    expect(() => sweepRates({ ...WITH_SCHEDULE, datazoneAccountRpsSearch: '0.09' }, 0.25)).toThrow(
      'Parameters datazoneAccountRpsSearch (0.09) leave each of the 2 sweep steps that may run at once less than ' +
        '0.05 requests per second: raise datazoneAccountRpsSearch',
    );
    expect(() => sweepRates({ ...WITH_SCHEDULE, datazoneAccountRpsGetAsset: '0.39' }, 0.25)).toThrow(
      /^Parameters datazoneAccountRpsGetAsset x reconcileBudgetShare \(0\.39 x 0\.25\) .* raise reconcileBudgetShare or datazoneAccountRpsGetAsset$/,
    );
    expect(() => sweepRates({ ...WITH_SCHEDULE, datazoneAccountRpsGetRun: 'many' }, 0.25)).toThrow(
      'Parameter datazoneAccountRpsGetRun must be a number, got "many"',
    );
    // A StartMetadataGenerationRun rate the sweep never uses is not its concern.
    expect(() => sweepRates({ ...WITH_SCHEDULE, datazoneAccountRpsStartRun: '0.01' }, 0.25)).not.toThrow();
  });
});

describe('reconcilerSettings and the resolvers', () => {
  it('reads nothing else and deploys nothing without a schedule', async () => {
    expect(reconcilerSettings({ ...WITH_SCHEDULE, reconcileSchedule: '', reconcileDomainIds: 'abc' })).toBe(
      undefined,
    );
    const off = context({ ...WITH_SCHEDULE, reconcileSchedule: ' ', reconcileBudgetShare: 7 });
    await expect(reconciler(off)).resolves.toBe('disabled');
    // custom.reconcilers.enabled is resolved all the same: inert values, never deployed.
    await expect(settings(off)).resolves.toMatchObject({ scheduleExpression: '', dataZoneResources: [] });
  });

  it('derives everything serverless.yml deploys from the parameters with a schedule', async () => {
    const on = context({ ...WITH_SCHEDULE, reconcileProjectId: 'proj_42', reconcilePublishedOnly: 'true' });
    await expect(reconciler(on)).resolves.toBe('enabled');
    await expect(settings(on)).resolves.toEqual({
      scheduleExpression: 'rate(1 day)',
      alarmPeriodSeconds: DAY,
      domainIds: 'dzd_abc123',
      dataZoneResources: [
        {
          'Fn::Sub': `arn:\${AWS::Partition}:datazone:\${AWS::Region}:\${AWS::AccountId}:domain/dzd_abc123`,
        },
      ],
      projectId: 'proj_42',
      publishedOnly: 'true',
      sweepRequestsPerSecond: 1,
      rateVariables: { SWEEP_REQUESTS_PER_SECOND_SEARCH: '4' },
    });
  });

  it('fails packaging on the first bad reconciler parameter', async () => {
    await expect(reconciler(context({ ...WITH_SCHEDULE, reconcileDomainIds: '' }))).rejects.toThrow(
      /reconcileDomainIds must name at least one domain/,
    );
    await expect(settings(context({ ...WITH_SCHEDULE, wiring: 'direct' }))).rejects.toThrow(
      /reconcileSchedule needs wiring queue/,
    );
  });
});
