/**
 * `liftwell run STUDY.json --out DIR [--resume]`: a whole coupled study from one file
 * (src-main/study/pipeline.ts), headless. Progress on stderr; Ctrl-C cancels the running stage
 * (its run keeps a checkpoint) and --resume continues; unchanged stages are reused from the cache.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createAppContext } from '../../api/handlers';
import { ApiError } from '../../api/contract';
import { CliUsageError, parseCommandArgs, requireString } from '../args';
import { printJson } from '../output';
import { thisLiftwellCommand, workerScriptUrl } from '../../runs/runtime/bundle-paths';
import { userDataDir } from '../../store/user-data';
import { executorOptions, executorOptionsHelp, executorSettingsFromOptions } from '../executor-options';
import { parseAnyStudy, StudyFileError } from '../../study/schema';
import { runMoleculeStudy } from '../../study/molecule-pipeline';
import { callApi } from '../../study/api-client';
import { runStudy, StudyCancelledError } from '../../study/pipeline';

declare const __LIFTWELL_VERSION__: string | undefined;

export const runHelp = `liftwell run STUDY.json --out DIR [--resume] [--json] [--executor local|slurm [slurm options]]

Runs a whole study described by STUDY.json (see docs/study.md; JSON Schema in
resources/schemas/study.schema.json): sampling (umbrella windows, metadynamics or plain MD:
sampling.method) -> free energy (WHAM/MBAR, or reweighted histograms, with errors) -> conditional generative model -> lifting -> closures E[f | CV] and mean force (thermodynamic
integration) -> effective dynamics from short bursts (drift, diffusion, F_eff, first-passage
times). Writes the project folder DIR/<name>.liftwell, DIR/report.json and DIR/report.html.
A molecular study (system {"molecule": ...}: docs/study.md) runs molecular metadynamics or MD
replicas -> basin free energies -> model -> lifted structures (DIR/lifted/*.pdb) -> runs seeded
from them -> basin free energies of both rounds.

  --out DIR    output folder (created); refused if it already holds a study, unless --resume
  --resume     continue a cancelled or interrupted study in DIR: finished stages whose inputs
               are unchanged are reused, an interrupted run continues from its checkpoint
  --json       print report.json on stdout when done

Progress goes to stderr; Ctrl-C cancels (exit 1; --resume continues).

${executorOptionsHelp.replace(/\n  --scripts-only[\s\S]*$/, '')}
(--scripts-only is for single runs: liftwell umbrella.)`;

export async function runRun(argv: string[]): Promise<number> {
  const { values, positionals } = parseWithPositionals(argv);
  if (values.help) {
    console.log(runHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new CliUsageError(`give exactly one study file (got ${positionals.length})`);
  const file = resolve(positionals[0]);
  const outDir = resolve(requireString(values, 'out'));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ApiError('invalid-input', `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let study;
  try {
    study = parseAnyStudy(text, file);
  } catch (error) {
    if (error instanceof StudyFileError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
  const executor = executorSettingsFromOptions(values);
  if (executor?.executor === 'slurm' && executor.submit === 'scripts-only') {
    throw new CliUsageError('--scripts-only writes the scripts of one run (liftwell umbrella); a study needs each stage finished before the next');
  }
  const context = createAppContext({ userDataDir: userDataDir(), workerScript: workerScriptUrl(), transport: 'cli', liftwellCommand: thisLiftwellCommand(), analysesInThisThread: true });
  let cancelled = false;
  let activeRun: string | null = null;
  let projectPath: string | null = null;
  const onSigint = () => {
    // A lift in the model thread cannot be interrupted: a second Ctrl-C leaves at once (finished
    // stages and run checkpoints are on disk; --resume continues).
    if (cancelled) process.exit(130);
    cancelled = true;
    process.stderr.write('\ncancelling... (Ctrl-C again to quit now)\n');
    if (activeRun && projectPath) void callApi(context, 'cancelRun', { projectPath, runId: activeRun }).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  let lastLine = 0;
  try {
    const run = (options: Parameters<typeof runStudy>[2]) => (study.kind === 'molecule' ? runMoleculeStudy(study.study, text, options) : runStudy(study.study, text, options));
    const report = await run({
      outDir,
      resume: values.resume === true,
      executor,
      context,
      appVersion: typeof __LIFTWELL_VERSION__ === 'string' ? __LIFTWELL_VERSION__ : 'dev',
      log: (line) => {
        if (lastLine) process.stderr.write('\n');
        lastLine = 0;
        process.stderr.write(`${line}\n`);
      },
      progress: (stage, fraction, eta) => {
        const now = Date.now();
        if (now - lastLine < 200 && fraction < 1) return;
        lastLine = now;
        process.stderr.write(`\r${stage}: ${(fraction * 100).toFixed(1).padStart(5)}%  ETA ${eta === null || !Number.isFinite(eta) ? '--' : `${Math.round(eta)}s`}   `);
      },
      isCancelled: () => cancelled,
      onActiveRun: (runId, project) => {
        activeRun = runId;
        projectPath = project;
      },
    });
    if (values.json) printJson(report);
    return 0;
  } catch (error) {
    if (error instanceof StudyCancelledError) {
      console.error(`liftwell run: ${error.message} (liftwell run ${positionals[0]} --out ${outDir} --resume)`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await context.shutdown();
  }
}

function parseWithPositionals(argv: string[]) {
  return parseCommandArgs(argv, { out: { type: 'string' }, resume: { type: 'boolean' }, ...executorOptions }, true);
}
