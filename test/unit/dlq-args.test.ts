/** The command line of npm run dlq, where its queues come from, and how it writes durations. */
import { describe, expect, it } from 'vitest';
import { parseDlqArgs } from '../../src/cli/dlq/args.js';
import { formatDuration } from '../../src/cli/dlq/report.js';
import {
  queueUrlsFromOutputs,
  regionOfQueueUrl,
  resolveQueueUrls,
  runCommand,
} from '../../src/cli/dlq/stack.js';

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/datazone-metagen-worker-prod-dlq';
const SOURCE_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/datazone-metagen-worker-prod-events';

describe('parseDlqArgs', () => {
  it('reads a redrive with its options, the queues from the environment', () => {
    expect(
      parseDlqArgs(['redrive', '--reason', 'r1a2b3c', '--dry-run', '--rate', '5'], {
        DLQ_URL,
        SOURCE_QUEUE_URL: SOURCE_URL,
      }),
    ).toMatchObject({
      command: 'redrive',
      selection: { reason: 'r1a2b3c' },
      dryRun: true,
      force: false,
      rate: 5,
      max: 10_000,
      dlqUrl: DLQ_URL,
      sourceUrl: SOURCE_URL,
    });
  });

  it('prefers flags to the environment', () => {
    expect(
      parseDlqArgs(['summary', '--dlq-url', 'flag-url', '--source-url', 'flag-source'], {
        DLQ_URL,
        SOURCE_QUEUE_URL: SOURCE_URL,
      }),
    ).toMatchObject({ dlqUrl: 'flag-url', sourceUrl: 'flag-source' });
  });

  it('reads a summary with nothing selected, the defaults and the AWS flags', () => {
    expect(
      parseDlqArgs(
        [
          'summary',
          '--stack',
          'datazone-metagen-worker-prod',
          '--region',
          'eu-west-1',
          '--endpoint-url',
          'http://127.0.0.1:4566',
        ],
        {},
      ),
    ).toEqual({
      command: 'summary',
      selection: undefined,
      dryRun: false,
      force: false,
      json: false,
      save: undefined,
      rate: undefined,
      max: 10_000,
      dlqUrl: undefined,
      sourceUrl: undefined,
      stack: 'datazone-metagen-worker-prod',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
    });
  });

  it('reads the options of each command', () => {
    expect(parseDlqArgs(['show', '--asset', 'ayzstznnx4dxyf', '--json'], {})).toMatchObject({
      command: 'show',
      selection: { asset: 'ayzstznnx4dxyf' },
      json: true,
    });
    expect(parseDlqArgs(['redrive', '--all', '--force', '--max', '100000'], {})).toMatchObject({
      selection: { all: true },
      force: true,
      max: 100_000,
    });
    expect(parseDlqArgs(['delete', '--asset', 'a', '--reason', 'r', '--save', 'f.jsonl'], {})).toMatchObject({
      selection: { reason: 'r', asset: 'a' },
      save: 'f.jsonl',
      dryRun: false,
    });
    expect(parseDlqArgs(['delete', '--reason', 'r', '--dry-run'], {})).toMatchObject({ dryRun: true });
  });

  it('takes a selection of exactly what was given', () => {
    expect(parseDlqArgs(['show', '--reason', 'r1a2b3c'], {}).selection).toStrictEqual({ reason: 'r1a2b3c' });
    expect(parseDlqArgs(['show', '--asset', 'a'], {}).selection).toStrictEqual({ asset: 'a' });
    expect(parseDlqArgs(['show', '--all'], {}).selection).toEqual({ all: true });
  });

  it.each([
    ['--rate', '1', 1],
    ['--rate', '500', 500],
    ['--max', '1', 1],
    ['--max', '100000', 100_000],
  ])('accepts %s %s, a bound of its range', (flag, raw, value) => {
    const parsed = parseDlqArgs(['redrive', '--all', flag, raw], {});
    expect(flag === '--rate' ? parsed.rate : parsed.max).toBe(value);
  });

  it.each([
    [[], 'no command given'],
    [['purge'], 'unknown command "purge"'],
    [['show'], 'show needs --reason, --asset or --all'],
    [['redrive'], 'redrive needs --reason, --asset or --all'],
    [['redrive', '--all', '--reason', 'x'], '--all selects everything'],
    [['summary', '--reason', 'x'], 'summary shows everything'],
    [['summary', '--dry-run'], '--dry-run is not an option of summary'],
    [['delete', '--all', '--force'], '--force is not an option of delete'],
    [['redrive', '--all', '--save', 'f.jsonl'], '--save is not an option of redrive'],
    [['redrive', '--all', '--rate', '0'], '--rate must be an integer from 1 to 500, got "0"'],
    [['redrive', '--all', '--rate', '2.5'], '--rate must be an integer from 1 to 500'],
    [['summary', '--colour'], "Unknown option '--colour'"],
    [['summary', 'extra', 'words'], 'unexpected arguments: extra words'],
    [['summary', '--asset', 'a'], 'summary shows everything'],
    [['summary', '--all'], 'summary shows everything'],
    [['show', '--all', '--asset', 'a'], '--all selects everything: drop it'],
    [['show', '--all', '--dry-run'], '--dry-run is not an option of show'],
    [['show', '--all', '--rate', '5'], '--rate is not an option of show'],
    [['delete', '--all', '--rate', '5'], '--rate is not an option of delete'],
    [['redrive', '--all', '--json'], '--json is not an option of redrive'],
    [['redrive', '--all', '--rate', '501'], '--rate must be an integer from 1 to 500, got "501"'],
    [['redrive', '--all', '--max', '0'], '--max must be an integer from 1 to 100000, got "0"'],
    [['redrive', '--all', '--max', '100001'], '--max must be an integer from 1 to 100000, got "100001"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseDlqArgs(argv, {})).toThrow(
      expect.objectContaining({ name: 'UsageError', message: expect.stringContaining(message) }),
    );
  });
});

describe('queue URLs', () => {
  const outputs = JSON.stringify([
    { OutputKey: 'Wiring', OutputValue: 'queue' },
    { OutputKey: 'DeadLetterQueueUrl', OutputValue: DLQ_URL },
    { OutputKey: 'SourceQueueUrl', OutputValue: SOURCE_URL },
  ]);

  it('reads both from the stack’s outputs, and only the DLQ in the direct wiring', () => {
    expect(queueUrlsFromOutputs('s', outputs)).toEqual({ dlqUrl: DLQ_URL, sourceUrl: SOURCE_URL });
    const direct = JSON.stringify([{ OutputKey: 'DeadLetterQueueUrl', OutputValue: DLQ_URL }]);
    expect(queueUrlsFromOutputs('s', direct)).toEqual({ dlqUrl: DLQ_URL, sourceUrl: undefined });
  });

  it('asks the AWS CLI only when a flag or variable is missing, in the given region', async () => {
    const calls: string[][] = [];
    const run = async (file: string, args: readonly string[]) => {
      calls.push([file, ...args]);
      return outputs;
    };
    expect(
      await resolveQueueUrls({ stack: 'datazone-metagen-worker-prod', dlqUrl: 'given' }, 'eu-west-1', run),
    ).toEqual({
      dlqUrl: 'given',
      sourceUrl: SOURCE_URL,
    });
    expect(calls).toEqual([
      [
        'aws',
        'cloudformation',
        'describe-stacks',
        '--stack-name',
        'datazone-metagen-worker-prod',
        '--query',
        'Stacks[0].Outputs',
        '--output',
        'json',
        '--region',
        'eu-west-1',
      ],
    ]);
    await resolveQueueUrls({ stack: 'x', dlqUrl: 'a', sourceUrl: 'b' }, undefined, run);
    expect(calls).toHaveLength(1);
  });

  it('refuses to run without a DLQ', async () => {
    await expect(resolveQueueUrls({}, undefined, async () => '[]')).rejects.toThrow('no dead-letter queue');
  });

  it('takes the region from an AWS queue URL, and none from a local one', () => {
    expect(regionOfQueueUrl(DLQ_URL)).toBe('eu-west-1');
    expect(regionOfQueueUrl('https://sqs.cn-north-1.amazonaws.com.cn/1/q')).toBe('cn-north-1');
    expect(regionOfQueueUrl('http://127.0.0.1:4566/000000000000/q')).toBeUndefined();
  });
});

describe('queue URLs: edges', () => {
  it('refuses outputs that are not a list, naming the stack', () => {
    expect(() => queueUrlsFromOutputs('prod', ' {"Outputs":[]}\n')).toThrow(
      'stack prod: expected a list of outputs, got {"Outputs":[]}',
    );
  });

  it('skips odd entries and takes only a string value', () => {
    const outputs = JSON.stringify([
      null,
      { OutputKey: 'DeadLetterQueueUrl' },
      { OutputKey: 'SourceQueueUrl', OutputValue: 42 },
    ]);
    expect(queueUrlsFromOutputs('s', outputs)).toEqual({ dlqUrl: undefined, sourceUrl: undefined });
  });

  it('asks the stack for the DLQ when only the source queue is given, keeping the given one', async () => {
    const calls: string[][] = [];
    const run = async (file: string, args: readonly string[]) => {
      calls.push([file, ...args]);
      return JSON.stringify([
        { OutputKey: 'DeadLetterQueueUrl', OutputValue: DLQ_URL },
        { OutputKey: 'SourceQueueUrl', OutputValue: 'from-stack' },
      ]);
    };
    expect(await resolveQueueUrls({ stack: 'prod', sourceUrl: SOURCE_URL }, undefined, run)).toEqual({
      dlqUrl: DLQ_URL,
      sourceUrl: SOURCE_URL,
    });
    expect(calls[0]?.slice(-2)).toEqual(['--output', 'json']);
  });

  it('needs no stack when the DLQ is given, even without a source queue', async () => {
    const run = async (): Promise<string> => {
      throw new Error('no AWS CLI call expected');
    };
    expect(await resolveQueueUrls({ dlqUrl: DLQ_URL }, 'eu-west-1', run)).toEqual({
      dlqUrl: DLQ_URL,
      sourceUrl: undefined,
    });
  });

  it('refuses a stack without a DLQ output', async () => {
    await expect(resolveQueueUrls({ stack: 'prod' }, undefined, async () => '[]')).rejects.toThrow(
      expect.objectContaining({
        name: 'UsageError',
        message: 'no dead-letter queue: give --dlq-url, DLQ_URL or --stack (output DeadLetterQueueUrl)',
      }),
    );
  });

  it('takes no region from a host that only looks like SQS’s, nor from what is not a URL', () => {
    expect(regionOfQueueUrl('https://xsqs.eu-west-1.amazonaws.com/1/q')).toBeUndefined();
    expect(regionOfQueueUrl('https://sqs.eu-west-1.amazonaws.com.example.org/1/q')).toBeUndefined();
    expect(regionOfQueueUrl('https://sqs.eu-west-1xamazonaws.com/1/q')).toBeUndefined();
    expect(regionOfQueueUrl('https://sqs.eu-west-1.amazonaws.comxcn/1/q')).toBeUndefined();
    expect(regionOfQueueUrl('https://sqs.eu_west.amazonaws.com/1/q')).toBeUndefined();
    expect(regionOfQueueUrl('not a url')).toBeUndefined();
  });
});

describe('runCommand', () => {
  const node = process.execPath;

  it('resolves with what the program printed', async () => {
    expect(await runCommand(node, ['-e', 'process.stdout.write("outputs")'])).toBe('outputs');
  });

  it('fails with the command line and its error output, or the error when it printed none', async () => {
    await expect(runCommand(node, ['-e', 'console.error(" denied "); process.exit(3)'])).rejects.toThrow(
      `${node} -e console.error(" denied "); process.exit(3): denied`,
    );
    await expect(runCommand('/nonexistent/aws', ['--version'])).rejects.toThrow(
      /^\/nonexistent\/aws --version: .*ENOENT/,
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [61_000, '1m 1s'],
    [3 * 3_600_000 + 5 * 60_000 + 7_000, '3h 5m'],
    [13 * 86_400_000 + 23 * 3_600_000 + 59 * 60_000, '13d 23h'],
    [2 * 86_400_000 + 5 * 60_000, '2d'],
    [-5_000, '0s'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
