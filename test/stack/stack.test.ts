/**
 * The deployable stack is a contract with AWS: these tests package serverless.yml the way CI does (offline, no
 * credentials) and check the generated CloudFormation templates property by property, in both wirings and with a
 * non-default configuration, plus the Lambda bundle inside the deployment zip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATION_TYPES } from '../../src/core/generation-types.js';
import { NAME_GENERATION_DETAIL_TYPES, RUN_OUTCOME_DETAIL_TYPES } from '../../src/core/outcome-event.js';
import { DEAD_LETTER_ATTRIBUTES_MAX_BYTES } from '../../src/queues/dead-letter-attributes.js';
import { loadConfig } from '../../src/runtime/config.js';
import { kib } from '../../tools/bundle-size.js';
import { buildBundles } from '../../tools/bundles.js';
import { packageReport } from '../../tools/package.js';
import { readZip } from '../../tools/zip.js';
import { describeReconciler, RECONCILED_PARAMS } from './reconciler-stack.js';
import {
  byOperationLine,
  type CfnResource,
  dashboard,
  type Json,
  type JsonObject,
  type PackagedStack,
  packageArgs,
  packageStack,
  runServerless,
  type Template,
} from './stack-package.js';

/** The documented defaults (README, Parameters), which the `ci` stage uses unchanged. */
const DEFAULTS = {
  datazoneAccountRps: 8,
  maxConcurrency: 4,
  batchSize: 10,
  batchingWindowSeconds: 5,
  maxReceiveCount: 8,
  asyncRetryAttempts: 2,
  asyncMaxEventAgeSeconds: 21_600,
  targetRetryAttempts: 185,
  targetMaxEventAgeSeconds: 86_400,
  detailTypes: ['Asset Added To Inventory', 'Asset Added To Catalog', 'New Asset Version Available'],
  logRetentionInDays: 30,
  metricsNamespace: 'DataZoneMetagenWorker',
  oldestMessageAlarmSeconds: 3600,
  maxRunAttempts: 3,
  runRetryBaseSeconds: 300,
  runFailureShareAlarmPercent: 20,
  runFailureShareAlarmMinRuns: 5,
  noSuccessAlarmHours: 6,
} as const;

/** The outcome detail-types the worker tracks whatever HANDLED_DETAIL_TYPES says (src/core/outcome-event.ts). */
const OUTCOME_DETAIL_TYPES = [
  ...Object.keys(RUN_OUTCOME_DETAIL_TYPES),
  ...Object.keys(NAME_GENERATION_DETAIL_TYPES),
];

const SERVICE = 'datazone-metagen-worker';
const FUNCTION_TIMEOUT_SECONDS = 60;

/** A deployment that sets what the defaults leave out: domains, an e-mail address, other rate splits. */
const CONFIGURED_PARAMS = {
  domainIds: 'dzd_abc123,dzd-def456',
  alarmEmail: 'ops@example.com',
  datazoneAccountRps: '12.5',
  // Starts and GetAssets rated apart; ListMetadataGenerationRuns's own rate equal to the default, so not set apart.
  datazoneAccountRpsStartRun: '20',
  datazoneAccountRpsGetAsset: '6',
  datazoneAccountRpsListRuns: '12.5',
  datazoneBurst: '2',
  maxConcurrency: '3',
  maxReceiveCount: '5',
  batchSize: '5',
  detailTypes: 'Asset Added To Catalog',
  logLevel: 'debug',
  deadLetterExpiryWarningDays: '2',
  maxRunAttempts: '5',
  runRetryBaseSeconds: '60',
  maxSlotWaitMs: '0',
  runFailureShareAlarmPercent: '35',
  runFailureShareAlarmMinRuns: '10',
  noSuccessAlarmHours: '12',
};

let outRoot = '';
let queue: PackagedStack;
let direct: PackagedStack;
let configured: PackagedStack;
/** The default queue wiring without outcome tracking. */
let untracked: PackagedStack;
let reconciled: PackagedStack;

beforeAll(async () => {
  outRoot = mkdtempSync(join(tmpdir(), 'metagen-stack-'));
  // One after the other: serverless-esbuild bundles in the service's `.esbuild/` directory.
  queue = await packageStack({ outDir: join(outRoot, 'queue'), through: 'npm run package' });
  direct = await packageStack({ outDir: join(outRoot, 'direct'), params: { wiring: 'direct' } });
  configured = await packageStack({
    outDir: join(outRoot, 'configured'),
    stage: 'prod',
    params: CONFIGURED_PARAMS,
  });
  untracked = await packageStack({ outDir: join(outRoot, 'untracked'), params: { trackOutcomes: 'false' } });
  reconciled = await packageStack({ outDir: join(outRoot, 'reconciled'), params: RECONCILED_PARAMS });
}, 240_000);

// The scheduled reconciler's resources, with and without reconcileSchedule (reconciler-stack.ts).
describeReconciler(() => ({ queue, direct, configured, untracked, reconciled, outRoot }));

afterAll(() => {
  if (outRoot !== '') rmSync(outRoot, { recursive: true, force: true });
});

// --- helpers ---------------------------------------------------------------------------------------------------

const ref = (logicalId: string) => ({ Ref: logicalId });
const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });

function resource(template: Template, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (found === undefined) throw new Error(`no resource ${logicalId}`);
  return found;
}

function resourcesOfType(template: Template, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, candidate]) => candidate.Type === type);
}

function only<T>(items: readonly T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0] as T;
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what}: not an object`);
  return value;
}

function environment(template: Template): JsonObject {
  const properties = resource(template, 'WorkerLambdaFunction').Properties;
  return asObject(asObject(properties.Environment, 'Environment').Variables, 'Environment.Variables');
}

function envString(template: Template, name: string): string {
  const value = environment(template)[name];
  if (typeof value !== 'string') throw new Error(`${name} is not a literal string`);
  return value;
}

/** Every IAM statement the worker's role gets: osls's role policy plus any role policy of the stack's own. */
function roleStatements(template: Template): JsonObject[] {
  const documents: Json[] = [];
  const role = resource(template, 'IamRoleLambdaExecution').Properties;
  for (const policy of (role.Policies ?? []) as JsonObject[]) documents.push(policy.PolicyDocument ?? null);
  for (const [, policy] of resourcesOfType(template, 'AWS::IAM::RolePolicy')) {
    expect(policy.Properties.RoleName).toEqual(ref('IamRoleLambdaExecution'));
    documents.push(policy.Properties.PolicyDocument ?? null);
  }
  return documents.flatMap((document) => asObject(document, 'PolicyDocument').Statement as JsonObject[]);
}

const list = (value: Json | undefined): Json[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function statementsGranting(template: Template, action: string): JsonObject[] {
  return roleStatements(template).filter((statement) => list(statement.Action).includes(action));
}

/** The one alarm on a metric, of one queue when `queueLogicalId` is given (both queues have an age alarm). */
function alarm(
  template: Template,
  namespace: string,
  metricName: string,
  queueLogicalId?: string,
): JsonObject {
  const matches = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
    .map(([, candidate]) => candidate.Properties)
    .filter((properties) => properties.Namespace === namespace && properties.MetricName === metricName)
    .filter(
      (properties) =>
        queueLogicalId === undefined ||
        JSON.stringify(properties.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: getAtt(queueLogicalId, 'QueueName') }]),
    );
  return only(matches, `alarm on ${namespace} ${metricName}`);
}

/** The rule's EventPattern, as written in the template (plain JSON since packaging computes it). */
function eventPattern(template: Template): JsonObject {
  return asObject(resource(template, 'AssetEventsRule').Properties.EventPattern, 'EventPattern');
}

/** Every key of an object anywhere inside `value` (intrinsic function names included). */
function keysWithin(value: Json | undefined): string[] {
  if (Array.isArray(value)) return value.flatMap(keysWithin);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...keysWithin(item)]);
}

/** The DataZone ARN of one domain (or `*`) in the stack's own partition, region and account. */
const domainArn = (domain: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:datazone:\${AWS::Region}:\${AWS::AccountId}:domain/${domain}`,
});

function ruleTarget(template: Template): JsonObject {
  return asObject(
    only(list(resource(template, 'AssetEventsRule').Properties.Targets), 'rule target'),
    'target',
  );
}

/** A log group's resource pattern as the role's policy writes it: an Fn::Sub for the stack's own account. */
const logsArn = (pattern: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${pattern}`,
});

/** A log stream of the worker function of `stage`, in the account and region the patterns are checked against. */
const logStreamArn = (stage: string) =>
  `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/${SERVICE}-${stage}-worker:log-stream:2026/01/01/[$LATEST]0a1b`;

/** Whether an IAM resource pattern matches an ARN: `*` any run of characters, `?` any one. */
function iamPatternMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}

/** Whether the role may create and write the log stream `arn` (CreateLogStream and PutLogEvents both). */
function canWriteLogs(template: Template, arn: string): boolean {
  const pseudo: Record<string, string> = { Partition: 'aws', Region: 'eu-west-1', AccountId: '123456789012' };
  const substitute = (value: Json) =>
    String(asObject(value, 'Resource')['Fn::Sub']).replace(
      /\$\{AWS::(\w+)\}/g,
      (_, name: string) => pseudo[name] ?? '',
    );
  return ['logs:CreateLogStream', 'logs:PutLogEvents'].every((action) =>
    statementsGranting(template, action).some((statement) =>
      list(statement.Resource).some((pattern) => iamPatternMatches(substitute(pattern), arn)),
    ),
  );
}

// --- packaging -------------------------------------------------------------------------------------------------

describe('packaging', () => {
  it('writes the templates and the zip offline, without credentials, in a few seconds', () => {
    for (const stack of [queue, direct, configured, untracked]) {
      expect(existsSync(join(stack.dir, 'cloudformation-template-update-stack.json'))).toBe(true);
      expect(existsSync(stack.zipPath)).toBe(true);
      expect(stack.seconds).toBeLessThan(30);
    }
  });

  it('fails on an unknown wiring or a bad parameter, naming it, instead of guessing', async () => {
    const rejected: [Record<string, string>, RegExp][] = [
      [{ wiring: 'quuee' }, /Parameter wiring must be queue or direct, got "quuee"/],
      // One hand-back at the deadline and one backoff would dead-letter a healthy event.
      [
        { deadLetterExpiryWarningDays: '10' },
        /Parameter deadLetterExpiryWarningDays must be an integer from 1 to 9, got 10\b/,
      ],
      [
        { wiring: 'direct', deadLetterExpiryWarningDays: '14' },
        /Parameter deadLetterExpiryWarningDays must be an integer from 1 to 13, got 14\b/,
      ],
      [{ maxReceiveCount: '1' }, /Parameter maxReceiveCount must be an integer from 3 to 1000, got 1\b/],
      [{ maxReceiveCount: '2' }, /Parameter maxReceiveCount must be an integer from 3 to 1000, got 2\b/],
      // A GetAsset for each of 10 000 records at 2 requests/s: 5000 s of calls in a 60 s invocation.
      [{ batchSize: '10000' }, /Parameter batchSize \(10000\) cannot be served .* at most 114\b/],
      [
        { batchSize: '115' },
        /Parameter batchSize \(115\) cannot be served .* take 57\.5 s, more than the 57 s/,
      ],
      [
        { batchSize: '58', datazoneAccountRps: '4' },
        /Parameter batchSize \(58\) cannot be served .* at 1 requests per second .* at most 57\b/,
      ],
      // The starts' bucket is the slowest: 0.5 requests/s per container.
      [
        { batchSize: '30', datazoneAccountRpsStartRun: '2' },
        /30 records x 1 StartMetadataGenerationRun call at 0\.5 requests per second per container \(datazoneAccountRpsStartRun \/ maxConcurrency\) .* at most 28\b/,
      ],
      // All three generation types make two runs, two starts per record.
      [
        {
          batchSize: '58',
          generationTypes: 'BUSINESS_DESCRIPTIONS,BUSINESS_NAMES,BUSINESS_GLOSSARY_ASSOCIATIONS',
        },
        /58 records x 2 StartMetadataGenerationRun calls .* at most 57\b/,
      ],
      [{ maxConcurrency: '1001' }, /Parameter maxConcurrency must be an integer from 2 to 1000, got 1001/],
      [{ maxConcurrency: '1' }, /Parameter maxConcurrency must be an integer from 2 to 1000, got 1\b/],
      [{ datazoneAccountRps: '0' }, /Parameter datazoneAccountRps must be positive, got 0/],
      [{ datazoneAccountRps: 'eight' }, /Parameter datazoneAccountRps must be a number, got "eight"/],
      [
        { datazoneAccountRpsGetAsset: 'eight' },
        /Parameter datazoneAccountRpsGetAsset must be a number, got "eight"/,
      ],
      [{ datazoneAccountRpsStartRun: '-2' }, /Parameter datazoneAccountRpsStartRun must be positive, got -2/],
      [
        { datazoneAccountRpsListRuns: '0.1' },
        /datazoneAccountRpsListRuns \/ maxConcurrency \(0\.1 \/ 4\) leave each container less than 0\.05 .* raise datazoneAccountRpsListRuns/,
      ],
      [{ datazoneAccountRpsGetRun: '0' }, /Parameter datazoneAccountRpsGetRun must be positive, got 0/],
      [{ datazoneBurst: '0' }, /Parameter datazoneBurst must be an integer from 1 to 10000, got 0/],
      [
        { datazoneAccountRps: '0.09', maxConcurrency: '2' },
        /datazoneAccountRps \/ maxConcurrency \(0\.09 \/ 2\) leave each container less than 0\.05/,
      ],
      [{ domainIds: 'dzd_abc123,abc' }, /Parameter domainIds must list DataZone domain ids .*invalid: abc/],
      [{ alarmEmail: 'ops' }, /Parameter alarmEmail must be one e-mail address or empty, got "ops"/],
      // Lambda would drop the metric lines (no level: INFO) and the alarms would never fire.
      [{ logLevel: 'WARN' }, /Parameter logLevel must be DEBUG or INFO, got "WARN"/],
      [
        { deadlineSafetyMarginMs: '60000' },
        /Parameter deadlineSafetyMarginMs must be an integer from 0 to 30000/,
      ],
    ];
    // These fail while resolving variables, before anything is bundled, so they may run side by side.
    const results = await Promise.all(
      rejected.map(([params], index) =>
        runServerless(packageArgs({ outDir: join(outRoot, `rejected-${index}`), params })),
      ),
    );
    results.forEach((result, index) => {
      const [params, message] = rejected[index] ?? [];
      expect(result.code, JSON.stringify(params)).not.toBe(0);
      expect(result.output, JSON.stringify(params)).toMatch(message ?? /./);
    });
  }, 120_000);

  it('computes the rule, the DataZone ARNs and the subscription at packaging time: no condition, no Fn::If', () => {
    for (const stack of [queue, direct, configured, untracked]) {
      expect(stack.template.Conditions).toBeUndefined();
      for (const [id, candidate] of Object.entries(stack.template.Resources)) {
        expect(candidate.Condition, id).toBeUndefined();
      }
      const keys = new Set(keysWithin(stack.template.Resources as unknown as Json));
      for (const intrinsic of ['Fn::If', 'Fn::Split', 'Fn::Equals', 'Fn::Not']) {
        expect(keys.has(intrinsic), intrinsic).toBe(false);
      }
      expect(resourcesOfType(stack.template, 'AWS::IAM::RolePolicy')).toEqual([]);
      expect(stack.state.service.custom.perContainerRps).toBeUndefined();
    }
  });

  it('names no resource differently across wirings, so switching updates the rule in place', () => {
    const shared = Object.keys(queue.template.Resources).filter((id) => id in direct.template.Resources);
    expect(shared).toEqual(
      expect.arrayContaining([
        'WorkerLambdaFunction',
        'DeadLetterQueue',
        'DeadLetterQueuePolicy',
        'AssetEventsRule',
        'IamRoleLambdaExecution',
        'AlarmTopic',
        'DeadLetterQueueAlarm',
        'DeadLetterQueueExpiryAlarm',
        'WorkerErrorsAlarm',
        'WorkerThrottlesAlarm',
        'WorkerDeadLetteredAlarm',
        'RuleFailedInvocationsAlarm',
        'RuleDeadLetterFailuresAlarm',
        'RunFailureShareAlarm',
        'NoSuccessfulRunAlarm',
        'Dashboard',
      ]),
    );
  });
});

// --- the function ----------------------------------------------------------------------------------------------

describe.each(['queue', 'direct'] as const)('the function (%s wiring)', (wiring) => {
  const template = () => (wiring === 'queue' ? queue : direct).template;

  it('runs the bundled ES module on Node 24, arm64, with the chosen memory and timeout', () => {
    expect(resource(template(), 'WorkerLambdaFunction').Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'src/functions/worker.handler',
      MemorySize: 512,
      Timeout: FUNCTION_TIMEOUT_SECONDS,
    });
  });

  it('logs JSON into its own log group, kept logRetentionInDays', () => {
    const fn = resource(template(), 'WorkerLambdaFunction');
    expect(fn.Properties.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
    });
    expect(resource(template(), 'WorkerLogGroup').Properties).toEqual({
      LogGroupName: `/aws/lambda/${SERVICE}-ci-worker`,
      RetentionInDays: DEFAULTS.logRetentionInDays,
    });
    expect(fn.Properties.FunctionName).toBe(`${SERVICE}-ci-worker`);
    expect(list(fn.DependsOn)).toContain('WorkerLogGroup');
  });

  it('gets exactly the configuration the worker reads, as strings', () => {
    expect(environment(template())).toEqual({
      DEAD_LETTER_QUEUE_URL: ref('DeadLetterQueue'),
      GENERATION_TYPES: 'BUSINESS_DESCRIPTIONS,BUSINESS_NAMES',
      HANDLED_DETAIL_TYPES: DEFAULTS.detailTypes.join(','),
      SUPPORTED_ASSET_TYPES: 'amazon.datazone.GlueTableAssetType,amazon.datazone.RedshiftTableAssetType',
      DOMAIN_IDS: '',
      RECORD_CONCURRENCY: '10',
      DATAZONE_REQUESTS_PER_SECOND: '2',
      DATAZONE_REQUEST_TIMEOUT_MS: '10000',
      MAX_SLOT_WAIT_MS: '5000',
      RETRY_BACKOFF_BASE_SECONDS: '10',
      RETRY_BACKOFF_MAX_SECONDS: '900',
      QUOTA_BACKOFF_BASE_SECONDS: '60',
      QUOTA_BACKOFF_MAX_SECONDS: '3600',
      MAX_RUN_ATTEMPTS: String(DEFAULTS.maxRunAttempts),
      RUN_RETRY_BASE_SECONDS: String(DEFAULTS.runRetryBaseSeconds),
      DEADLINE_SAFETY_MARGIN_MS: '3000',
      POWERTOOLS_SERVICE_NAME: `${SERVICE}-ci`,
      POWERTOOLS_METRICS_NAMESPACE: DEFAULTS.metricsNamespace,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('handles the asset detail-types the rule matches; the rule adds only the outcomes the worker always tracks', () => {
    expect([...envString(template(), 'HANDLED_DETAIL_TYPES').split(','), ...OUTCOME_DETAIL_TYPES]).toEqual(
      eventPattern(template())['detail-type'],
    );
  });

  it('keeps the fleet within the DataZone budget: per-container rate x containers <= account rate', () => {
    const perContainer = Number(envString(template(), 'DATAZONE_REQUESTS_PER_SECOND'));
    expect(perContainer * DEFAULTS.maxConcurrency).toBeLessThanOrEqual(DEFAULTS.datazoneAccountRps);
    // ... without wasting it: at most one hundredth of a request per second per container is lost to rounding.
    expect(perContainer).toBeGreaterThan(DEFAULTS.datazoneAccountRps / DEFAULTS.maxConcurrency - 0.01);
  });

  it('rates every operation alike by default, each bucket’s burst left to the worker (50 ms of its rate)', () => {
    const variables = Object.keys(environment(template()));
    expect(variables.filter((name) => name.startsWith('DATAZONE_REQUESTS_PER_SECOND'))).toEqual([
      'DATAZONE_REQUESTS_PER_SECOND',
    ]);
    expect(variables).not.toContain('DATAZONE_BURST');
  });

  it('can finish a full batch (one call of each operation per record) in half its timeout at the per-container rate', () => {
    const perContainer = Number(envString(template(), 'DATAZONE_REQUESTS_PER_SECOND'));
    expect(DEFAULTS.batchSize / perContainer).toBeLessThanOrEqual(FUNCTION_TIMEOUT_SECONDS / 2);
  });
});

// --- queues and the event source mapping -----------------------------------------------------------------------

describe('queues (queue wiring)', () => {
  it('encrypts both queues with SQS-managed keys', () => {
    for (const id of ['SourceQueue', 'DeadLetterQueue']) {
      expect(resource(queue.template, id).Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('give the DLQ room for any source message plus the worker’s reason attributes', () => {
    expect(resource(queue.template, 'SourceQueue').Properties.MaximumMessageSize).toBe(262_144);
    for (const template of [queue.template, direct.template]) {
      expect(resource(template, 'DeadLetterQueue').Properties.MaximumMessageSize).toBe(
        262_144 + DEAD_LETTER_ATTRIBUTES_MAX_BYTES,
      );
    }
  });

  it('keeps dead letters 14 days, longer than the source queue keeps events', () => {
    const dlq = resource(queue.template, 'DeadLetterQueue').Properties;
    const source = resource(queue.template, 'SourceQueue').Properties;
    expect(dlq.MessageRetentionPeriod).toBe(1_209_600);
    expect(Number(source.MessageRetentionPeriod)).toBeLessThan(1_209_600);
  });

  it('redrives to the DLQ after maxReceiveCount receives', () => {
    expect(resource(queue.template, 'SourceQueue').Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt('DeadLetterQueue', 'Arn'),
      maxReceiveCount: DEFAULTS.maxReceiveCount,
    });
  });

  it('hides a received batch for at least six times the function timeout', () => {
    const visibility = Number(resource(queue.template, 'SourceQueue').Properties.VisibilityTimeout);
    const timeout = Number(resource(queue.template, 'WorkerLambdaFunction').Properties.Timeout);
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('admits only the asset events rule to the source queue', () => {
    const policy = resource(queue.template, 'SourceQueuePolicy').Properties;
    expect(policy.Queues).toEqual([ref('SourceQueue')]);
    expect(asObject(policy.PolicyDocument, 'PolicyDocument').Statement).toEqual([
      {
        Sid: 'OnlyTheAssetEventsRule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: getAtt('SourceQueue', 'Arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': getAtt('AssetEventsRule', 'Arn') } },
      },
    ]);
  });
});

describe('the event source mapping (queue wiring)', () => {
  it('reads batches with partial failures, capped by maximum concurrency (not reserved concurrency)', () => {
    const [, mapping] = only(resourcesOfType(queue.template, 'AWS::Lambda::EventSourceMapping'), 'mapping');
    expect(mapping.Properties).toEqual({
      EventSourceArn: getAtt('SourceQueue', 'Arn'),
      FunctionName: getAtt('WorkerLambdaFunction', 'Arn'),
      Enabled: true,
      BatchSize: DEFAULTS.batchSize,
      MaximumBatchingWindowInSeconds: DEFAULTS.batchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: DEFAULTS.maxConcurrency },
    });
    expect(
      resource(queue.template, 'WorkerLambdaFunction').Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
    expect(resourcesOfType(queue.template, 'AWS::Lambda::EventInvokeConfig')).toEqual([]);
  });
});

// --- EventBridge -----------------------------------------------------------------------------------------------

describe.each(['queue', 'direct'] as const)('the EventBridge rule (%s wiring)', (wiring) => {
  const template = () => (wiring === 'queue' ? queue : direct).template;

  it('matches DataZone asset events of the configured detail-types and run outcomes on the default bus, from every domain', () => {
    const rule = resource(template(), 'AssetEventsRule').Properties;
    expect(rule).toMatchObject({ EventBusName: 'default', State: 'ENABLED' });
    expect(eventPattern(template())).toEqual({
      source: ['aws.datazone'],
      'detail-type': [...DEFAULTS.detailTypes, ...OUTCOME_DETAIL_TYPES],
    });
  });

  it('retries delivery and dead-letters what it cannot deliver', () => {
    const target = ruleTarget(template());
    expect(target.Arn).toEqual(
      wiring === 'queue' ? getAtt('SourceQueue', 'Arn') : getAtt('WorkerLambdaFunction', 'Arn'),
    );
    expect(target.RetryPolicy).toEqual({
      MaximumRetryAttempts: DEFAULTS.targetRetryAttempts,
      MaximumEventAgeInSeconds: DEFAULTS.targetMaxEventAgeSeconds,
    });
    expect(target.DeadLetterConfig).toEqual({ Arn: getAtt('DeadLetterQueue', 'Arn') });
    expect(target.RoleArn).toBeUndefined();
  });

  it('lets only the rule write into the DLQ as events.amazonaws.com', () => {
    const policy = resource(template(), 'DeadLetterQueuePolicy').Properties;
    expect(policy.Queues).toEqual([ref('DeadLetterQueue')]);
    expect(asObject(policy.PolicyDocument, 'PolicyDocument').Statement).toEqual([
      {
        Sid: 'OnlyTheAssetEventsRule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: getAtt('DeadLetterQueue', 'Arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': getAtt('AssetEventsRule', 'Arn') } },
      },
    ]);
  });

  it('starts delivering only once the worker may call DataZone', () => {
    // The role's inline policy holds the DataZone statement; the queue target alone would not wait for it.
    expect(list(resource(template(), 'AssetEventsRule').DependsOn)).toContain('IamRoleLambdaExecution');
    const policies = resource(template(), 'IamRoleLambdaExecution').Properties.Policies as JsonObject[];
    const statements = policies.flatMap(
      (policy) => asObject(policy.PolicyDocument, 'PolicyDocument').Statement as JsonObject[],
    );
    expect(statements.map((statement) => statement.Sid)).toContain('StartMetadataGenerationRuns');
  });
});

describe('the direct wiring', () => {
  it('has no source queue, mapping or queue policy', () => {
    for (const id of ['SourceQueue', 'SourceQueuePolicy', 'SourceQueueOldestMessageAlarm']) {
      expect(direct.template.Resources[id]).toBeUndefined();
    }
    expect(resourcesOfType(direct.template, 'AWS::Lambda::EventSourceMapping')).toEqual([]);
  });

  it('retries asynchronous invocations, bounds their age and sends failures to the DLQ', () => {
    const [, config] = only(
      resourcesOfType(direct.template, 'AWS::Lambda::EventInvokeConfig'),
      'invoke config',
    );
    expect(config.Properties).toMatchObject({
      FunctionName: ref('WorkerLambdaFunction'),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: DEFAULTS.asyncRetryAttempts,
      MaximumEventAgeInSeconds: DEFAULTS.asyncMaxEventAgeSeconds,
      DestinationConfig: { OnFailure: { Destination: getAtt('DeadLetterQueue', 'Arn') } },
    });
  });

  it('caps the fleet with reserved concurrency, the only cap without a queue', () => {
    expect(resource(direct.template, 'WorkerLambdaFunction').Properties.ReservedConcurrentExecutions).toBe(
      DEFAULTS.maxConcurrency,
    );
  });

  it('lets only the rule invoke the function', () => {
    const [, permission] = only(resourcesOfType(direct.template, 'AWS::Lambda::Permission'), 'permission');
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt('WorkerLambdaFunction', 'Arn'),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt('AssetEventsRule', 'Arn'),
    });
  });
});

// --- IAM -------------------------------------------------------------------------------------------------------

describe.each(['queue', 'direct'] as const)('the worker role (%s wiring)', (wiring) => {
  const template = () => (wiring === 'queue' ? queue : direct).template;

  it('grants no wildcard action and no unscoped resource', () => {
    for (const statement of roleStatements(template())) {
      expect(statement.Effect).toBe('Allow');
      for (const action of list(statement.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(list(statement.Resource)).not.toContain('*');
      expect(statement.Resource).toBeDefined();
    }
  });

  it('grants only the actions the worker, its logs and its event source need', () => {
    const actions = new Set(roleStatements(template()).flatMap((statement) => list(statement.Action)));
    const expected = [
      'logs:CreateLogStream',
      'logs:CreateLogGroup',
      'logs:TagResource',
      'logs:PutLogEvents',
      'datazone:StartMetadataGenerationRun',
      'datazone:GetAsset',
      'datazone:ListMetadataGenerationRuns',
      'datazone:GetMetadataGenerationRun',
      'sqs:SendMessage',
      ...(wiring === 'queue'
        ? ['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']
        : []),
    ];
    expect([...actions].sort()).toEqual(expected.sort());
  });

  it('calls DataZone in every domain of its own account and region when no domain is configured', () => {
    const [statement] = statementsGranting(template(), 'datazone:StartMetadataGenerationRun');
    expect(statement?.Action).toEqual([
      'datazone:StartMetadataGenerationRun',
      'datazone:GetAsset',
      'datazone:ListMetadataGenerationRuns',
      'datazone:GetMetadataGenerationRun',
    ]);
    expect(statement?.Resource).toEqual([
      {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript
        'Fn::Sub': 'arn:${AWS::Partition}:datazone:${AWS::Region}:${AWS::AccountId}:domain/*',
      },
    ]);
  });

  it('sends messages to the DLQ only', () => {
    for (const statement of statementsGranting(template(), 'sqs:SendMessage')) {
      expect(list(statement.Resource)).toEqual([getAtt('DeadLetterQueue', 'Arn')]);
    }
  });

  it('changes visibility and consumes on the source queue only', () => {
    for (const action of ['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']) {
      const statements = statementsGranting(template(), action);
      expect(statements.length).toBe(wiring === 'queue' ? 1 : 0);
      for (const statement of statements)
        expect(list(statement.Resource)).toEqual([getAtt('SourceQueue', 'Arn')]);
    }
  });

  it('writes logs to its own log group only, not to the function of another stage', () => {
    const group = `/aws/lambda/${SERVICE}-ci-worker`;
    expect(resource(template(), 'WorkerLogGroup').Properties.LogGroupName).toBe(group);
    for (const action of [
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:TagResource',
      'logs:PutLogEvents',
    ]) {
      const statements = statementsGranting(template(), action);
      expect(statements.length, action).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Resource, action).toEqual([
          logsArn(action === 'logs:PutLogEvents' ? `${group}:*:*` : `${group}:*`),
        ]);
      }
    }
    expect(canWriteLogs(template(), logStreamArn('ci'))).toBe(true);
    for (const other of ['ci2', 'cix', 'ci-canary'])
      expect(canWriteLogs(template(), logStreamArn(other))).toBe(false);
  });
});

// --- alarms and dashboard --------------------------------------------------------------------------------------

describe.each(['queue', 'direct'] as const)('alarms (%s wiring)', (wiring) => {
  const template = () => (wiring === 'queue' ? queue : direct).template;
  const notifying = {
    AlarmActions: [ref('AlarmTopic')],
    OKActions: [ref('AlarmTopic')],
    TreatMissingData: 'notBreaching',
  };
  const anyOccurrence = { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' };

  it('fires when a message is in the DLQ', () => {
    expect(alarm(template(), 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toMatchObject({
      ...notifying,
      ...anyOccurrence,
      Dimensions: [{ Name: 'QueueName', Value: getAtt('DeadLetterQueue', 'QueueName') }],
      Statistic: 'Maximum',
    });
  });

  it('fires on function errors and throttles', () => {
    const dimensions = [{ Name: 'FunctionName', Value: ref('WorkerLambdaFunction') }];
    expect(alarm(template(), 'AWS/Lambda', 'Errors')).toMatchObject({
      ...notifying,
      ...anyOccurrence,
      Dimensions: dimensions,
      Statistic: 'Sum',
      EvaluationPeriods: wiring === 'queue' ? 1 : 3,
    });
    expect(alarm(template(), 'AWS/Lambda', 'Throttles')).toMatchObject({
      ...notifying,
      ...anyOccurrence,
      Dimensions: dimensions,
      Statistic: 'Sum',
      EvaluationPeriods: wiring === 'queue' ? 1 : 3,
    });
  });

  it("fires on the worker's own DeadLettered metric, as Powertools emits it", () => {
    const env = environment(template());
    expect(alarm(template(), env.POWERTOOLS_METRICS_NAMESPACE as string, 'DeadLettered')).toMatchObject({
      ...notifying,
      ...anyOccurrence,
      Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
    });
  });

  it('fires when EventBridge fails to deliver to the target or to its DLQ', () => {
    for (const metric of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq']) {
      expect(alarm(template(), 'AWS/Events', metric)).toMatchObject({
        ...notifying,
        ...anyOccurrence,
        Dimensions: [{ Name: 'RuleName', Value: ref('AssetEventsRule') }],
        Statistic: 'Sum',
      });
    }
  });

  it('fires when events wait too long in the source queue, or when failed events cannot reach the DLQ', () => {
    if (wiring === 'queue') {
      expect(alarm(template(), 'AWS/SQS', 'ApproximateAgeOfOldestMessage', 'SourceQueue')).toMatchObject({
        ...notifying,
        Dimensions: [{ Name: 'QueueName', Value: getAtt('SourceQueue', 'QueueName') }],
        Statistic: 'Maximum',
        Threshold: DEFAULTS.oldestMessageAlarmSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    } else {
      expect(alarm(template(), 'AWS/Lambda', 'DestinationDeliveryFailures')).toMatchObject({
        ...notifying,
        ...anyOccurrence,
        Dimensions: [{ Name: 'FunctionName', Value: ref('WorkerLambdaFunction') }],
      });
    }
  });

  it('warns before the oldest dead letter expires, allowing for the time a redriven one spent in the source queue', () => {
    // Queue wiring: 14 days of DLQ retention, counted from the original enqueue, less 4 in the source queue, less
    // the 3 days of warning. Direct wiring: no source queue.
    const thresholdDays = wiring === 'queue' ? 14 - 4 - 3 : 14 - 3;
    expect(alarm(template(), 'AWS/SQS', 'ApproximateAgeOfOldestMessage', 'DeadLetterQueue')).toMatchObject({
      ...notifying,
      AlarmName: `${SERVICE}-ci-dead-letters-expiring`,
      Statistic: 'Maximum',
      Threshold: thresholdDays * 86_400,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const retention = Number(resource(template(), 'DeadLetterQueue').Properties.MessageRetentionPeriod);
    expect(retention).toBe(14 * 86_400);
  });

  it('notifies one topic in every alarm, with no e-mail subscription unless alarmEmail is given', () => {
    for (const [id, candidate] of resourcesOfType(template(), 'AWS::CloudWatch::Alarm')) {
      expect(candidate.Properties.AlarmActions, id).toEqual([ref('AlarmTopic')]);
    }
    expect(template().Resources.AlarmEmailSubscription).toBeUndefined();
    expect(resourcesOfType(template(), 'AWS::SNS::Subscription')).toEqual([]);
  });

  it("shows the worker's metrics and the queue depths on a dashboard", () => {
    const metrics = dashboard(template()).widgets.flatMap((widget) => widget.properties.metrics);
    const env = environment(template());
    for (const name of [
      'RunsStarted',
      'RunsAlreadyExisting',
      'EventsSkipped',
      'Throttled',
      'QuotaExceeded',
      'TransientFailures',
      'DeadLettered',
      'RecordsDeferred',
      'DeadLetterSendFailures',
      'VisibilityChangeFailures',
    ]) {
      expect(metrics).toContainEqual([
        env.POWERTOOLS_METRICS_NAMESPACE,
        name,
        'service',
        env.POWERTOOLS_SERVICE_NAME,
      ]);
    }
    const queueDepths = metrics
      .filter((metric) => metric[0] === 'AWS/SQS' && metric[1] === 'ApproximateNumberOfMessagesVisible')
      .map((metric) => metric[3]);
    expect(queueDepths).toEqual(
      wiring === 'queue'
        ? ['<SourceQueue.QueueName>', '<DeadLetterQueue.QueueName>']
        : ['<DeadLetterQueue.QueueName>'],
    );
  });
});

// --- run outcomes ----------------------------------------------------------------------------------------------

/** One query of a metric math alarm, by its id. */
function query(alarmProperties: JsonObject, id: string): JsonObject {
  const queries = list(alarmProperties.Metrics).map((candidate) => asObject(candidate, 'Metrics item'));
  return only(
    queries.filter((candidate) => candidate.Id === id),
    `query ${id}`,
  );
}

/** A sum of one of the worker's metrics as Powertools emits it: its namespace, its `service` dimension. */
function workerMetricSum(template: Template, metricName: string, period: number): JsonObject {
  const env = environment(template);
  return {
    Stat: 'Sum',
    Period: period,
    Metric: {
      Namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? null,
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME ?? null }],
    },
  };
}

const HOUR = 3600;

describe('run outcomes', () => {
  it('reach the worker through the rule only while trackOutcomes is on', () => {
    expect(eventPattern(queue.template)['detail-type']).toEqual(expect.arrayContaining(OUTCOME_DETAIL_TYPES));
    expect(eventPattern(untracked.template)).toEqual({
      source: ['aws.datazone'],
      'detail-type': DEFAULTS.detailTypes,
    });
    expect(envString(untracked.template, 'HANDLED_DETAIL_TYPES').split(',')).toEqual(DEFAULTS.detailTypes);
  });

  it('are read with GetMetadataGenerationRun in the same domains as the other DataZone calls, only while tracked', () => {
    for (const stack of [queue, direct, configured]) {
      const [statement] = statementsGranting(stack.template, 'datazone:GetMetadataGenerationRun');
      expect(statement).toBe(
        only(statementsGranting(stack.template, 'datazone:StartMetadataGenerationRun'), 'statement'),
      );
    }
    expect(statementsGranting(configured.template, 'datazone:GetMetadataGenerationRun')[0]?.Resource).toEqual(
      [domainArn('dzd_abc123'), domainArn('dzd-def456')],
    );
    expect(statementsGranting(untracked.template, 'datazone:GetMetadataGenerationRun')).toEqual([]);
    expect(statementsGranting(untracked.template, 'datazone:StartMetadataGenerationRun')[0]?.Action).toEqual([
      'datazone:StartMetadataGenerationRun',
      'datazone:GetAsset',
      'datazone:ListMetadataGenerationRuns',
    ]);
  });

  it('give the worker the retry settings and maxSlotWaitMs, which it reads as set', () => {
    expect(environment(configured.template)).toMatchObject({
      MAX_RUN_ATTEMPTS: '5',
      RUN_RETRY_BASE_SECONDS: '60',
      MAX_SLOT_WAIT_MS: '0',
    });
    const literals = Object.fromEntries(
      Object.entries(environment(configured.template)).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    const config = loadConfig({
      ...literals,
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq',
    });
    expect([config.maxRunAttempts, config.runRetryBaseSeconds, config.maxSlotWaitMs]).toEqual([5, 60, 0]);
  });

  it('refuse a bad retry, slot wait or alarm setting, or an outcome among detailTypes, at packaging time, naming it', async () => {
    const rejected: [Record<string, string>, RegExp][] = [
      [{ trackOutcomes: 'yes' }, /Parameter trackOutcomes must be true or false, got "yes"/],
      [{ maxRunAttempts: '0' }, /Parameter maxRunAttempts must be an integer from 1 to 10, got 0\b/],
      [{ maxRunAttempts: '11' }, /Parameter maxRunAttempts must be an integer from 1 to 10, got 11\b/],
      // The worker would refuse to start: 300 s x 2^8 before the tenth attempt is more than one hand-back.
      [
        { maxRunAttempts: '10' },
        /Parameters runRetryBaseSeconds x 2\^\(maxRunAttempts - 2\) \(300 x 2\^8 = 76800 s\) must be at most 42000 s/,
      ],
      [
        { runRetryBaseSeconds: '0' },
        /Parameter runRetryBaseSeconds must be an integer from 1 to 21600, got 0\b/,
      ],
      [
        { runRetryBaseSeconds: '21601' },
        /Parameter runRetryBaseSeconds must be an integer from 1 to 21600, got 21601\b/,
      ],
      [
        { maxSlotWaitMs: '900001' },
        /Parameter maxSlotWaitMs must be an integer from 0 to 900000, got 900001: a Lambda invocation lasts at most 15 minutes/,
      ],
      [{ maxSlotWaitMs: '2.5' }, /Parameter maxSlotWaitMs must be an integer from 0 to 900000, got 2.5\b/],
      [
        { runFailureShareAlarmPercent: '100' },
        /Parameter runFailureShareAlarmPercent must be an integer from 0 to 99, got 100\b/,
      ],
      [
        { runFailureShareAlarmMinRuns: '0' },
        /Parameter runFailureShareAlarmMinRuns must be an integer from 1 to 10000, got 0\b/,
      ],
      [
        { noSuccessAlarmHours: '25' },
        /Parameter noSuccessAlarmHours must be an integer from 1 to 24, got 25\b/,
      ],
      [
        { detailTypes: 'Asset Added To Catalog,Metadata Generation Failed' },
        /Parameter detailTypes names the asset events .* not listed there: Metadata Generation Failed/,
      ],
    ];
    // These fail while resolving variables, before anything is bundled, so they may run side by side.
    const results = await Promise.all(
      rejected.map(([params], index) =>
        runServerless(packageArgs({ outDir: join(outRoot, `rejected-outcomes-${index}`), params })),
      ),
    );
    results.forEach((result, index) => {
      const [params, message] = rejected[index] ?? [];
      expect(result.code, JSON.stringify(params)).not.toBe(0);
      expect(result.output, JSON.stringify(params)).toMatch(message ?? /./);
    });
  }, 120_000);
});

describe.each(['queue', 'direct'] as const)('outcome alarms (%s wiring)', (wiring) => {
  const template = () => (wiring === 'queue' ? queue : direct).template;
  const notifying = {
    AlarmActions: [ref('AlarmTopic')],
    OKActions: [ref('AlarmTopic')],
    TreatMissingData: 'notBreaching',
  };

  it('fires when more than runFailureShareAlarmPercent % of the runs that ended in an hour failed', () => {
    const alarm = resource(template(), 'RunFailureShareAlarm').Properties;
    expect(alarm).toMatchObject({
      ...notifying,
      AlarmName: `${SERVICE}-ci-run-failure-share`,
      EvaluationPeriods: 1,
      Threshold: DEFAULTS.runFailureShareAlarmPercent,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // Hours with fewer than runFailureShareAlarmMinRuns ended runs count as no failure at all.
    expect(query(alarm, 'share')).toMatchObject({
      Expression: `IF(ended >= ${DEFAULTS.runFailureShareAlarmMinRuns}, 100 * failed / ended, 0)`,
      ReturnData: true,
    });
    expect(query(alarm, 'ended')).toMatchObject({
      Expression: 'failed + succeeded + partial',
      ReturnData: false,
    });
    for (const [id, metricName] of [
      ['failed', 'RunsFailed'],
      ['succeeded', 'RunsSucceeded'],
      ['partial', 'RunsPartiallySucceeded'],
    ] as const) {
      expect(query(alarm, id)).toEqual({
        Id: id,
        ReturnData: false,
        MetricStat: workerMetricSum(template(), metricName, HOUR),
      });
    }
  });

  it('fires when runs were started within noSuccessAlarmHours hours and none succeeded', () => {
    const alarm = resource(template(), 'NoSuccessfulRunAlarm').Properties;
    expect(alarm).toMatchObject({
      ...notifying,
      AlarmName: `${SERVICE}-ci-no-successful-run`,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // FILL: without it an hour with starts and no RunsSucceeded data at all would compare to nothing.
    expect(query(alarm, 'stalled')).toMatchObject({
      Expression: 'IF((started + retried) > 0 AND FILL(succeeded, 0) == 0, 1, 0)',
      ReturnData: true,
    });
    const window = DEFAULTS.noSuccessAlarmHours * HOUR;
    for (const [id, metricName] of [
      ['started', 'RunsStarted'],
      ['retried', 'RunsRetried'],
      ['succeeded', 'RunsSucceeded'],
    ] as const) {
      expect(query(alarm, id)).toEqual({
        Id: id,
        ReturnData: false,
        MetricStat: workerMetricSum(template(), metricName, window),
      });
    }
  });

  it("shows every run's outcome, retries, duration and generation types on the dashboard", () => {
    const { widgets } = dashboard(template());
    const env = environment(template());
    const workerMetric = (name: string, ...rest: Json[]): Json[] => [
      env.POWERTOOLS_METRICS_NAMESPACE ?? null,
      name,
      'service',
      env.POWERTOOLS_SERVICE_NAME ?? null,
      ...rest,
    ];
    const runs = [
      'RunsStarted',
      'RunsRetried',
      'RunsSucceeded',
      'RunsPartiallySucceeded',
      'RunsFailed',
      'RunsCanceled',
      'RunsGivenUp',
    ];
    // Started against their outcomes: one graph.
    expect(
      widgets.some((widget) =>
        runs.every((name) =>
          widget.properties.metrics.some(
            (metric) => JSON.stringify(metric) === JSON.stringify(workerMetric(name)),
          ),
        ),
      ),
    ).toBe(true);
    const metrics = widgets.flatMap((widget) => widget.properties.metrics);
    for (const name of [
      'RunRetriesWaiting',
      'OutcomeEventsUnreadable',
      'NameGenerationSucceeded',
      'NameGenerationFailed',
    ]) {
      expect(metrics).toContainEqual(workerMetric(name));
    }
    expect(metrics).toContainEqual(workerMetric('RunDuration', { stat: 'Average', label: 'average' }));
    expect(metrics).toContainEqual(workerMetric('RunDuration', { stat: 'p90', label: 'p90' }));
    for (const type of GENERATION_TYPES) {
      for (const name of ['TypeSucceeded', 'TypeFailed']) {
        expect(metrics).toContainEqual(workerMetric(name, 'GenerationType', type));
      }
    }
  });

  it('shows which DataZone operation the worker’s throttles, quota errors and deferrals came from', () => {
    const metrics = dashboard(template()).widgets.flatMap((widget) => widget.properties.metrics);
    const env = environment(template());
    const operations = [
      'GetAsset',
      'StartMetadataGenerationRun',
      'ListMetadataGenerationRuns',
      'GetMetadataGenerationRun',
    ];
    for (const operation of operations) {
      for (const name of ['ThrottledByOperation', 'QuotaExceededByOperation', 'RecordsDeferredByOperation']) {
        expect(metrics).toContainEqual(byOperationLine(env, name, operation));
      }
    }
  });
});

describe('outcome alarms of a configured deployment, and without outcome tracking', () => {
  it('take their thresholds and window from the parameters', () => {
    const share = resource(configured.template, 'RunFailureShareAlarm').Properties;
    expect(share.Threshold).toBe(35);
    expect(query(share, 'share').Expression).toBe('IF(ended >= 10, 100 * failed / ended, 0)');
    const noSuccess = resource(configured.template, 'NoSuccessfulRunAlarm').Properties;
    for (const id of ['started', 'retried', 'succeeded']) {
      expect(asObject(query(noSuccess, id).MetricStat, 'MetricStat').Period).toBe(12 * HOUR);
    }
  });

  it('keep within CloudWatch’s limit of a day of periods per alarm', () => {
    for (const stack of [queue, configured]) {
      for (const id of ['RunFailureShareAlarm', 'NoSuccessfulRunAlarm']) {
        const alarm = resource(stack.template, id).Properties;
        for (const item of list(alarm.Metrics)) {
          const stat = asObject(item, 'query').MetricStat;
          if (stat === undefined) continue;
          const period = Number(asObject(stat, 'MetricStat').Period);
          expect(period % 60, id).toBe(0);
          expect(period * Number(alarm.EvaluationPeriods), id).toBeLessThanOrEqual(24 * HOUR);
        }
      }
    }
  });

  it('exist only while outcomes are tracked: without, no run would ever end in the metrics', () => {
    for (const id of ['RunFailureShareAlarm', 'NoSuccessfulRunAlarm']) {
      expect(resource(queue.template, id).Type).toBe('AWS::CloudWatch::Alarm');
    }
    expect(untracked.template.Resources.RunFailureShareAlarm).toBeUndefined();
    expect(untracked.template.Resources.NoSuccessfulRunAlarm).toBeUndefined();
    expect(resource(untracked.template, 'WorkerDeadLetteredAlarm').Type).toBe('AWS::CloudWatch::Alarm');
  });
});

// --- outputs ---------------------------------------------------------------------------------------------------

describe('outputs', () => {
  it('give the queue URLs and ARNs, and the role to make a DataZone project member', () => {
    expect(queue.template.Outputs).toMatchObject({
      SourceQueueUrl: { Value: ref('SourceQueue') },
      SourceQueueArn: { Value: getAtt('SourceQueue', 'Arn') },
      DeadLetterQueueUrl: { Value: ref('DeadLetterQueue') },
      DeadLetterQueueArn: { Value: getAtt('DeadLetterQueue', 'Arn') },
      Wiring: { Value: 'queue' },
    });
    // DataZone authorises the role through project membership as well as IAM (README, DataZone access).
    for (const stack of [queue, direct]) {
      expect(stack.template.Outputs.WorkerRoleArn).toEqual({
        Description: expect.stringContaining('DataZone projects'),
        Value: getAtt('IamRoleLambdaExecution', 'Arn'),
      });
      expect(stack.template.Resources.IamRoleLambdaExecution?.Type).toBe('AWS::IAM::Role');
    }
    expect(direct.template.Outputs).toMatchObject({
      DeadLetterQueueUrl: { Value: ref('DeadLetterQueue') },
      DeadLetterQueueArn: { Value: getAtt('DeadLetterQueue', 'Arn') },
      Wiring: { Value: 'direct' },
    });
    expect(direct.template.Outputs.SourceQueueUrl).toBeUndefined();
  });
});

// --- a configured deployment -----------------------------------------------------------------------------------

describe('a configured deployment (stage prod, domains, e-mail, another rate split)', () => {
  const template = () => configured.template;

  it('applies the stage overrides', () => {
    expect(resource(template(), 'WorkerLogGroup').Properties.RetentionInDays).toBe(90);
    expect(envString(template(), 'POWERTOOLS_SERVICE_NAME')).toBe(`${SERVICE}-prod`);
    expect(resource(template(), 'SourceQueue').Properties.QueueName).toBe(`${SERVICE}-prod-events`);
  });

  it('hands the parameters to the worker and the rule', () => {
    expect(environment(template())).toMatchObject({
      DOMAIN_IDS: CONFIGURED_PARAMS.domainIds,
      HANDLED_DETAIL_TYPES: CONFIGURED_PARAMS.detailTypes,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
    expect(resource(template(), 'WorkerLambdaFunction').Properties.LoggingConfig).toMatchObject({
      ApplicationLogLevel: 'DEBUG',
    });
    expect(eventPattern(template())).toEqual({
      source: ['aws.datazone'],
      'detail-type': ['Asset Added To Catalog', ...OUTCOME_DETAIL_TYPES],
      detail: { metadata: { domain: ['dzd_abc123', 'dzd-def456'] } },
    });
  });

  it('splits each account rate over the containers', () => {
    const [, mapping] = only(resourcesOfType(template(), 'AWS::Lambda::EventSourceMapping'), 'mapping');
    const containers = Number(asObject(mapping.Properties.ScalingConfig, 'ScalingConfig').MaximumConcurrency);
    expect(containers).toBe(3);
    expect(Number(mapping.Properties.BatchSize)).toBe(5);
    const perContainer = Number(envString(template(), 'DATAZONE_REQUESTS_PER_SECOND'));
    // 12.5 / 3 = 4.1666…, rounded down: any account rate works, not only whole numbers.
    expect(perContainer).toBe(4.16);
    expect(perContainer * containers).toBeLessThanOrEqual(12.5);
    // 20 / 3 and 6 / 3; ListMetadataGenerationRuns's 12.5 is the default's split, so it needs no variable.
    expect(environment(template())).toMatchObject({
      DATAZONE_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN: '6.66',
      DATAZONE_REQUESTS_PER_SECOND_GET_ASSET: '2',
      DATAZONE_BURST: '2',
    });
    expect(
      Object.keys(environment(template())).filter((name) => name.startsWith('DATAZONE_REQUESTS')),
    ).toEqual([
      'DATAZONE_REQUESTS_PER_SECOND',
      'DATAZONE_REQUESTS_PER_SECOND_GET_ASSET',
      'DATAZONE_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN',
    ]);
  });

  it('redrives after maxReceiveCount receives', () => {
    const redrive = asObject(resource(template(), 'SourceQueue').Properties.RedrivePolicy, 'RedrivePolicy');
    expect(Number(redrive.maxReceiveCount)).toBe(5);
  });

  it('scopes DataZone access to the configured domains', () => {
    const [statement] = statementsGranting(template(), 'datazone:StartMetadataGenerationRun');
    // The exact account, filled in by CloudFormation: no `*` in any ARN.
    expect(statement?.Resource).toEqual([domainArn('dzd_abc123'), domainArn('dzd-def456')]);
    expect(JSON.stringify(statement?.Resource)).not.toContain(':*:');
  });

  it("writes logs of the prod function only, not those of a stage whose name starts with prod's", () => {
    expect(canWriteLogs(template(), logStreamArn('prod'))).toBe(true);
    expect(canWriteLogs(template(), logStreamArn('prod2'))).toBe(false);
    expect(canWriteLogs(template(), logStreamArn('production'))).toBe(false);
  });

  it('warns deadLetterExpiryWarningDays before a dead letter can expire', () => {
    const expiry = alarm(template(), 'AWS/SQS', 'ApproximateAgeOfOldestMessage', 'DeadLetterQueue');
    expect(expiry.Threshold).toBe((14 - 4 - 2) * 86_400);
  });

  it('subscribes the e-mail address to the alarm topic', () => {
    expect(resource(template(), 'AlarmEmailSubscription').Condition).toBeUndefined();
    expect(resource(template(), 'AlarmEmailSubscription').Properties).toEqual({
      TopicArn: ref('AlarmTopic'),
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

// --- the bundle ------------------------------------------------------------------------------------------------

describe('the deployment zip', () => {
  const entries = () => readZip(queue.zipPath);
  const file = (name: string): Buffer => {
    const entry = entries().find((candidate) => candidate.name === name);
    if (entry === undefined) throw new Error(`${name} is not in the zip`);
    return entry.read();
  };

  it('holds the ES-module handler and its source map, nothing else', () => {
    expect(entries().map((entry) => entry.name)).toEqual([
      'src/functions/worker.mjs',
      'src/functions/worker.mjs.map',
    ]);
  });

  it('keeps the handler small (< 1 MB), ES module, linked to its map, exporting handler', () => {
    const code = file('src/functions/worker.mjs').toString('utf8');
    expect(code.length).toBeLessThan(1_000_000);
    expect(code.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b/);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=worker.mjs.map')).toBe(true);
    // Nothing but Node's own modules may be imported: node_modules is not deployed.
    const imported = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"']+)["']/g)].map(
      (match) => match[1],
    );
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((specifier) => specifier === undefined || !isBuiltin(specifier))).toEqual([]);
  });

  it('parses as an ES module on the Node that runs the tests', () => {
    const dir = join(outRoot, 'unzipped', 'src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'handler.mjs'), file('src/functions/worker.mjs'));
    execFileSync(process.execPath, ['--check', join(dir, 'handler.mjs')]);
  });

  it('ships mappings back to src/ without the sources themselves', () => {
    const map = JSON.parse(file('src/functions/worker.mjs.map').toString('utf8')) as {
      version: number;
      mappings: string;
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(map.version).toBe(3);
    expect(map.mappings.length).toBeGreaterThan(0);
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((source) => source.endsWith('src/functions/worker.ts'))).toBe(true);
  });
});

describe('npm run package and npm run build', () => {
  const bundleEntry = () => {
    const entry = readZip(queue.zipPath).find((candidate) => candidate.name === 'src/functions/worker.mjs');
    if (entry === undefined) throw new Error('src/functions/worker.mjs is not in the zip');
    return entry;
  };

  it('npm run package says where the template and the bundle went, and the size against the budget', () => {
    const output = queue.output.split('\n');
    const lines = output.slice(output.findIndex((line) => line.startsWith('template: ')));
    expect(lines[0]).toBe(`template: ${join(queue.dir, 'cloudformation-template-update-stack.json')}`);
    expect(lines[1]).toBe(`bundle: src/functions/worker.mjs in ${queue.zipPath}`);
    expect(lines[2]).toMatch(
      new RegExp(`^bundle size: ${kib(bundleEntry().size)}, 1\\.\\d{3}x the bare bundle's .* within budget`),
    );
  });

  it('judges every bundle in the package against the bare bundle, over budget when it is too large', () => {
    const size = bundleEntry().size;
    expect(packageReport(queue.dir, Math.ceil(size / 1.2)).within).toBe(true);
    const over = packageReport(queue.dir, Math.floor(size / 1.25));
    expect(over.within).toBe(false);
    expect(over.lines.at(-1)).toMatch(/^bundle size: .* OVER BUDGET by \d+\.\d KiB$/);
  });

  it('npm run build builds the very bundle the stack deploys, byte for byte', async () => {
    const { worker } = await buildBundles(join(outRoot, 'build'));
    expect(readFileSync(worker.path).equals(bundleEntry().read())).toBe(true);
  });
});
