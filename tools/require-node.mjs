// The first step of every npm script. npm itself runs on the machine's Node (often 20); the scripts need the Node
// of package.json engines, which the `node` devDependency's install script puts in node_modules/.bin, first on
// every script's PATH. When npm skipped that install script, the scripts would quietly run on the machine's Node
// and fail far from the cause, so this stops first with one line: what is needed, what was found, what to do.
// It must itself run on old Node versions: plain JavaScript, no dependencies. Run from the package root (npm does).
import { existsSync, readFileSync } from 'node:fs';

const PACKAGE = 'node';

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** `>=24`, `>=24.1` or `>=24.1.2` as [major, minor, patch]; nothing else is supported. */
function minimumVersion(range) {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(range).trim());
  if (!match)
    throw new Error(`package.json engines.node must be ">=<version>", got ${JSON.stringify(range)}`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function satisfies(version, minimum) {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (parts[i] !== minimum[i]) return parts[i] > minimum[i];
  }
  return true;
}

/** What package.json allowScripts says about the `node` package's install script: true, false (a denial wins) or undefined. */
function approval(allowScripts) {
  const values = Object.entries(allowScripts ?? {})
    .filter(([key]) => key === PACKAGE || key.startsWith(`${PACKAGE}@`))
    .map(([, value]) => value);
  if (values.includes(false)) return false;
  return values.includes(true) ? true : undefined;
}

function remedy(pkg, command) {
  const installed = `node_modules/${PACKAGE}/package.json`;
  if (!existsSync(installed)) return 'run `npm ci`, which installs it through the `node` devDependency.';
  const version = readJson(installed).version;
  if (existsSync('node_modules/.bin/node')) {
    return `node_modules/.bin/node (Node ${version}) is not first on PATH: run it as \`${command}\`.`;
  }
  const script = `the install script of the \`node\` package (Node ${version})`;
  const allowed = approval(pkg.allowScripts);
  if (allowed === false) {
    return `package.json allowScripts denies ${script}: set "node": true there, then run \`npm rebuild node\`.`;
  }
  if (allowed === undefined) {
    return (
      `npm did not run ${script}, which package.json allowScripts does not approve: ` +
      'run `npm install-scripts approve node && npm rebuild node`.'
    );
  }
  return `npm skipped ${script}, as --ignore-scripts does: run \`npm rebuild node\`.`;
}

function check() {
  const pkg = readJson('package.json');
  const required = pkg.engines?.node;
  if (satisfies(process.versions.node, minimumVersion(required))) return undefined;
  const script = process.env.npm_lifecycle_event;
  const command = script === 'test' || script === 'start' ? `npm ${script}` : `npm run ${script}`;
  return (
    `${script ? command : 'This project'} needs Node ${required} (package.json engines) but found ` +
    `${process.version} at ${process.execPath}; ${remedy(pkg, script ? command : 'npm run <script>')}`
  );
}

try {
  const problem = check();
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = 1;
  }
} catch (error) {
  process.stderr.write(`tools/require-node.mjs: ${error.message}\n`);
  process.exitCode = 1;
}
