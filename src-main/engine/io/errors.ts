/** A problem in user-supplied file contents; message "FILE:LINE: problem" (or "FILE: problem"). */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'InputFileError';
  }
}
