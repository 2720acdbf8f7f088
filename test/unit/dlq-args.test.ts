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
    expect(parseDlqArgs(['summary', '--dlq-url', 'flag-url'], { DLQ_URL })).toMatchObject({
      dlqUrl: 'flag-url',
    });
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
