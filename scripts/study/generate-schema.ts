// Regenerates resources/schemas/study.schema.json from the zod schema (src-main/study/schema.ts):
//   npx tsx scripts/study/generate-schema.ts
// test/study/schema.test.ts fails while the shipped file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { studyJsonSchema } from '../../src-main/study/schema';

const out = join(import.meta.dirname, '..', '..', 'resources', 'schemas', 'study.schema.json');
writeFileSync(out, JSON.stringify(studyJsonSchema(), null, 2) + '\n');
console.log(`wrote ${out}`);
