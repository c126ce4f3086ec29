/**
 * `liftwell` command line: the same engine and API handlers as the app, no GUI.
 * Exit codes: 0 success, 1 the work failed (e.g. a cancelled run), 2 bad usage or bad input.
 */
import { runFes, fesHelp } from './commands/fes';
import { runCv, cvHelp } from './commands/cv';
import { runDmap, dmapHelp } from './commands/dmap';
import { runMetad, metadHelp } from './commands/metad';
import { runSample, sampleHelp } from './commands/sample';
import { runUmbrella, umbrellaHelp } from './commands/umbrella';
import { runTrain, trainHelp } from './commands/train';
import { runLift, liftHelp } from './commands/lift';
import { runEnergy, energyHelp } from './commands/energy';
import { runMd, mdHelp } from './commands/md';
import { CliUsageError } from './args';
import { toErrorShape } from '../api/dispatch';
import { ApiError } from '../api/contract';

declare const __LIFTWELL_VERSION__: string | undefined;
const version = typeof __LIFTWELL_VERSION__ === 'string' ? __LIFTWELL_VERSION__ : 'dev';

interface Command { summary: string; help: string; run(argv: string[]): Promise<number> }

// Listed in the order of a study: sample, estimate, molecules, learned CVs, generative lifting.
const commands: Record<string, Command> = {
  sample: { summary: 'overdamped Langevin walkers of a built-in system', help: sampleHelp, run: runSample },
  umbrella: { summary: 'run a whole umbrella study in a project folder, print its WHAM profile', help: umbrellaHelp, run: runUmbrella },
  metad: { summary: 'well-tempered metadynamics of a built-in system, final FES grid', help: metadHelp, run: runMetad },
  fes: { summary: 'free energy (WHAM or MBAR, 1D or 2D, errors, basins) from Grossfield metadata + window files', help: fesHelp, run: runFes },
  energy: { summary: 'AMBER force-field energies (per term) and forces of coordinate frames', help: energyHelp, run: runEnergy },
  md: { summary: 'Langevin dynamics (BAOAB, SHAKE/RATTLE) of an AMBER system in vacuum', help: mdHelp, run: runMd },
  cv: { summary: 'atomic CVs (distance, angle, dihedral, RMSD) of every frame of a trajectory', help: cvHelp, run: runCv },
  dmap: { summary: 'diffusion-map coordinates (learned CVs) of an N x D .npy', help: dmapHelp, run: runDmap },
  train: { summary: 'train a conditional generative model p(x | cond) on .npy arrays', help: trainHelp, run: runTrain },
  lift: { summary: 'generate samples at a condition value from a trained model', help: liftHelp, run: runLift },
  run: { summary: 'a whole coupled study from a study.json: FES, closures, mean force, effective dynamics, report', help: 'liftwell run STUDY.json --out DIR [--resume] [--json]   (liftwell run --help for details)', run: (a) => import('./commands/run').then((m) => m.runRun(a)) },
};

export const mainHelp = `Liftwell ${version}: enhanced sampling, free energies and generative lifting.

Usage: liftwell COMMAND [options]      (liftwell COMMAND --help for its options)

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Options that take negative numbers need '=': --range=-1.5,1.5.
Exit codes: 0 ok, 1 the work failed or was cancelled, 2 bad usage or bad input.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands[rest[0] ?? ''] : undefined;
    console.log(topic ? topic.help : mainHelp);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`liftwell: unknown command "${name}"\n\n${mainHelp}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(`liftwell ${name}: ${error.message}\n(see liftwell ${name} --help)`);
      return 2;
    }
    const shape = toErrorShape(error);
    console.error(`liftwell ${name}: ${shape.message}`);
    // Bad input (files, parameters) is the user's to fix: exit 2; anything else is ours: exit 1.
    const badInput = shape.code === 'invalid-input' || shape.code === 'bad-file' || shape.code === 'not-found' || (error instanceof ApiError && error.code === 'io');
    return badInput ? 2 : 1;
  }
}
