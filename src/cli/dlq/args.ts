/** The command line of `npm run dlq`, checked: a usage error names the problem before any AWS call. */
import { parseArgs } from 'node:util';
import type { Selection } from './triage.js';

export const USAGE = `Usage: npm run dlq -- <command> [options]

Commands:
  summary                                   dead letters by reason, domain, detail-type and age
  show     --reason R | --asset A | --all   the dead letters of a group, with their attributes
           [--json]                         one JSON line per message: what to save before they expire
  redrive  --reason R | --asset A | --all   send them back to the source queue, then delete them
           [--dry-run] [--rate N] [--force]
  delete   --reason R | --asset A | --all   delete them (an asset that no longer exists)
           [--dry-run] [--save FILE]        --save appends show --json's lines to FILE first

Selecting: --reason takes a reason's id from the summary (r1a2b3c) or its name (AccessDeniedException);
  --reason and --asset together select what matches both.
Queues: --dlq-url URL (env DLQ_URL), --source-url URL (env SOURCE_QUEUE_URL), or --stack NAME to read
  them from the stack's outputs with the AWS CLI. --region, --endpoint-url (env AWS_ENDPOINT_URL_SQS).
Other: --max N reads at most N messages (default 10000); --rate N sends N messages per second (1-500);
  --force redrives reasons whose cause this command cannot see fixed (AccessDenied, ResourceNotFound, ...).
Reading never consumes: every message read is made visible again unless it was redriven or deleted.`;

type CommandName = 'summary' | 'show' | 'redrive' | 'delete';
const COMMANDS: readonly CommandName[] = ['summary', 'show', 'redrive', 'delete'];

export interface DlqArgs {
  readonly command: CommandName;
  readonly selection: Selection | undefined;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly json: boolean;
  /** delete: the file to append each message to (as show --json prints it) before anything is deleted. */
  readonly save: string | undefined;
  readonly rate: number | undefined;
  readonly max: number;
  readonly dlqUrl: string | undefined;
  readonly sourceUrl: string | undefined;
  readonly stack: string | undefined;
  readonly region: string | undefined;
  readonly endpoint: string | undefined;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function selectionOf(
  command: CommandName,
  values: { reason?: string | undefined; asset?: string | undefined; all?: boolean | undefined },
): Selection | undefined {
  const { reason, asset, all } = values;
  if (command === 'summary') {
    if (reason !== undefined || asset !== undefined || all === true) {
      throw new UsageError(
        'summary shows everything: --reason, --asset and --all are for show, redrive, delete',
      );
    }
    return undefined;
  }
  if (all === true) {
    if (reason !== undefined || asset !== undefined)
      throw new UsageError('--all selects everything: drop it');
    return { all: true };
  }
  if (reason === undefined && asset === undefined) {
    throw new UsageError(`${command} needs --reason, --asset or --all`);
  }
  return { ...(reason === undefined ? {} : { reason }), ...(asset === undefined ? {} : { asset }) };
}

export function parseDlqArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DlqArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  const command = COMMANDS.find((candidate) => candidate === name);
  if (command === undefined)
    throw new UsageError(name === undefined ? 'no command given' : `unknown command "${name}"`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const selection = selectionOf(command, values);
  const onlyFor = (flag: string, set: boolean, allowed: readonly CommandName[]) => {
    if (set && !allowed.includes(command)) throw new UsageError(`--${flag} is not an option of ${command}`);
  };
  onlyFor('dry-run', values['dry-run'] === true, ['redrive', 'delete']);
  onlyFor('force', values.force === true, ['redrive']);
  onlyFor('rate', values.rate !== undefined, ['redrive']);
  onlyFor('json', values.json === true, ['show']);
  onlyFor('save', values.save !== undefined, ['delete']);
  return {
    command,
    selection,
    dryRun: values['dry-run'] === true,
    force: values.force === true,
    json: values.json === true,
    save: values.save,
    rate: integer('rate', values.rate, 1, 500),
    max: integer('max', values.max, 1, 100_000) ?? 10_000,
    dlqUrl: values['dlq-url'] ?? env.DLQ_URL,
    sourceUrl: values['source-url'] ?? env.SOURCE_QUEUE_URL,
    stack: values.stack,
    region: values.region,
    endpoint: values['endpoint-url'],
  };
}

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      reason: { type: 'string' },
      asset: { type: 'string' },
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      save: { type: 'string' },
      rate: { type: 'string' },
      max: { type: 'string' },
      'dlq-url': { type: 'string' },
      'source-url': { type: 'string' },
      stack: { type: 'string' },
      region: { type: 'string' },
      'endpoint-url': { type: 'string' },
    },
  });
