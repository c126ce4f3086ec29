/**
 * The Liftwell API contract: every call the renderer (or CLI) can make, as a zod input schema
 * and an output type, plus the one typed event stream. Transports (Electron IPC, loopback
 * WebSocket) are generic over this table; the renderer imports only types from here.
 *
 * Split by concern (issue 9): compute, projects, systems, runs, molecules, models, analyses; this
 * file joins the call tables and re-exports the vocabulary (schema/), so imports of
 * `api/contract` keep working.
 *
 * Rule: inputs are validated in the main process for every call, whatever the transport.
 */
import type { z } from 'zod';
import type { CallName } from '../call-names';
import { computeCalls, type ComputeCallOutputs } from './compute';
import { projectCalls, type ProjectCallOutputs } from './projects';
import { systemCalls, type SystemCallOutputs } from './systems';
import { runCalls, type RunCallOutputs } from './runs';
import { moleculeCalls, trajectoryCalls, type MoleculeCallOutputs } from './molecules';
import { modelCalls, type ModelCallOutputs } from './models';
import { analysisCalls, type AnalysisCallOutputs } from './analyses';
import { trashCalls, type TrashCallOutputs } from './trash';
import { settingsCalls, type SettingsCallOutputs } from './settings';
import { studyCalls, type StudyCallOutputs } from './studies';
import { importCalls, type ImportCallOutputs } from './imports';

// ---------------------------------------------------------------- vocabulary (schema/)

// Systems, params, records and results live in schema/ (shared with store and runs); re-exported here
// so that `import ... from '../api/contract'` keeps working everywhere.
export * from '../../schema/systems';
export * from '../../schema/umbrella';
export * from '../../schema/metad';
export * from '../../schema/ensemble';
export * from '../../schema/molecules';
export * from '../../schema/models';
export * from '../../schema/records';
export * from '../../schema/fes';
export * from '../../schema/learned-cvs';
export * from '../../schema/regions';
export * from '../../schema/trash';
export * from '../../schema/imports';
export type { UserSettings } from '../../schema/user-settings';
export { executorSettingsSchema, type ExecutorSettings } from '../../schema/executor';

// ---------------------------------------------------------------- calls

export { computeCalls, type ComputeBackendInfo, type ComputeProviderInfo } from './compute';
export type { AppInfo } from './projects';
export type { PotentialGrid } from './systems';
export type * from './studies';

// The key order is the old single table's (seeded fuzz runs draw calls by index).
export const calls = {
  ...computeCalls,
  ...projectCalls,
  ...systemCalls,
  ...runCalls,
  ...moleculeCalls,
  ...modelCalls,
  ...trajectoryCalls,
  ...analysisCalls,
  ...trashCalls,
  ...settingsCalls,
  ...studyCalls,
  ...importCalls,
} as const;

/** Output type of each call. */
export interface CallOutputs extends ComputeCallOutputs, ProjectCallOutputs, SystemCallOutputs, RunCallOutputs, MoleculeCallOutputs, ModelCallOutputs, AnalysisCallOutputs, TrashCallOutputs, SettingsCallOutputs, StudyCallOutputs, ImportCallOutputs {}

export type { CallName } from '../call-names';
export { callNames } from '../call-names';
// Compile-time check that the schema table and the zod-free name list agree, both ways.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
const namesMatchSchemas: SameKeys<typeof calls, CallName> = true;
void namesMatchSchemas;
export type CallInput<K extends CallName> = z.input<(typeof calls)[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<(typeof calls)[K]['input']>;
export type CallOutput<K extends CallName> = CallOutputs[K];

/** The API as the renderer sees it: one async function per call. */
export type LiftwellApi = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };

// ---------------------------------------------------------------- events

export type { ApiEvent } from './events';

// ---------------------------------------------------------------- errors

// Defined without zod (schema/errors.ts) so that code paths that only report errors stay light.
export { ApiError, LiftwellError, isLiftwellErrorCode, type ApiErrorCode, type ApiErrorShape, type LiftwellErrorCode, type LiftwellErrorShape } from '../../schema/errors';

