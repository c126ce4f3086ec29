/**
 * Movie export of what the viewer shows: the frames of a trajectory (or of lifted structures
 * along a path), one after another, as a PNG sequence in a ZIP (lossless, exact frame count,
 * works everywhere) or as WebM (MediaRecorder on the canvas; Chromium/Electron). The frame
 * loop is independent of three.js: the viewer passes `draw(frame)` (show the frame and render)
 * and `canvas`. Progress after every frame, with an estimate of the time left; cancelling (an
 * AbortSignal) stops after the current frame and saves nothing.
 */
import { encodeZip, type ZipEntry } from './zip';

export type MovieFormat = 'png-zip' | 'webm';

export interface MovieProgress {
  done: number;
  total: number;
  /** Seconds left at the pace so far (null before the first frame). */
  etaSeconds: number | null;
}

export interface MovieOptions {
  /** Frame indices (0-based) in the order they appear in the movie. */
  frames: readonly number[];
  /** Shows frame i on the canvas and renders it (resolves once it is drawn). */
  draw: (frame: number) => Promise<void>;
  canvas: HTMLCanvasElement;
  /** Playback rate of the WebM (and the frame rate named in the ZIP's readme). */
  fps: number;
  signal?: AbortSignal;
  onprogress?: (p: MovieProgress) => void;
  /** File name stem inside the ZIP: stem-0001.png ... */
  stem?: string;
}

export class MovieCancelled extends Error {
  constructor() {
    super('movie export cancelled');
    this.name = 'MovieCancelled';
  }
}

/** Frames first..last (inclusive, 0-based) every `stride`, or the given list every `stride`. */
export function movieFrames(source: { count: number } | readonly number[], stride = 1): number[] {
  const s = Math.max(1, Math.floor(stride));
  const all = Array.isArray(source) ? [...(source as readonly number[])] : Array.from({ length: (source as { count: number }).count }, (_, i) => i);
  return all.filter((_, k) => k % s === 0);
}

/** "stem-0001.png": 1-based, zero-padded to the width of the largest number so names sort. */
export function pngName(stem: string, k: number, total: number): string {
  return `${stem}-${String(k + 1).padStart(Math.max(4, String(total).length), '0')}.png`;
}

function progress(start: number, done: number, total: number): MovieProgress {
  const elapsed = (performance.now() - start) / 1000;
  return { done, total, etaSeconds: done > 0 ? (elapsed / done) * (total - done) : null };
}

function pngBytes(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? b.arrayBuffer().then((a) => resolve(new Uint8Array(a)), reject) : reject(new Error('the canvas gave no PNG'))), 'image/png'),
  );
}

/** A ZIP of one PNG per frame plus frames.csv (movie frame -> trajectory frame). */
export async function recordPngZip(o: MovieOptions): Promise<Blob> {
  const start = performance.now();
  const stem = o.stem ?? 'frame';
  const entries: ZipEntry[] = [];
  const rows = ['movie_frame,trajectory_frame'];
  for (let k = 0; k < o.frames.length; k++) {
    if (o.signal?.aborted) throw new MovieCancelled();
    await o.draw(o.frames[k]);
    // toBlob reads the drawing buffer of the render just done (same task as draw's render).
    entries.push({ name: pngName(stem, k, o.frames.length), data: await pngBytes(o.canvas) });
    rows.push(`${k + 1},${o.frames[k] + 1}`);
    o.onprogress?.(progress(start, k + 1, o.frames.length));
  }
  entries.push({ name: 'frames.csv', data: new TextEncoder().encode(`# ${o.frames.length} frames at ${o.fps} fps; frame numbers 1-based\n${rows.join('\n')}\n`) });
  return new Blob([encodeZip(entries) as BlobPart], { type: 'application/zip' });
}

/** The WebM MIME type this browser records, or null (no MediaRecorder / no WebM). */
export function webmType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  for (const t of ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm']) if (MediaRecorder.isTypeSupported(t)) return t;
  return null;
}

/** WebM of the frames at `fps`: each frame is drawn, then held for 1/fps s of recording. */
export async function recordWebm(o: MovieOptions): Promise<Blob> {
  const type = webmType();
  if (!type) throw new Error('this browser cannot record WebM: export a PNG sequence instead');
  const start = performance.now();
  const stream = o.canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as MediaStreamTrack & { requestFrame?: () => void };
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 8_000_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data);
  };
  const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
  recorder.start();
  const holdMs = 1000 / Math.max(1, o.fps);
  try {
    for (let k = 0; k < o.frames.length; k++) {
      if (o.signal?.aborted) throw new MovieCancelled();
      await o.draw(o.frames[k]);
      track.requestFrame?.();
      await new Promise((r) => setTimeout(r, holdMs));
      o.onprogress?.(progress(start, k + 1, o.frames.length));
    }
  } finally {
    recorder.stop();
    await stopped;
    for (const t of stream.getTracks()) t.stop();
  }
  return new Blob(chunks, { type: 'video/webm' });
}

export function recordMovie(format: MovieFormat, o: MovieOptions): Promise<Blob> {
  return format === 'webm' ? recordWebm(o) : recordPngZip(o);
}
