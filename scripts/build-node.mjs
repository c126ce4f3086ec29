// Bundles the Node-side entry points (CLI, browser-mode server, job worker) with esbuild.
// Why: `npx liftwell` must work right after `npm ci` (this runs as `prepare`), and worker
// threads need plain JavaScript files next to the code that spawns them.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Code splitting: each CLI command is a dynamic import (src-main/cli/main.ts), so `liftwell --help`
// loads cli.mjs alone and a command loads only its own chunks (no tfjs, zod or molecule code
// unless it uses them). Chunks sit next to the entry points because bundled code finds
// worker.mjs and resources/ relative to its own file. Old chunks are removed first.
rmSync('out/node', { recursive: true, force: true });

// TensorFlow.js ships CommonJS only (no "exports" for import). Imported from ESM, Node first runs
// its CommonJS export lexer over tfjs and every package it re-exports (several MB of source):
// measured 0.43 s CPU to import tfjs and its WASM backend against 0.15 s to require() them, the
// same modules. So the bundle require()s tfjs (store/tf-backend.ts require()s the backends): its
// import becomes a tiny CommonJS module `module.exports = require('@tensorflow/tfjs')`, which
// esbuild imports like any CommonJS file (`require` is the banner's createRequire). The source
// keeps its ESM import (the renderer's compute page and the tests load it as it is).
const requireCommonJs = {
  name: 'require-commonjs-packages',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs$/ }, (args) =>
      args.kind === 'require-call' ? { path: args.path, external: true } : { path: args.path, namespace: 'require-commonjs' },
    );
    b.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};
// zod is bundled, every other package stays external. Imported from node_modules, `zod` is ~200
// ES modules that Node resolves, reads and compiles one by one, 64 locales among them (0.34 MB of
// its 0.85 MB): ~0.06 s CPU in every process and job thread that validates anything. Bundled, it is
// one chunk, and its `z.locales` namespace holds English only (zod's default, which it imports
// itself; Liftwell never picks another with z.config). The code and the messages are zod's own,
// one copy in the bundle, so `instanceof z.ZodError` holds across chunks.
const bundleZodOnly = {
  name: 'bundle-zod-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (/^zod(\/|$)/.test(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({ contents: "export { default as en } from './en.js';\n", resolveDir: dirname(args.path), loader: 'js' }));
  },
};
const { metafile } = await build({
  entryPoints: {
    cli: 'src-main/cli/main.ts',
    server: 'src-main/server/main.ts',
    worker: 'src-main/threads/worker.ts',
    walkers: 'src-main/runs/runtime/walker-slices-worker.ts',
    'md-helper': 'src-main/threads/md-helper-worker.ts',
  },
  outdir: 'out/node',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [requireCommonJs, bundleZodOnly],
  define: { __LIFTWELL_VERSION__: JSON.stringify(version) },
  banner: {
    // Bundled ESM still meets CommonJS dependencies that call require().
    js: "import { createRequire as __lwCreateRequire } from 'node:module'; const require = __lwCreateRequire(import.meta.url);",
  },
});
// The module graph (outside out/node/, so not packed), for test/cli/startup.test.ts (what `--help` and each command load at start).
writeFileSync('out/node-meta.json', JSON.stringify(metafile));
