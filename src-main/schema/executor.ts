/**
 * Where a project's runs compute (the shared vocabulary of store, jobs and api): local worker
 * threads, or a Slurm cluster with its submission options.
 */
import { z } from 'zod';

/** Slurm's --time forms: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const SLURM_TIME = /^(\d+-)?\d+(:\d{2}){0,2}$/;

export const slurmSettingsSchema = z.object({
  executor: z.literal('slurm'),
  partition: z.string().regex(/^[A-Za-z0-9_.,-]+$/, 'a partition name (letters, digits, _ . , -)').optional(),
  time: z.string().regex(SLURM_TIME, 'a Slurm time limit such as 01:30:00 or 2-00:00:00').optional(),
  cpusPerTask: z.number().int().min(1).max(1024).optional(),
  gres: z.string().regex(/^[A-Za-z0-9_:,.-]+$/, 'a generic resource such as gpu:1').optional(),
  /** Shell lines run before each piece (module load ..., conda activate ...). */
  preamble: z.string().max(64 * 1024).optional(),
  /** How a compute node runs Liftwell; default: this installation's node + bin/liftwell.mjs. */
  liftwellCommand: z.string().min(1).max(4096).optional(),
  /**
   * sbatch: submit and follow from here. scripts-only: write the job scripts into the run folder
   * for a cluster this machine cannot reach; `liftwell collect` (or Resume) folds the results in.
   */
  submit: z.enum(['sbatch', 'scripts-only']).default('sbatch'),
  /** Re-submissions of a failed or killed piece before the run fails. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** How often squeue and the piece files are read (seconds). */
  pollSeconds: z.number().min(0.2).max(600).default(2),
});
export const executorSettingsSchema = z.discriminatedUnion('executor', [z.object({ executor: z.literal('local') }), slurmSettingsSchema]);

export type SlurmSettings = z.infer<typeof slurmSettingsSchema>;
export type ExecutorSettings = z.infer<typeof executorSettingsSchema>;

