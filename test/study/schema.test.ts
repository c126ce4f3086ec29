/** study.json: the versioned schema, its shipped JSON Schema, and messages that name the key. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy, STUDY_SCHEMA_VERSION, StudyFileError, studyJsonSchema } from '../../src-main/study/schema';

const root = join(import.meta.dirname, '../..');
const example = (name: string) => readFileSync(join(root, 'resources/examples', name), 'utf8');

describe('study.json schema', () => {
  it('the shipped JSON Schema is the one generated from the zod schema', () => {
    const shipped = JSON.parse(readFileSync(join(root, 'resources/schemas/study.schema.json'), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(studyJsonSchema())));
  });

  it('the examples parse, with defaults filled in', () => {
    for (const file of ['fast-slow-closures.study.json', 'double-well-lift.study.json']) {
      const s = parseStudy(example(file), file);
      expect(s.schemaVersion).toBe(STUDY_SCHEMA_VERSION);
      expect(s.estimate.estimator).toBeDefined();
    }
  });

  it('bad files: every problem names its key; newer versions are refused by name', () => {
    const good = JSON.parse(example('fast-slow-closures.study.json'));
    const bad = { ...good, kT: -1, sampling: { ...good.sampling, windows: undefined }, dynamics: { ...good.dynamics, times: [1] }, extra: 1 };
    let error: StudyFileError | null = null;
    try {
      parseStudy(JSON.stringify(bad), 'my.study.json');
    } catch (e) {
      error = e as StudyFileError;
    }
    expect(error).toBeInstanceOf(StudyFileError);
    expect(error!.message).toMatch(/^my\.study\.json: /);
    expect(error!.problems.join('\n')).toMatch(/kT: must be > 0/);
    expect(error!.problems.join('\n')).toMatch(/dynamics\.times/);
    expect(error!.problems.join('\n')).toMatch(/extra/);
    expect(() => parseStudy(JSON.stringify({ ...good, schemaVersion: 2 }), 'x.json')).toThrow(/schemaVersion 2 is newer/);
    expect(() => parseStudy('{ "a": ', 'x.json')).toThrow(/x\.json: not valid JSON/);
    const { model: _model, ...noModel } = good;
    expect(() => parseStudy(JSON.stringify(noModel), 'x.json')).toThrow(/lift: lift needs a model stage/);
  });
});
