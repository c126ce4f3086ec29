/**
 * `liftwell` command line: the same engine and API handlers as the app, no GUI.
 * Exit codes: 0 success, 1 the work failed (e.g. a cancelled run), 2 bad usage or bad input.
 *
 * Start-up speed: each command's module (and with it tfjs, zod, molecule code...) is imported
 * only when that command runs; `liftwell --help` loads this file and nothing else of ours.
 * The bundle is code-split (scripts/build-node.mjs), so a dynamic import here is a chunk file.
 */
import { CliUsageError } from './args';

declare const __LIFTWELL_VERSION__: string | undefined;
const version = typeof __LIFTWELL_VERSION__ === 'string' ? __LIFTWELL_VERSION__ : 'dev';

/** What a command module provides once loaded. */
export interface CommandModule { help: string; run(argv: string[]): Promise<number> }
interface Command { summary: string; load(): Promise<CommandModule> }

// Listed in the order of a study: sample, estimate, molecules, learned CVs, generative lifting.
// One line per command: `load` imports the module only when the command (or its help) is asked for.
const commands: Record<string, Command> = {
  sample: { summary: 'overdamped Langevin walkers of a built-in system', load: () => import('./commands/sample').then((m) => ({ help: m.sampleHelp, run: m.runSample })) },
  umbrella: { summary: 'run a whole umbrella study in a project folder, print its WHAM profile', load: () => import('./commands/umbrella').then((m) => ({ help: m.umbrellaHelp, run: m.runUmbrella })) },
  metad: { summary: 'well-tempered metadynamics of a built-in system or (--top) a molecule, final FES grid', load: () => import('./commands/metad').then((m) => ({ help: m.metadHelp, run: m.runMetad })) },
  fes: { summary: 'free energy (WHAM or MBAR, 1D or 2D, errors, basins) from Grossfield metadata + window files', load: () => import('./commands/fes').then((m) => ({ help: m.fesHelp, run: m.runFes })) },
  energy: { summary: 'AMBER force-field energies (per term) and forces of coordinate frames', load: () => import('./commands/energy').then((m) => ({ help: m.energyHelp, run: m.runEnergy })) },
  md: { summary: 'Langevin dynamics (BAOAB, SHAKE/RATTLE) of an AMBER system in vacuum', load: () => import('./commands/md').then((m) => ({ help: m.mdHelp, run: m.runMd })) },
  cv: { summary: 'atomic CVs (distance, angle, dihedral, RMSD) of every frame of a trajectory', load: () => import('./commands/cv').then((m) => ({ help: m.cvHelp, run: m.runCv })) },
  dmap: { summary: 'diffusion-map coordinates (learned CVs) of an N x D .npy', load: () => import('./commands/dmap').then((m) => ({ help: m.dmapHelp, run: m.runDmap })) },
  train: { summary: 'train a conditional generative model p(x | cond) on .npy arrays', load: () => import('./commands/train').then((m) => ({ help: m.trainHelp, run: m.runTrain })) },
  lift: { summary: 'generate samples at a condition value from a trained model', load: () => import('./commands/lift').then((m) => ({ help: m.liftHelp, run: m.runLift })) },
  run: { summary: 'a whole coupled study from a study.json: FES, closures, mean force, effective dynamics, report', load: () => import('./commands/run').then((m) => ({ help: m.runHelp, run: m.runRun })) },
  serve: { summary: 'the app in a browser: serve it on 127.0.0.1 and print its URL', load: () => import('./commands/serve').then((m) => ({ help: m.serveHelp, run: m.runServe })) },
  piece: { summary: 'compute one piece of a run (what cluster job arrays run on each node)', load: () => import('./commands/piece').then((m) => ({ help: m.pieceHelp, run: m.runPieceCommand })) },
  trash: { summary: 'delete runs, systems and models into the project trash; list, restore, empty it', load: () => import('./commands/trash').then((m) => ({ help: m.trashHelp, run: m.runTrash })) },
  collect: { summary: 'fold pieces computed on a cluster into the project; complete the runs', load: () => import('./commands/collect').then((m) => ({ help: m.collectHelp, run: m.runCollect })) },
};

/** The help text of one command (loads its module). */
export async function commandHelp(name: string): Promise<string | undefined> {
  return Object.hasOwn(commands, name) ? (await commands[name].load()).help : undefined;
}

export const mainHelp = `Liftwell ${version}: enhanced sampling, free energies and generative lifting.

Usage: liftwell COMMAND [options]      (liftwell COMMAND --help for its options)

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Options that take negative numbers need '=': --range=-1.5,1.5.
Exit codes: 0 ok, 1 the work failed or was cancelled, 2 bad usage or bad input.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? await commandHelp(rest[0] ?? '') : undefined;
    console.log(topic ?? mainHelp);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version);
    return 0;
  }
  if (!Object.hasOwn(commands, name)) {
    console.error(`liftwell: unknown command "${name}"\n\n${mainHelp}`);
    return 2;
  }
  try {
    const command = await commands[name].load();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(`liftwell ${name}: ${error.message}\n(see liftwell ${name} --help)`);
      return 2;
    }
    // The error shapes need zod: load them only on this (rare) path.
    const { toErrorShape } = await import('../schema/error-shape');
    const shape = toErrorShape(error);
    console.error(`liftwell ${name}: ${shape.message}`);
    // Bad input (files, parameters) is the user's to fix: exit 2; anything else is ours: exit 1.
    const badInput = shape.code === 'invalid-input' || shape.code === 'bad-file' || shape.code === 'not-found' || shape.code === 'io';
    return badInput ? 2 : 1;
  }
}
