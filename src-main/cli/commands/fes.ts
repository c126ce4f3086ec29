/** `liftwell fes`: free-energy profile from Grossfield WHAM input (metadata + window time series). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputFileError, parseTimeSeries, parseWhamMetadata } from '../../engine/io/grossfield';
import { wham1d, type UmbrellaWindow } from '../../engine/estimators/wham';
import { CliUsageError, integerOption, numberListOption, parseCommandArgs, positiveOption, requireString } from '../args';
import { printJson } from '../output';

export const fesHelp = `liftwell fes --metadata FILE --bins N --range=MIN,MAX [--kT VALUE] [--periodic] [--tolerance T] --json

Free-energy profile (PMF) by WHAM from Grossfield wham input.
  --metadata FILE   lines "path centre spring [correlation_time [temperature]]"; paths relative
                    to FILE; '#' starts a comment. Bias = 0.5*spring*(x-centre)^2.
  --bins N          number of histogram bins over the range
  --range=MIN,MAX   CV range (use '=' so negative numbers parse)
  --kT VALUE        thermal energy in the unit of the springs (default 1: energies in kT)
  --periodic        the CV is periodic with period MAX-MIN
  --tolerance T     convergence: max change of any window free energy, in kT (default 1e-10)
  --json            print one JSON object: centers, pmf (null = empty bin), windowFreeEnergies
                    (f_k - f_0, metadata order), iterations, converged, histograms, warnings
Window files: lines "time cv_value [more columns]". Malformed input exits with code 2 and a
message naming the file and line.`;

function readText(file: string, referencedFrom?: { file: string; line: number }): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    if (referencedFrom) throw new InputFileError(referencedFrom.file, referencedFrom.line, `cannot read window file ${file}: ${reason}`);
    throw new InputFileError(file, null, `cannot read: ${reason}`);
  }
}

export async function runFes(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    metadata: { type: 'string' },
    bins: { type: 'string' },
    range: { type: 'string' },
    kT: { type: 'string' },
    periodic: { type: 'boolean' },
    tolerance: { type: 'string' },
  });
  if (values.help) {
    console.log(fesHelp);
    return 0;
  }
  const metadataFile = resolve(requireString(values, 'metadata'));
  const bins = integerOption(values, 'bins', undefined, 1);
  const range = numberListOption(values, 'range', 2);
  if (!range) throw new CliUsageError('--range=MIN,MAX is required');
  const [min, max] = range;
  if (!(max > min)) throw new CliUsageError(`--range: MAX must be greater than MIN (got ${min},${max})`);
  const kT = positiveOption(values, 'kT', 1);
  const tolerance = positiveOption(values, 'tolerance', 1e-10);

  const entries = parseWhamMetadata(readText(metadataFile), metadataFile);
  const temperatures = new Set(entries.map((entry) => entry.temperature).filter((t) => t !== undefined));
  if (temperatures.size > 1) {
    throw new InputFileError(metadataFile, null, 'windows at different temperatures are not supported (one kT for all windows)');
  }
  const baseDir = dirname(metadataFile);
  const windows: UmbrellaWindow[] = entries.map((entry) => {
    const windowFile = resolve(baseDir, entry.path);
    const samples = parseTimeSeries(readText(windowFile, { file: metadataFile, line: entry.line }), windowFile);
    return { center: entry.center, spring: entry.spring, samples, label: `${entry.path} (${metadataFile}:${entry.line})` };
  });

  const result = wham1d(windows, { bins, min, max, kT, periodic: values.periodic === true, tolerance });
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  const summary = {
    centers: result.centers,
    pmf: result.pmf,
    windowFreeEnergies: result.windowFreeEnergies,
    windowCenters: windows.map((w) => w.center),
    iterations: result.iterations,
    converged: result.converged,
    tolerance: result.tolerance,
    samplesPerWindow: windows.map((w) => w.samples.length),
    samplesOutsideRange: result.samplesOutsideRange,
    histograms: result.histograms,
    warnings: result.warnings,
  };
  if (values.json) {
    printJson(summary);
  } else {
    console.log(`# WHAM: ${result.iterations} iterations, converged=${result.converged} (tolerance ${result.tolerance})`);
    console.log('# centre\tpmf');
    result.centers.forEach((c, i) => console.log(`${c}\t${Number.isFinite(result.pmf[i]) ? result.pmf[i] : 'nan'}`));
  }
  return 0;
}
