/**
 * CLI start-up stays lazy: `liftwell --help` and each command load only the code they need.
 * Checked on the bundle's module graph (out/node-meta.json, written by scripts/build-node.mjs,
 * which test/global-setup.ts runs), following static imports and require() calls only: dynamic
 * imports are the lazy edges. No timing here (timing lives in bench/suites/startup.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Metafile {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}
const meta = JSON.parse(readFileSync(join(import.meta.dirname, '../../out/node-meta.json'), 'utf8')) as Metafile;

/** Packages and source files loaded before any code runs when `output` is imported. */
function staticClosure(output: string): { packages: Set<string>; sources: Set<string> } {
  const packages = new Set<string>();
  const sources = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const out = meta.outputs[file];
    if (!out) throw new Error(`${file} is not in the metafile`);
    for (const input of Object.keys(out.inputs)) {
      sources.add(input);
      // zod is bundled (scripts/build-node.mjs): a chunk holding its modules loads it.
      if (/(^|\/)node_modules\/zod\//.test(input)) packages.add('zod');
    }
    for (const imp of out.imports) {
      // require-call: a CommonJS package the bundle require()s when the chunk runs (tfjs, see
      // scripts/build-node.mjs), as loaded as a static import.
      if (imp.kind !== 'import-statement' && imp.kind !== 'require-call') continue;
      if (imp.external) packages.add(imp.path);
      else visit(imp.path);
    }
  };
  visit(output);
  return { packages, sources };
}

function outputOf(entryPoint: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entryPoint);
  if (!found) throw new Error(`no output chunk for ${entryPoint}: is it still imported lazily?`);
  return found[0];
}

const heavy = (names: Iterable<string>) => [...names].filter((n) => /^(@tensorflow\/|three|zod)/.test(n));

describe('CLI start-up loads only what it needs', () => {
  it('--help loads no package and no engine, API or molecule code', () => {
    const { packages, sources } = staticClosure('out/node/cli.mjs');
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect([...sources].filter((s) => /src-main\/(engine|api|store)\//.test(s))).toEqual([]);
  });

  it('each command loads tfjs, three and zod only where it needs them', () => {
    const expected: Record<string, string[]> = {
      sample: [], metad: [], fes: [], energy: [], md: [], cv: [], dmap: [], train: [], lift: ['zod'],
      umbrella: ['zod'], // the umbrella command runs through the API (contract + handlers)
      'metad-molecular': ['zod'], // `liftwell metad --top`: the app's molecular run, through the API
    };
    for (const [command, allowed] of Object.entries(expected)) {
      const { packages } = staticClosure(outputOf(`src-main/cli/commands/${command}.ts`));
      expect({ command, heavy: heavy(packages).filter((p) => !allowed.includes(p)) }).toEqual({ command, heavy: [] });
    }
  });

  it('zod is in the graph, bundled with one locale, and loads where a command validates: the checks above can see it', () => {
    expect([...staticClosure(outputOf('src-main/cli/commands/umbrella.ts')).packages]).toContain('zod');
    const zodLocales = new Set(Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs)).filter((s) => /node_modules\/zod\/v4\/locales\//.test(s)).map((s) => s.replace(/.*\/locales\//, '')));
    expect([...zodLocales].sort()).toEqual(['en.js', 'index.js']);
  });

  it('tfjs is in the graph and loads where a command trains: the checks above can see it', () => {
    const { packages } = staticClosure(outputOf('src-main/engine/generative/tf.ts'));
    expect([...packages]).toContain('@tensorflow/tfjs');
  });

  it('job worker threads start without tfjs, zod or any run kind (a kind loads when its task arrives)', () => {
    const worker = staticClosure('out/node/worker.mjs');
    expect([...worker.packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect([...worker.sources].filter((s) => /src-main\/(engine|analysis|store)\/|src-main\/runs\/(umbrella|metad|molecular|train|ensemble)\//.test(s))).toEqual([]);
    expect([...staticClosure('out/node/walkers.mjs').packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it("a simulation task loads its own kind's code and no zod (runs/task-runners.ts); tfjs stays with training and ensembles", () => {
    const kinds = ['umbrella', 'metad', 'molecular', 'train', 'ensemble'];
    for (const kind of ['umbrella', 'metad', 'molecular']) {
      const { packages, sources } = staticClosure(outputOf(`src-main/runs/${kind}/run.ts`));
      const otherKinds = [...sources].filter((s) => kinds.some((k) => k !== kind && s.startsWith(`src-main/runs/${k}/`)));
      expect({ kind, packages: [...packages].filter((p) => !p.startsWith('node:')), otherKinds }).toEqual({ kind, packages: [], otherKinds: [] });
    }
    for (const kind of ['umbrella', 'metad']) {
      const { sources } = staticClosure(outputOf(`src-main/runs/${kind}/run.ts`));
      expect({ kind, molecules: [...sources].filter((s) => s.includes('engine/molecules/')) }).toEqual({ kind, molecules: [] });
    }
  });

  it('molecule code stays out of the toy-system commands', () => {
    for (const command of ['sample', 'metad', 'fes', 'dmap']) {
      const { sources } = staticClosure(outputOf(`src-main/cli/commands/${command}.ts`));
      expect({ command, molecules: [...sources].filter((s) => s.includes('engine/molecules/')) }).toEqual({ command, molecules: [] });
    }
  });
});
