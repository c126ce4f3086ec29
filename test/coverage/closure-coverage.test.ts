/**
 * Do the closure and mean-force error bars cover the exact answer 68% of the time on correlated
 * data? (issue 10, "Error bars that cover"; the estimators of SCIENCE.md section 9.)
 *
 * Over seeded fast/slow umbrella data sets (closure-data.ts: Metropolis chains, statistical
 * inefficiency g >= 20, exact conditional law), through the functions the study runs
 * (study/analysis.ts closureReports and meanForceReport):
 *  - closures from simulation, E[y | x] and E[y^2 | x] at the bin centres, against the exact
 *    c sin(pi x) and c^2 sin^2(pi x) + s^2 kT;
 *  - the mean force E[dV/dx | x] at the bin centres against U'(x);
 *  - thermodynamic integration F(x_last) - F(x_first) with its error, against the trapezoid rule
 *    applied to the exact mean force on the same centres (the estimator's own target). The
 *    trapezoid rule's own bias against the exact U difference is NOT part of the error bar; it is
 *    printed (0.13 kT at the barrier top with bins of 0.2, about a third of the error bar here)
 *    and shrinks as the square of the bin width (docs/error-bars.md);
 *  - closures from lifted samples: the `generated` sem is the sampling error of the n draws only
 *    (it does not include the model's error); draws from the exact conditional law stand in for a
 *    perfect model, so its coverage of the model's own conditional mean is checked without training.
 * Bands: 3 binomial standard deviations around 0.683 for the number of data sets (+-0.14 at 100
 * sets). Pooled quantities (several bins per set) use the band of the number of sets, which is
 * wider than that of the pooled count, so the check is conservative. A negative control (the
 * closure sem without decorrelation, `independent: true` on the correlated frames) must fall below
 * the band in the full run.
 *
 * The data sets are cheap (100 sets in ~5 s), so the suite runs the full 100 sets by default;
 * LIFTWELL_COVERAGE_SETS overrides it (`npm run test:coverage` sets 100 as for the other sweep).
 */
import { expect, test } from 'vitest';
import { closureReports, meanForceReport } from '../../src-main/study/analysis';
import { binnedConditionalMean } from '../../src-main/engine/workflows/conditional';
import { createSystem } from '../../src-main/engine/systems';
import { Rng } from '../../src-main/engine/random';
import type { GridAxis } from '../../src-main/engine/estimators/histogram';
import { exactF, exactMeanForce, exactY, exactY2, fastSlowUmbrellaSet, FS_KT, FS_SPEC } from './closure-data';

const DEFAULT_SETS = 100;
const SETS = Number(process.env.LIFTWELL_COVERAGE_SETS || DEFAULT_SETS);
const FULL = SETS >= 100;
const DATA = { walkers: 2, samplesPerWalker: 2000, stepX: 0.4, stepY: 0.5 };
/** Bins of width 0.2 inside the windows' range (every bin holds >= 10 decorrelated frames). */
const AXIS: GridAxis = { bins: 14, min: -1.4, max: 1.4 };
const LIFT_CONDITIONS = [-1, -0.35, 0.3, 0.9];
const LIFT_DRAWS = 200;

interface Tally {
  covered: number;
  n: number;
  z: number[];
}
const tally = (): Tally => ({ covered: 0, n: 0, z: [] });
function add(t: Tally, estimate: number | null, sigma: number | null, exact: number): void {
  t.n++;
  if (estimate === null || sigma === null || !(sigma > 0)) return; // counts as not covered
  t.z.push((estimate - exact) / sigma);
  if (Math.abs(estimate - exact) <= sigma) t.covered++;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);

/** The trapezoid rule applied to the exact mean force between the first and last centre. */
function trapezoidExact(centers: number[]): number {
  let s = 0;
  for (let j = 1; j < centers.length; j++) s += 0.5 * (centers[j] - centers[j - 1]) * (exactMeanForce(centers[j - 1]) + exactMeanForce(centers[j]));
  return s;
}

test(`closure and mean-force error bars cover the exact value at 68% on correlated data (${SETS} seeded sets${FULL ? '' : '; full run: npm run test:coverage'})`, () => {
  const system = createSystem(FS_SPEC);
  const t = { y: tally(), y2: tally(), force: tally(), ti: tally(), generated: tally(), control: tally() };
  const g: number[] = [];
  let quadratureError = 0;
  const tiSigma: number[] = [];
  for (let s = 0; s < SETS; s++) {
    const traj = fastSlowUmbrellaSet(3000 + s, DATA);
    const rng = new Rng(7000 + s, 0);
    const lifted = {
      conditions: LIFT_CONDITIONS,
      rows: LIFT_CONDITIONS.map((z) => {
        const rows = new Float64Array(2 * LIFT_DRAWS);
        for (let i = 0; i < LIFT_DRAWS; i++) {
          rows[2 * i] = z;
          rows[2 * i + 1] = exactY(z) + FS_SPEC.s * Math.sqrt(FS_KT) * rng.normal();
        }
        return rows;
      }),
    };
    const [cy, cy2] = closureReports(system, 0, FS_KT, traj, AXIS, [{ name: 'y', expr: 'y' }, { name: 'y2', expr: 'y^2' }], lifted);
    cy.simulated.centers.forEach((c, b) => {
      add(t.y, cy.simulated.mean[b], cy.simulated.sem[b], exactY(c));
      add(t.y2, cy2.simulated.mean[b], cy2.simulated.sem[b], exactY2(c));
    });
    cy.generated!.conditions.forEach((z, i) => add(t.generated, cy.generated!.mean[i], cy.generated!.sem[i], exactY(z)));

    const mf = meanForceReport(system, 0, FS_KT, traj, AXIS, { centers: [], F: [] }, exactF);
    mf.centers.forEach((c, b) => add(t.force, mf.value[b], mf.sem[b], exactMeanForce(c)));
    // F at the barrier top (x = 0.1) and at the last centre, each relative to the first centre.
    for (const j of [mf.centers.findIndex((c) => Math.abs(c - 0.1) < 1e-9), mf.centers.length - 1]) {
      const F0 = mf.F[0];
      const Fj = mf.F[j];
      const target = trapezoidExact(mf.centers.slice(0, j + 1));
      if (mf.dF[j] !== null) tiSigma.push(mf.dF[j]!);
      add(t.ti, F0 !== null && Fj !== null ? Fj - F0 : null, mf.dF[j], target);
      quadratureError = Math.max(quadratureError, Math.abs(target - (exactF(mf.centers[j]) - exactF(mf.centers[0]))));
    }

    // Negative control: the same closure treating the correlated frames as independent.
    const series = traj.map((rows) => {
      const n = rows.length / 2;
      return { xi: Float64Array.from({ length: n }, (_, i) => rows[2 * i]), value: Float64Array.from({ length: n }, (_, i) => rows[2 * i + 1]) };
    });
    const raw = binnedConditionalMean(series, AXIS, { independent: true });
    raw.centers.forEach((c, b) => add(t.control, Number.isFinite(raw.mean[b]) ? raw.mean[b] : null, raw.sem[b], exactY(c)));
    g.push(binnedConditionalMean(series, AXIS).inefficiency);
  }
  const band = 3 * Math.sqrt((0.683 * 0.317) / SETS);
  const line = (name: string, x: Tally) =>
    `${name.padEnd(52)} coverage ${(x.covered / x.n).toFixed(3)} (${x.covered}/${x.n})  rms (estimate - exact)/sigma ${rms(x.z).toFixed(2)}`;
  console.log(
    [
      `Closure / mean-force coverage over ${SETS} seeded fast/slow sets (band 0.683 +- ${band.toFixed(3)}); ${9} windows x ${DATA.walkers} walkers x ${DATA.samplesPerWalker} samples, median g ${median(g).toFixed(0)}, ${AXIS.bins} bins`,
      line('closure E[y | x], simulation (per bin)', t.y),
      line('closure E[y^2 | x], simulation (per bin)', t.y2),
      line('mean force E[dV/dx | x] (per bin)', t.force),
      line('TI F(x) - F(first), x = 0.1 and last, vs trapezoid of exact', t.ti),
      line(`closure E[y | x], ${LIFT_DRAWS} exact draws (per condition)`, t.generated),
      line('control: closure without decorrelation', t.control),
      `largest quadrature error of the trapezoid rule itself (vs the exact U difference): ${quadratureError.toExponential(2)} kT, median TI sigma ${median(tiSigma).toFixed(3)} kT`,
    ].join('\n'),
  );
  expect(median(g)).toBeGreaterThanOrEqual(20);
  for (const x of [t.y, t.y2, t.force, t.ti, t.generated]) {
    expect(x.covered / x.n).toBeGreaterThanOrEqual(0.683 - band);
    expect(x.covered / x.n).toBeLessThanOrEqual(0.683 + band);
  }
  if (FULL) expect(t.control.covered / t.control.n).toBeLessThan(0.683 - band);
}, 3_600_000);
