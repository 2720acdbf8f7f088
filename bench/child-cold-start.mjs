// Cold start child: a fresh Node process that only imports one bundle, timed from inside with process.hrtime
// around `await import(bundle)` (module evaluation included: the worker parses its configuration and builds its
// clients at import). Reports { ms } over IPC.
import { pathToFileURL } from 'node:url';

const [bundle] = process.argv.slice(2);
if (bundle === undefined) throw new Error('usage: child-cold-start.mjs <bundle.mjs>');
const url = pathToFileURL(bundle).href;
const start = process.hrtime.bigint();
await import(url);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.send?.({ ms }, () => process.exit(0));
