/**
 * NumPy .npy reading and writing on bytes (no fs).
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * decodeNpy reads versions 1.0 (uint16 header length), 2.0 (uint32) and 3.0 (uint32, UTF-8
 * header); dtypes <f8 <f4 <i4 <i8 only (the explicit little-endian spelling NumPy writes;
 * big-endian, '|'/'=' and structured dtypes are rejected); C order only. Values are
 * returned as float64 (int64 beyond 2^53 loses precision, exactly as float(x) in Python).
 * encodeNpy writes version 1.0, '<f8', C order, header padded with spaces + '\n' so that the
 * data starts at a multiple of 64 bytes (what current NumPy writes; readable by every NumPy).
 */
import { InputFileError } from './errors';

export { InputFileError } from './errors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The .npy (version 1.0) header of a little-endian float64 C-order array of `shape`. */
export function npyHeader(shape: readonly number[]): Uint8Array {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new InputFileError('<encodeNpy>', null, `bad shape entry ${String(d)}`);
  }
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const unpadded = 10 + header.length + 1; // magic(6) + version(2) + len(2) + header + '\n'
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const hlen = header.length;
  if (hlen > 0xffff) throw new InputFileError('<encodeNpy>', null, 'header too long for .npy version 1.0');
  const out = new Uint8Array(10 + hlen);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = hlen & 0xff;
  out[9] = hlen >> 8;
  for (let i = 0; i < hlen; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array {
  const header = npyHeader(shape);
  let size = 1;
  for (const d of shape) size *= d;
  if (size !== data.length) {
    throw new InputFileError('<encodeNpy>', null, `shape (${shape.join(', ')}) holds ${size} values but data has ${data.length}`);
  }
  const out = new Uint8Array(header.length + data.length * 8);
  out.set(header, 0);
  const dv = new DataView(out.buffer, out.byteOffset + header.length, data.length * 8);
  for (let i = 0; i < data.length; i++) dv.setFloat64(i * 8, data[i], true);
  return out;
}

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
}

/** Parses the Python-literal header dict NumPy writes. */
function parseHeader(text: string, name: string): Header {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) throw new InputFileError(name, null, `malformed .npy header ${JSON.stringify(t.slice(0, 80))}`);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(t);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(t);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(t);
  if (!descr) throw new InputFileError(name, null, ".npy header has no 'descr' string (structured dtypes are not supported)");
  if (!fortran) throw new InputFileError(name, null, ".npy header has no 'fortran_order'");
  if (!shape) throw new InputFileError(name, null, ".npy header has no 'shape'");
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^(\d+)L?$/.exec(s);
      if (!m) throw new InputFileError(name, null, `bad .npy shape entry '${s}'`);
      return Number(m[1]);
    });
  return { descr: descr[1], fortran: fortran[1] === 'True', shape: dims };
}

export function decodeNpy(bytes: Uint8Array, name = '<npy>'): { data: Float64Array; shape: number[] } {
  if (!(bytes instanceof Uint8Array)) throw new InputFileError(name, null, 'expected bytes');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InputFileError(name, null, 'not a .npy file (bad magic string)');
  const major = bytes[6];
  const minor = bytes[7];
  let hlen: number;
  let hstart: number;
  if (major === 1) {
    hlen = bytes[8] | (bytes[9] << 8);
    hstart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputFileError(name, null, 'truncated .npy header');
    hlen = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 16777216;
    hstart = 12;
  } else {
    throw new InputFileError(name, null, `unsupported .npy version ${major}.${minor}`);
  }
  if (hstart + hlen > bytes.length) throw new InputFileError(name, null, 'truncated .npy header');
  const headerBytes = bytes.subarray(hstart, hstart + hlen);
  const text = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : new TextDecoder('latin1').decode(headerBytes);
  const h = parseHeader(text, name);
  if (h.fortran) throw new InputFileError(name, null, 'Fortran-order .npy arrays are not supported (save with C order)');
  const kinds: Record<string, number> = { '<f8': 8, '<f4': 4, '<i4': 4, '<i8': 8 };
  const itemsize = kinds[h.descr];
  if (!itemsize) throw new InputFileError(name, null, `unsupported .npy dtype '${h.descr}' (expected <f8, <f4, <i4 or <i8)`);
  let size = 1;
  for (const d of h.shape) size *= d;
  const start = hstart + hlen;
  const nbytes = bytes.length - start;
  if (nbytes !== size * itemsize) {
    throw new InputFileError(
      name,
      null,
      `.npy data has ${nbytes} bytes but shape (${h.shape.join(', ')}) of ${h.descr} needs ${size * itemsize}${nbytes < size * itemsize ? ' (file truncated?)' : ''}`,
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, nbytes);
  const data = new Float64Array(size);
  switch (h.descr) {
    case '<f8':
      for (let i = 0; i < size; i++) data[i] = dv.getFloat64(8 * i, true);
      break;
    case '<f4':
      for (let i = 0; i < size; i++) data[i] = dv.getFloat32(4 * i, true);
      break;
    case '<i4':
      for (let i = 0; i < size; i++) data[i] = dv.getInt32(4 * i, true);
      break;
    case '<i8':
      for (let i = 0; i < size; i++) data[i] = Number(dv.getBigInt64(8 * i, true));
      break;
  }
  return { data, shape: h.shape };
}
