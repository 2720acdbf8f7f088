import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHECK = join(ROOT, 'tools/require-node.mjs');
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const PINNED_MAJOR = Number(/\d+/.exec(rootPackage.engines.node)?.[0]);
const FOUND = `found v${process.versions.node} at ${process.execPath}`;

interface Project {
  engines: string;
  allowScripts?: Record<string, boolean>;
  /** The `node` devDependency as npm left it: unpacked (its install script not run), or with its Node linked. */
  nodePackage?: 'unpacked' | 'linked';
}

const projects: string[] = [];
afterEach(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project({ engines, allowScripts, nodePackage }: Project): string {
  const dir = mkdtempSync(join(tmpdir(), 'require-node-'));
  projects.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: engines }, allowScripts }));
  if (nodePackage !== undefined) {
    mkdirSync(join(dir, 'node_modules/node'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/node/package.json'), JSON.stringify({ version: '99.1.0' }));
  }
  if (nodePackage === 'linked') {
    mkdirSync(join(dir, 'node_modules/.bin'));
    writeFileSync(join(dir, 'node_modules/.bin/node'), '');
  }
  return dir;
}

function runCheck(cwd: string, { node = process.execPath, script = 'test' } = {}) {
  const { status, stdout, stderr } = spawnSync(node, [CHECK], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_lifecycle_event: script },
  });
  return { status, stdout, stderr };
}

const major = Number(process.versions.node.split('.')[0]);

describe('tools/require-node.mjs, the first step of every npm script', () => {
  it('passes silently when the running Node satisfies package.json engines', () => {
    expect(runCheck(project({ engines: `>=${major}` }))).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(runCheck(ROOT)).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('fails with one line: what is needed, what was found, and npm ci when nothing is installed', () => {
    expect(runCheck(project({ engines: '>=99' }))).toEqual({
      status: 1,
      stdout: '',
      stderr:
        `npm test needs Node >=99 (package.json engines) but found v${process.versions.node} at ` +
        `${process.execPath}; run \`npm ci\`, which installs it through the \`node\` devDependency.\n`,
    });
  });

  it('compares minor and patch versions too', () => {
    const [, minor = '0'] = process.versions.node.split('.');
    const next = `>=${major}.${Number(minor) + 1}`;
    expect(runCheck(project({ engines: next })).status).toBe(1);
    expect(runCheck(project({ engines: `>=${major}.${minor}.0` })).status).toBe(0);
  });

  it('says npm rebuild node when the approved install script was skipped (--ignore-scripts)', () => {
    const dir = project({ engines: '>=99', allowScripts: { node: true }, nodePackage: 'unpacked' });
    expect(runCheck(dir, { script: 'lint' })).toEqual({
      status: 1,
      stdout: '',
      stderr:
        `npm run lint needs Node >=99 (package.json engines) but ${FOUND}; npm skipped the install script of ` +
        'the `node` package (Node 99.1.0), as --ignore-scripts does: run `npm rebuild node`.\n',
    });
  });

  it('says how to approve the install script when allowScripts does not cover it', () => {
    const dir = project({ engines: '>=99', allowScripts: { esbuild: false }, nodePackage: 'unpacked' });
    expect(runCheck(dir).stderr).toBe(
      `npm test needs Node >=99 (package.json engines) but ${FOUND}; npm did not run the install script of ` +
        'the `node` package (Node 99.1.0), which package.json allowScripts does not approve: ' +
        'run `npm install-scripts approve node && npm rebuild node`.\n',
    );
  });

  it('says to lift the denial when allowScripts denies it (npm install-scripts approve would not)', () => {
    const dir = project({ engines: '>=99', allowScripts: { node: false }, nodePackage: 'unpacked' });
    expect(runCheck(dir, { script: 'start' }).stderr).toBe(
      `npm start needs Node >=99 (package.json engines) but ${FOUND}; package.json allowScripts denies the ` +
        'install script of the `node` package (Node 99.1.0): set "node": true there, then run `npm rebuild node`.\n',
    );
  });

  it('says to go through npm when the pinned Node is installed but not first on PATH', () => {
    const dir = project({ engines: '>=99', allowScripts: { node: true }, nodePackage: 'linked' });
    expect(runCheck(dir, { script: 'bench' }).stderr).toBe(
      `npm run bench needs Node >=99 (package.json engines) but ${FOUND}; node_modules/.bin/node ` +
        '(Node 99.1.0) is not first on PATH: run it as `npm run bench`.\n',
    );
  });

  it('rejects an engines range it cannot read instead of passing', () => {
    expect(runCheck(project({ engines: '^24' }))).toEqual({
      status: 1,
      stdout: '',
      stderr: 'tools/require-node.mjs: package.json engines.node must be ">=<version>", got "^24"\n',
    });
  });

  const olderNode = findOlderNode();
  it.skipIf(olderNode === undefined)(
    `runs on the machine's older Node (${olderNode?.version ?? 'none on PATH'}) and rejects it in one line`,
    () => {
      const { status, stderr } = runCheck(project({ engines: rootPackage.engines.node }), {
        node: olderNode?.path ?? '',
      });
      expect(status).toBe(1);
      expect(stderr).toMatch(
        new RegExp(
          `^npm test needs Node >=${PINNED_MAJOR} \\(package.json engines\\) but found v${olderNode?.version} at `,
        ),
      );
      expect(stderr.split('\n')).toHaveLength(2);
    },
  );
});

describe('package.json', () => {
  it('starts every npm script with the Node check', () => {
    const unchecked = Object.entries(rootPackage.scripts).filter(
      ([, command]) => !command.startsWith('node tools/require-node.mjs && '),
    );
    expect(unchecked).toEqual([]);
  });

  it('approves the install script of `node` and decides on every other locked package with one', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(rootPackage.allowScripts.node).toBe(true);
    expect(withScripts.filter((name) => rootPackage.allowScripts[name] === undefined)).toEqual([]);
  });
});

/** The first `node` on PATH outside node_modules that is older than the pinned one, if any. */
function findOlderNode(): { path: string; version: string } | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'node');
    if (dir.includes('node_modules') || !existsSync(path) || dirname(path) === dirname(process.execPath))
      continue;
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(version.split('.')[0]) < PINNED_MAJOR) return { path, version };
  }
  return undefined;
}
