/** Reading a file named by a command-line option, with a message naming the file and the option. */
import { readFileSync } from 'node:fs';
import { InputFileError } from '../engine/io/errors';

export function readOptionFile(file: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(file, null, `cannot read (--${option}): ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
}
