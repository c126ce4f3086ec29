/**
 * DIR/report.html: one self-contained page (inline SVG plots and CSS, no scripts, no network)
 * that opens offline and prints well. Every number shown comes from report.json.
 */
import type { StudyReport } from './report';

export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(digits)).toString());

export interface PlotSeries {
  name: string;
  x: readonly number[];
  y: readonly (number | null)[];
  err?: readonly (number | null)[] | null;
  color: string;
  /** 'line' (default), 'points' (with error bars), 'dashed' */
  style?: 'line' | 'points' | 'dashed';
}

const COLORS = { sampled: '#1f77b4', exact: '#222222', generated: '#d62728', ti: '#2ca02c', eff: '#9467bd', other: '#ff7f0e' };

/** A line/point plot with optional error bars or band, axes with 5 ticks, and a legend. */
export function svgPlot(title: string, xLabel: string, yLabel: string, series: PlotSeries[], width = 520, height = 300): string {
  const pts = series.flatMap((s) => s.x.map((x, i) => [x, s.y[i], s.err?.[i] ?? 0] as const)).filter(([x, y]) => Number.isFinite(x) && y !== null && Number.isFinite(y));
  if (pts.length === 0) return `<p class="empty">${esc(title)}: no data</p>`;
  const xs = pts.map((p) => p[0]);
  const lo = pts.map((p) => (p[1] as number) - Math.abs(p[2] as number));
  const hi = pts.map((p) => (p[1] as number) + Math.abs(p[2] as number));
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...lo), Math.max(...hi)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const m = { l: 56, r: 12, t: 26, b: 40 };
  const W = width - m.l - m.r;
  const H = height - m.t - m.b;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * W;
  const sy = (y: number) => m.t + H - ((y - y0) / (y1 - y0)) * H;
  const parts: string[] = [];
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    // Snap rounding residue (e.g. 2e-16 for a tick at 0) to zero.
    const snap = (v: number, span: number) => (Math.abs(v) < 1e-9 * span ? 0 : v);
    const xv = snap(x0 + ((x1 - x0) * i) / 4, x1 - x0);
    const yv = snap(y0 + ((y1 - y0) * i) / 4, y1 - y0);
    parts.push(`<text x="${sx(xv).toFixed(1)}" y="${height - m.b + 14}" text-anchor="middle">${fmt(xv)}</text>`);
    parts.push(`<text x="${m.l - 4}" y="${(sy(yv) + 4).toFixed(1)}" text-anchor="end">${fmt(yv)}</text>`);
  }
  parts.push(`<text x="${m.l + W / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${m.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  parts.push(`<text x="${m.l}" y="16" font-weight="bold">${esc(title)}</text>`);
  series.forEach((s, k) => {
    const valid = s.x.map((x, i) => [x, s.y[i], s.err?.[i] ?? null] as const).filter(([x, y]) => Number.isFinite(x) && y !== null && Number.isFinite(y)) as [number, number, number | null][];
    if (s.style === 'points') {
      for (const [x, y, e] of valid) {
        if (e !== null && e > 0) parts.push(`<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${sy(y - e).toFixed(1)}" y2="${sy(y + e).toFixed(1)}" stroke="${s.color}"/>`);
        parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
      }
    } else {
      if (valid.some(([, , e]) => e !== null && e > 0)) {
        const upper = valid.map(([x, y, e]) => `${sx(x).toFixed(1)},${sy(y + (e ?? 0)).toFixed(1)}`);
        const lower = valid.map(([x, y, e]) => `${sx(x).toFixed(1)},${sy(y - (e ?? 0)).toFixed(1)}`).reverse();
        parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`);
      }
      const d = valid.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.style === 'dashed' ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    const ly = m.t + 12 + 14 * k;
    parts.push(`<rect x="${m.l + W - 150}" y="${ly - 8}" width="10" height="3" fill="${s.color}"/><text x="${m.l + W - 136}" y="${ly}">${esc(s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
}

export function table(head: string[], rows: (string | number | null)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? fmt(c, 4) : esc(c ?? '–')}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderReportHtml(r: StudyReport): string {
  const sections: string[] = [];
  const cv = r.fes.cv;
  const fesSeries: PlotSeries[] = [{ name: `${r.fes.estimator.toUpperCase()} F ± dF`, x: r.fes.centers, y: r.fes.F, err: r.fes.dF, color: COLORS.sampled }];
  if (r.fes.exact) fesSeries.push({ name: 'exact', x: r.fes.exact.centers, y: r.fes.exact.F, color: COLORS.exact, style: 'dashed' });
  if (r.meanForce) fesSeries.push({ name: 'mean-force TI', x: r.meanForce.centers, y: r.meanForce.F.map((v) => (v === null ? null : v / r.kT)), err: r.meanForce.dF.map((v) => (v === null ? null : v / r.kT)), color: COLORS.ti });
  if (r.effectiveDynamics) fesSeries.push({ name: 'F_eff (reduced SDE)', x: r.effectiveDynamics.grid, y: r.effectiveDynamics.Feff.map((v) => v / r.kT), color: COLORS.eff, style: 'points' });
  // Adaptive rounds: the headline is the last fold; show the plain first round beside it instead.
  const extraRounds = r.adaptive ? r.fesRounds.slice(0, 1) : r.fesRounds.slice(1);
  // A first round of metadynamics or MD has no windows (its rounds combine by inverse variance).
  const windowless = !!r.adaptive && r.rounds[0]?.newCentres.length === 0;
  const firstLabel = windowless ? r.fes.estimator.split(' + ')[0] : 'plain, all windows';
  for (const round of extraRounds) fesSeries.push({ name: `round ${round.round} (${r.adaptive ? firstLabel : 'seeded'})`, x: round.centers, y: round.F, color: COLORS.other });
  sections.push(`<h2>Free energy</h2>${svgPlot(`F(${cv})`, cv, 'F / kT', fesSeries)}`);
  const lc = r.learnedCv;
  if (lc) {
    sections.push(`<h2>Learned CV ψ₁ (diffusion map of the observed coordinates)</h2>
${table(['|Spearman(ψ₁, hidden x)|', 'λ₁', 'ε', 'map frames', 'windows', 'spring', 'F(ψ₁) RMS vs exact (kT)'], [[lc.spearmanX, lc.eigenvalues[0], lc.epsilon, lc.mapFrames, lc.windowCenters.length, lc.spring, lc.fesRmsVsExact]])}
<p class="small">The exact F(ψ₁) and closures are the Boltzmann law of the hidden (x, y) on the level sets of ψ₁ itself (co-area formula), so they are the exact answer mapped through the embedding.</p>
${lc.lift ? table(['conditions', 'draws each', 'epochs (best)', 'restriction error median', 'max', 'median / window s.d.', 'worst lifted closure (window s.d.)', 'verdict'], [[lc.lift.conditions.length, lc.lift.n, `${lc.lift.epochs} (${lc.lift.bestEpoch})`, lc.lift.restriction.median, lc.lift.restriction.max, lc.lift.restrictionPerWindowWidth, lc.lift.worstClosureError, lc.lift.verdict]]) : ''}`);
  }
  if (r.meanForce?.warning) sections.push(`<p class="warning">Warning: ${esc(r.meanForce.warning)}.</p>`);
  else if (r.meanForce) {
    sections.push(`<p>Thermodynamic integration of E[dV/d${esc(cv)} | ${esc(cv)}] against ${esc(r.fes.estimator.toUpperCase())}: RMS ${fmt(r.meanForce.rmsVsFes)} (energy units)${r.meanForce.rmsVsExact !== null ? `; against the exact F: RMS ${fmt(r.meanForce.rmsVsExact)}` : ''}.</p>`);
  }
  for (const c of r.closures) {
    const s: PlotSeries[] = [{ name: 'simulated (per bin)', x: c.simulated.centers, y: c.simulated.mean, err: c.simulated.sem, color: COLORS.sampled, style: 'points' }];
    if (c.generated) s.push({ name: 'generated (lifted)', x: c.generated.conditions, y: c.generated.mean, err: c.generated.sem, color: COLORS.generated, style: 'points' });
    if (c.simulated.exact) s.push({ name: 'exact', x: c.simulated.centers, y: c.simulated.exact, color: COLORS.exact, style: 'dashed' });
    sections.push(`<h2>Closure ${esc(c.name)} = E[${esc(c.expr)} | ${esc(cv)}]</h2>${svgPlot(`E[${c.expr} | ${cv}]`, cv, c.name, s)}
<p>χ² per point against the exact closure: simulated ${fmt(c.chi2PerPoint.simulated)}, generated ${fmt(c.chi2PerPoint.generated)} (about 1 when the error bars are honest and there is no bias).</p>`);
  }
  const ed = r.effectiveDynamics;
  if (ed) {
    const a: PlotSeries[] = [
      { name: 'bursts a ± sem', x: ed.grid, y: ed.drift, err: ed.driftSem, color: COLORS.sampled, style: 'points' },
      { name: 'conditional (lifted)', x: ed.grid, y: ed.conditional.lifted.drift, err: ed.conditional.lifted.driftSem, color: COLORS.generated, style: 'points' },
      { name: 'conditional (simulated)', x: ed.grid, y: ed.conditional.simulated.drift, color: COLORS.other, style: 'line' },
    ];
    if (ed.exact) a.push({ name: "exact -U'", x: ed.grid, y: ed.exact.drift, color: COLORS.exact, style: 'dashed' });
    const d: PlotSeries[] = [
      { name: 'bursts D ± sem', x: ed.grid, y: ed.diffusion, err: ed.diffusionSem, color: COLORS.sampled, style: 'points' },
      { name: 'kT σ² (lifted)', x: ed.grid, y: ed.conditional.lifted.diffusion, color: COLORS.generated, style: 'points' },
    ];
    if (ed.exact) d.push({ name: 'exact kT', x: ed.grid, y: ed.exact.diffusion, color: COLORS.exact, style: 'dashed' });
    const mid = Math.floor(ed.grid.length / 2);
    const curve = ed.curves[mid];
    sections.push(`<h2>Effective dynamics d${esc(cv)} = a dt + √(2D) dW</h2>${svgPlot('drift a', cv, 'a', a)}${svgPlot('diffusion D', cv, 'D', d)}
${svgPlot(`burst-time window at ${cv} = ${fmt(ed.grid[mid])} (plateau: points ${curve.plateau[0] + 1}–${curve.plateau[1] + 1})`, 'burst time', 'estimate', [
      { name: 'a(t)', x: curve.time, y: curve.drift, color: COLORS.sampled, style: 'points' },
      { name: 'D(t)', x: curve.time, y: curve.diffusion, color: COLORS.generated, style: 'points' },
    ])}
<p>Stationary density of the reduced SDE against the sampled F: RMS ${fmt(ed.FeffRms)} (energy units).</p>
${ed.mfpt ? table(['first passage', 'reduced SDE', 'direct simulation', 'sem', 'arrived'], [[`${fmt(ed.mfpt.from)} → ${fmt(ed.mfpt.to)}`, ed.mfpt.reduced, ed.mfpt.direct.mean, ed.mfpt.direct.sem, `${ed.mfpt.direct.arrived}/${ed.mfpt.direct.walkers}`]]) : ''}`);
  }
  if (r.consistency) {
    const c = r.consistency;
    sections.push(`<h2>Micro-macro consistency</h2><p>${esc(c.restrictionNote)}</p>${table(['W1 generated vs simulated', 'W1 generated vs exact', 'noise floor (simulation vs exact)', 'verdict'], [[c.wasserstein, c.wassersteinVsExact, c.noiseFloor, c.verdict]])}<p class="small">${esc(c.verdictRule)}</p>${c.advice.length ? `<ul>${c.advice.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : ''}`);
  }
  const rms = (round: number) => r.fesRounds.find((f) => f.round === round)?.rmsVsExact ?? null;
  // Adaptive rounds say which rule chose each centre (docs/generation-assisted.md).
  const centres = (x: StudyReport['rounds'][number]) => (x.choices?.length ? x.choices.map((c) => `${fmt(c.centre)} (${c.reason})`) : x.newCentres.map((v) => fmt(v))).join(' ');
  sections.push(`<h2>Rounds</h2>${table(['round', 'start', 'steps', 'wall s', 'window centres', 'max dF / kT', 'RMS vs exact / kT'], r.rounds.map((x) => [x.round, x.seeded ? 'lifted (seeded)' : windowless ? firstLabel : 'pulled', x.steps, x.wallSeconds, centres(x), x.fesUncertainty, rms(x.round)]))}`);
  if (r.adaptive) {
    const t = r.adaptive.trapping;
    sections.push(`<p>Stopped: ${esc(r.adaptive.stopReason)}. ${windowless
      ? `Round 1's RMS is the ${esc(firstLabel)} estimate; later rounds combine it with each group of overlapping seeded windows (WHAM), constants aligned and bins weighted by inverse variance.`
      : 'Round 1\'s RMS is the plain estimate from all its windows; later rounds fold every round\'s windows, trapped ones left out.'}</p>${t ? `<h3>Trapping of the first round's windows (${esc(t.expr)}, split ${fmt(t.split)})</h3>${table(['centre', 'mode switches', 'upper-mode fraction', 'g (frames)', 'trapped'], t.windows.map((w) => [w.centre, w.switches, w.upperFraction, w.inefficiency, w.trapped ? 'yes' : 'no']))}<p>${t.holdOut ? `Training left out ${fmt(t.holdOut[0])} … ${fmt(t.holdOut[1])}; the model lifts there by interpolation in the condition.` : 'No window was trapped.'}</p>` : ''}`);
  }
  const p = r.provenance;
  sections.push(provenanceSection(r.provenance, r.projectPath));
  return reportPage(r.name, `<p>System <code>${esc(JSON.stringify(r.system))}</code>, kT = ${fmt(r.kT)}, CV ${esc(cv)}.</p>`, sections);
}

/** The provenance section of a study report (toy or molecular). */
export function provenanceSection(p: Omit<StudyReport['provenance'], 'runs'> & { runs: unknown }, projectPath: string): string {
  return `<h2>Provenance</h2>${table(['stage', 'seconds', 'cached'], Object.entries(p.stages).map(([k, v]) => [k, v.seconds, v.cached ? 'yes' : 'no']))}
<p>Liftwell ${esc(p.version)}, backend ${esc(p.backend ?? '–')}, study hash ${esc(p.studyHash)}, seeds ${esc(JSON.stringify(p.seeds))}, runs ${esc(JSON.stringify(p.runs))}, total ${fmt(p.wallSeconds)} s, ${esc(p.created)}. Project: ${esc(projectPath)}.</p>`;
}

/** The self-contained page around a study report's sections (no scripts, no network; prints well). */
export function reportPage(name: string, intro: string, sections: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} — Liftwell study report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
body{font-family:sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#111}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
svg{margin:0.3em 0.6em 0.3em 0;vertical-align:top}
table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #bbb;padding:2px 8px;text-align:right;font-size:0.9em}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}svg,table{break-inside:avoid}}
</style></head><body>
<h1>${esc(name)}</h1>
${intro}
${sections.join('\n')}
</body></html>
`;
}
