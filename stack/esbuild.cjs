// @ts-check
/**
 * The Lambda bundle's build options, in serverless-esbuild's terms: serverless.yml takes them as `custom.esbuild`
 * (`${file(./stack/esbuild.cjs)}`), and `npm run build` and the benchmarks build with the same object
 * (tools/bundles.ts), so the bundle they measure is the one the stack deploys.
 */
'use strict';

module.exports = {
  bundle: true,
  minify: true,
  // The ES-module builds of the AWS SDK tree-shake the service schema: ~405 KB instead of ~690 KB for DataZone.
  mainFields: ['module', 'main'],
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outputFileExtension: '.mjs',
  // Bundled CommonJS dependencies may still call require(); ES modules have none, so provide one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // A .map file beside the bundle, linked by a sourceMappingURL comment and read thanks to
  // NODE_OPTIONS=--enable-source-maps. Without sourcesContent it holds only the mappings: all a stack trace needs.
  sourcemap: 'linked',
  sourcesContent: false,
  // Everything is bundled, including @aws-sdk/* (the runtime's copy is not pinned to our tested version).
  exclude: [],
};
