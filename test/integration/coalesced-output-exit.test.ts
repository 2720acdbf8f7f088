/**
 * What an invocation held when the process exits reaches the pipe whole, even past the pipe's 64 KiB and with a
 * reader that is slow to drain it: a real child process, its stdout a real pipe.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('../support/exit-while-held.ts', import.meta.url));
/** 300 lines of 1,000 bytes: more than four times what a Linux pipe takes before its reader drains it. */
const LINES = 300;
const READER_DELAY_MS = 300;

function runChild(): Promise<{ code: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(LINES)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.pause();
    setTimeout(() => {
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stdout.resume();
    }, READER_DELAY_MS);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks) }));
  });
}

describe('coalesced output at exit', () => {
  it('writes every held line, whole, before the process ends', async () => {
    const { code, stdout } = await runChild();

    expect(code).toBe(129);
    const lines = stdout.toString().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(LINES);
    expect(lines.every((line) => line.length === 999)).toBe(true);
  });
});
