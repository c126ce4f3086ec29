/**
 * Builds the viewer harness (src-renderer/src/features/viewer/harness.ts: MoleculeViewer on a
 * bare page) with Vite's JS API into a temporary folder and serves it on 127.0.0.1, with any
 * extra files (e.g. a generated PDB) next to it. Used by viewer-smoke.mjs and latency.mjs.
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { ROOT } from './harness.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.pdb': 'chemical/x-pdb' };

/** @param {{ extraFiles?: Record<string, string> }} [options] file name -> text, served beside index.html */
export async function startViewerHarness({ extraFiles = {} } = {}) {
  const { build } = await import('vite');
  const { svelte } = await import('@sveltejs/vite-plugin-svelte');
  const outDir = mkdtempSync(join(tmpdir(), 'liftwell-viewer-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(ROOT, 'src-renderer'),
    plugins: [svelte({ configFile: join(ROOT, 'svelte.config.js'), emitCss: false })],
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      chunkSizeWarningLimit: 4000,
      lib: { entry: join(ROOT, 'src-renderer/src/features/viewer/harness.ts'), formats: ['es'], fileName: () => 'harness.js' },
    },
  });
  const css = readdirSync(outDir).filter((f) => f.endsWith('.css'));
  writeFileSync(
    join(outDir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>viewer harness</title><link rel="icon" href="data:,">${css.map((f) => `<link rel="stylesheet" href="./${f}">`).join('')}
<style>body{padding:12px;width:900px}</style></head><body><div id="app"></div><script type="module" src="./harness.js"></script></body></html>`,
  );
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(outDir, name), text);
  const server = createServer((req, res) => {
    const path = join(outDir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html');
    if (!path.startsWith(outDir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}/index.html`,
    close: () => {
      server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
