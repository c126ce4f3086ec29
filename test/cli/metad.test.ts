/** `liftwell metad` through the real bin script: JSON shape, PLUMED files, restart from HILLS, bad input. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHills, parsePlumedTable } from '../../src-main/engine/io/plumed';

const bin = join(import.meta.dirname, '../../bin/liftwell.mjs');
const liftwell = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('liftwell metad', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftwell-metad-'));
  const dw = ['--system', 'double-well', '--a', '4', '--cv', 'x', '--sigma', '0.1', '--height', '0.1', '--pace', '100', '--biasfactor', '5', '--dt', '1e-3', '--seed', '1'];

  it('double well: FES close to V(x), HILLS and COLVAR files in PLUMED format', () => {
    const hills = join(dir, 'HILLS');
    const colvar = join(dir, 'COLVAR');
    const r = liftwell(['metad', ...dw, '--steps', '100000', '--walkers', '16', '--hills-out', hills, '--colvar-out', colvar, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.cvNames).toEqual(['x']);
    expect(out.hills).toBe(16 * 1000);
    expect(out.walkerSteps).toBe(16 * 100000);
    const x: number[] = out.axes[0];
    expect(out.fes.length).toBe(x.length);
    // Half the engine test's run: aligned RMS vs V where V < 5 kT observed ~0.1 kT; tolerance 0.25 kT.
    const sel = x.map((v, i) => [out.fes[i], 4 * (v * v - 1) ** 2]).filter(([, e]) => e < 5);
    const off = sel.reduce((s, [f, e]) => s + f - e, 0) / sel.length;
    const rms = Math.sqrt(sel.reduce((s, [f, e]) => s + (f - off - e) ** 2, 0) / sel.length);
    expect(rms).toBeLessThan(0.25);
    const h = parseHills(readFileSync(hills, 'utf8'), hills);
    expect(h.time.length).toBe(16 * 1000);
    const c = parsePlumedTable(readFileSync(colvar, 'utf8'), colvar);
    expect(c.fields).toEqual(['time', 'walker', 'x', 'metad.bias', 'metad.rct']);
    expect(c.rows).toBe(16 * 1000);

    // Restart from the HILLS file: the loaded bias gives the same FES before any new step.
    const again = JSON.parse(liftwell(['metad', ...dw, '--steps', '0', '--hills-in', hills, '--json']).stdout);
    expect(again.hillsLoaded).toBe(16 * 1000);
    again.fes.forEach((f: number, i: number) => expect(Math.abs(f - out.fes[i])).toBeLessThan(1e-9));
  });

  it('2D Muller-Brown with BAOAB: nested FES rows, --help documents the options', () => {
    const r = liftwell(['metad', '--system', 'muller-brown', '--cv', 'x,y', '--sigma', '0.1,0.1', '--height', '1.5', '--pace', '50', '--biasfactor', '10', '--kT', '15', '--dt', '1e-4', '--steps', '2000', '--walkers', '2', '--integrator', 'baoab', '--friction', '100', '--grid-bins', '30,30', '--grid-range=-1.7,1.3,-0.7,2.3', '--grid-outside', 'flat', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.axes.map((a: number[]) => a.length)).toEqual([31, 31]);
    expect(out.fes.length).toBe(31);
    expect(out.fes[0].length).toBe(31);
    expect(Math.min(...out.fes.flat())).toBe(0);
    expect(out.hills).toBe(2 * 40);
    const help = liftwell(['metad', '--help']).stdout;
    for (const opt of ['--biasfactor', '--grid-range', '--hills-out', '--colvar-out', '--integrator']) expect(help).toContain(opt);
  });

  it('bad input exits 2 with a message naming the option or file', () => {
    const noSigma = liftwell(['metad', '--system', 'double-well', '--height', '1', '--pace', '10', '--biasfactor', '5', '--dt', '1e-3', '--steps', '10']);
    expect(noSigma.code).toBe(2);
    expect(noSigma.stderr).toContain('--sigma');
    const gamma = liftwell(['metad', ...dw.slice(0, 12), '--biasfactor', '1', '--dt', '1e-3', '--steps', '10']);
    expect(gamma.code).toBe(2);
    expect(gamma.stderr).toContain('--biasfactor');
    const bad = join(dir, 'BAD');
    writeFileSync(bad, '#! FIELDS time x sigma_x height biasf\n0 1 0.1 oops 5\n');
    const file = liftwell(['metad', ...dw, '--steps', '10', '--hills-in', bad]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(`${bad}:2:`);
    const narrow = liftwell(['metad', ...dw, '--steps', '20000', '--grid-range=-1.1,-0.9']);
    expect(narrow.code).toBe(2);
    expect(narrow.stderr).toMatch(/outside the bias grid/);
  });
});
