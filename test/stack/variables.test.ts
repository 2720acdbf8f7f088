/**
 * The values serverless.yml computes at packaging time (stack/variables.cjs), without packaging: the rate split,
 * the rule's event pattern, the DataZone resources of the role, and the alarm e-mail switch.
 */
import { describe, expect, it } from 'vitest';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '../../src/core/backoff.js';
import { NAME_GENERATION_DETAIL_TYPES, RUN_OUTCOME_DETAIL_TYPES } from '../../src/core/outcome-event.js';
import { DEAD_LETTER_ATTRIBUTES_MAX_BYTES } from '../../src/queues/dead-letter-attributes.js';
import { loadConfig } from '../../src/runtime/config.js';
import variables from '../../stack/variables.cjs';

const {
  alarmEmail,
  alarmEmailChoice,
  buildDataZoneActions,
  buildDataZoneResources,
  buildEventPattern,
  batchSize,
  callsPerRecord,
  checkBatchSize,
  checkBurst,
  checkDeadlineMargin,
  checkLogLevel,
  checkMaxReceiveCount,
  checkRunRetries,
  checkTrackOutcomes,
  checkWiring,
  deadlineSafetyMarginMs,
  dataZoneActions,
  dataZoneResources,
  deadLetterExpiryAlarmSeconds,
  deadLetterExpiryThreshold,
  eventPattern,
  logLevel,
  sourceQueueMaxMessageSize,
  deadLetterQueueMaxMessageSize,
  maxReceiveCount,
  maxServableBatchSize,
  MAX_RUN_RETRY_WAIT_SECONDS,
  maxRunAttempts,
  noSuccessAlarmPeriod,
  noSuccessAlarmPeriodSeconds,
  OUTCOME_DETAIL_TYPES,
  outcomeTracking,
  ParameterError,
  parseDomainIds,
  perContainerRps,
  runFailureShareAlarmMinRuns,
  runFailureShareAlarmPercent,
  runRetryBaseSeconds,
  rateVariables,
  splitAccountRps,
  wiring,
  workerRates,
  workerRateVariables,
} = variables;

/**
 * What osls hands to a resolver: `resolveVariable('param:<name>')` gives the parameter's value,
 * `resolveVariable('self:custom.<name>')` the value of `custom.<name>`.
 */
function context(params: Record<string, string | number | boolean>, custom: Record<string, number> = {}) {
  return {
    resolveVariable: async (variable: string) => {
      if (variable.startsWith('self:custom.')) {
        const name = variable.slice('self:custom.'.length);
        if (!(name in custom)) throw new Error(`unexpected variable ${variable}`);
        return custom[name];
      }
      const name = variable.replace(/^param:/, '');
      if (!(name in params)) throw new Error(`unexpected variable ${variable}`);
      return params[name];
    },
  };
}

const sub = (domain: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:datazone:\${AWS::Region}:\${AWS::AccountId}:domain/${domain}`,
});

describe('splitAccountRps', () => {
  it('divides the account rate by the containers, rounded down to 0.01', () => {
    expect(splitAccountRps(8, 4)).toBe(2);
    expect(splitAccountRps('12.5', '3')).toBe(4.16);
    expect(splitAccountRps(10, 3)).toBe(3.33);
    expect(splitAccountRps(20, 6)).toBe(3.33);
    expect(splitAccountRps(50, 1000)).toBe(0.05);
    // Binary rounding must not cost a hundredth: 0.3 / 3 is 0.09999999999999999 in floating point.
    expect(splitAccountRps('0.3', 3)).toBe(0.1);
    expect(splitAccountRps(0.35, 7)).toBe(0.05);
  });

  it('never lets the fleet exceed the budget, and wastes less than 0.01 per container', () => {
    for (const rps of [1, 2.5, 7, 8, 12.5, 13, 19.99, 20, 100, 333.33]) {
      for (let containers = 2; containers <= 1000; containers += containers < 20 ? 1 : 37) {
        if (rps / containers < 0.05) continue;
        const perContainer = splitAccountRps(rps, containers);
        // In hundredths, to compare integers rather than binary fractions.
        expect(Math.round(perContainer * 100) * containers).toBeLessThanOrEqual(Math.round(rps * 100));
        expect(perContainer).toBeGreaterThan(rps / containers - 0.01);
        expect(Math.round(perContainer * 100)).toBeCloseTo(perContainer * 100, 9);
      }
    }
  });

  it('rejects what the event source mapping or the worker would, naming the parameter', () => {
    const cases: [unknown, unknown, RegExp][] = [
      [0, 4, /datazoneAccountRps must be positive/],
      [-3, 4, /datazoneAccountRps must be positive/],
      ['', 4, /datazoneAccountRps must be a number, got ""/],
      ['eight', 4, /datazoneAccountRps must be a number/],
      [8, 1, /maxConcurrency must be an integer from 2 to 1000, got 1/],
      [8, 1001, /maxConcurrency must be an integer from 2 to 1000/],
      [8, '2.5', /maxConcurrency must be an integer from 2 to 1000/],
      [8, 'four', /maxConcurrency must be a number/],
      [0.01, 4, /datazoneAccountRps \/ maxConcurrency \(0\.01 \/ 4\) leave each container less than 0\.05/],
      // 8 requests/s over 500 containers: 0.016 each, a drained bucket's next slot 62 s away, past the deadline.
      [8, 500, /datazoneAccountRps \/ maxConcurrency \(8 \/ 500\) leave each container less than 0\.05/],
    ];
    for (const [rps, containers, message] of cases) {
      expect(() => splitAccountRps(rps, containers)).toThrow(ParameterError);
      expect(() => splitAccountRps(rps, containers)).toThrow(message);
    }
  });
});

/** The worker's rate parameters as packaging reads them: the defaults, every operation's own rate empty. */
const RATE_DEFAULTS = {
  datazoneAccountRps: 8,
  maxConcurrency: 4,
  reconcileSchedule: '',
  reconcileBudgetShare: 0.25,
  datazoneAccountRpsGetAsset: '',
  datazoneAccountRpsStartRun: '',
  datazoneAccountRpsListRuns: '',
  datazoneAccountRpsGetRun: '',
};

/** The per-container rate of each operation, by name. */
const byOperation = (rates: { operations: { operation: string; perContainer: number }[] }) =>
  Object.fromEntries(rates.operations.map((rate) => [rate.operation, rate.perContainer]));

describe('the worker’s rate of each DataZone operation', () => {
  it('is datazoneAccountRps’s split for every operation whose own parameter is empty', () => {
    const rates = workerRates(RATE_DEFAULTS);
    expect(rates.defaultRps).toBe(2);
    expect(byOperation(rates)).toEqual({
      GetAsset: 2,
      StartMetadataGenerationRun: 2,
      ListMetadataGenerationRuns: 2,
      GetMetadataGenerationRun: 2,
    });
    expect(rateVariables('DATAZONE_REQUESTS_PER_SECOND', rates)).toEqual({});
  });

  it('splits each operation’s own account rate over the containers, rounded down to 0.01, naming its parameter', () => {
    const rates = workerRates({
      ...RATE_DEFAULTS,
      maxConcurrency: '3',
      datazoneAccountRpsGetAsset: '12.5',
      datazoneAccountRpsStartRun: 20,
      datazoneAccountRpsListRuns: ' 0.3 ',
      datazoneAccountRpsGetRun: '8',
    });
    expect(rates.defaultRps).toBe(2.66);
    expect(rates.operations).toEqual([
      { operation: 'GetAsset', parameter: 'datazoneAccountRpsGetAsset', perContainer: 4.16 },
      {
        operation: 'StartMetadataGenerationRun',
        parameter: 'datazoneAccountRpsStartRun',
        perContainer: 6.66,
      },
      { operation: 'ListMetadataGenerationRuns', parameter: 'datazoneAccountRpsListRuns', perContainer: 0.1 },
      { operation: 'GetMetadataGenerationRun', parameter: 'datazoneAccountRpsGetRun', perContainer: 2.66 },
    ]);
  });

  it('sets a variable only for the operations whose rate differs from the default', () => {
    const rates = workerRates({
      ...RATE_DEFAULTS,
      datazoneAccountRpsGetAsset: '16',
      datazoneAccountRpsGetRun: '8',
    });
    expect(rateVariables('DATAZONE_REQUESTS_PER_SECOND', rates)).toEqual({
      DATAZONE_REQUESTS_PER_SECOND_GET_ASSET: '4',
    });
  });

  it('gives a reconciler its share of the operations it calls, but not of StartMetadataGenerationRun', () => {
    const rates = workerRates({
      ...RATE_DEFAULTS,
      reconcileSchedule: 'rate(1 day)',
      datazoneAccountRpsGetAsset: 12,
    });
    expect(rates.defaultRps).toBe(1.5);
    expect(byOperation(rates)).toEqual({
      GetAsset: 2.25,
      StartMetadataGenerationRun: 2,
      ListMetadataGenerationRuns: 1.5,
      GetMetadataGenerationRun: 1.5,
    });
  });

  it('refuses an operation’s rate as it refuses datazoneAccountRps, naming the operation’s parameter', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { datazoneAccountRpsGetAsset: 'eight' },
        'Parameter datazoneAccountRpsGetAsset must be a number, got "eight"',
      ],
      [{ datazoneAccountRpsStartRun: '0' }, 'Parameter datazoneAccountRpsStartRun must be positive, got 0'],
      [{ datazoneAccountRpsListRuns: -1 }, 'Parameter datazoneAccountRpsListRuns must be positive, got -1'],
      [
        { datazoneAccountRpsGetRun: '0.19' },
        'Parameters datazoneAccountRpsGetRun / maxConcurrency (0.19 / 4) leave each container less than 0.05 ' +
          'requests per second: raise datazoneAccountRpsGetRun or lower maxConcurrency',
      ],
      [
        { reconcileSchedule: 'rate(1 day)', datazoneAccountRpsGetAsset: '0.26' },
        'Parameters datazoneAccountRpsGetAsset x (1 - reconcileBudgetShare) / maxConcurrency (0.26 x 0.75 / 4) ' +
          'leave each container less than 0.05 requests per second: raise datazoneAccountRpsGetAsset or lower ' +
          'maxConcurrency or reconcileBudgetShare',
      ],
    ];
    for (const [params, message] of cases) {
      expect(() => workerRates({ ...RATE_DEFAULTS, ...params }), message).toThrow(ParameterError);
      expect(() => workerRates({ ...RATE_DEFAULTS, ...params })).toThrow(message);
    }
    // The reconciler takes no share of the starts: 0.2 over 4 containers is enough without one.
    expect(
      byOperation(
        workerRates({ ...RATE_DEFAULTS, reconcileSchedule: 'rate(1 day)', datazoneAccountRpsStartRun: 0.2 }),
      ).StartMetadataGenerationRun,
    ).toBe(0.05);
  });

  it('deploys the rates the worker then reads, operation by operation, and the burst only when given', async () => {
    const params = {
      ...RATE_DEFAULTS,
      datazoneAccountRps: '12.5',
      maxConcurrency: 3,
      datazoneAccountRpsStartRun: '20',
      datazoneAccountRpsGetRun: '12.5',
      datazoneBurst: '',
    };
    const variables = await workerRateVariables(context(params));
    expect(variables).toEqual({ DATAZONE_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN: '6.66' });
    const config = loadConfig({
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq',
      DATAZONE_REQUESTS_PER_SECOND: String(await perContainerRps(context(params))),
      ...variables,
    });
    const deployed = Object.fromEntries(
      Object.entries(config.datazoneRates).map(([operation, rate]) => [operation, rate.ratePerSecond]),
    );
    expect(deployed).toEqual(byOperation(workerRates(params)));
    await expect(workerRateVariables(context({ ...params, datazoneBurst: 3 }))).resolves.toMatchObject({
      DATAZONE_BURST: '3',
    });
  });
});

describe('domains', () => {
  it('reads the list as the worker does: trimmed, empty items dropped', () => {
    expect(parseDomainIds('')).toEqual([]);
    expect(parseDomainIds(' dzd_abc123 , dzd-def456,')).toEqual(['dzd_abc123', 'dzd-def456']);
  });

  it('rejects anything but DataZone domain ids, listing the bad ones', () => {
    expect(() => parseDomainIds('dzd_ok,abc,dzd_')).toThrow(
      /domainIds must list DataZone domain ids.*invalid: abc, dzd_$/,
    );
    expect(() => parseDomainIds(`dzd_${'a'.repeat(37)}`)).toThrow(ParameterError);
  });

  it('scopes the role to the domains of the stack account, or to all of them', () => {
    expect(buildDataZoneResources('dzd_abc123,dzd-def456')).toEqual([sub('dzd_abc123'), sub('dzd-def456')]);
    expect(buildDataZoneResources('')).toEqual([sub('*')]);
  });
});

/** The outcome detail-types the worker tracks whatever HANDLED_DETAIL_TYPES says (src/core/outcome-event.ts). */
const WORKER_OUTCOME_DETAIL_TYPES = [
  ...Object.keys(RUN_OUTCOME_DETAIL_TYPES),
  ...Object.keys(NAME_GENERATION_DETAIL_TYPES),
];

describe('buildEventPattern', () => {
  it('matches the detail-types, and the domains only when there are any', () => {
    expect(buildEventPattern('Asset Added To Catalog,New Asset Version Available', '', false)).toEqual({
      source: ['aws.datazone'],
      'detail-type': ['Asset Added To Catalog', 'New Asset Version Available'],
    });
    expect(buildEventPattern('Asset Added To Catalog', 'dzd_abc123', false)).toEqual({
      source: ['aws.datazone'],
      'detail-type': ['Asset Added To Catalog'],
      detail: { metadata: { domain: ['dzd_abc123'] } },
    });
  });

  it('adds the run outcome detail-types while outcomes are tracked, under the same domain filter', () => {
    expect(buildEventPattern('Asset Added To Catalog', '', true)).toEqual({
      source: ['aws.datazone'],
      'detail-type': ['Asset Added To Catalog', ...WORKER_OUTCOME_DETAIL_TYPES],
    });
    expect(buildEventPattern('Asset Added To Catalog', 'dzd_abc123', 'true')).toEqual({
      source: ['aws.datazone'],
      'detail-type': ['Asset Added To Catalog', ...WORKER_OUTCOME_DETAIL_TYPES],
      detail: { metadata: { domain: ['dzd_abc123'] } },
    });
    expect(buildEventPattern('Asset Added To Catalog', '', 'false')['detail-type']).toEqual([
      'Asset Added To Catalog',
    ]);
  });

  it('routes exactly the outcomes the worker tracks', () => {
    expect([...OUTCOME_DETAIL_TYPES]).toEqual(WORKER_OUTCOME_DETAIL_TYPES);
  });

  it('needs at least one detail-type', () => {
    expect(() => buildEventPattern(' , ', '', true)).toThrow(
      /detailTypes must name at least one detail-type/,
    );
  });

  it('refuses an outcome among detailTypes, which the role could not read without trackOutcomes', () => {
    for (const track of [true, false]) {
      expect(() =>
        buildEventPattern('Asset Added To Catalog,Metadata Generation Canceled', '', track),
      ).toThrow(
        'Parameter detailTypes names the asset events that start runs; run outcomes are routed by trackOutcomes, ' +
          'not listed there: Metadata Generation Canceled',
      );
    }
  });
});

describe('checkTrackOutcomes', () => {
  it('takes the YAML boolean or a --param string', () => {
    expect(checkTrackOutcomes(true)).toBe(true);
    expect(checkTrackOutcomes(false)).toBe(false);
    expect(checkTrackOutcomes('false')).toBe(false);
    expect(checkTrackOutcomes(' True ')).toBe(true);
  });

  it('refuses anything else, naming the parameter', () => {
    for (const bad of ['yes', '0', '', undefined, 1]) {
      expect(() => checkTrackOutcomes(bad), String(bad)).toThrow(ParameterError);
    }
    expect(() => checkTrackOutcomes('yes')).toThrow(
      'Parameter trackOutcomes must be true or false, got "yes"',
    );
  });
});

describe('buildDataZoneActions', () => {
  it('grants the calls the worker makes, GetMetadataGenerationRun only while outcomes are tracked', async () => {
    const common = [
      'datazone:StartMetadataGenerationRun',
      'datazone:GetAsset',
      'datazone:ListMetadataGenerationRuns',
    ];
    expect(buildDataZoneActions(true)).toEqual([...common, 'datazone:GetMetadataGenerationRun']);
    expect(buildDataZoneActions('false')).toEqual(common);
    await expect(dataZoneActions(context({ trackOutcomes: 'false' }))).resolves.toEqual(common);
    await expect(outcomeTracking(context({ trackOutcomes: true }))).resolves.toBe('tracked');
    await expect(outcomeTracking(context({ trackOutcomes: 'false' }))).resolves.toBe('untracked');
  });
});

describe('run retry and outcome alarm parameters', () => {
  it('pass the worker’s bounds for MAX_RUN_ATTEMPTS (1-10) and RUN_RETRY_BASE_SECONDS (1-21600)', async () => {
    const params = { maxRunAttempts: '10', runRetryBaseSeconds: 1 };
    await expect(maxRunAttempts(context(params))).resolves.toBe(10);
    await expect(
      runRetryBaseSeconds(context({ maxRunAttempts: 2, runRetryBaseSeconds: '21600' })),
    ).resolves.toBe(21_600);
    for (const bad of ['0', '11', '2.5', 'three']) {
      await expect(maxRunAttempts(context({ ...params, maxRunAttempts: bad })), bad).rejects.toThrow(
        /^Parameter maxRunAttempts must be (an integer from 1 to 10|a number)/,
      );
    }
    await expect(runRetryBaseSeconds(context({ ...params, runRetryBaseSeconds: '21601' }))).rejects.toThrow(
      'Parameter runRetryBaseSeconds must be an integer from 1 to 21600, got 21601',
    );
  });

  it('refuse a last retry wait longer than one hand-back to the queue, naming both parameters', async () => {
    expect(MAX_RUN_RETRY_WAIT_SECONDS).toBe(MAX_VISIBILITY_TIMEOUT_SECONDS);
    // 300 s doubled before each of attempts 3 to 10: 300 x 2^8 = 76 800 s before the tenth.
    await expect(maxRunAttempts(context({ maxRunAttempts: '10', runRetryBaseSeconds: 300 }))).rejects.toThrow(
      'Parameters runRetryBaseSeconds x 2^(maxRunAttempts - 2) (300 x 2^8 = 76800 s) must be at most 42000 s: ' +
        "the worker waits out a failed run's backoff in one hand-back to the queue; lower either",
    );
    expect(checkRunRetries(10, 164)).toEqual({ maxRunAttempts: 10, runRetryBaseSeconds: 164 });
    expect(() => checkRunRetries(10, 165)).toThrow(/\(165 x 2\^8 = 42240 s\) must be at most 42000 s/);
    // Two attempts wait once, the base; one attempt never waits.
    expect(checkRunRetries(1, 21_600)).toEqual({ maxRunAttempts: 1, runRetryBaseSeconds: 21_600 });
    expect(checkRunRetries(2, 21_600)).toEqual({ maxRunAttempts: 2, runRetryBaseSeconds: 21_600 });
  });

  it('accept exactly the retry settings the worker accepts', () => {
    const workerAccepts = (attempts: number, base: number) => {
      try {
        loadConfig({
          DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq',
          MAX_RUN_ATTEMPTS: String(attempts),
          RUN_RETRY_BASE_SECONDS: String(base),
        });
        return true;
      } catch {
        return false;
      }
    };
    const stackAccepts = (attempts: number, base: number) => {
      try {
        checkRunRetries(attempts, base);
        return true;
      } catch {
        return false;
      }
    };
    for (const attempts of [0, 1, 2, 3, 5, 8, 9, 10, 11]) {
      for (const base of [0, 1, 164, 165, 328, 329, 300, 10_500, 10_501, 21_000, 21_600, 21_601]) {
        expect(stackAccepts(attempts, base), `${attempts} attempts, ${base} s`).toBe(
          workerAccepts(attempts, base),
        );
      }
    }
  });

  it('turn noSuccessAlarmHours into one period of that many hours, a day at most', async () => {
    expect(noSuccessAlarmPeriod(1)).toBe(3600);
    expect(noSuccessAlarmPeriod('24')).toBe(86_400);
    await expect(noSuccessAlarmPeriodSeconds(context({ noSuccessAlarmHours: 6 }))).resolves.toBe(21_600);
    for (const bad of [0, 25, 1.5, 'six']) {
      expect(() => noSuccessAlarmPeriod(bad), String(bad)).toThrow(ParameterError);
    }
    expect(() => noSuccessAlarmPeriod(25)).toThrow(
      /^Parameter noSuccessAlarmHours must be an integer from 1 to 24, got 25: the alarm watches one period/,
    );
  });

  it('take a failure share below 100 % and a positive number of runs', async () => {
    await expect(runFailureShareAlarmPercent(context({ runFailureShareAlarmPercent: '0' }))).resolves.toBe(0);
    await expect(runFailureShareAlarmPercent(context({ runFailureShareAlarmPercent: 99 }))).resolves.toBe(99);
    await expect(
      runFailureShareAlarmPercent(context({ runFailureShareAlarmPercent: '100' })),
    ).rejects.toThrow(
      'Parameter runFailureShareAlarmPercent must be an integer from 0 to 99, got 100: a share of failed runs ' +
        'cannot exceed 100 %',
    );
    await expect(runFailureShareAlarmMinRuns(context({ runFailureShareAlarmMinRuns: '1' }))).resolves.toBe(1);
    await expect(runFailureShareAlarmMinRuns(context({ runFailureShareAlarmMinRuns: '0' }))).rejects.toThrow(
      'Parameter runFailureShareAlarmMinRuns must be an integer from 1 to 10000, got 0',
    );
  });
});

describe('alarmEmailChoice', () => {
  it('subscribes one address, or nothing', () => {
    expect(alarmEmailChoice('')).toBe('none');
    expect(alarmEmailChoice('ops@example.com')).toBe('subscribed');
    for (const bad of ['ops', 'ops@example', 'a@example.com,b@example.com', 'ops @example.com']) {
      expect(() => alarmEmailChoice(bad)).toThrow(/alarmEmail must be one e-mail address or empty/);
    }
  });
});

describe('the resolvers osls calls', () => {
  it('read their parameters through resolveVariable', async () => {
    const params = {
      ...RATE_DEFAULTS,
      datazoneAccountRps: '12.5',
      maxConcurrency: '3',
      detailTypes: 'Asset Added To Catalog',
      domainIds: 'dzd_abc123',
      trackOutcomes: 'false',
      alarmEmail: '',
    };
    await expect(perContainerRps(context(params))).resolves.toBe(4.16);
    await expect(eventPattern(context(params))).resolves.toEqual(
      buildEventPattern(params.detailTypes, params.domainIds, params.trackOutcomes),
    );
    await expect(dataZoneResources(context(params))).resolves.toEqual([sub('dzd_abc123')]);
    await expect(alarmEmail(context(params))).resolves.toBe('none');
  });
});

describe('checkLogLevel', () => {
  it('accepts DEBUG and INFO, in any case, as Lambda spells them', async () => {
    expect(checkLogLevel('INFO')).toBe('INFO');
    expect(checkLogLevel(' debug ')).toBe('DEBUG');
    await expect(logLevel(context({ logLevel: 'info' }))).resolves.toBe('INFO');
  });

  it('refuses the levels at which Lambda would drop the metric lines, and anything else', () => {
    // EMF lines have no level of their own: Lambda's log-level filtering takes them for INFO.
    for (const level of ['WARN', 'ERROR', 'FATAL', 'TRACE', 'verbose', '']) {
      expect(() => checkLogLevel(level), level).toThrow(ParameterError);
    }
    expect(() => checkLogLevel('WARN')).toThrow(
      /Parameter logLevel must be DEBUG or INFO, got "WARN": Lambda treats the worker's metric lines/,
    );
  });
});

describe('checkDeadlineMargin', () => {
  it('accepts a margin up to half the function timeout, as osls hands it over', async () => {
    expect(checkDeadlineMargin(3000, 60)).toBe(3000);
    expect(checkDeadlineMargin('30000', 60)).toBe(30_000);
    expect(checkDeadlineMargin(0, 60)).toBe(0);
    const context = {
      resolveVariable: async (variable: string) =>
        ({ 'param:deadlineSafetyMarginMs': '4500', 'self:custom.functionTimeoutSeconds': 60 })[variable],
    };
    await expect(deadlineSafetyMarginMs(context)).resolves.toBe(4500);
  });

  it('refuses a margin that would leave records little or no time, or is not a whole number of ms', () => {
    // 60 000 ms with a 60 s timeout: an empty budget, every record handed back at once until the DLQ.
    for (const margin of [60_000, 30_001, -1, 2.5, 'soon']) {
      expect(() => checkDeadlineMargin(margin, 60), String(margin)).toThrow(ParameterError);
    }
    expect(() => checkDeadlineMargin(60_000, 60)).toThrow(
      /Parameter deadlineSafetyMarginMs must be an integer from 0 to 30000 \(half the function timeout\), got 60000/,
    );
  });
});

describe('checkWiring', () => {
  it('accepts the two wirings serverless.yml defines', async () => {
    expect(checkWiring('queue')).toBe('queue');
    expect(checkWiring('direct')).toBe('direct');
    await expect(wiring(context({ wiring: 'direct' }))).resolves.toBe('direct');
  });

  it('refuses anything else, naming the parameter rather than the custom.wirings key it would look up', () => {
    for (const bad of ['quuee', 'Queue', ' queue', '', 'iamStatements']) {
      expect(() => checkWiring(bad), bad).toThrow(ParameterError);
    }
    expect(() => checkWiring('quuee')).toThrow('Parameter wiring must be queue or direct, got "quuee"');
  });
});

describe('checkMaxReceiveCount', () => {
  it('accepts 3 to 1000 receives, as osls hands them over', async () => {
    expect(checkMaxReceiveCount(3)).toBe(3);
    expect(checkMaxReceiveCount('8')).toBe(8);
    expect(checkMaxReceiveCount(1000)).toBe(1000);
    await expect(maxReceiveCount(context({ maxReceiveCount: '5' }))).resolves.toBe(5);
  });

  it('refuses fewer than 3 receives, which dead-letter healthy messages after one hand-back', () => {
    for (const bad of [1, 2, '2', 0, 1001, 4.5, 'eight']) {
      expect(() => checkMaxReceiveCount(bad), String(bad)).toThrow(ParameterError);
    }
    expect(() => checkMaxReceiveCount('1')).toThrow(
      /^Parameter maxReceiveCount must be an integer from 3 to 1000, got 1: a healthy message is received again/,
    );
  });
});

describe('checkBatchSize', () => {
  /** Each operation at `rps` per container, from datazoneAccountRps. */
  const ratesAt = (rps: number) =>
    ['GetAsset', 'StartMetadataGenerationRun', 'ListMetadataGenerationRuns', 'GetMetadataGenerationRun'].map(
      (operation) => ({ operation, parameter: 'datazoneAccountRps', perContainer: rps }),
    );
  /** One call of each operation per record (two generation types, outcomes tracked). */
  const oneOfEach = callsPerRecord('BUSINESS_DESCRIPTIONS,BUSINESS_NAMES', true);
  /** The defaults: 8 requests/s of each operation over 4 containers, a 60 s timeout, a 3 s margin. */
  const defaults = { rates: ratesAt(2), calls: oneOfEach, functionTimeoutSeconds: 60, marginMs: 3000 };

  it('counts the calls of each operation a record makes at worst', () => {
    expect(oneOfEach).toEqual({
      GetAsset: 1,
      StartMetadataGenerationRun: 1,
      ListMetadataGenerationRuns: 1,
      GetMetadataGenerationRun: 1,
    });
    // All three types make two runs, hence two starts; without outcomes no run is read.
    expect(
      callsPerRecord('BUSINESS_NAMES,BUSINESS_GLOSSARY_ASSOCIATIONS,BUSINESS_DESCRIPTIONS', 'false'),
    ).toEqual({
      GetAsset: 1,
      StartMetadataGenerationRun: 2,
      ListMetadataGenerationRuns: 1,
      GetMetadataGenerationRun: 0,
    });
  });

  it('serves a batch as long as its slowest operation: calls x batch / that operation’s rate', () => {
    // Each operation's bucket serves one call per record: 57 s at 2 requests/s is 114 records, not 57.
    expect(maxServableBatchSize(ratesAt(2), oneOfEach, 60, 3000).max).toBe(114);
    // 4.16 requests/s (12.5 / 3) for 57 s: 237.12 calls.
    expect(maxServableBatchSize(ratesAt(4.16), oneOfEach, 60, 3000).max).toBe(237);
    // Two starts per record halve what the start bucket serves.
    const twoRuns = { ...oneOfEach, StartMetadataGenerationRun: 2 };
    expect(maxServableBatchSize(ratesAt(2), twoRuns, 60, 3000)).toMatchObject({
      max: 57,
      calls: 2,
      rate: { operation: 'StartMetadataGenerationRun' },
    });
    // The smallest rate the stack deploys leaves two records with the default margin, none with half the timeout.
    expect(maxServableBatchSize(ratesAt(0.05), oneOfEach, 60, 3000).max).toBe(2);
    expect(maxServableBatchSize(ratesAt(0.05), oneOfEach, 60, 30_000).max).toBe(1);
    expect(maxServableBatchSize(ratesAt(0.05), twoRuns, 60, 30_000).max).toBe(0);
    expect(checkBatchSize(10, defaults)).toBe(10);
    expect(checkBatchSize('114', defaults)).toBe(114);
  });

  it('is bounded by the slowest operation a record calls, not by one it never calls', () => {
    const rates = ratesAt(2).map((rate) =>
      rate.operation === 'GetMetadataGenerationRun'
        ? { ...rate, parameter: 'datazoneAccountRpsGetRun', perContainer: 0.5 }
        : rate,
    );
    // 57 s at 0.5 GetMetadataGenerationRun per second: 28 records, while outcomes are tracked.
    expect(maxServableBatchSize(rates, oneOfEach, 60, 3000).max).toBe(28);
    const untracked = { ...oneOfEach, GetMetadataGenerationRun: 0 };
    expect(maxServableBatchSize(rates, untracked, 60, 3000).max).toBe(114);
  });

  it('refuses a batch the container cannot serve before the deadline, naming the operation and its parameter', () => {
    expect(() => checkBatchSize(115, defaults)).toThrow(ParameterError);
    expect(() => checkBatchSize(10_000, defaults)).toThrow(
      'Parameter batchSize (10000) cannot be served before the deadline: 10000 records x 1 GetAsset call at ' +
        '2 requests per second per container (datazoneAccountRps / maxConcurrency) take 5000 s, more than the ' +
        '57 s the 60 s function timeout leaves after deadlineSafetyMarginMs; use a batchSize of at most 114',
    );
    const slowStarts = ratesAt(2).map((rate) =>
      rate.operation === 'StartMetadataGenerationRun'
        ? { ...rate, parameter: 'datazoneAccountRpsStartRun', perContainer: 0.05 }
        : rate,
    );
    const twoRuns = { ...oneOfEach, StartMetadataGenerationRun: 2 };
    expect(() =>
      checkBatchSize(1, { rates: slowStarts, calls: twoRuns, functionTimeoutSeconds: 60, marginMs: 30_000 }),
    ).toThrow(
      /1 records x 2 StartMetadataGenerationRun calls at 0\.05 requests per second per container \(datazoneAccountRpsStartRun \/ maxConcurrency\) take 40 s.* no batch fits: raise datazoneAccountRpsStartRun or lower maxConcurrency or deadlineSafetyMarginMs$/,
    );
  });

  it('refuses what the event source mapping would', () => {
    const roomy = { rates: ratesAt(1000), calls: oneOfEach, functionTimeoutSeconds: 900, marginMs: 0 };
    expect(checkBatchSize(10_000, roomy)).toBe(10_000);
    for (const bad of [0, 10_001, 2.5, 'ten']) {
      expect(() => checkBatchSize(bad, roomy), String(bad)).toThrow(/^Parameter batchSize must be/);
    }
  });

  it('reads the rate split, the generation types, outcome tracking, the timeout and the margin the stack deploys', async () => {
    const params = {
      ...RATE_DEFAULTS,
      batchSize: '237',
      datazoneAccountRps: '12.5',
      maxConcurrency: '3',
      deadlineSafetyMarginMs: 3000,
      generationTypes: 'BUSINESS_DESCRIPTIONS,BUSINESS_NAMES',
      trackOutcomes: 'true',
    };
    const custom = { functionTimeoutSeconds: 60 };
    await expect(batchSize(context(params, custom))).resolves.toBe(237);
    await expect(batchSize(context({ ...params, batchSize: '238' }, custom))).rejects.toThrow(
      /Parameter batchSize \(238\) .* at 4\.16 requests per second .* use a batchSize of at most 237$/,
    );
    const threeTypes = {
      ...params,
      generationTypes: `${params.generationTypes},BUSINESS_GLOSSARY_ASSOCIATIONS`,
    };
    await expect(batchSize(context(threeTypes, custom))).rejects.toThrow(
      /237 records x 2 StartMetadataGenerationRun calls .* at most 118$/,
    );
    const slowRuns = { ...params, batchSize: '100', datazoneAccountRpsGetRun: '5' };
    await expect(batchSize(context(slowRuns, custom))).rejects.toThrow(
      /GetMetadataGenerationRun call at 1\.66 requests per second per container \(datazoneAccountRpsGetRun \/ maxConcurrency\).* at most 94$/,
    );
    await expect(batchSize(context({ ...slowRuns, trackOutcomes: false }, custom))).resolves.toBe(100);
    const longMargin = { ...params, batchSize: '138', deadlineSafetyMarginMs: 27_000 };
    await expect(batchSize(context(longMargin, custom))).rejects.toThrow(
      /the 33 s the 60 s function timeout leaves .* at most 137$/,
    );
  });
});

describe('deadLetterExpiryThreshold', () => {
  const DAY = 86_400;
  /** The stack's retentions: 14 days in the DLQ, 4 in the source queue (queue wiring only). */
  const queueWiring = { deadLetterRetentionSeconds: 14 * DAY, sourceRetentionSeconds: 4 * DAY };
  const directWiring = { deadLetterRetentionSeconds: 14 * DAY, sourceRetentionSeconds: 0 };

  it('fires warningDays before the earliest a dead letter can expire, counted as the DLQ counts its age', () => {
    // A redriven message keeps its original enqueue time (up to 4 days old already) but its DLQ age starts at 0:
    // it may expire at a DLQ age of 10 days.
    expect(deadLetterExpiryThreshold(3, queueWiring)).toBe(7 * DAY);
    expect(deadLetterExpiryThreshold('9', queueWiring)).toBe(DAY);
    // Without a source queue every dead letter is a new message: it expires at an age of 14 days.
    expect(deadLetterExpiryThreshold(3, directWiring)).toBe(11 * DAY);
    expect(deadLetterExpiryThreshold(13, directWiring)).toBe(DAY);
  });

  it('refuses a warning that leaves the alarm no age to wait for, or is not a whole number of days', () => {
    for (const bad of [0, 10, 2.5, 'soon']) {
      expect(() => deadLetterExpiryThreshold(bad, queueWiring), String(bad)).toThrow(ParameterError);
    }
    expect(() => deadLetterExpiryThreshold(10, queueWiring)).toThrow(
      'Parameter deadLetterExpiryWarningDays must be an integer from 1 to 9, got 10: a dead letter may expire ' +
        '10 days after it reaches the DLQ in this wiring',
    );
    expect(() => deadLetterExpiryThreshold(14, directWiring)).toThrow(/from 1 to 13, got 14/);
  });

  it('reads the wiring and the retentions serverless.yml sets', async () => {
    const custom = { deadLetterQueueRetentionSeconds: 14 * DAY, sourceQueueRetentionSeconds: 4 * DAY };
    const params = { deadLetterExpiryWarningDays: '3' };
    await expect(deadLetterExpiryAlarmSeconds(context({ ...params, wiring: 'queue' }, custom))).resolves.toBe(
      7 * DAY,
    );
    await expect(
      deadLetterExpiryAlarmSeconds(context({ ...params, wiring: 'direct' }, custom)),
    ).resolves.toBe(11 * DAY);
  });
});

describe('queue message sizes', () => {
  it('are 256 KiB for the source queue, the largest EventBridge event, and that plus the attribute budget for the DLQ', async () => {
    await expect(sourceQueueMaxMessageSize()).resolves.toBe(262_144);
    await expect(deadLetterQueueMaxMessageSize()).resolves.toBe(262_144 + DEAD_LETTER_ATTRIBUTES_MAX_BYTES);
  });
});

describe('one source of defaults for the worker and the stack', () => {
  const workerDefaults = (env: Record<string, string> = {}) =>
    loadConfig({ DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq', ...env });

  it('gives the parameters the worker’s own defaults', async () => {
    const config = workerDefaults();
    await expect(variables.defaultDetailTypes()).resolves.toBe([...config.handledDetailTypes].join(','));
    await expect(variables.defaultSupportedAssetTypes()).resolves.toBe(
      [...config.supportedAssetTypes].join(','),
    );
    await expect(variables.defaultGenerationTypes()).resolves.toBe(config.generationTypes.join(','));
    await expect(variables.defaultRetryBackoffBaseSeconds()).resolves.toBe(config.backoff.short.baseSeconds);
    await expect(variables.defaultRetryBackoffMaxSeconds()).resolves.toBe(config.backoff.short.maxSeconds);
    await expect(variables.defaultQuotaBackoffBaseSeconds()).resolves.toBe(config.backoff.long.baseSeconds);
    await expect(variables.defaultQuotaBackoffMaxSeconds()).resolves.toBe(config.backoff.long.maxSeconds);
    await expect(variables.defaultMaxRunAttempts()).resolves.toBe(config.maxRunAttempts);
    await expect(variables.defaultRunRetryBaseSeconds()).resolves.toBe(config.runRetryBaseSeconds);
  });

  it('takes a burst that is given, for every operation, and leaves it to the worker otherwise', () => {
    expect(checkBurst(3)).toBe(3);
    expect(checkBurst(' 7 ')).toBe(7);
    expect(checkBurst('')).toBeUndefined();
    expect(() => checkBurst(0)).toThrow(/^Parameter datazoneBurst must be an integer from 1 to 10000, got 0/);
    expect(() => checkBurst('2.5')).toThrow(ParameterError);
  });
});
