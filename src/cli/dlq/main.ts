/**
 * `npm run dlq`: dead-letter triage for the person on call. Reads the DLQ (without consuming it), then runs the
 * command; whatever happens, every message still held is made visible again before it returns.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type DlqArgs, parseDlqArgs, USAGE, UsageError } from './args.js';
import { deleteCommand, redriveCommand, showCommand, summaryCommand } from './commands.js';
import { createCliSqsClient, DlqSqs } from './queue.js';
import { DlqSession, READ_VISIBILITY_SECONDS } from './session.js';
import { type RunCommand, regionOfQueueUrl, resolveQueueUrls, runCommand } from './stack.js';
import { collapse } from './triage.js';

export interface DlqIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly print: (line: string) => void;
  /** Ctrl-C: stop between batches, cancel a move task, release what is held. */
  readonly signal?: AbortSignal;
  readonly runCommand?: RunCommand;
  /** How often `redrive --all` asks SQS how its move task is doing. Default 2 s. */
  readonly movePollMs?: number;
}

/** Resolves after `ms`, or at once when the signal aborts (the caller then checks it). */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a wait of 0 or less still sleeps, Node runs such a timer after 1 ms
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: delay rejects only when its signal aborts, so this is always false
    if (!(signal?.aborted === true)) throw error;
  }
}

export async function runDlq(argv: readonly string[], io: DlqIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.print(USAGE);
    return 0;
  }
  try {
    return await run(parseDlqArgs(argv, io.env), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.print(`dlq: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.print(`dlq: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return 1;
  }
}

async function run(args: DlqArgs, io: DlqIo): Promise<number> {
  const configuredRegion = args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const urls = await resolveQueueUrls(args, configuredRegion, io.runCommand ?? runCommand);
  if (args.command === 'redrive' && urls.sourceUrl === undefined) {
    throw new UsageError(
      'no source queue: give --source-url, SOURCE_QUEUE_URL or --stack (output SourceQueueUrl). The direct ' +
        'wiring has none: replay as docs/operations.md (Direct wiring) says',
    );
  }
  const region = configuredRegion ?? regionOfQueueUrl(urls.dlqUrl);
  // The SDK reads these from process.env itself; read here from io.env so that both agree.
  const endpoint = args.endpoint ?? io.env.AWS_ENDPOINT_URL_SQS ?? io.env.AWS_ENDPOINT_URL;
  const client = createCliSqsClient({
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  const sqs = new DlqSqs(client);
  const session = new DlqSession(sqs, urls.dlqUrl);
  let code = 1;
  try {
    const facts = await sqs.facts(urls.dlqUrl);
    const read = await session.readAll(args.max, io.signal);
    if (io.signal?.aborted === true) {
      io.print('Interrupted while reading the DLQ: nothing done, every message read is made visible again.');
      return 1;
    }
    const context = {
      sqs,
      session,
      facts,
      messages: read.messages,
      deadLetters: collapse(read.messages),
      truncated: read.truncated,
      now: Date.now(),
      pace: {
        rate: args.rate,
        sleep: (ms: number) => sleep(ms, io.signal),
        now: Date.now,
        print: io.print,
        signal: io.signal,
        pollMs: io.movePollMs ?? 2000,
      },
    };
    const { selection } = args;
    if (read.truncated && args.command !== 'summary') {
      io.print(`Read stopped at --max ${args.max} messages: any others are left for another run.`);
    }
    // parseDlqArgs gives every command but summary a selection.
    if (selection === undefined) code = summaryCommand(context);
    else if (args.command === 'show') code = showCommand(context, selection, args.json);
    else if (args.command === 'delete')
      code = await deleteCommand(context, { selection, dryRun: args.dryRun, save: args.save });
    else {
      const { dryRun, force } = args;
      // Stryker disable next-line StringLiteral: unreachable, run refuses a redrive without a source queue before reading
      code = await redriveCommand(context, { selection, sourceUrl: urls.sourceUrl ?? '', dryRun, force });
    }
  } finally {
    const failures = await session.releaseAll();
    if (failures.length > 0) {
      io.print(
        // Stryker disable next-line OptionalChaining: failures is not empty here
        `Warning: ${failures.length} messages could not be made visible again (${failures[0]?.error}); ` +
          `SQS shows them again within ${READ_VISIBILITY_SECONDS} s, or when the redrive's hold ends.`,
      );
      code = 1;
    }
    client.destroy();
  }
  return code;
}
