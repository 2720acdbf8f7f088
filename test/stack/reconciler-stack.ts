/**
 * The scheduled reconciler in the packaged stack: none of it without `reconcileSchedule`, and with it the function,
 * its own role, the sweep queue, the schedule, the rate split and the alarms, property by property. stack.test.ts
 * registers these tests with the stacks it packages (packaging runs one at a time: serverless-esbuild builds in
 * `.esbuild/`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweepMessage } from '../../src/sweep/reconcile.js';
import { readZip } from '../../tools/zip.js';
import {
  byOperationLine,
  type CfnResource,
  dashboard,
  type Json,
  type JsonObject,
  type PackagedStack,
  packageArgs,
  runServerless,
  type Template,
} from './stack-package.js';

const SERVICE = 'datazone-metagen-worker';

/**
 * A reconciler with a non-default share of a non-integer budget, so that both rates are rounded down, and GetAsset
 * and Search rated apart.
 */
export const RECONCILED_PARAMS = {
  reconcileSchedule: 'rate(12 hours)',
  reconcileDomainIds: 'dzd_abc123',
  reconcileProjectId: 'proj_42',
  reconcilePublishedOnly: 'true',
  reconcileBudgetShare: '0.3',
  datazoneAccountRps: '12.5',
  datazoneAccountRpsGetAsset: '10',
  datazoneAccountRpsSearch: '5',
  domainIds: 'dzd_abc123,dzd-def456',
};

/** What only a reconcileSchedule adds to the queue wiring's template. */
const RECONCILER_RESOURCES = [
  'ReconcilerLambdaFunction',
  'ReconcilerLogGroup',
  'ReconcilerRole',
  'ReconcilerEventSourceMapping',
  'ReconcileScheduleRule',
  'SweepQueue',
  'SweepDeadLetterQueue',
  'SweepQueuePolicy',
  'SweepsFoundMissingRevisionsAlarm',
  'SweepDeadLetterQueueAlarm',
];

export interface Stacks {
  readonly queue: PackagedStack;
  readonly direct: PackagedStack;
  /** Stage prod, domains, another rate split: no reconciler. */
  readonly configured: PackagedStack;
  /** The queue wiring without outcome tracking. */
  readonly untracked: PackagedStack;
  /** The queue wiring with RECONCILED_PARAMS. */
  readonly reconciled: PackagedStack;
  readonly outRoot: string;
}

// --- helpers ---------------------------------------------------------------------------------------------------

const ref = (logicalId: string) => ({ Ref: logicalId });
const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
const list = (value: Json | undefined): Json[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function resource(template: Template, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (found === undefined) throw new Error(`no resource ${logicalId}`);
  return found;
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what}: not an object`);
  return value;
}

function environment(template: Template, functionId: string): JsonObject {
  const properties = resource(template, functionId).Properties;
  return asObject(asObject(properties.Environment, 'Environment').Variables, 'Environment.Variables');
}

function policyStatements(role: CfnResource): JsonObject[] {
  return (role.Properties.Policies as JsonObject[]).flatMap(
    (policy) => asObject(policy.PolicyDocument, 'PolicyDocument').Statement as JsonObject[],
  );
}

function alarmNamed(template: Template, logicalId: string): JsonObject {
  const alarm = resource(template, logicalId);
  expect(alarm.Type).toBe('AWS::CloudWatch::Alarm');
  return alarm.Properties;
}

/** An IAM resource pattern with the stack's pseudo parameters filled in, matched against an ARN. */
function logsPatternMatches(pattern: Json, arn: string): boolean {
  const pseudo: Record<string, string> = { Partition: 'aws', Region: 'eu-west-1', AccountId: '123456789012' };
  const text = String(asObject(pattern, 'Resource')['Fn::Sub']).replace(
    /\$\{AWS::(\w+)\}/g,
    (_, name: string) => pseudo[name] ?? '',
  );
  const regex = text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`).test(arn);
}

const logStreamArn = (functionName: string) =>
  `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/${functionName}:log-stream:2026/01/01/[$LATEST]0a1b`;

const domainArn = (domain: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:datazone:\${AWS::Region}:\${AWS::AccountId}:domain/${domain}`,
});

// --- the tests -------------------------------------------------------------------------------------------------

export function describeReconciler(stacks: () => Stacks): void {
  const reconciled = () => stacks().reconciled.template;
  const withoutReconciler = () => [stacks().queue, stacks().direct, stacks().configured, stacks().untracked];

  describe('the reconciler: only with reconcileSchedule', () => {
    it('adds exactly its resources and outputs, and nothing of them without the parameter', () => {
      const before = Object.keys(stacks().queue.template.Resources);
      const added = Object.keys(reconciled().Resources).filter((id) => !before.includes(id));
      expect(added.sort()).toEqual([...RECONCILER_RESOURCES].sort());
      expect(Object.keys(reconciled().Resources)).toEqual(expect.arrayContaining(before));
      expect(reconciled().Outputs).toMatchObject({
        SweepQueueUrl: { Value: ref('SweepQueue') },
        ReconcilerRoleArn: { Value: getAtt('ReconcilerRole', 'Arn') },
      });
      for (const stack of withoutReconciler()) {
        const ids = Object.keys(stack.template.Resources);
        expect(ids.filter((id) => RECONCILER_RESOURCES.includes(id))).toEqual([]);
        expect(ids.filter((id) => /Reconcil|Sweep/.test(id))).toEqual([]);
        expect(Object.keys(stack.template.Outputs).filter((id) => /Reconcil|Sweep/.test(id))).toEqual([]);
        const functions = Object.values(stack.template.Resources).filter(
          (candidate) => candidate.Type === 'AWS::Lambda::Function',
        );
        expect(functions.length).toBe(1);
      }
    });

    it('gives the worker the whole budget without it, and all but reconcileBudgetShare with it', () => {
      const workerRps = (stack: PackagedStack) =>
        environment(stack.template, 'WorkerLambdaFunction').DATAZONE_REQUESTS_PER_SECOND;
      // Without: 8 / 4 and 12.5 / 3 (rounded down), as before the reconciler existed.
      expect(workerRps(stacks().queue)).toBe('2');
      expect(workerRps(stacks().direct)).toBe('2');
      expect(workerRps(stacks().configured)).toBe('4.16');
      // With: 12.5 x 0.7 over 4 containers, 2.1875, and 12.5 x 0.3 over the 2 sweep steps, 1.875, rounded down.
      const worker = Number(workerRps(stacks().reconciled));
      const sweep = Number(environment(reconciled(), 'ReconcilerLambdaFunction').SWEEP_REQUESTS_PER_SECOND);
      expect(worker).toBe(2.18);
      expect(sweep).toBe(1.87);
      expect(worker * 4 + sweep * 2).toBeLessThanOrEqual(12.5);
    });

    it('shares each operation both call, and leaves the starts to the worker and Search to the sweep', () => {
      const worker = environment(reconciled(), 'WorkerLambdaFunction');
      const sweep = environment(reconciled(), 'ReconcilerLambdaFunction');
      // GetAsset: 10 x 0.7 over 4 containers and 10 x 0.3 over 2 steps. Starts: all of 12.5 over 4. Search: 5 over 2.
      expect(worker.DATAZONE_REQUESTS_PER_SECOND_GET_ASSET).toBe('1.75');
      expect(sweep.SWEEP_REQUESTS_PER_SECOND_GET_ASSET).toBe('1.5');
      expect(worker.DATAZONE_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN).toBe('3.12');
      expect(sweep.SWEEP_REQUESTS_PER_SECOND_SEARCH).toBe('2.5');
      // The other operations follow the defaults, with no variable of their own.
      const apart = (env: JsonObject, prefix: string) =>
        Object.keys(env).filter((name) => name.startsWith(prefix));
      expect(apart(worker, 'DATAZONE_REQUESTS_PER_SECOND_')).toEqual([
        'DATAZONE_REQUESTS_PER_SECOND_GET_ASSET',
        'DATAZONE_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN',
      ]);
      expect(apart(sweep, 'SWEEP_REQUESTS_PER_SECOND_')).toEqual([
        'SWEEP_REQUESTS_PER_SECOND_GET_ASSET',
        'SWEEP_REQUESTS_PER_SECOND_SEARCH',
      ]);
    });
  });

  describe('the reconciler function', () => {
    it('runs the reconciler entry point for up to 300 s under its own role, logging JSON to its own group', () => {
      const fn = resource(reconciled(), 'ReconcilerLambdaFunction');
      expect(fn.Properties).toMatchObject({
        FunctionName: `${SERVICE}-ci-reconciler`,
        Handler: 'src/functions/reconciler.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 300,
        Role: getAtt('ReconcilerRole', 'Arn'),
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
      });
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect(resource(reconciled(), 'ReconcilerLogGroup').Properties).toEqual({
        LogGroupName: `/aws/lambda/${SERVICE}-ci-reconciler`,
        RetentionInDays: 30,
      });
    });

    it('gets every variable the reconciler reads, with the worker’s own generation and asset types', () => {
      const worker = environment(reconciled(), 'WorkerLambdaFunction');
      expect(environment(reconciled(), 'ReconcilerLambdaFunction')).toEqual({
        RECONCILE_DOMAIN_IDS: 'dzd_abc123',
        RECONCILE_PROJECT_ID: 'proj_42',
        RECONCILE_PUBLISHED_ONLY: 'true',
        SOURCE_QUEUE_URL: ref('SourceQueue'),
        SWEEP_QUEUE_URL: ref('SweepQueue'),
        SWEEP_REQUESTS_PER_SECOND: '1.87',
        SWEEP_REQUESTS_PER_SECOND_GET_ASSET: '1.5',
        SWEEP_REQUESTS_PER_SECOND_SEARCH: '2.5',
        DATAZONE_REQUEST_TIMEOUT_MS: '10000',
        DEADLINE_SAFETY_MARGIN_MS: '3000',
        GENERATION_TYPES: worker.GENERATION_TYPES,
        SUPPORTED_ASSET_TYPES: worker.SUPPORTED_ASSET_TYPES,
        POWERTOOLS_SERVICE_NAME: `${SERVICE}-ci-reconciler`,
        POWERTOOLS_METRICS_NAMESPACE: worker.POWERTOOLS_METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('is bundled beside the worker in the deployment zip', () => {
      expect(readZip(stacks().reconciled.zipPath).map((entry) => entry.name)).toEqual([
        'src/functions/reconciler.mjs',
        'src/functions/reconciler.mjs.map',
        'src/functions/worker.mjs',
        'src/functions/worker.mjs.map',
      ]);
    });
  });

  describe('the sweep queue and its schedule', () => {
    it('feeds the function one message at a time, two steps at most at once', () => {
      const mappings = Object.entries(reconciled().Resources).filter(
        ([, candidate]) => candidate.Type === 'AWS::Lambda::EventSourceMapping',
      );
      expect(mappings.map(([id]) => id).sort()).toEqual([
        'ReconcilerEventSourceMapping',
        'WorkerEventSourceMappingSQSSourceQueue',
      ]);
      expect(resource(reconciled(), 'ReconcilerEventSourceMapping').Properties).toEqual({
        EventSourceArn: getAtt('SweepQueue', 'Arn'),
        FunctionName: getAtt('ReconcilerLambdaFunction', 'Arn'),
        Enabled: true,
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });

    it('hides a step for six times the timeout, and parks a cursor that failed five times in its own DLQ', () => {
      expect(resource(reconciled(), 'SweepQueue').Properties).toEqual({
        QueueName: `${SERVICE}-ci-sweeps`,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 1800,
        RedrivePolicy: { deadLetterTargetArn: getAtt('SweepDeadLetterQueue', 'Arn'), maxReceiveCount: 5 },
      });
      expect(resource(reconciled(), 'SweepDeadLetterQueue').Properties).toEqual({
        QueueName: `${SERVICE}-ci-sweeps-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
    });

    it('starts a sweep on the schedule with the message the reconciler reads as a start', () => {
      const rule = resource(reconciled(), 'ReconcileScheduleRule').Properties;
      expect(rule).toMatchObject({ ScheduleExpression: 'rate(12 hours)', State: 'ENABLED' });
      expect(rule.EventPattern).toBeUndefined();
      const targets = list(rule.Targets);
      expect(targets).toEqual([
        {
          Id: 'sweep-queue',
          Arn: getAtt('SweepQueue', 'Arn'),
          Input: '{"start":true}',
          DeadLetterConfig: { Arn: getAtt('SweepDeadLetterQueue', 'Arn') },
        },
      ]);
      expect(parseSweepMessage(String(asObject(targets[0], 'target').Input))).toEqual({ start: true });
    });

    it('lets only the schedule write into the sweep queue and its DLQ as events.amazonaws.com', () => {
      const policy = resource(reconciled(), 'SweepQueuePolicy').Properties;
      expect(policy.Queues).toEqual([ref('SweepQueue'), ref('SweepDeadLetterQueue')]);
      expect(asObject(policy.PolicyDocument, 'PolicyDocument').Statement).toEqual([
        {
          Sid: 'OnlyTheReconcileSchedule',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: [getAtt('SweepQueue', 'Arn'), getAtt('SweepDeadLetterQueue', 'Arn')],
          Condition: { ArnEquals: { 'aws:SourceArn': getAtt('ReconcileScheduleRule', 'Arn') } },
        },
      ]);
    });
  });

  describe('the reconciler role', () => {
    it('may be assumed by Lambda only', () => {
      expect(resource(reconciled(), 'ReconcilerRole').Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      });
    });

    it('grants exactly the reconciler’s calls, on the swept domains and its two queues', () => {
      expect(policyStatements(resource(reconciled(), 'ReconcilerRole'))).toEqual([
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: {
            'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${SERVICE}-ci-reconciler:*`,
          },
        },
        {
          Sid: 'SweepDomains',
          Effect: 'Allow',
          Action: [
            'datazone:Search',
            'datazone:GetAsset',
            'datazone:ListMetadataGenerationRuns',
            'datazone:GetMetadataGenerationRun',
          ],
          Resource: [domainArn('dzd_abc123')],
        },
        {
          Sid: 'EnqueueReconciledEvents',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: getAtt('SourceQueue', 'Arn'),
        },
        {
          Sid: 'CarrySweeps',
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: getAtt('SweepQueue', 'Arn'),
        },
      ]);
    });

    it('writes its own log group only, not the worker’s nor another stage’s', () => {
      const [logs] = policyStatements(resource(reconciled(), 'ReconcilerRole'));
      const pattern = logs?.Resource ?? null;
      expect(logsPatternMatches(pattern, logStreamArn(`${SERVICE}-ci-reconciler`))).toBe(true);
      for (const other of [
        `${SERVICE}-ci-worker`,
        `${SERVICE}-ci2-reconciler`,
        `${SERVICE}-ci-reconciler2`,
      ]) {
        expect(logsPatternMatches(pattern, logStreamArn(other)), other).toBe(false);
      }
    });

    it('is not the worker’s, which stays as it is: no search, no sweep queue', () => {
      const roleOf = (functionId: string) => resource(reconciled(), functionId).Properties.Role;
      expect(roleOf('ReconcilerLambdaFunction')).toEqual(getAtt('ReconcilerRole', 'Arn'));
      expect(roleOf('WorkerLambdaFunction')).toEqual(getAtt('IamRoleLambdaExecution', 'Arn'));
      const workerRole = JSON.stringify(resource(reconciled(), 'IamRoleLambdaExecution'));
      for (const granted of ['datazone:Search', 'SweepQueue', 'reconciler']) {
        expect(workerRole).not.toContain(granted);
      }
      const actions = (stack: PackagedStack) =>
        new Set(
          policyStatements(resource(stack.template, 'IamRoleLambdaExecution')).flatMap((s) => list(s.Action)),
        );
      expect(actions(stacks().reconciled)).toEqual(actions(stacks().queue));
    });
  });

  describe('the reconciler alarms', () => {
    const notifying = {
      AlarmActions: [ref('AlarmTopic')],
      OKActions: [ref('AlarmTopic')],
      TreatMissingData: 'notBreaching',
    };

    it('fires when two sweeps in a row, one schedule interval apart, found revisions without a run', () => {
      const env = environment(reconciled(), 'ReconcilerLambdaFunction');
      const alarm = alarmNamed(reconciled(), 'SweepsFoundMissingRevisionsAlarm');
      expect(alarm).toMatchObject({
        ...notifying,
        AlarmName: `${SERVICE}-ci-sweeps-found-missing-revisions`,
        Namespace: env.POWERTOOLS_METRICS_NAMESPACE,
        MetricName: 'SweepMissingRevisions',
        Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME }],
        Statistic: 'Maximum',
        Period: 12 * 3600,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      // CloudWatch refuses more than 7 days of Period x EvaluationPeriods.
      expect(Number(alarm.Period) * Number(alarm.EvaluationPeriods)).toBeLessThanOrEqual(604_800);
    });

    it('fires when a sweep cursor is parked in the sweep DLQ', () => {
      expect(alarmNamed(reconciled(), 'SweepDeadLetterQueueAlarm')).toMatchObject({
        ...notifying,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('SweepDeadLetterQueue', 'QueueName') }],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });
  });

  describe('the reconciler on the dashboard', () => {
    it('shows which operation of a sweep was throttled or over its quota, under the reconciler’s service', () => {
      const env = environment(reconciled(), 'ReconcilerLambdaFunction');
      const metrics = dashboard(reconciled()).widgets.flatMap((widget) => widget.properties.metrics);
      for (const operation of ['Search', 'GetAsset', 'ListMetadataGenerationRuns']) {
        for (const name of ['ThrottledByOperation', 'QuotaExceededByOperation']) {
          const label = expect.stringMatching(new RegExp(`^reconciler: ${operation} `));
          expect(metrics).toContainEqual(byOperationLine(env, name, operation, { label }));
        }
      }
    });
  });

  describe('the reconciler parameters', () => {
    it('fail packaging, naming the parameter, when the reconciler could not work as deployed', async () => {
      const schedule = { reconcileSchedule: 'rate(1 day)', reconcileDomainIds: 'dzd_abc123' };
      const rejected: [Record<string, string>, RegExp][] = [
        [{ reconcileSchedule: 'rate(1 day)' }, /Parameter reconcileDomainIds must name at least one domain/],
        [
          { ...schedule, reconcileDomainIds: 'abc' },
          /Parameter reconcileDomainIds must list DataZone domain/,
        ],
        // The alarm's period is the interval between sweeps, which a cron expression does not have.
        [
          { ...schedule, reconcileSchedule: 'cron(0 2 * * ? *)' },
          /Parameter reconcileSchedule must be empty/,
        ],
        [{ ...schedule, reconcileSchedule: 'rate(7 days)' }, /Parameter reconcileSchedule must be empty/],
        // No source queue to put events on.
        [{ ...schedule, wiring: 'direct' }, /Parameter reconcileSchedule needs wiring queue/],
        [
          { ...schedule, detailTypes: 'Asset Added To Catalog' },
          /Parameter detailTypes must include "New Asset Version Available"/,
        ],
        [
          { ...schedule, domainIds: 'dzd_other' },
          /reconcileDomainIds names domains the worker skips.*dzd_abc123/,
        ],
        [{ ...schedule, reconcileBudgetShare: '1' }, /Parameter reconcileBudgetShare must be a fraction/],
        // Search is the sweep's alone: 0.09 over its 2 steps is too little.
        [
          { ...schedule, datazoneAccountRpsSearch: '0.09' },
          /Parameters datazoneAccountRpsSearch \(0\.09\) leave each of the 2 sweep steps .* raise datazoneAccountRpsSearch/,
        ],
        [
          { ...schedule, reconcilePublishedOnly: 'yes' },
          /Parameter reconcilePublishedOnly must be true or false/,
        ],
        [
          { ...schedule, reconcileProjectId: 'a b' },
          /Parameter reconcileProjectId must be empty or a DataZone/,
        ],
      ];
      // These fail while resolving variables, before anything is bundled, so they may run side by side.
      const results = await Promise.all(
        rejected.map(([params], index) =>
          runServerless(
            packageArgs({ outDir: join(stacks().outRoot, `reconciler-rejected-${index}`), params }),
          ),
        ),
      );
      results.forEach((result, index) => {
        const [params, message] = rejected[index] ?? [];
        expect(result.code, JSON.stringify(params)).not.toBe(0);
        expect(result.output, JSON.stringify(params)).toMatch(message ?? /./);
      });
    }, 120_000);
  });
}
