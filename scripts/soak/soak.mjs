#!/usr/bin/env node
// Crash-safety soak (issue 14): kill -9 umbrella, metadynamics, molecular and training runs at
// random moments, resume each until it completes, and check that
//  - no project is corrupt (project.json and run.json parse, the run is indexed and completed),
//  - the result files are byte-identical to an uninterrupted run of the same job,
//  - the work lost per kill is at most about one checkpoint interval (age of the newest
//    checkpoint of each task that was checkpointing at the kill),
//  - no temporary files are left behind.
// Usage: npm run soak [-- --kills 100 --seed 1 --interval 500 --keep]
// Children run the app's own handlers (scripts/soak/child.ts, through tsx) with 2 workers.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' }, interval: { type: 'string', default: '500' }, keep: { type: 'boolean' } } });
const KILLS = Number(values.kills);
const INTERVAL = Number(values.interval);
const KINDS = ['umbrella', 'metad', 'molecular', 'train'];
const root = new URL('../..', import.meta.url).pathname;
const child = join(root, 'scripts/soak/child.ts');

// mulberry32: the kill moments are reproducible from --seed.
let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

if (!existsSync(join(root, 'out/node/worker.mjs'))) spawnSync(process.execPath, [join(root, 'scripts/build-node.mjs')], { stdio: 'inherit' });
const work = mkdtempSync(join(tmpdir(), 'liftwell-soak-'));
const home = join(work, 'home');

function tsx(args) {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a child; kills it with SIGKILL after `killAfterMs` (from its first progress line) unless it ends first. */
function runChild(args, killAfterMs) {
  return new Promise((resolve) => {
    const p = tsx([child, ...args]);
    let out = '';
    let err = '';
    let runId = null;
    let firstProgress = null;
    let killedAt = null;
    let timer = null;
    p.stdout.on('data', (d) => {
      out += d;
      const m = /RUN (\S+)/.exec(out);
      if (m) runId = m[1];
      if (firstProgress === null && /PROGRESS/.test(out)) {
        firstProgress = Date.now();
        if (killAfterMs !== null) timer = setTimeout(() => {
          killedAt = Date.now();
          p.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const final = /FINAL (\S+)(.*)/.exec(out);
      resolve({ code, signal, runId, killedAt, firstProgress, final: final?.[1] ?? null, finalError: final?.[2]?.trim() ?? '', out, err });
    });
  });
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Result files of a run (and of its model), hashed by their path relative to the run/model folder. */
function resultHashes(projectPath, runId) {
  const hashes = {};
  const runJson = JSON.parse(readFileSync(join(projectPath, 'runs', runId, 'run.json'), 'utf8'));
  const folders = [[join(projectPath, 'runs', runId), 'run']];
  if (runJson.run.modelId) folders.push([join(projectPath, 'models', runJson.run.modelId), 'model']);
  for (const [folder, label] of folders) {
    for (const file of walk(folder)) {
      const rel = relative(folder, file);
      if (/checkpoint|\.json$|\.lock$/.test(rel)) continue; // state and records (dates, ids), not results
      hashes[`${label}/${rel}`] = createHash('sha256').update(readFileSync(file)).digest('hex');
    }
  }
  return hashes;
}

/** Age (ms) of the newest checkpoint of each task that was checkpointing at `at`: the work a kill loses. */
function lossAt(projectPath, runId, at) {
  const files = walk(join(projectPath, 'runs', runId)).filter((f) => /checkpoint/.test(relative(join(projectPath, 'runs', runId), f)) && !/\.tmp-/.test(f));
  const ages = files.map((f) => at - statSync(f).mtimeMs).filter((age) => age < 4 * INTERVAL + 2000);
  return ages.length ? Math.max(...ages) : null;
}

/** Checks a project after the soak: project.json, run.json parse; the run indexed and completed; no temp files. */
function checkProject(projectPath, runId) {
  const problems = [];
  try {
    const project = JSON.parse(readFileSync(join(projectPath, 'project.json'), 'utf8'));
    if (!project.runs.some((r) => r.id === runId)) problems.push('run missing from project.json');
    const run = JSON.parse(readFileSync(join(projectPath, 'runs', runId, 'run.json'), 'utf8'));
    if (run.run.status !== 'completed') problems.push(`run status ${run.run.status}`);
  } catch (error) {
    problems.push(`unreadable: ${error.message}`);
  }
  return problems;
}

/** Temporary files left behind (not corruption: the project reads fine, but they should be gone). */
function leftovers(projectPath) {
  return walk(projectPath).filter((f) => /\.tmp-|\.stale-/.test(f)).map((f) => relative(projectPath, f));
}

const base = await new Promise((resolve, reject) => {
  const p = tsx([join(root, 'scripts/soak/base.ts'), work, home]);
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => process.stderr.write(d));
  p.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').at(-1)) : reject(new Error(`base project failed (${code})`))));
});

// Reference: each kind once, uninterrupted.
const reference = {};
for (const kind of KINDS) {
  const dir = join(work, `ref-${kind}.liftwell`);
  cpSync(base, dir, { recursive: true });
  const began = Date.now();
  const r = await runChild([dir, home, 'start', kind, String(INTERVAL)], null);
  if (r.final !== 'completed') throw new Error(`reference ${kind} run did not complete: ${r.final} ${r.finalError}\n${r.err}`);
  reference[kind] = { hashes: resultHashes(dir, r.runId), seconds: (Date.now() - began) / 1000, computeMs: Date.now() - (r.firstProgress ?? began) };
  console.log(`reference ${kind}: ${Object.keys(reference[kind].hashes).length} result files, ${reference[kind].seconds.toFixed(1)} s`);
}

const stats = { kills: 0, runs: 0, resumes: 0, corrupt: 0, mismatched: 0, failed: 0, leftovers: 0, losses: [], byKind: Object.fromEntries(KINDS.map((k) => [k, { runs: 0, kills: 0 }])), problems: [] };
const began = Date.now();
for (let cycle = 0; stats.kills < KILLS; cycle++) {
  const kind = KINDS[cycle % KINDS.length];
  const dir = join(work, `cycle-${cycle}.liftwell`);
  cpSync(base, dir, { recursive: true });
  const span = Math.max(200, reference[kind].computeMs * 0.9);
  let r = await runChild([dir, home, 'start', kind, String(INTERVAL)], random() * span);
  const runId = r.runId;
  if (!runId) {
    stats.problems.push(`cycle ${cycle} (${kind}): no run id (${r.err.slice(-300)})`);
    stats.failed++;
    continue;
  }
  stats.runs++;
  stats.byKind[kind].runs++;
  // Resume until it completes; a third of the resumes are killed again.
  for (let attempt = 0; attempt < 20; attempt++) {
    if (r.killedAt !== null && r.final === null) {
      stats.kills++;
      stats.byKind[kind].kills++;
      const loss = lossAt(dir, runId, r.killedAt);
      if (loss !== null) stats.losses.push(loss);
    } else if (r.final === 'completed') break;
    else if (r.final !== null) {
      stats.problems.push(`cycle ${cycle} (${kind}): run ${r.final} ${r.finalError}`);
      stats.failed++;
      break;
    }
    stats.resumes++;
    r = await runChild([dir, home, 'resume', runId, String(INTERVAL)], random() < 1 / 3 ? random() * span : null);
  }
  const problems = checkProject(dir, runId);
  const left = leftovers(dir);
  if (left.length) {
    stats.leftovers++;
    stats.problems.push(`cycle ${cycle} (${kind}): temporary files left: ${left.join(', ')}`);
  }
  if (problems.length) {
    stats.corrupt++;
    stats.problems.push(`cycle ${cycle} (${kind}): ${problems.join('; ')}`);
  } else {
    const hashes = resultHashes(dir, runId);
    const same = JSON.stringify(hashes) === JSON.stringify(reference[kind].hashes);
    if (!same) {
      stats.mismatched++;
      const differing = Object.keys({ ...hashes, ...reference[kind].hashes }).filter((k) => hashes[k] !== reference[kind].hashes[k]);
      stats.problems.push(`cycle ${cycle} (${kind}): results differ from the uninterrupted run: ${differing.join(', ')}`);
    }
  }
  if (!values.keep && !problems.length && !left.length) rmSync(dir, { recursive: true, force: true });
  if (cycle % 8 === 7) console.log(`${stats.kills} kills, ${stats.runs} runs, ${stats.corrupt} corrupt, ${stats.mismatched} mismatched, ${stats.leftovers} with temporary files left, ${((Date.now() - began) / 60000).toFixed(1)} min`);
}

const losses = [...stats.losses].sort((a, b) => a - b);
const summary = {
  kills: stats.kills,
  runs: stats.runs,
  resumes: stats.resumes,
  byKind: stats.byKind,
  corruptProjects: stats.corrupt,
  resultsDifferent: stats.mismatched,
  projectsWithTemporaryFilesLeft: stats.leftovers,
  runsFailed: stats.failed,
  checkpointIntervalMs: INTERVAL,
  lossMs: losses.length ? { measured: losses.length, median: Math.round(losses[losses.length >> 1]), max: Math.round(losses.at(-1)) } : null,
  minutes: Number(((Date.now() - began) / 60000).toFixed(1)),
  problems: stats.problems,
  work: values.keep ? work : undefined,
};
console.log(JSON.stringify(summary, null, 2));
if (!values.keep) rmSync(work, { recursive: true, force: true });
process.exitCode = stats.corrupt || stats.mismatched || stats.failed || stats.leftovers ? 1 : 0;
