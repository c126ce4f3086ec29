// Bundles the Node-side entry points (CLI, browser-mode server, job worker) with esbuild.
// Why: `npx liftwell` must work right after `npm ci` (this runs as `prepare`), and worker
// threads need plain JavaScript files next to the code that spawns them.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: {
    cli: 'src-main/cli/main.ts',
    server: 'src-main/server/main.ts',
    worker: 'src-main/jobs/worker.ts',
  },
  outdir: 'out/node',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  define: { __LIFTWELL_VERSION__: JSON.stringify(version) },
  banner: {
    // Bundled ESM still meets CommonJS dependencies that call require().
    js: "import { createRequire as __lwCreateRequire } from 'node:module'; const require = __lwCreateRequire(import.meta.url);",
  },
});
