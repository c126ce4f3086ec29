/**
 * Errors are classified by class (instanceof), never by error.name, and keep their code and the
 * user's message when they cross a worker thread (posted as a shape, rebuilt as LiftwellError).
 * Exact answers: each class has one documented code and its message verbatim.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ApiError, LiftwellError, isLiftwellErrorCode } from '../../src-main/schema/errors';
import { toErrorShape as classify } from '../../src-main/schema/error-shape';
import { classifyError } from '../../src-main/schema/classify-error';
import { toErrorShape } from '../../src-main/api/dispatch';
import { EngineInputError, SimulationDivergedError } from '../../src-main/engine/errors';
import { InputFileError } from '../../src-main/engine/io/errors';
import { ExpressionError } from '../../src-main/engine/expr/parse';
import { BiasOutsideGridError } from '../../src-main/engine/bias/grid';
import { TrainingDataError } from '../../src-main/runs/train/data';

const zodError = z.object({ steps: z.number().int() }).safeParse({ steps: 1.5 }).error!;

/** Every class a worker or handler throws, with the code the API must report and the words it must show. */
const cases: { what: string; error: unknown; code: string; message: string | RegExp; details?: unknown }[] = [
  { what: 'LiftwellError', error: new LiftwellError('conflict', 'run is busy', { owner: 7 }), code: 'conflict', message: 'run is busy', details: { owner: 7 } },
  { what: 'ApiError (alias)', error: new ApiError('not-found', 'no such run'), code: 'not-found', message: 'no such run' },
  { what: 'zod', error: zodError, code: 'invalid-input', message: /^steps: / },
  { what: 'EngineInputError', error: new EngineInputError(['dt must be > 0', 'kT must be > 0']), code: 'invalid-input', message: 'dt must be > 0; kT must be > 0' },
  { what: 'ExpressionError', error: new ExpressionError('unknown name "q"', 3), code: 'invalid-input', message: /unknown name "q"/ },
  { what: 'BiasOutsideGridError', error: new BiasOutsideGridError(0, 9, -2, 2), code: 'invalid-input', message: /CV 0 = 9 is outside the bias grid \[-2, 2\]/ },
  { what: 'InputFileError', error: new InputFileError('ala.pdb', 12, 'bad x'), code: 'invalid-input', message: 'ala.pdb:12: bad x' },
  { what: 'SimulationDivergedError', error: new SimulationDivergedError(3, 41), code: 'invalid-input', message: /^walker 3 diverged .* at step 41/ },
  { what: 'TrainingDataError', error: new TrainingDataError('/p/runs/r1/colvar.npy', '/p/runs/r1/colvar.npy: cannot read'), code: 'bad-file', message: '/p/runs/r1/colvar.npy: cannot read', details: { path: '/p/runs/r1/colvar.npy' } },
  { what: 'plain Error', error: new Error('boom'), code: 'internal', message: 'Unexpected error: boom' },
  { what: 'a thrown string', error: 'oops', code: 'internal', message: 'Unexpected error: oops' },
];

describe('toErrorShape classifies by class', () => {
  test.each(cases)('$what -> $code', ({ error, code, message, details }) => {
    const shape = toErrorShape(error);
    expect(shape.code).toBe(code);
    expect(shape.message).toMatch(message);
    if (details !== undefined) expect(shape.details).toEqual(details);
  });

  test('a look-alike name is not enough (no classification by error.name)', () => {
    const impostor = Object.assign(new Error('not really bad input'), { name: 'EngineInputError' });
    expect(toErrorShape(impostor).code).toBe('internal');
  });

  test('the dispatcher and the worker threads use one classifier', () => {
    expect(toErrorShape).toBe(classify);
  });

  test.each(cases.filter((c) => c.what !== 'zod'))('the zod-free classifier of walker threads agrees: $what', ({ error }) => {
    expect(classifyError(error)).toEqual(toErrorShape(error));
  });
});

describe('crossing a worker thread', () => {
  // postMessage copies with the structured clone algorithm: class and prototype are lost, so the
  // worker posts the shape and the main side rebuilds a LiftwellError from it.
  test.each(cases)('$what keeps its code and message', ({ error, code, message }) => {
    const posted = structuredClone(classify(error));
    const rebuilt = LiftwellError.fromShape(posted);
    expect(rebuilt).toBeInstanceOf(LiftwellError);
    const atApi = toErrorShape(rebuilt);
    expect(atApi.code).toBe(code);
    expect(atApi.message).toMatch(message);
    // Rebuilding twice (worker -> manager -> transport) does not stack prefixes.
    expect(toErrorShape(LiftwellError.fromShape(structuredClone(atApi))).message).toBe(atApi.message);
  });

  test('an unknown code from a damaged message reads as internal', () => {
    expect(isLiftwellErrorCode('conflict')).toBe(true);
    expect(isLiftwellErrorCode('teapot')).toBe(false);
    expect(LiftwellError.fromShape({ code: 'teapot' as never, message: 'x' }).code).toBe('internal');
  });
});
