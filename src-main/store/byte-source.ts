/**
 * The one adapter from an open file descriptor to the engine's ByteSource, so codecs that read
 * by offset (DCD) stream a file of any size a frame at a time instead of loading it whole.
 * Lives in store/ because the engine may not touch the file system.
 */
import { fstatSync, readSync } from 'node:fs';
import type { ByteSource } from '../engine/molecules/formats/frames';

/** A ByteSource over `fd` (size taken once, at creation); the caller opens and closes the fd. */
export function fdByteSource(fd: number): ByteSource {
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let got = 0;
      // readSync may return fewer bytes than asked (pipes, network file systems): loop until done or EOF.
      while (got < buffer.length) {
        const n = readSync(fd, buffer, got, buffer.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return buffer.subarray(0, got);
    },
  };
}
