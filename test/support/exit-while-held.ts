/**
 * A child process for the exit test: one coalesced invocation writes `lines` lines of 1,000 bytes to stdout, then
 * exits as Lambda's runtime does after an error no invocation caught. Usage: exit-while-held.ts <lines>
 */
import { withCoalescedOutput } from '../../src/runtime/coalesced-output.js';

const lines = Number(process.argv[2]);
const line = `${'x'.repeat(999)}\n`;
const invocation = withCoalescedOutput(
  async () => {
    for (let index = 0; index < lines; index++) process.stdout.write(line);
    process.exit(129);
  },
  process.stdout,
  { maxDelayMs: 60_000 },
);
await invocation();
