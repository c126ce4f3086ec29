/**
 * Every run kind Liftwell knows, one line each (see run-kind.ts for what a kind provides and
 * docs/run-kinds.md for adding one). The job manager, the worker and the API handlers look kinds
 * up here instead of switching on job.kind.
 */
import type { Job } from './run-file';
import type { RunKind } from './run-kind';
import { umbrellaKind } from './umbrella';
import { metadKind } from './metad';
import { molecularKind } from './molecular';
import { trainKind } from './train';
import { ensembleKind } from './ensemble';

export const runKinds = { umbrella: umbrellaKind, metad: metadKind, molecular: molecularKind, train: trainKind, ensemble: ensembleKind } as const;

export type RunKindName = keyof typeof runKinds;

/** A run kind with its job type, for code that handles any kind through the RunKind members only. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- params, plan source and run file differ by kind
export type AnyRunKindOf<J extends Job> = RunKind<J, any, any, any>;

/** The run kind of a job. */
export function runKindOf<J extends Job>(job: J): AnyRunKindOf<J> {
  const kind = (runKinds as Record<string, unknown>)[job.kind];
  if (!kind) throw new Error(`unknown run kind "${job.kind}"`);
  return kind as AnyRunKindOf<J>;
}
