/**
 * `liftwell collect`: folds the results of pieces computed elsewhere (a scripts-only cluster
 * run, copied back) into the project: runs whose pieces are all there become completed.
 */
import { resolve } from 'node:path';
import type { RunRecord } from '../../api/contract';
import { createAppContext } from '../../api/handlers';
import { runKindOf } from '../../runs/registry';
import { readPieceExit } from '../../runs/runtime/slurm/files';
import { readProjectFile, normaliseProjectPath } from '../../store/project';
import { readAllRuns } from '../../runs/run-file';
import { parseCommandArgs } from '../args';
import { printJson } from '../output';
import { workerScriptUrl } from '../../runs/runtime/bundle-paths';
import { userDataDir } from '../../store/user-data';
import { CliUsageError } from '../args';

export const collectHelp = `liftwell collect DIR.liftwell [--json]

For every unfinished run of the project, checks which pieces have their result files (e.g. after
the job scripts written by --executor slurm --scripts-only ran on a cluster and the project was
copied back). Runs with every piece present are marked completed, so the app and getFes etc. use
them; for the others the missing pieces are listed, with the error a failed piece recorded.
Nothing is computed or submitted. Exit code 0 when every run is complete, 1 otherwise.`;

interface CollectedRun {
  runId: string;
  name: string;
  status: RunRecord['status'];
  pieces: number;
  missing: { index: number; error?: string }[];
}

export async function runCollect(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  if (values.help) {
    console.log(collectHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new CliUsageError('give one project folder: liftwell collect DIR.liftwell');
  const projectPath = normaliseProjectPath(resolve(positionals[0]));
  const { runs, problems } = await readAllRuns(projectPath, await readProjectFile(projectPath));
  for (const message of problems) console.error(`warning: ${message}`);
  const context = createAppContext({ userDataDir: userDataDir(), workerScript: workerScriptUrl(), transport: 'cli' });
  const report: CollectedRun[] = [];
  try {
    for (const file of runs) {
      if (file.run.status === 'completed') continue;
      const kind = runKindOf(file.job);
      const pieces = kind.taskUnits(file.job).length;
      const missing: CollectedRun['missing'] = [];
      for (let k = 0; k < pieces; k++) {
        if (kind.isTaskDone(projectPath, file.run.id, file.job, k)) continue;
        const exit = readPieceExit(projectPath, file.run.id, k);
        missing.push({ index: k, ...(exit && exit.code !== 0 ? { error: exit.message ?? `exit code ${exit.code}` } : {}) });
      }
      let status: RunRecord['status'] = file.run.status;
      // Every piece is there: the manager completes such a run at once, without computing.
      if (missing.length === 0) status = (await context.jobs.start(projectPath, file)).status;
      report.push({ runId: file.run.id, name: file.run.name, status, pieces, missing });
    }
  } finally {
    await context.shutdown();
  }
  if (values.json) printJson({ projectPath, runs: report });
  else if (report.length === 0) console.log('every run of the project was already complete');
  else {
    for (const r of report) {
      const what = r.missing.length ? `${r.missing.length} of ${r.pieces} pieces missing (${r.missing.map((m) => m.index).join(', ')})` : `all ${r.pieces} pieces present`;
      console.log(`${r.runId}  ${r.status.padEnd(11)} ${what}  ${r.name}`);
      for (const m of r.missing) if (m.error) console.log(`    piece ${m.index} failed: ${m.error}`);
    }
  }
  return report.every((r) => r.status === 'completed') ? 0 : 1;
}
