/** A study interrupted by the user (Ctrl-C, Cancel); --resume continues it. */
export class StudyCancelledError extends Error {
  constructor(stage: string) {
    super(`cancelled during ${stage}; run again with --resume to continue`);
    this.name = 'StudyCancelledError';
  }
}
