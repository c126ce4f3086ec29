/**
 * Streaming writers for a run's final products (issue 14, finding 5): HILLS, COLVAR and .npy
 * files are made from the raw float64 row files (raw-files.ts) a chunk of rows at a time, into a
 * temporary sibling that is fsynced and renamed as atomicWriteSync does. Memory stays flat in
 * the run length: before, 760k hills became 760k objects and one string (1.1 GB peak).
 */
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ioError, tempPathFor } from '../../store/atomic';
import { npyHeader } from '../../engine/io/npy';
import { hillsFileHeight, hillsLayout, plumedHeader, plumedRow } from '../../engine/io/plumed';

/** Rows read per chunk: 8k rows of ~10 numbers = ~650 kB of doubles, under 1 MB of text. */
const CHUNK_ROWS = 8192;
/** Text is handed to the kernel in pieces of about this many characters. */
const TEXT_FLUSH = 1 << 18;

/** A file written piece by piece to a temporary sibling; `commit` renames it into place. */
export class AtomicFileStream {
  private readonly temp: string;
  private fd: number | null;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly path: string) {
    this.temp = tempPathFor(path);
    try {
      this.fd = openSync(this.temp, 'wx', 0o644);
    } catch (error) {
      throw ioError(error, path);
    }
  }

  text(chunk: string): void {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    if (this.pendingLength >= TEXT_FLUSH) this.flushText();
  }

  bytes(data: Uint8Array): void {
    this.flushText();
    this.writeAll(data);
  }

  commit(): void {
    this.flushText();
    try {
      fsyncSync(this.fd!);
      closeSync(this.fd!);
      this.fd = null;
      renameSync(this.temp, this.path);
    } catch (error) {
      this.abort();
      throw ioError(error, this.path);
    }
    try {
      const dir = openSync(dirname(this.path), 'r');
      fsyncSync(dir);
      closeSync(dir);
    } catch {
      /* best effort, as atomicWriteSync */
    }
  }

  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        /* ignore */
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.temp);
    } catch {
      /* ignore */
    }
  }

  private flushText(): void {
    if (!this.pendingLength) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    this.writeAll(data);
  }

  private writeAll(data: Uint8Array): void {
    try {
      let done = 0;
      while (done < data.length) done += writeSync(this.fd!, data, done, data.length - done);
    } catch (error) {
      this.abort();
      throw ioError(error, this.path);
    }
  }
}

/** Writes `path` through `fill`; on any failure the temporary file is removed and the old file kept. */
export function writeStreamed(path: string, fill: (out: AtomicFileStream) => void): void {
  const out = new AtomicFileStream(path);
  try {
    fill(out);
  } catch (error) {
    out.abort();
    throw error;
  }
  out.commit();
}

/** Complete rows of a raw float64 file (a missing file has none). */
export function rawRowCount(path: string, width: number): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  try {
    return Math.floor(fstatSync(fd).size / (8 * width));
  } finally {
    closeSync(fd);
  }
}

/** Calls `each(chunk, rows)` over the complete rows of a raw file, CHUNK_ROWS rows at a time. */
export function forEachRawChunk(path: string, width: number, each: (chunk: Float64Array, rows: number) => void): void {
  const total = rawRowCount(path, width);
  if (total === 0) return;
  const buffer = new Float64Array(Math.min(total, CHUNK_ROWS) * width);
  const bytes = new Uint8Array(buffer.buffer);
  const fd = openSync(path, 'r');
  try {
    for (let row = 0; row < total; row += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, total - row);
      const length = rows * width * 8;
      let got = 0;
      while (got < length) {
        const n = readSync(fd, bytes, got, length - got, row * width * 8 + got);
        if (n === 0) throw ioError(new Error('the file ended early'), path, 'read');
        got += n;
      }
      each(buffer.subarray(0, rows * width), rows);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A .npy of the raw file's rows, optionally keeping some columns only. The raw files hold the
 * machine's doubles; every platform Liftwell runs on is little-endian, as '<f8' needs.
 */
export function writeNpyFromRaw(npyPath: string, rawPath: string, width: number, columns: readonly number[] | null = null): number {
  const rows = rawRowCount(rawPath, width);
  const kept = columns ?? null;
  writeStreamed(npyPath, (out) => {
    out.bytes(npyHeader([rows, kept ? kept.length : width]));
    forEachRawChunk(rawPath, width, (chunk, n) => {
      if (!kept) {
        out.bytes(new Uint8Array(chunk.buffer, chunk.byteOffset, n * width * 8));
        return;
      }
      const picked = new Float64Array(n * kept.length);
      for (let r = 0; r < n; r++) for (let c = 0; c < kept.length; c++) picked[r * kept.length + c] = chunk[r * width + kept[c]];
      out.bytes(new Uint8Array(picked.buffer));
    });
  });
  return rows;
}

/** A PLUMED table (COLVAR) of the raw file's rows; `width` values per row, in `fields` order. */
export function writePlumedFromRaw(path: string, fields: readonly string[], rawPath: string, width: number, sets: Record<string, string> = {}): void {
  writeStreamed(path, (out) => {
    out.text(plumedHeader(fields, sets));
    forEachRawChunk(rawPath, width, (chunk, n) => {
      const lines: string[] = [];
      for (let r = 0; r < n; r++) lines.push(plumedRow(chunk, r * width, fields.length));
      out.text(lines.join('\n') + '\n');
    });
  });
}

/**
 * A PLUMED HILLS file from raw hill rows (time, centre per CV, sigma per CV, height added to the
 * bias), the same bytes as formatHills(hillsToData(...)). Returns the number of hills. With
 * `walkers` > 1 (multiple walkers depositing one hill each per pace, in walker order) a last
 * `walker` column says whose hill each row is: hill k is walker k mod walkers.
 */
export function writeHillsFromRaw(path: string, rawPath: string, cvNames: readonly string[], periodic: readonly ({ min: number; max: number } | null)[], biasFactor: number, walkers = 1): number {
  const d = cvNames.length;
  const width = 2 + 2 * d;
  const layout = hillsLayout(cvNames, periodic);
  const fields = walkers > 1 ? [...layout.fields, 'walker'] : layout.fields;
  const row = new Float64Array(fields.length);
  let hill = 0;
  writeStreamed(path, (out) => {
    out.text(plumedHeader(fields, layout.sets));
    forEachRawChunk(rawPath, width, (chunk, n) => {
      const lines: string[] = [];
      for (let r = 0; r < n; r++, hill++) {
        if (walkers > 1) row[3 + 2 * d] = hill % walkers;
        const at = r * width;
        row[0] = chunk[at];
        for (let i = 0; i < d; i++) {
          row[1 + i] = chunk[at + 1 + i];
          row[1 + d + i] = chunk[at + 1 + d + i];
        }
        row[1 + 2 * d] = hillsFileHeight(chunk[at + 1 + 2 * d], biasFactor);
        row[2 + 2 * d] = biasFactor;
        lines.push(plumedRow(row, 0, fields.length));
      }
      out.text(lines.join('\n') + '\n');
    });
  });
  return rawRowCount(rawPath, width);
}
