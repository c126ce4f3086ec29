/**
 * Binary checkpoint of a walker-ensemble task (10^6 walkers would make JSON slow and large):
 *   u32 header length | JSON header | zero padding to 8 bytes | float64 blocks in header order.
 * Blocks: positions (walkers * dim), counts (dim * bins), counts2d (bins^2 or 0), outside (dim),
 * and for the CPU executor the RNG state of every walker (6 numbers each, engine/random.ts).
 * The tensor executor needs no RNG state: its noise is a function of (seed, step).
 */
import { readFileSync } from 'node:fs';
import { atomicWriteSync } from '../../store/atomic';

export interface EnsembleCheckpointHeader {
  schemaVersion: 1;
  runId: string;
  executor: 'cpu' | 'tensor';
  executorReason: string;
  backend: string | null;
  step: number;
  samples: number;
  seconds: number;
  walkers: number;
  dim: number;
  bins: number;
  blocks: { name: string; length: number }[];
}

export interface EnsembleCheckpoint {
  header: EnsembleCheckpointHeader;
  blocks: Record<string, Float64Array>;
}

export function writeEnsembleCheckpoint(path: string, header: Omit<EnsembleCheckpointHeader, 'blocks'>, blocks: Record<string, Float64Array>): void {
  const full: EnsembleCheckpointHeader = { ...header, blocks: Object.entries(blocks).map(([name, a]) => ({ name, length: a.length })) };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const start = Math.ceil((4 + json.length) / 8) * 8;
  const total = start + 8 * Object.values(blocks).reduce((s, a) => s + a.length, 0);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  let at = start;
  for (const a of Object.values(blocks)) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  atomicWriteSync(path, bytes);
}

export function readEnsembleCheckpoint(path: string): EnsembleCheckpoint {
  const file = readFileSync(path);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const fail = (why: string): never => {
    throw new Error(`checkpoint ${path} is damaged (${why}); delete it to start the run over`);
  };
  if (bytes.length < 4) fail('too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  if (4 + headerLength > bytes.length) fail('header longer than the file');
  let header: EnsembleCheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as EnsembleCheckpointHeader;
  } catch {
    return fail('header is not JSON');
  }
  if (header.schemaVersion !== 1 || !Array.isArray(header.blocks)) fail('unknown layout');
  let at = Math.ceil((4 + headerLength) / 8) * 8;
  const blocks: Record<string, Float64Array> = {};
  for (const { name, length } of header.blocks) {
    if (at + 8 * length > bytes.length) fail(`block ${name} runs past the end`);
    const out = new Float64Array(length);
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + 8 * length));
    blocks[name] = out;
    at += 8 * length;
  }
  return { header, blocks };
}
