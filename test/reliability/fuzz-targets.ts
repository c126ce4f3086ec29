/**
 * Fuzz targets (issue 14): every parser of user files and every API input schema, each with a
 * fast-check arbitrary (mutations of a valid file, or random input) and the property that must
 * hold for every input: it parses, or it fails with the app's own error type whose message names
 * the file. No TypeError/RangeError, no huge allocation from a header's claims, no hang.
 * Used by fuzz.test.ts (short, seeded, in the suite) and scripts/fuzz.mjs (>= 10^5 inputs each).
 */
import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, calls } from '../../src-main/api/contract';
import { EngineInputError } from '../../src-main/engine/errors';
import { InputFileError } from '../../src-main/engine/io/errors';
import { decodeNpy, encodeNpy } from '../../src-main/engine/io/npy';
import { parseTimeSeries, parseWhamMetadata } from '../../src-main/engine/io/grossfield';
import { parseHills, parsePlumedTable } from '../../src-main/engine/io/plumed';
import { parsePrmtop } from '../../src-main/engine/molecules/amber/prmtop';
import { parseInpcrd } from '../../src-main/engine/molecules/amber/inpcrd';
import { parsePdb } from '../../src-main/engine/molecules/formats/pdb';
import { parseXyz } from '../../src-main/engine/molecules/formats/xyz';
import { parseDcd } from '../../src-main/engine/molecules/formats/dcd';
import { parseExpression } from '../../src-main/engine/expr/parse';
import { parseCvDefinition } from '../../src-main/engine/molecules/cv/parse';
import { parseWhamMetadata2d } from '../../src-main/cli/commands/fes';
import { readProjectFile } from '../../src-main/store/project';
import { readRunFile } from '../../src-main/runs/run-file';

const root = join(import.meta.dirname, '../..');
const fixture = (rel: string) => readFileSync(join(root, rel));

/** An input's failure is fine when it is ours and says which file. */
function expectCleanFailure(error: unknown, fileName: string | null): void {
  const ours = error instanceof InputFileError || error instanceof EngineInputError || error instanceof ApiError;
  if (!ours) throw new Error(`not a clean failure: ${(error as Error)?.name}: ${(error as Error)?.message}`);
  if (fileName !== null && !(error as Error).message.includes(fileName)) throw new Error(`the message does not name ${fileName}: ${(error as Error).message}`);
}

function parsesOrFailsCleanly(run: () => unknown, fileName: string | null): void {
  try {
    run();
  } catch (error) {
    expectCleanFailure(error, fileName);
  }
}

type Op = [kind: number, at: number, length: number, text: string];
const ops = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat({ max: 64 }), fc.string({ maxLength: 24 })), { minLength: 1, maxLength: 6 });

/** Deletes, inserts, replaces, truncates or duplicates pieces of a valid text. */
function mutateText(seed: string, list: Op[]): string {
  let s = seed;
  for (const [kind, at0, length, text] of list) {
    const at = s.length ? at0 % s.length : 0;
    if (kind === 0) s = s.slice(0, at) + s.slice(at + length);
    else if (kind === 1) s = s.slice(0, at) + text + s.slice(at);
    else if (kind === 2) s = s.slice(0, at) + text + s.slice(at + text.length);
    else if (kind === 3) s = s.slice(0, at);
    else s = s.slice(0, at) + s.slice(at, at + length * 16) + s.slice(at);
  }
  return s;
}

/** The same on bytes (numbers in `text` become byte values). */
function mutateBytes(seed: Uint8Array, list: Op[]): Uint8Array {
  let b = Array.from(seed);
  for (const [kind, at0, length, text] of list) {
    const at = b.length ? at0 % b.length : 0;
    const bytes = Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    if (kind === 0) b.splice(at, length);
    else if (kind === 1) b.splice(at, 0, ...bytes);
    else if (kind === 2) b.splice(at, bytes.length, ...bytes);
    else if (kind === 3) b = b.slice(0, at);
    else b.splice(at, 0, ...b.slice(at, at + length));
  }
  return Uint8Array.from(b);
}

const textTarget = (seed: string, parse: (text: string) => unknown, file: string | null) =>
  fc.property(fc.oneof({ weight: 4, arbitrary: ops.map((o) => mutateText(seed, o)) }, { weight: 1, arbitrary: fc.string({ maxLength: 400 }) }), (text) =>
    parsesOrFailsCleanly(() => parse(text), file),
  );

const bytesTarget = (seed: Uint8Array, parse: (bytes: Uint8Array) => unknown, file: string) =>
  fc.property(fc.oneof({ weight: 4, arbitrary: ops.map((o) => mutateBytes(seed, o)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) }), (bytes) =>
    parsesOrFailsCleanly(() => parse(bytes), file),
  );

const metadata = 'windows/w0.dat -1.0 30\nwindows/w1.dat -0.5 30 10\n# comment\nwindows/w2.dat 0.0 30 10 300\n';
const metadata2d = 'w0.dat -1.0 0.5 30 30\nw1.dat -0.5 0.5 30 30 10\n';
const series = Array.from({ length: 40 }, (_, i) => `${i} ${Math.sin(i)} 0.0`).join('\n') + '\n';
const colvar = '#! FIELDS time x y metad.bias\n#! SET min_x -pi\n#! SET max_x pi\n0 0.1 0.2 0\n1 0.3 -0.4 0.01\n2 1e-3 2.5 0.02\n';
const projectSeed = JSON.stringify({ schemaVersion: 1, name: 'P', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', systems: [{ id: 'sys-1', name: 'dw', spec: { kind: 'double-well', a: 1 }, created: '2026-01-01T00:00:00Z' }], runs: [{ id: 'run-1', name: 'r', created: '2026-01-01T00:00:00Z' }] }, null, 2);

/** Every fuzz target by name; `dir` is a scratch folder for the file-reading ones. */
export function fuzzTargets(dir: string): Record<string, fc.IProperty<[unknown]> | fc.IAsyncProperty<[unknown]>> {
  const prmtop = fixture('resources/molecules/alanine-dipeptide/ala2.prmtop').toString('utf8');
  const inpcrd = fixture('resources/molecules/alanine-dipeptide/ala2.inpcrd').toString('utf8');
  const pdb = fixture('test/fixtures/molecules/formats/ala2_mdtraj.pdb').toString('utf8');
  const xyz = fixture('test/fixtures/molecules/formats/ala2_mdtraj.xyz').toString('utf8');
  const dcd = new Uint8Array(fixture('test/fixtures/molecules/formats/ala2_openmm.dcd'));
  const hills = fixture('test/fixtures/plumed/HILLS.periodic').toString('utf8');
  const npy = encodeNpy(Float64Array.from({ length: 24 }, (_, i) => i / 3), [4, 6]);
  const exprUnits = fc.constantFrom('x', 'y', 'a', '+', '-', '*', '/', '^', '(', ')', 'sin', 'exp', 'log', 'sqrt', '1', '2.5', '1e308', ' ', ',', 'pi', '.', 'e');
  mkdirSync(join(dir, 'runs', 'run-1'), { recursive: true });
  return {
    npy: bytesTarget(npy, (b) => decodeNpy(b, 'fuzz.npy'), 'fuzz.npy'),
    'grossfield-metadata': textTarget(metadata, (t) => parseWhamMetadata(t, 'meta.txt'), 'meta.txt'),
    'grossfield-metadata-2d': textTarget(metadata2d, (t) => parseWhamMetadata2d(t, 'meta2d.txt'), 'meta2d.txt'),
    'grossfield-window': textTarget(series, (t) => parseTimeSeries(t, 'w0.dat'), 'w0.dat'),
    'plumed-colvar': textTarget(colvar, (t) => parsePlumedTable(t, 'COLVAR'), 'COLVAR'),
    'plumed-hills': textTarget(hills, (t) => parseHills(t, 'HILLS'), 'HILLS'),
    prmtop: textTarget(prmtop, (t) => parsePrmtop(t, 'fuzz.prmtop'), 'fuzz.prmtop'),
    inpcrd: textTarget(inpcrd, (t) => parseInpcrd(t, 'fuzz.inpcrd'), 'fuzz.inpcrd'),
    pdb: textTarget(pdb, (t) => parsePdb(t, 'fuzz.pdb'), 'fuzz.pdb'),
    xyz: textTarget(xyz, (t) => parseXyz(t, 'fuzz.xyz'), 'fuzz.xyz'),
    dcd: bytesTarget(dcd, (b) => parseDcd(b, 'fuzz.dcd'), 'fuzz.dcd'),
    expression: fc.property(fc.string({ unit: exprUnits, maxLength: 40 }), (text) =>
      parsesOrFailsCleanly(() => parseExpression(text, { variables: ['x', 'y'], parameters: { a: 2 } }), null)),
    'cv-definition': textTarget('phi=dihedral(5,7,9,15)', (t) => parseCvDefinition(t, { nAtoms: 22 }), null),
    'project-file': fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: ops.map((o) => mutateText(projectSeed, o)) }, { weight: 1, arbitrary: fc.json() }), async (text) => {
      writeFileSync(join(dir, 'project.json'), text);
      try {
        await readProjectFile(dir);
      } catch (error) {
        expectCleanFailure(error, join(dir, 'project.json'));
      }
    }),
    'run-file': fc.asyncProperty(fc.oneof(fc.json(), ops.map((o) => mutateText(JSON.stringify({ schemaVersion: 1, run: { id: 'run-1' }, job: { kind: 'umbrella' } }), o))), async (text) => {
      writeFileSync(join(dir, 'runs', 'run-1', 'run.json'), text);
      try {
        await readRunFile(dir, 'run-1');
      } catch (error) {
        expectCleanFailure(error, 'run.json');
      }
    }),
    'api-inputs': fc.property(fc.constantFrom(...Object.keys(calls)), fc.anything({ maxDepth: 3 }), (name, input) => {
      // Every call's schema (what the WebSocket and IPC transports validate) answers, never throws.
      const parsed = (calls as Record<string, { input: { safeParse(v: unknown): { success: boolean } } }>)[name].input.safeParse(input);
      if (typeof parsed.success !== 'boolean') throw new Error('safeParse gave no answer');
    }) as unknown as fc.IProperty<[unknown]>,
    'websocket-message': fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json().map((j) => j), fc.jsonValue().map((v) => JSON.stringify({ id: 1, method: 'getAppInfo', params: v }))), (text) => {
      // The server's first step on a message (server.ts): JSON, an object with a numeric id.
      let request: unknown;
      try {
        request = JSON.parse(text);
      } catch {
        return;
      }
      if (request && typeof request === 'object' && typeof (request as { id?: unknown }).id === 'number') {
        const method = (request as { method?: unknown }).method;
        if (typeof method === 'string' && method in calls) (calls as Record<string, { input: { safeParse(v: unknown): unknown } }>)[method].input.safeParse((request as { params?: unknown }).params ?? {});
      }
    }),
  };
}
