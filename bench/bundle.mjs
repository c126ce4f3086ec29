// Bundles TypeScript exports of the source tree for a bench suite (esbuild, into
// bench/.build/NAME/NAME.mjs, git-ignored) and imports them: suites time the engine and run
// code in-process without a build of their own. Not a suite itself.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `contents`: export lines with paths relative to the repository root. Returns { module, url }. */
export async function bundleForBench(name, contents) {
  const out = join(repo, 'bench', '.build', name);
  mkdirSync(out, { recursive: true });
  const outfile = join(out, `${name}.mjs`);
  await build({
    stdin: { contents, resolveDir: repo, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    external: ['@tensorflow/*'],
  });
  const url = pathToFileURL(outfile).href;
  return { module: await import(url), url };
}
