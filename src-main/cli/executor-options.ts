/**
 * The executor options shared by the commands that start runs (`umbrella`, and `run` for
 * studies): where the pieces compute, saved as the project's executor settings.
 */
import { readFileSync } from 'node:fs';
import { executorSettingsSchema, type ExecutorSettings } from '../schema/executor';
import { CliUsageError, integerOption, numberOption, type OptionSpec, type ParsedValues } from './args';

export const executorOptions: OptionSpec = {
  executor: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  gres: { type: 'string' },
  preamble: { type: 'string' },
  'liftwell-command': { type: 'string' },
  'max-retries': { type: 'string' },
  'poll-seconds': { type: 'string' },
  'scripts-only': { type: 'boolean' },
};

export const executorOptionsHelp = `Where the pieces (windows, tasks) compute; saved as the project's setting (executor.json):
  --executor local|slurm   local worker threads (default), or a Slurm job array per run
  --partition P            sbatch --partition
  --time HH:MM:SS          sbatch --time (per piece)
  --cpus-per-task N        sbatch --cpus-per-task
  --gres gpu:1             sbatch --gres
  --preamble FILE          shell lines run before each piece (module load ..., source ...)
  --liftwell-command CMD   how a node starts Liftwell (default: this installation, which the
                           nodes must see on a shared file system)
  --max-retries N          re-submissions of a failed or killed piece (default 2)
  --poll-seconds S         how often squeue is read (default 2)
  --scripts-only           write runs/<id>/slurm/piece.sh and submit.sh for a cluster this machine
                           cannot reach; submit there, copy back, then \`liftwell collect DIR\``;

/** The settings the options ask for, or null when no executor option was given. */
export function executorSettingsFromOptions(values: ParsedValues): ExecutorSettings | null {
  const slurmOnly = ['partition', 'time', 'cpus-per-task', 'gres', 'preamble', 'liftwell-command', 'max-retries', 'poll-seconds', 'scripts-only'].filter((k) => values[k] !== undefined);
  const executor = values.executor;
  if (executor === undefined) {
    if (slurmOnly.length) throw new CliUsageError(`--${slurmOnly[0]} needs --executor slurm`);
    return null;
  }
  if (executor === 'local') {
    if (slurmOnly.length) throw new CliUsageError(`--${slurmOnly[0]} needs --executor slurm (got --executor local)`);
    return { executor: 'local' };
  }
  if (executor !== 'slurm') throw new CliUsageError(`--executor must be local or slurm (got ${String(executor)})`);
  let preamble: string | undefined;
  if (typeof values.preamble === 'string') {
    try {
      preamble = readFileSync(values.preamble, 'utf8');
    } catch (error) {
      throw new CliUsageError(`--preamble: cannot read ${values.preamble} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const candidate = {
    executor: 'slurm' as const,
    ...(typeof values.partition === 'string' ? { partition: values.partition } : {}),
    ...(typeof values.time === 'string' ? { time: values.time } : {}),
    ...(values['cpus-per-task'] !== undefined ? { cpusPerTask: integerOption(values, 'cpus-per-task', undefined, 1) } : {}),
    ...(typeof values.gres === 'string' ? { gres: values.gres } : {}),
    ...(preamble !== undefined ? { preamble } : {}),
    ...(typeof values['liftwell-command'] === 'string' ? { liftwellCommand: values['liftwell-command'] } : {}),
    ...(values['max-retries'] !== undefined ? { maxRetries: integerOption(values, 'max-retries', undefined, 0) } : {}),
    ...(values['poll-seconds'] !== undefined ? { pollSeconds: numberOption(values, 'poll-seconds') } : {}),
    submit: values['scripts-only'] ? ('scripts-only' as const) : ('sbatch' as const),
  };
  const parsed = executorSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = { cpusPerTask: 'cpus-per-task', liftwellCommand: 'liftwell-command', maxRetries: 'max-retries', pollSeconds: 'poll-seconds' }[String(issue.path[0])] ?? String(issue.path[0]);
    throw new CliUsageError(`--${option}: ${issue.message}`);
  }
  return parsed.data;
}
