/**
 * Where the queues are: flags or environment first, then the stack's outputs (DeadLetterQueueUrl, and
 * SourceQueueUrl in the queue wiring), read with the AWS CLI so that the command needs no CloudFormation client.
 */
import { execFile } from 'node:child_process';
import { UsageError } from './args.js';

/** Runs a program and resolves with its standard output. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<string>;

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    // Output comes as utf8 text: execFile's default encoding.
    execFile(file, [...args], (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });

export interface QueueUrls {
  readonly dlqUrl: string;
  /** None in the direct wiring: there is no source queue to redrive to. */
  readonly sourceUrl: string | undefined;
}

/** `aws cloudformation describe-stacks --query Stacks[0].Outputs` → the two queue URLs. */
export function queueUrlsFromOutputs(
  stack: string,
  json: string,
): { dlqUrl: string | undefined; sourceUrl: string | undefined } {
  const outputs: unknown = JSON.parse(json);
  if (!Array.isArray(outputs))
    throw new Error(`stack ${stack}: expected a list of outputs, got ${json.trim()}`);
  const value = (key: string): string | undefined => {
    const output: unknown = outputs.find((o: unknown) => (o as { OutputKey?: unknown })?.OutputKey === key);
    const found = (output as { OutputValue?: unknown } | undefined)?.OutputValue;
    return typeof found === 'string' ? found : undefined;
  };
  return { dlqUrl: value('DeadLetterQueueUrl'), sourceUrl: value('SourceQueueUrl') };
}

export async function resolveQueueUrls(
  given: { dlqUrl?: string | undefined; sourceUrl?: string | undefined; stack?: string | undefined },
  region: string | undefined,
  run: RunCommand,
): Promise<QueueUrls> {
  let { dlqUrl, sourceUrl } = given;
  if (given.stack !== undefined && (dlqUrl === undefined || sourceUrl === undefined)) {
    const args = ['cloudformation', 'describe-stacks', '--stack-name', given.stack];
    args.push('--query', 'Stacks[0].Outputs', '--output', 'json', ...(region ? ['--region', region] : []));
    const fromStack = queueUrlsFromOutputs(given.stack, await run('aws', args));
    dlqUrl ??= fromStack.dlqUrl;
    sourceUrl ??= fromStack.sourceUrl;
  }
  if (dlqUrl === undefined) {
    throw new UsageError(
      'no dead-letter queue: give --dlq-url, DLQ_URL or --stack (output DeadLetterQueueUrl)',
    );
  }
  return { dlqUrl, sourceUrl };
}

/** The region an AWS queue URL names (https://sqs.REGION.amazonaws.com/...), for when none is configured. */
export function regionOfQueueUrl(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(url).hostname)?.[1];
}
