/** Observable Plot figures of a diffusion map (DiffusionMapOutput from computeDiffusionMap). */
import * as Plot from '@observablehq/plot';
import { SERIES, sequentialColour } from '../../shared/ui/colormaps';
import type { DiffusionMapOutput } from '../../../../src-main/api/contract';
import { toCsv } from '../../shared/exporters';
import { PLOT_FONT, chartFrame } from '../../shared/ui/plotStyle';

const BAR = SERIES.estimate;
const MARK = SERIES.highlight;

/** lambda_1..lambda_K as bars on a log y axis (a gap after lambda_k: k slow coordinates). */
export function spectrumPlot(d: DiffusionMapOutput, width: number, height = 240): Element {
  const data = d.eigenvalues.map((v, i) => ({ k: `λ${i + 1}`, v: Math.max(v, 1e-12) }));
  const min = Math.min(...data.map((p) => p.v));
  return Plot.plot({
    width,
    height,
    style: PLOT_FONT,
    marginLeft: 56,
    x: { label: 'eigenvalue', domain: data.map((p) => p.k) },
    y: { type: 'log', label: 'λ', domain: [Math.min(min / 2, 0.5), 1], grid: true },
    marks: [Plot.barY(data, { x: 'k', y1: Math.min(min / 2, 0.5), y2: 'v', fill: BAR }), Plot.text(data, { x: 'k', y: 'v', text: (p: { v: number }) => p.v.toFixed(4), dy: -6, fontSize: 10 })],
  });
}

export function spectrumCsv(d: DiffusionMapOutput): string {
  return toCsv(['k', 'eigenvalue'], d.eigenvalues.map((v, i) => [i + 1, v]), [`epsilon ${d.epsilon}`, `alpha ${d.alpha}`, `run ${d.runId}`]);
}

/** Kernel sum S(eps) against eps, log-log, with the chosen eps (and the max-slope eps) marked. */
export function kernelSumPlot(d: DiffusionMapOutput, width: number, height = 240): Element {
  const scan = d.epsilonScan;
  if (!scan) throw new Error('epsilon was given, so no kernel-sum scan was made.');
  const data = scan.grid.map((e, i) => ({ e, s: Math.exp(scan.logSum[i]) }));
  return Plot.plot({
    ...chartFrame(width, height, 60),
    x: { type: 'log', label: 'ε' },
    y: { type: 'log', label: 'Σᵢⱼ exp(−|xᵢ−xⱼ|²/ε)' },
    marks: [
      Plot.line(data, { x: 'e', y: 's', stroke: BAR, strokeWidth: 1.6 }),
      Plot.ruleX([d.epsilon], { stroke: MARK, strokeWidth: 1.5 }),
      Plot.ruleX([scan.maxSlopeEpsilon], { stroke: MARK, strokeDasharray: '4,3', strokeOpacity: 0.6 }),
      Plot.text([`ε = ${d.epsilon.toPrecision(3)}`], { frameAnchor: 'top-left', dx: 8, dy: 6, fill: MARK }),
    ],
  });
}

export function kernelSumCsv(d: DiffusionMapOutput): string {
  const scan = d.epsilonScan;
  if (!scan) return toCsv(['epsilon'], [[d.epsilon]]);
  return toCsv(['epsilon', 'ln_kernel_sum', 'slope'], scan.grid.map((e, i) => [e, scan.logSum[i], scan.slope[i] ?? '']), [
    `chosen epsilon ${d.epsilon}`, `max-slope epsilon ${scan.maxSlopeEpsilon}`, `nearest-neighbour floor ${scan.nearestNeighbourFloor}`,
  ]);
}

function variable(d: DiffusionMapOutput, name: string): number[] {
  const v = d.display.variables.find((x) => x.name === name);
  if (!v) throw new Error(`No variable ${name}.`);
  return v.values;
}

/** psi_i vs psi_j scatter, coloured by a variable of the frames. */
export function embeddingPlot(d: DiffusionMapOutput, colorBy: string, width: number, height = 360, i = 0, j = 1): Element {
  const c = variable(d, colorBy);
  const data = d.display.coordinates[i].map((a, k) => ({ a, b: d.display.coordinates[j]?.[k] ?? 0, c: c[k] }));
  return Plot.plot({
    ...chartFrame(width, height, 56),
    x: { label: `ψ${i + 1}` },
    y: { label: d.components > j ? `ψ${j + 1}` : '(one component)' },
    color: sequentialColour(undefined, { label: colorBy }),
    marks: [Plot.dot(data, { x: 'a', y: 'b', fill: 'c', r: 1.6 })],
  });
}

/** psi_1 against a coordinate of the system. */
export function psiVsPlot(d: DiffusionMapOutput, coordinate: string, width: number, height = 300): Element {
  const x = variable(d, coordinate);
  const data = d.display.coordinates[0].map((p, k) => ({ x: x[k], p }));
  return Plot.plot({
    ...chartFrame(width, height, 56),
    x: { label: coordinate },
    y: { label: 'ψ1' },
    marks: [Plot.dot(data, { x: 'x', y: 'p', r: 1.4, fill: BAR, fillOpacity: 0.5 })],
  });
}

export function pointsCsv(d: DiffusionMapOutput): string {
  const header = ['colvar_row', ...d.display.coordinates.map((_, k) => `psi${k + 1}`), ...d.display.variables.map((v) => v.name)];
  const rows = d.display.rows.map((r, i) => [r, ...d.display.coordinates.map((c) => c[i]), ...d.display.variables.map((v) => v.values[i])]);
  return toCsv(header, rows, [`diffusion map of run ${d.runId}`, `inputs ${d.inputCoordinates.join(' ')}`, `epsilon ${d.epsilon}`, `alpha ${d.alpha}`, `shown ${d.display.rows.length} of ${d.frames} frames`]);
}
