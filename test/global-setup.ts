import { execFileSync } from 'node:child_process';

/** Bundle the Node entry points (CLI, server, job worker) once before the unit tests run. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' });
}
