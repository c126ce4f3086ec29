/**
 * The WebGPU training path end to end (docs/webgpu-training.md): the browser-mode server, the GPU
 * compute page in headless Chromium with SwiftShader's WebGPU adapter, and API calls from Node over
 * the WebSocket (the ws client, same token): project, fast/slow system, a short metadynamics run,
 * then a tiny score model trained on device 'webgpu' (the page computes, the main process owns the
 * run, the page uses the engine's asynchronous readback), its model saved with backend 'webgpu',
 * its validation loss finite and lower than after epoch 1, and lifting from it. The same model on
 * device 'cpu' (wasm in the worker thread) gives the comparison: loss histories and lifted sample
 * statistics close (not equal: another backend's float32 rounding), and the steps/s of both.
 * SwiftShader is a CPU emulation of a GPU: its steps/s say nothing about GPU speed.
 *
 * If the page's self-test finds the kernels wrong, the check instead requires that the page refuses
 * and that training on 'webgpu' is refused with the reason; nothing is faked either way.
 * (SwiftShader's broken synchronous readback no longer matters: the page never reads synchronously.) Run: node scripts/build-node.mjs && npx vite build --config vite.renderer.config.ts && node test/e2e/webgpu.mjs
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM, assert, createCleanup, createReporter, requireBuilt, requireChromium, startServer, withHardTimeout } from './harness.mjs';

const reporter = createReporter('webgpu');
const { log, check } = reporter;
await requireChromium();
requireBuilt();
const teardown = createCleanup();
const home = mkdtempSync(join(tmpdir(), 'liftwell-e2e-webgpu-home-'));
const projects = mkdtempSync(join(tmpdir(), 'liftwell-e2e-webgpu-projects-'));
teardown.add(() => rmSync(home, { recursive: true, force: true }));
teardown.add(() => rmSync(projects, { recursive: true, force: true }));
const cancelDeadline = withHardTimeout(240_000, async () => {
  reporter.fail('the whole run exceeded 240 s');
  await teardown.run();
  reporter.finish(1);
});

const server = await startServer({ home, cleanup: teardown });
const token = new URL(server.url).searchParams.get('token');
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  // No --disable-gpu: WebGPU needs the GPU process (SwiftShader's Vulkan device behind it).
  args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
teardown.add(() => browser.close().catch(() => {}));
const page = await browser.newPage();
page.on('console', (m) => {
  if (m.type() === 'error') log(`page console: ${m.text().slice(0, 200)}`);
});

// ---------------------------------------------------------------- API client (Node side)
const ws = new WebSocket(`ws://127.0.0.1:${new URL(server.url).port}/api?token=${token}`, { origin: server.base.replace(/\/$/, '') });
await new Promise((ok, bad) => {
  ws.once('open', ok);
  ws.once('error', bad);
});
teardown.add(() => ws.close());
let nextId = 1;
const pending = new Map();
ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  if (m.event) return;
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) p.resolve(m.result);
  else p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
});
const api = (method, params) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
async function waitRun(projectPath, runId, timeoutMs) {
  const t0 = Date.now();
  for (;;) {
    const run = (await api('listRuns', { projectPath })).find((r) => r.id === runId);
    if (run && !['queued', 'running'].includes(run.status)) return run;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${runId} still ${run?.status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const measurements = [];
const tiny = { model: 'score', epochs: 6, seed: 1, hidden: [16, 16], batchSize: 128 };
await reporter.runChecks(async () => {
  let compute;
  await check('compute page: navigator.gpu adapter, tfjs backend webgpu, registered', async () => {
    await page.goto(`${server.base}compute.html?token=${token}`);
    await page.waitForFunction(() => window.liftwellCompute?.providerId || document.getElementById('status')?.dataset.state === 'no-webgpu', null, { timeout: 60_000 });
    compute = await page.evaluate(() => ({ ...window.liftwellCompute, hasGpu: Boolean(navigator.gpu) }));
    log(`adapter ${JSON.stringify(compute.adapter)}; backend ${compute.backend}; self-test ${JSON.stringify(compute.selfTest)}`);
    assert(compute.hasGpu && compute.adapter, 'no WebGPU adapter in this Chromium');
    assert(compute.backend === 'webgpu', `tf.getBackend() is ${compute.backend}`);
    const providers = await api('listComputeProviders', {});
    assert(providers.some((p) => p.providerId === compute.providerId), 'the page is not listed as a provider');
  });

  let projectPath;
  let metadRunId;
  await check('project, fast/slow system and a short metadynamics run (API over the WebSocket)', async () => {
    const project = await api('createProject', { parentDir: projects, name: 'WebGPU' });
    projectPath = project.path;
    const system = await api('addSystem', { projectPath, name: 'fs', spec: { kind: 'fast-slow', a: 1, s: 0.5, epsilon: 0.1, f: 'linear', c: 1 } });
    const run = await api('startMetadRun', {
      projectPath, systemId: system.id, name: 'metad',
      params: { cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3, steps: 4000, walkers: 4, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 10, seed: 3 },
    });
    const done = await waitRun(projectPath, run.id, 60_000);
    assert(done.status === 'completed', `metad ${done.status}: ${done.error}`);
    metadRunId = run.id;
  });

  const liftAt = { cond: [0.5], n: 400, seed: 1 };
  /** Mean and sd of a lift's samples (base64 little-endian float64, 1 condition x n x 1). */
  const stats = (samples) => {
    const bytes = Buffer.from(samples, 'base64');
    const v = Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) };
  };
  let onGpu = null;
  // On an adapter whose kernels pass the self-test the model must train (asynchronous readback, so
  // also where synchronous readback is broken, SwiftShader here), save and lift; where the kernels
  // are wrong the page must refuse and startTraining on 'webgpu' must say why.
  await check('train on device webgpu: completes, loss decreases, lifts; or is refused with the self-test reason', async () => {
    log(`     self-test: ${JSON.stringify(compute?.selfTest)}`);
    if (!compute?.selfTest?.ok) {
      log(`     compute page self-test failed: ${compute?.selfTest?.message}`);
      const refused = await api('startTraining', { projectPath, name: 'on webgpu', sourceRunIds: [metadRunId], device: 'webgpu', ...tiny }).then(
        () => null,
        (error) => error,
      );
      assert(refused !== null, 'startTraining on webgpu was accepted although no usable WebGPU page is connected');
      assert(/webgpu/i.test(refused.message), `refusal names WebGPU: ${refused.message}`);
      log(`     refusal: ${refused.message.slice(0, 160)}`);
      return;
    }
    const run = await api('startTraining', { projectPath, name: 'on webgpu', sourceRunIds: [metadRunId], device: 'webgpu', ...tiny });
    assert(run.device === 'webgpu', `run.device is ${run.device}`);
    const done = await waitRun(projectPath, run.id, 120_000);
    assert(done.status === 'completed', `training ${done.status}: ${done.error}`);
    const model = (await api('listModels', { projectPath })).find((m) => m.runId === run.id);
    assert(model?.backend === 'webgpu', `model backend ${model?.backend}`);
    const training = await api('getTraining', { projectPath, runId: run.id });
    const val = training.history.map((h) => h.validationLoss);
    log(`     webgpu validation loss by epoch: ${val.map((v) => v?.toFixed(4)).join(', ')}`);
    assert(val.length === tiny.epochs && val.every((v) => Number.isFinite(v)), `validation losses not all finite: ${JSON.stringify(val)}`);
    assert(val[val.length - 1] < val[0], `validation loss did not decrease from epoch 1 (${val[0]} -> ${val[val.length - 1]})`);
    const software = /swiftshader|llvmpipe|lavapipe|warp/i.test(JSON.stringify(compute.adapter)) ? 'SwiftShader: CPU emulation of a GPU' : 'hardware adapter';
    measurements.push(`webgpu (${software}, compute page, async readback): ${training.stepsPerSecond?.toFixed(1)} steps/s`);
    const lifted = await api('lift', { projectPath, modelId: model.id, ...liftAt });
    assert(lifted.n === liftAt.n, 'lift returned no samples');
    const s = stats(lifted.samples);
    assert(Number.isFinite(s.mean) && s.sd > 0, `lifted samples degenerate: ${JSON.stringify(s)}`);
    onGpu = { history: training.history, stats: s };
  });

  await check('same model on device cpu (worker thread) for comparison', async () => {
    const run = await api('startTraining', { projectPath, name: 'on cpu', sourceRunIds: [metadRunId], device: 'cpu', ...tiny });
    assert(run.device === 'worker', `run.device is ${run.device}`);
    const done = await waitRun(projectPath, run.id, 60_000);
    assert(done.status === 'completed', `training ${done.status}: ${done.error}`);
    const model = (await api('listModels', { projectPath })).find((m) => m.runId === run.id);
    const training = await api('getTraining', { projectPath, runId: run.id });
    measurements.push(`${model.backend} (worker thread): ${training.stepsPerSecond?.toFixed(1)} steps/s`);
    if (!onGpu) return;
    // Same data, seeds and network on two backends: the runs differ only by float32 rounding in
    // the kernels, so their curves and lifted samples (same lift seed) should nearly coincide.
    const val = training.history.map((h) => h.validationLoss);
    const gpuVal = onGpu.history.map((h) => h.validationLoss);
    const worst = Math.max(...val.map((v, i) => Math.abs(v - gpuVal[i]) / Math.abs(v)));
    log(`     ${model.backend} validation loss by epoch: ${val.map((v) => v?.toFixed(4)).join(', ')} (largest relative difference to webgpu ${worst.toExponential(2)})`);
    const lifted = await api('lift', { projectPath, modelId: model.id, ...liftAt });
    const s = stats(lifted.samples);
    log(`     lifted at cond 0.5 (n ${liftAt.n}, seed 1): webgpu mean ${onGpu.stats.mean.toFixed(4)} sd ${onGpu.stats.sd.toFixed(4)}; ${model.backend} mean ${s.mean.toFixed(4)} sd ${s.sd.toFixed(4)}`);
    // Tolerances: a loss history within 1% and lifted means within 0.1 sd / sds within 10% (the
    // issue's quality bar) — far above rounding differences, far below what a wrong kernel gives.
    assert(worst < 0.01, `validation losses differ from the ${model.backend} run by ${worst} (relative)`);
    assert(Math.abs(s.mean - onGpu.stats.mean) < 0.1 * s.sd, `lifted means differ: webgpu ${onGpu.stats.mean}, ${model.backend} ${s.mean}`);
    assert(Math.abs(s.sd / onGpu.stats.sd - 1) < 0.1, `lifted sds differ: webgpu ${onGpu.stats.sd}, ${model.backend} ${s.sd}`);
  });

  await check('device auto with only a software adapter trains in the worker thread', async () => {
    const run = await api('startTraining', { projectPath, name: 'auto', sourceRunIds: [metadRunId], device: 'auto', ...tiny, epochs: 1 });
    assert(run.device === 'worker', `run.device is ${run.device} (${run.deviceReason})`);
    await waitRun(projectPath, run.id, 60_000);
  });
}, {
  cleanup: async () => {
    cancelDeadline();
    await teardown.run();
  },
  after: () => {
    for (const m of measurements) log(`measured: ${m} (score net 16x16, batch 128, ${tiny.epochs} epochs)`);
  },
});
