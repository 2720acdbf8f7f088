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

// --- a small evaluator for the intrinsic functions whose arguments osls already made literal ---------------------

const NO_VALUE = Symbol('AWS::NoValue');
type Evaluated = Json | typeof NO_VALUE;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of a condition, when it compares literals only. */
export function conditionValue(template: Template, name: string): boolean {
  const value = evaluate(template, template.Conditions?.[name] ?? null);
  if (typeof value !== 'boolean') throw new Error(`condition ${name} does not evaluate to a literal boolean`);
  return value;
}

/**
 * Resolves Fn::If (on literal conditions), Fn::Equals, Fn::Not, Fn::Split and Fn::Join over literals, and drops
 * AWS::NoValue; every other intrinsic (Ref, Fn::GetAtt, Fn::Sub) stays as it is.
 */
export function resolveLiterals(template: Template, value: Json): Json | undefined {
  const result = evaluate(template, value);
  return result === NO_VALUE ? undefined : result;
}

function evaluate(template: Template, value: Json): Evaluated {
  if (Array.isArray(value)) {
    return value.map((item) => evaluate(template, item)).filter((item): item is Json => item !== NO_VALUE);
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  const args = only === undefined ? undefined : value[only];
  if (only === 'Ref' && args === 'AWS::NoValue') return NO_VALUE;
  if (only === 'Condition' && typeof args === 'string') return conditionValue(template, args);
  if (Array.isArray(args)) {
    if (only === 'Fn::If' && typeof args[0] === 'string') {
      return evaluate(template, (conditionValue(template, args[0]) ? args[1] : args[2]) ?? null);
    }
    const evaluated = args.map((arg) => evaluate(template, arg));
    if (only === 'Fn::Not' && typeof evaluated[0] === 'boolean') return !evaluated[0];
    if (
      only === 'Fn::Equals' &&
      evaluated.length === 2 &&
      evaluated.every((arg) => typeof arg === 'string')
    ) {
      return evaluated[0] === evaluated[1];
    }
    const [delimiter, operand] = evaluated;
    if (only === 'Fn::Split' && typeof delimiter === 'string' && typeof operand === 'string') {
      return operand.split(delimiter);
    }
    if (
      only === 'Fn::Join' &&
      typeof delimiter === 'string' &&
      Array.isArray(operand) &&
      operand.every((item) => typeof item === 'string')
    ) {
      return operand.join(delimiter);
    }
  }
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const evaluated = evaluate(template, item);
    if (evaluated !== NO_VALUE) result[key] = evaluated;
  }
  return result;
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
