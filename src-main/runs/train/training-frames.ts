/** What the training data loaders (data.ts for toy runs, molecular-data.ts for molecules) hand the trainer, and the error they throw for unreadable frames. */
import { LiftwellError } from '../../schema/errors';

export interface TrainingFrames {
  /** rows x condDim / rows x targetDim, row-major (training rows). */
  cond: Float64Array;
  target: Float64Array;
  rows: number;
  /** Frames in the hold-out interval (not trained on). */
  heldOutCond: Float64Array;
  heldOutTarget: Float64Array;
  heldOutRows: number;
  /**
   * Training rows per time series in row order (an umbrella window's walker, a metadynamics run):
   * the trainer holds out whole blocks of each for validation. Absent: one series.
   */
  segments?: number[];
}

/** A training input file that is missing or unreadable: 'bad-file', naming the file. */
export class TrainingDataError extends LiftwellError {
  constructor(readonly path: string, message: string) {
    super('bad-file', message, { path });
    this.name = 'TrainingDataError';
  }
}
