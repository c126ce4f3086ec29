/**
 * The result of a completed run, one reader per run kind: an analysis of the run's files (the
 * free-energy surface of umbrella windows, the reweighted metadynamics profile, ...). The API's
 * result calls (RunKind.calls.result) read through here; the caller checks that the run is
 * completed. The mapped type below makes a run kind without a reader a type error, and
 * test/runs/registry.test.ts checks it at run time too.
 *
 * Why not a member of RunKind: reading a result is an analysis, and analysis/ sits above runs/
 * (it reads the kinds' folders), so runs/ never imports analysis/.
 */
import type { AnalysisProgress } from './progress';
import type { FesOptions } from './umbrella-fes/compute';
import { runAnalysis, type AnalysisPlace } from './run-analysis';
import { computeMetadResult } from './metad-result';
import { computeEnsembleResult } from './ensemble-result';
import { readMolecularResult } from './molecular-result';
import type { RunKindName } from '../runs/registry';
import type { EnsembleRunFile, MetadRunFile, MolecularRunFile, TrainRunFile, UmbrellaRunFile } from '../runs/run-file';
import { findModelEntry, modelRecordOf } from '../runs/train/models';

/** What reading a result may need besides the run file: where analyses run (analysis/thread.ts), progress, call options. */
export interface ResultContext<O = undefined> {
  analyses: AnalysisPlace;
  onProgress?(progress: AnalysisProgress): void;
  options: O;
}

export const runResults = {
  // MBAR (or WHAM) and bootstraps can take seconds: computed in an analysis thread (the app's).
  umbrella: (projectPath: string, file: UmbrellaRunFile, { analyses, onProgress, options }: ResultContext<FesOptions>) =>
    runAnalysis(analyses, { kind: 'fes', projectPath, file, options }, onProgress),
  metad: (projectPath: string, file: MetadRunFile) => computeMetadResult(projectPath, file),
  ensemble: (projectPath: string, file: EnsembleRunFile) => computeEnsembleResult(projectPath, file),
  molecular: (projectPath: string, file: MolecularRunFile) => readMolecularResult(projectPath, file),
  train: async (projectPath: string, file: TrainRunFile) => modelRecordOf(projectPath, await findModelEntry(projectPath, file.job.modelId)),
} satisfies { [K in RunKindName]: (projectPath: string, file: never, context: ResultContext<never>) => Promise<unknown> };
