import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The engine contract: pure TypeScript, no Electron, fs, DOM or other host modules. The one
// package allowed is tfjs, and only in engine/generative (ARCHITECTURE.md puts the models there;
// engine/tensor, the batched tensor integrator, reaches it through generative/tf.ts;
// tfjs itself is host-neutral: the backend is chosen outside the engine).
const allowedPackages: Record<string, RegExp> = { '@tensorflow/tfjs': /[\\/]engine[\\/](generative|tensor)[\\/]/ };
const root = fileURLToPath(new URL('../../src-main/engine', import.meta.url));
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('engine purity', () => {
  it('imports only relative engine modules', () => {
    const all = files(root);
    expect(all.length).toBeGreaterThan(10);
    for (const f of all) {
      const src = readFileSync(f, 'utf8');
      // Static imports/re-exports at the start of a line, and dynamic import('...'); text that
      // merely contains the word "from" inside a string is not an import.
      const specifiers = [
        ...src.matchAll(/^\s*import\s+(?:[^;'"]*?\bfrom\s*)?['"]([^'"]+)['"]/gm),
        ...src.matchAll(/^\s*export\s+[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm),
        ...src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
      ];
      for (const m of specifiers) {
        const relative = m[1].startsWith('./') || m[1].startsWith('../');
        const allowedPackage = allowedPackages[m[1]]?.test(f) === true;
        expect(allowedPackage || (relative && resolve(dirname(f), m[1]).startsWith(root)), `${f} imports ${m[1]}`).toBe(true);
      }
      expect(src, f).not.toMatch(/\b(require\(|process\.|window\.|document\.|globalThis\.)/);
    }
  });
});
