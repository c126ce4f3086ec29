/**
 * DIR/report.html of a molecular study: one self-contained page (inline SVG, no scripts, no
 * network): the round-1 FES as a heat map with the lift conditions marked, basin free energies of
 * both rounds side by side, the lifted structures' restriction errors, and provenance.
 */
import { esc, fmt, provenanceSection, reportPage, table } from './report-html';
import type { MoleculeStudyReport } from './report-molecule';

/** Heat map of a 2D grid (first axis along x), white = high F, blue = low; marks at `points`. */
function heatMap(title: string, axes: number[][], F: (number | null)[], names: string[], points: number[][]): string {
  const [ax, ay] = axes;
  const size = 360;
  const m = { l: 50, t: 26, b: 40 };
  const cw = size / ax.length;
  const ch = size / ay.length;
  const values = F.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(...values, 1e-9);
  const parts: string[] = [`<text x="${m.l}" y="16" font-weight="bold">${esc(title)}</text>`];
  for (let i = 0; i < ax.length; i++) {
    for (let j = 0; j < ay.length; j++) {
      const v = F[i * ay.length + j];
      const t = v === null || !Number.isFinite(v) ? 1 : Math.min(1, v / top);
      const fill = v === null ? '#eee' : `rgb(${Math.round(40 + 215 * t)},${Math.round(90 + 165 * t)},255)`;
      parts.push(`<rect x="${(m.l + i * cw).toFixed(1)}" y="${(m.t + size - (j + 1) * ch).toFixed(1)}" width="${(cw + 0.3).toFixed(1)}" height="${(ch + 0.3).toFixed(1)}" fill="${fill}"/>`);
    }
  }
  const sx = (x: number) => m.l + ((x - ax[0]) / (ax[ax.length - 1] - ax[0])) * size;
  const sy = (y: number) => m.t + size - ((y - ay[0]) / (ay[ay.length - 1] - ay[0])) * size;
  for (const p of points) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="5" fill="none" stroke="#d62728" stroke-width="2"/>`);
  parts.push(`<text x="${m.l + size / 2}" y="${m.t + size + 30}" text-anchor="middle">${esc(names[0])} (rad)</text>`);
  parts.push(`<text transform="translate(14 ${m.t + size / 2}) rotate(-90)" text-anchor="middle">${esc(names[1])} (rad)</text>`);
  parts.push(`<text x="${m.l}" y="${m.t + size + 14}">${fmt(ax[0])}</text><text x="${m.l + size}" y="${m.t + size + 14}" text-anchor="end">${fmt(ax[ax.length - 1])}</text>`);
  parts.push(`<text x="${m.l + size + 6}" y="${m.t + 10}">${fmt(top)} kJ/mol</text><text x="${m.l + size + 6}" y="${m.t + size}">0</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${m.l + size + 90}" height="${m.t + size + m.b}" font-size="11">${parts.join('')}</svg>`;
}


export function renderMoleculeReportHtml(r: MoleculeStudyReport): string {
  const sections: string[] = [];
  if (r.fes && r.fes.axes.length === 2) {
    sections.push(`<h2>Free energy, round 1 (${esc(r.fes.source)}, ${r.fes.replicas} runs)</h2>${heatMap(`F(${r.fes.cv.join(', ')})`, r.fes.axes, r.fes.F, r.fes.cv, (r.lift ?? []).map((l) => l.cond))}
<p>Red circles: the lift conditions.</p>`);
  }
  const names = [...new Set(r.basinRounds.flatMap((b) => b.basins.map((x) => x.name)))];
  const head = ['basin', ...r.basinRounds.flatMap((b) => [`round ${b.round} F (kJ/mol)`, 'dF', 'runs'])];
  const rows = names.map((n) => [n, ...r.basinRounds.flatMap((b) => {
    const x = b.basins.find((y) => y.name === n);
    return x ? [x.F, x.dF, x.n] : ['–', '–', 0];
  })]);
  sections.push(`<h2>Basin free energies</h2>${table(head, rows)}<p>kT = ${fmt(r.kT)} kJ/mol. Round 2 runs start from lifted structures; dF is the standard error over independent runs.</p>`);
  const d = r.basinDifferences;
  if (d) {
    // Each pair once (the higher basin against the lower, by the pooled estimate).
    const pairs = d.allRounds.filter((x) => x.deltaF > 0);
    const cells = (list: { name: string; reference: string; deltaF: number; dF: number | null; n: number }[], p: { name: string; reference: string }) => {
      const x = list.find((y) => y.name === p.name && y.reference === p.reference);
      return x ? [x.deltaF, x.dF ?? '–', x.n] : ['–', '–', 0];
    };
    const diffHead = ['difference', ...d.rounds.flatMap((x) => [`round ${x.round} (kJ/mol)`, 'dF', 'runs']), 'all rounds', 'dF', 'runs'];
    const diffRows = pairs.map((p) => [`${p.name} - ${p.reference}`, ...d.rounds.flatMap((x) => cells(x.differences, p)), ...cells(d.allRounds, p)]);
    const warn = (d.warnings ?? []).map((w) => `<li>${esc(w)}</li>`).join('');
    sections.push(`<h2>Basin differences (paired within runs)</h2>${table(diffHead, diffRows)}${warn ? `<p><strong>Warnings</strong></p><ul>${warn}</ul>` : ''}`);
  }
  if (r.lift) {
    sections.push(`<h2>Lifted structures</h2>${table(['condition (rad)', 'structures', 'excluded as absurd', 'verdict', 'restriction error (max)', 'CVs imposed', 'energy median (kJ/mol)', 'file'], r.lift.map((l) => [l.cond.map((c) => fmt(c)).join(', '), l.n, l.excluded ?? 0, l.verdict === 'poor' ? `poor: ${l.advice}` : (l.verdict ?? ''), l.restrictionError ?? '—', l.imposition.join(', '), l.energyMedian ?? '—', l.n > 0 ? l.pdb : 'none written']))}`);
  }
  sections.push(`<h2>Rounds</h2>${table(['round', 'seeded', 'steps', 'wall s', 'max basin dF (kT)'], r.rounds.map((x) => [x.round, x.seeded ? 'yes' : 'no', x.steps, x.wallSeconds, x.fesUncertainty]))}`);
  sections.push(provenanceSection(r.provenance, r.projectPath));
  return reportPage(r.name, `<p>Molecule <code>${esc(r.system.molecule)}</code> at ${fmt(r.temperature)} K.</p>`, sections);
}
