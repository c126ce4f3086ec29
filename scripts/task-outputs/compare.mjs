// Are the run tasks' output files byte-identical to those of another commit? For refactors that
// must not change a number (issue 9). Extracts <base> (default main) to a temporary folder, bundles
// scripts/task-outputs/driver.ts against both trees and runs every scenario four ways:
//   base full | this tree full | this tree crash + resume | base crash + this tree resume
// (crash: the task throws after its CRASH_AT-th checkpoint, default 2; checkpoints every 500 ms of
// a fake clock that advances 1 s per read). Every file each run leaves is compared with cmp.
// usage: node scripts/task-outputs/compare.mjs [base-commit] [scenario ...]
import { build } from 'esbuild';
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [base = 'main', ...only] = process.argv.slice(2);
const scenarios = only.length ? only : ['mol', 'molhb', 'molmetad', 'molmetad1', 'molumb', 'molumbmin', 'win1d', 'win2d', 'metad', 'metadbaoab', 'ens'];
const work = mkdtempSync(join(tmpdir(), 'liftwell-task-outputs-'));
try {
  const baseTree = join(work, 'base');
  mkdirSync(baseTree);
  execSync(`git archive ${base} src-main resources/molecules/alanine-dipeptide | tar -x -C ${baseTree}`, { cwd: repo, shell: '/bin/bash' });
  symlinkSync(join(repo, 'node_modules'), join(baseTree, 'node_modules'));
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'));
  const driver = readFileSync(join(repo, 'scripts/task-outputs/driver.ts'), 'utf8');
  for (const [tree, out] of [[baseTree, 'base.mjs'], [repo, 'head.mjs']]) {
    await build({ stdin: { contents: driver, resolveDir: tree, loader: 'ts' }, outfile: join(work, out), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', external: ['@tensorflow/*'] });
  }
  const run = (bundle, tree, dir, scenario, mode) => {
    const r = spawnSync(process.execPath, [join(work, bundle), join(work, dir), scenario, mode], { env: { ...process.env, REPO: tree }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${scenario} ${mode} (${bundle}) failed:\n${r.stderr}`);
  };
  let different = 0;
  for (const s of scenarios) {
    run('base.mjs', baseTree, `${s}/base`, s, 'full');
    run('head.mjs', repo, `${s}/head`, s, 'full');
    run('head.mjs', repo, `${s}/resumed`, s, 'crash');
    run('head.mjs', repo, `${s}/resumed`, s, 'resume');
    run('base.mjs', baseTree, `${s}/cross`, s, 'crash');
    run('head.mjs', repo, `${s}/cross`, s, 'resume');
    for (const v of ['head', 'resumed', 'cross']) {
      const d = spawnSync('diff', ['-r', join(work, s, 'base', 'runs'), join(work, s, v, 'runs')], { encoding: 'utf8' });
      const files = execSync(`find ${join(work, s, 'base', 'runs')} -type f | wc -l`, { encoding: 'utf8' }).trim();
      if (d.status === 0) console.log(`${s.padEnd(10)} ${v.padEnd(8)} identical (${files} files)`);
      else {
        different++;
        console.log(`${s.padEnd(10)} ${v.padEnd(8)} DIFFERENT\n${d.stdout.split('\n').slice(0, 5).join('\n')}`);
      }
    }
  }
  if (different) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
