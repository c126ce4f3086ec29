/**
 * A minimal ZIP writer (stored entries, no compression: PNG data is compressed already), enough
 * for a movie as a PNG sequence. Format: PKWARE APPNOTE 6.3.x, local headers + central directory
 * + end record; CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320). No ZIP64: a movie stays far
 * below 4 GiB and 65535 entries (the writer refuses more rather than writing a broken file).
 */

let table: Uint32Array | null = null;
function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

export function crc32(data: Uint8Array): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** The ZIP archive of the entries, in order. Names are stored as UTF-8 (flag bit 11). */
export function encodeZip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new Error(`a ZIP without ZIP64 holds at most 65535 files, not ${entries.length}`);
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.name));
  const localSize = entries.reduce((s, e, k) => s + 30 + names[k].length + e.data.length, 0);
  const centralSize = names.reduce((s, n) => s + 46 + n.length, 0);
  if (localSize + centralSize + 22 > 0xffffffff) throw new Error('the movie is over 4 GiB: export fewer frames');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  // DOS date 1980-01-01 00:00: a fixed stamp keeps exports byte-identical for the same frames.
  const DOS_DATE = 0x21;
  const offsets: number[] = [];
  const crcs: number[] = [];
  let p = 0;
  entries.forEach((e, k) => {
    offsets.push(p);
    const crc = crc32(e.data);
    crcs.push(crc);
    view.setUint32(p, 0x04034b50, true);
    view.setUint16(p + 4, 20, true); // version needed: 2.0
    view.setUint16(p + 6, 0x0800, true); // UTF-8 names
    view.setUint16(p + 8, 0, true); // stored
    view.setUint16(p + 10, 0, true);
    view.setUint16(p + 12, DOS_DATE, true);
    view.setUint32(p + 14, crc, true);
    view.setUint32(p + 18, e.data.length, true);
    view.setUint32(p + 22, e.data.length, true);
    view.setUint16(p + 26, names[k].length, true);
    view.setUint16(p + 28, 0, true);
    out.set(names[k], p + 30);
    out.set(e.data, p + 30 + names[k].length);
    p += 30 + names[k].length + e.data.length;
  });
  const centralStart = p;
  entries.forEach((e, k) => {
    view.setUint32(p, 0x02014b50, true);
    view.setUint16(p + 4, 20, true);
    view.setUint16(p + 6, 20, true);
    view.setUint16(p + 8, 0x0800, true);
    view.setUint16(p + 10, 0, true);
    view.setUint16(p + 12, 0, true);
    view.setUint16(p + 14, DOS_DATE, true);
    view.setUint32(p + 16, crcs[k], true);
    view.setUint32(p + 20, e.data.length, true);
    view.setUint32(p + 24, e.data.length, true);
    view.setUint16(p + 28, names[k].length, true);
    // extra, comment, disk, internal attrs, external attrs: 0
    view.setUint32(p + 42, offsets[k], true);
    out.set(names[k], p + 46);
    p += 46 + names[k].length;
  });
  view.setUint32(p, 0x06054b50, true);
  view.setUint16(p + 8, entries.length, true);
  view.setUint16(p + 10, entries.length, true);
  view.setUint32(p + 12, p - centralStart, true);
  view.setUint32(p + 16, centralStart, true);
  return out;
}
