/** `liftwell piece`: one piece of a run, computed here (what each Slurm array task runs). */
import { resolve } from 'node:path';
import { runPiece } from '../../runs/runtime/slurm/piece';
import { normaliseProjectPath } from '../../store/project';
import { integerOption, parseCommandArgs, positiveOption, requireString } from '../args';

export const pieceHelp = `liftwell piece --project DIR.liftwell --run RUN_ID --index K [--checkpoint-seconds 30]

Computes piece K of a run (umbrella window K, or the single task of a metadynamics, ensemble,
molecular or training run) in this process, writing its files into the project exactly as a
local worker thread would; a piece that was stopped continues from its checkpoint. This is what
the job scripts of the Slurm executor run on the cluster nodes; progress and the outcome go to
runs/RUN_ID/slurm/piece-K.progress and piece-K.exit.json. Exit code 0 when the piece finished.`;

export async function runPieceCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { project: { type: 'string' }, run: { type: 'string' }, index: { type: 'string' }, 'checkpoint-seconds': { type: 'string' } });
  if (values.help) {
    console.log(pieceHelp);
    return 0;
  }
  const projectPath = normaliseProjectPath(resolve(requireString(values, 'project')));
  const runId = requireString(values, 'run');
  const index = integerOption(values, 'index', undefined, 0);
  const checkpointSeconds = positiveOption(values, 'checkpoint-seconds', 30);
  await runPiece(projectPath, runId, index, { checkpointIntervalMs: checkpointSeconds * 1000 });
  return 0;
}
