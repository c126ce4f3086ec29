// Drag-and-drop import (shared/shell/dropFiles.ts): each dropped file is recognised from its name
// and first bytes, using the real files of the repository (the alanine dipeptide prmtop, inpcrd,
// PDB; a DCD written by a run; PLUMED HILLS/COLVAR; a WHAM metadata file), renamed or damaged
// files are refused naming the file, and the plan says what the drop does. Exact comparisons.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFile, metadataWindowNames, planDrop, SNIFF_BYTES } from '../../src-renderer/src/shared/shell/dropFiles';

const root = join(import.meta.dirname, '../..');
const head = (rel: string) => new Uint8Array(readFileSync(join(root, rel)).subarray(0, SNIFF_BYTES));
const text = (s: string) => new TextEncoder().encode(s);
const kind = (name: string, bytes: Uint8Array) => classifyFile(name, bytes).kind;

const ALA = 'resources/molecules/alanine-dipeptide';

describe('recognising a dropped file', () => {
  it('real files of each format', () => {
    expect(kind('ala2.prmtop', head(`${ALA}/ala2.prmtop`))).toBe('prmtop');
    expect(kind('ala2.inpcrd', head(`${ALA}/ala2.inpcrd`))).toBe('coordinates');
    expect(kind('ala2.pdb', head(`${ALA}/ala2.pdb`))).toBe('coordinates');
    expect(kind('traj.dcd', head('test/fixtures/molecules/ala2-300K-1000.dcd'))).toBe('dcd');
    expect(kind('HILLS', head('test/fixtures/plumed/HILLS.periodic'))).toBe('hills');
    expect(kind('COLVAR', head('test/fixtures/plumed/COLVAR.restart'))).toBe('colvar');
    expect(kind('meta.txt', text('# windows\nwin0.dat -1.0 100\nwin1.dat -0.5 100 10\nwin2.dat 0.0 100 10 300\n'))).toBe('wham-metadata');
    expect(kind('meta2d.txt', text('w0.dat -1 -1 50 50\nw1.dat -1 0 50 50\n'))).toBe('wham-metadata');
  });

  it('by content, whatever the name says', () => {
    // A prmtop saved as .txt is still a prmtop; a DCD with no extension is still a DCD.
    expect(kind('topology.txt', head(`${ALA}/ala2.prmtop`))).toBe('prmtop');
    expect(kind('frames', head('test/fixtures/molecules/ala2-300K-1000.dcd'))).toBe('dcd');
  });

  it('renamed, damaged or unknown files are refused, naming the file', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['ala2.prmtop', head(`${ALA}/ala2.pdb`), /^ala2\.prmtop: not an AMBER prmtop/],
      ['broken.dcd', text('not a trajectory at all'), /^broken\.dcd: not a DCD trajectory/],
      ['x.inpcrd', text('title\nnot a count\n'), /^x\.inpcrd: not an AMBER coordinate file/],
      ['x.xyz', text('hello\n'), /^x\.xyz: not an XYZ file/],
      ['empty.pdb', new Uint8Array(0), /^empty\.pdb: the file is empty/],
      ['notes.md', text('# Notes\nsome words here\n'), /^notes\.md: Liftwell does not recognise this file/],
      ['blob.bin', new Uint8Array([1, 0, 2, 0, 3]), /^blob\.bin: a binary file Liftwell does not know/],
      ['odd.dat', text('#! FIELDS step energy\n0 1\n'), /^odd\.dat: a PLUMED file with fields "step energy"/],
    ];
    for (const [name, bytes, message] of cases) {
      const c = classifyFile(name, bytes);
      expect(c.kind, name).toBeNull();
      expect(c.kind === null ? c.error : '', name).toMatch(message);
    }
  });
});

describe('what a drop does', () => {
  const prmtop = classifyFile('ala2.prmtop', head(`${ALA}/ala2.prmtop`));
  const inpcrd = classifyFile('ala2.inpcrd', head(`${ALA}/ala2.inpcrd`));
  const pdb = classifyFile('ala2.pdb', head(`${ALA}/ala2.pdb`));
  const hills = classifyFile('HILLS', head('test/fixtures/plumed/HILLS.periodic'));

  it('a topology with its coordinates is one molecule import, named after the topology', () => {
    expect(planDrop([inpcrd, prmtop])).toEqual({ molecule: { name: 'ala2', topology: 'ala2.prmtop', coordinates: 'ala2.inpcrd' }, trajectory: null, hills: null, wham: null, notes: [], errors: [] });
  });
  it('a topology or coordinates alone, or two coordinate files: refused with what to drop instead', () => {
    expect(planDrop([prmtop]).errors).toEqual(['ala2.prmtop: a topology needs its coordinates; drop it together with an .inpcrd, .rst7, .pdb or .xyz file.']);
    expect(planDrop([pdb]).errors[0]).toMatch(/^ala2\.pdb: coordinates alone have no force field/);
    const two = planDrop([prmtop, inpcrd, pdb]);
    expect(two.molecule).toBeNull();
    expect(two.errors[0]).toMatch(/^ala2\.inpcrd, ala2\.pdb: drop one coordinate file/);
  });
  it('a HILLS file is imported with its COLVAR, beside a molecule; a DCD or a lone COLVAR gets a note naming it', () => {
    const colvar = classifyFile('COLVAR', head('test/fixtures/plumed/COLVAR.restart'));
    const p = planDrop([prmtop, inpcrd, hills, colvar]);
    expect(p.molecule?.name).toBe('ala2');
    expect(p.hills).toEqual({ name: 'HILLS', hills: 'HILLS', colvar: 'COLVAR' });
    expect(p.notes).toEqual([]);
    expect(planDrop([colvar]).notes).toEqual([expect.stringMatching(/^COLVAR \(PLUMED COLVAR file\): a COLVAR is imported together with its HILLS file/)]);
    expect(planDrop([hills, { ...hills, name: 'HILLS.2' }]).errors[0]).toMatch(/^HILLS, HILLS\.2: drop one HILLS file/);
  });
  it('a DCD is one trajectory import (with or without the molecule dropped with it); two DCDs are refused by name', () => {
    const dcd = classifyFile('traj.dcd', head('test/fixtures/molecules/ala2-300K-1000.dcd'));
    expect(planDrop([dcd])).toMatchObject({ trajectory: 'traj.dcd', molecule: null, errors: [], notes: [] });
    expect(planDrop([prmtop, inpcrd, dcd])).toMatchObject({ trajectory: 'traj.dcd', molecule: { name: 'ala2' } });
    const two = planDrop([dcd, { ...dcd, name: 'b.dcd' }]);
    expect(two.trajectory).toBeNull();
    expect(two.errors).toEqual(['traj.dcd, b.dcd: drop one DCD trajectory at a time.']);
  });
  it('WHAM metadata with all its windows is one import; missing windows are named; the windows are not "unknown files"', () => {
    const metaText = readFileSync(join(root, 'test/fixtures/wham/metadata.txt'), 'utf8');
    const meta = classifyFile('metadata.txt', new TextEncoder().encode(metaText));
    expect(meta.kind).toBe('wham-metadata');
    const names = metadataWindowNames(metaText);
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `window${i}.dat`));
    const windows = names.map((n) => classifyFile(n, head(`test/fixtures/wham/${n}`)));
    expect(windows.every((w) => w.kind === null)).toBe(true);
    const all = planDrop([meta, ...windows], { 'metadata.txt': names });
    expect(all).toMatchObject({ wham: { name: 'metadata', metadata: 'metadata.txt', windows: names }, errors: [] });
    const some = planDrop([meta, ...windows.slice(0, 5)], { 'metadata.txt': names });
    expect(some.wham).toBeNull();
    expect(some.errors).toEqual([expect.stringMatching(/^metadata\.txt names window files that were not dropped with it: window5\.dat, window6\.dat\./)]);
    // A stray file that the metadata does not name is still refused, by name.
    expect(planDrop([meta, ...windows, classifyFile('extra.dat', new TextEncoder().encode('0 1\n'))], { 'metadata.txt': names }).errors).toEqual([expect.stringMatching(/^extra\.dat: Liftwell does not recognise/)]);
  });
});
