/**
 * Streaming access to trajectory frames: an LRU cache of decoded frames in front of a
 * FrameSource (which may decode from disk or the network on demand), with de-duplicated
 * in-flight loads and a bounded prefetch window ahead of the playhead. 10^5 frames never have to
 * be resident: only `capacity` frames are kept.
 */

/** Frames of one system: positions in nm, atoms x 3, frame indices 0-based. */
export interface FrameSource {
  count: number;
  get(i: number): Promise<Float32Array> | Float32Array;
}

export interface FrameCacheOptions {
  /** Frames kept decoded (least recently used evicted first). */
  capacity?: number;
  /** Loads allowed in flight at once (prefetch beyond it waits for the next call). */
  maxInFlight?: number;
  /** Expected length of each frame (atoms x 3); a frame of another length is an error. */
  frameLength?: number;
}

/** Default capacity for a frame length: about 64 MiB of decoded frames, between 8 and 4096. */
export function defaultCapacity(frameLength: number): number {
  const bytes = Math.max(1, frameLength) * 4;
  return Math.max(8, Math.min(4096, Math.floor((64 * 1024 * 1024) / bytes)));
}

export class FrameCache {
  readonly capacity: number;
  readonly maxInFlight: number;
  private readonly frames = new Map<number, Float32Array>();
  private readonly inFlight = new Map<number, Promise<Float32Array>>();
  private generation = 0;
  loads = 0;
  hits = 0;

  constructor(
    readonly source: FrameSource,
    private readonly options: FrameCacheOptions = {},
  ) {
    if (!Number.isInteger(source.count) || source.count < 0) throw new Error(`FrameSource.count must be a non-negative integer, got ${source.count}`);
    this.capacity = Math.max(1, Math.floor(options.capacity ?? defaultCapacity(options.frameLength ?? 3)));
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 4));
  }

  get count(): number {
    return this.source.count;
  }

  get size(): number {
    return this.frames.size;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  has(i: number): boolean {
    return this.frames.has(i);
  }

  /** The decoded frame if cached (and marks it recently used), else undefined. Never loads. */
  peek(i: number): Float32Array | undefined {
    const f = this.frames.get(i);
    if (f) {
      this.frames.delete(i);
      this.frames.set(i, f);
      this.hits++;
    }
    return f;
  }

  /** The frame, loading it if needed. Concurrent requests for one frame share one load. */
  request(i: number): Promise<Float32Array> {
    this.checkIndex(i);
    const cached = this.peek(i);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(i);
    if (pending) return pending;
    return this.load(i);
  }

  /**
   * Starts loads for the `ahead` frames after `from` in `direction` (+1 / -1), wrapping around
   * when `loop`, while fewer than maxInFlight loads are pending. Returns how many it started.
   */
  prefetch(from: number, ahead: number, direction: 1 | -1 = 1, loop = false): number {
    let started = 0;
    const n = this.count;
    for (let k = 1; k <= ahead && this.inFlight.size < this.maxInFlight; k++) {
      let i = from + direction * k;
      if (loop) i = ((i % n) + n) % n;
      else if (i < 0 || i >= n) break;
      if (this.frames.has(i) || this.inFlight.has(i)) continue;
      this.load(i).catch(() => {
        /* prefetch failures surface when the frame is requested for display */
      });
      started++;
    }
    return started;
  }

  /** Drops every cached frame; loads in flight finish but are not stored. */
  clear(): void {
    this.frames.clear();
    this.inFlight.clear();
    this.generation++;
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`frame ${i} is outside 0..${this.count - 1}`);
  }

  private load(i: number): Promise<Float32Array> {
    this.loads++;
    const generation = this.generation;
    let result: Promise<Float32Array> | Float32Array;
    try {
      result = this.source.get(i);
    } catch (e) {
      return Promise.reject(e);
    }
    if (result instanceof Float32Array) {
      // Synchronous sources are stored at once: no microtask delay on the playback path.
      try {
        this.store(i, result, generation);
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve(result);
    }
    const p = Promise.resolve(result).then(
      (frame) => {
        if (this.inFlight.get(i) === p) this.inFlight.delete(i);
        this.store(i, frame, generation);
        return frame;
      },
      (error: unknown) => {
        if (this.inFlight.get(i) === p) this.inFlight.delete(i);
        throw error;
      },
    );
    this.inFlight.set(i, p);
    return p;
  }

  private store(i: number, frame: Float32Array, generation: number): void {
    if (!(frame instanceof Float32Array)) throw new TypeError(`frame ${i}: FrameSource.get must give a Float32Array`);
    const expected = this.options.frameLength;
    if (expected !== undefined && frame.length !== expected) {
      throw new Error(`frame ${i} has ${frame.length} coordinates, expected ${expected} (atoms x 3)`);
    }
    if (generation !== this.generation) return;
    this.frames.delete(i);
    this.frames.set(i, frame);
    while (this.frames.size > this.capacity) {
      const oldest = this.frames.keys().next().value as number;
      this.frames.delete(oldest);
    }
  }
}

/** A FrameSource over frames already in memory (e.g. a small PDB), for convenience. */
export function arrayFrameSource(frames: readonly Float32Array[]): FrameSource {
  return { count: frames.length, get: (i) => frames[i] };
}
