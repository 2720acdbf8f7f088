/**
 * Packages serverless.yml with the project's own osls (offline, no credentials) and reads what it wrote: the
 * CloudFormation template, osls's resolved service state and the deployment zip.
 * Used by stack.test.ts only; packaging runs one at a time because serverless-esbuild builds in `.esbuild/`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SERVERLESS_BIN = join(REPO_ROOT, 'node_modules/osls/bin/serverless.js');

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties: JsonObject;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

export interface Template {
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: Record<string, Json>;
  readonly Outputs: Record<string, { readonly Value: Json; readonly Description?: string }>;
}

export interface PackagedStack {
  readonly dir: string;
  readonly template: Template;
  /** `.serverless/serverless-state.json`: the configuration after osls resolved every variable. */
  readonly state: { readonly service: { readonly custom: JsonObject } };
  readonly zipPath: string;
  readonly seconds: number;
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

/** The child gets no AWS credentials or profile: packaging must not need them. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    delete env[name];
  }
  return env;
}

export function runServerless(args: readonly string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [SERVERLESS_BIN, ...args],
      { cwd: REPO_ROOT, env: childEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

export function packageArgs(options: {
  readonly outDir: string;
  readonly stage?: string;
  readonly params?: Readonly<Record<string, string>>;
}): string[] {
  const params = Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`);
  return [
    'package',
    '--stage',
    options.stage ?? 'ci',
    '--region',
    'eu-west-1',
    '--package',
    options.outDir,
    ...params,
  ];
}

export async function packageStack(options: {
  readonly outDir: string;
  readonly stage?: string;
  readonly params?: Readonly<Record<string, string>>;
}): Promise<PackagedStack> {
  const started = performance.now();
  const result = await runServerless(packageArgs(options));
  const seconds = (performance.now() - started) / 1000;
  if (result.code !== 0) {
    throw new Error(`serverless package failed (exit ${result.code}):\n${result.output}`);
  }
  const readJson = (name: string): unknown => JSON.parse(readFileSync(join(options.outDir, name), 'utf8'));
  return {
    dir: options.outDir,
    template: readJson('cloudformation-template-update-stack.json') as Template,
    state: readJson('serverless-state.json') as PackagedStack['state'],
    zipPath: join(options.outDir, 'datazone-metagen-worker.zip'),
    seconds,
  };
}

// --- zip -----------------------------------------------------------------------------------------------------------

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  read(): Buffer;
}

/** Lists a zip's entries from its central directory (no zip64, which a Lambda bundle never needs). */
export function readZip(path: string): ZipEntry[] {
  const zip = readFileSync(path);
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 65_557); offset--) {
    if (zip.readUInt32LE(offset) === 0x06054b50) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error(`${path}: no end of central directory record`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${path}: bad central directory entry`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      size,
      read: () => {
        const dataStart =
          localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${path}: ${name} uses compression method ${method}`);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
