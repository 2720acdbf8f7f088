/**
 * `npm run dlq -- <summary|show|redrive|delete> [options]`: dead-letter triage for the person on call
 * (docs/operations.md). An operator command: never part of the Lambda bundle, which is built from
 * src/functions/worker.ts alone. The first Ctrl-C stops between batches and releases what the command holds.
 */
import { runDlq } from './dlq/main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

process.exitCode = await runDlq(process.argv.slice(2), {
  env: process.env,
  print: (line) => process.stdout.write(`${line}\n`),
  signal: controller.signal,
});
