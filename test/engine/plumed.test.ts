import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatHills, formatPlumedTable, parseHills, parsePlumedNumber, parsePlumedTable } from '../../src-main/engine/io/plumed';
import { InputFileError } from '../../src-main/engine/io/errors';
import { WellTemperedMetad } from '../../src-main/engine/bias/metad';
import { hillsToData, loadHills } from '../../src-main/engine/bias/metad-io';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/plumed', name), 'utf8');

describe('PLUMED COLVAR/HILLS IO', () => {
  it('parses a PLUMED HILLS file: periodic ranges (-pi/pi), rescaled well-tempered heights', () => {
    const h = parseHills(fixture('HILLS.periodic'), 'HILLS.periodic');
    expect(h.cvNames).toEqual(['phi', 'psi']);
    expect(h.periodic).toEqual([{ min: -Math.PI, max: Math.PI }, { min: -Math.PI, max: Math.PI }]);
    expect(h.time.length).toBe(3);
    expect(h.centers[5]).toBe(-3.0911853154);
    expect(h.sigmas[0]).toBe(0.35);
    // PLUMED writes height * biasf/(biasf-1): the first actual height is 1.44 * 9/10.
    expect(h.heights[0]).toBeCloseTo(1.296, 15);
  });

  it('COLVAR: repeated identical headers (restart) and comments; write then read gives the same bits', () => {
    const t = parsePlumedTable(fixture('COLVAR.restart'), 'COLVAR.restart');
    expect(t.fields).toEqual(['time', 'x', 'y', 'metad.bias']);
    expect(t.rows).toBe(3);
    expect(t.sets.min_x).toBe('-pi');
    expect(Array.from(t.columns[3])).toEqual([0, 0.125, 0.25]);
    const cols = [Float64Array.from([0.1, 1 / 3]), Float64Array.from([Math.PI, -1e-300]), Float64Array.from([-0, 123456789.123456789])];
    const back = parsePlumedTable(formatPlumedTable(['time', 'x', 'metad.bias'], cols), 'x');
    back.columns.forEach((c, j) => expect(Array.from(c)).toEqual(Array.from(cols[j])));
  });

  it('HILLS round trip through a metadynamics bias: same hills, same grid', () => {
    const opts = { cvs: [{ index: 0 }], sigma: [0.2], height: 1.2, pace: 1, biasFactor: 7, kT: 1, grid: { min: [-2], max: [2] } };
    const a = new WellTemperedMetad(opts);
    for (const x of [-1, -0.9, 0.3, 1.1]) a.depositFrom(Float64Array.of(x), 1, 1, 10 * (x + 2));
    const text = formatHills(hillsToData(a, ['x']));
    expect(text.split('\n')[0]).toBe('#! FIELDS time x sigma_x height biasf');
    const b = new WellTemperedMetad(opts);
    loadHills(b, parseHills(text, 'HILLS'), 'HILLS');
    expect(b.hillCount).toBe(4);
    // Heights pass through h*g/(g-1) and back: equal to a few ulps (1e-15 relative).
    a.hills().forEach((h, k) => expect(Math.abs(b.hills()[k].height - h.height)).toBeLessThan(1e-15 * h.height));
    for (let k = 0; k < a.grid.size; k++) expect(Math.abs(b.grid.value[k] - a.grid.value[k])).toBeLessThan(1e-14);
  });

  it('malformed files: InputFileError naming the file and line', () => {
    const bad: [string, RegExp][] = [
      ['1 2 3\n', /^C:1: data before the "#! FIELDS" header/],
      ['#! FIELDS time x\n0 1\n0 1 2\n', /^C:3: expected 2 columns \(time x\), found 3/],
      ['#! FIELDS time x\n0 abc\n', /^C:2: column 2 \(x\): "abc" is not a finite number/],
      ['#! FIELDS time x\n0 1\n#! FIELDS time y\n', /^C:3: #! FIELDS changes/],
      ['# only a comment\n', /^C: no "#! FIELDS" header/],
      ['#! FIELDS time x x\n', /^C:1: #! FIELDS repeats/],
    ];
    for (const [text, re] of bad) {
      expect(() => parsePlumedTable(text, 'C')).toThrow(InputFileError);
      expect(() => parsePlumedTable(text, 'C')).toThrow(re);
    }
    expect(() => parseHills('#! FIELDS time x height biasf\n0 1 1 10\n', 'H')).toThrow(/H: HILLS: no "sigma_x" field/);
    expect(() => parseHills('#! FIELDS time x sigma_x height biasf\n0 1 -1 1 10\n', 'H')).toThrow(/sigma_x = -1/);
    expect(() => parseHills('#! FIELDS time x sigma_x height biasf\n#! SET multivariate true\n', 'H')).toThrow(/multivariate/);
    expect(() => parseHills('#! FIELDS time x sigma_x height biasf\n#! SET min_x 1\n#! SET max_x 0\n', 'H')).toThrow(/periodic range/);
  });

  it('numbers as PLUMED writes them', () => {
    expect(parsePlumedNumber('-pi')).toBe(-Math.PI);
    expect(parsePlumedNumber('2pi')).toBe(2 * Math.PI);
    expect(parsePlumedNumber('1.5e-3')).toBe(1.5e-3);
    expect(parsePlumedNumber('1,5')).toBeNaN();
    expect(parsePlumedNumber('0x10')).toBeNaN();
  });
});
