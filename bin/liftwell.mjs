#!/usr/bin/env node
// `liftwell` command line. The bundle is made by `npm ci` (prepare) or `npm run build:node`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'node', 'cli.mjs');
if (!existsSync(bundle)) {
  console.error('liftwell: the CLI is not built yet; run `npm run build:node` in the Liftwell folder.');
  process.exit(1);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
