/**
 * Playback timing, free of the DOM: converts elapsed wall time into whole frame steps at a given
 * rate, and moves a playhead with looping or stopping at the ends.
 */

export class PlaybackClock {
  private carry = 0;

  /** Whole frames to advance after `elapsedMs` at `fps`; the remainder carries to the next call. */
  steps(elapsedMs: number, fps: number): number {
    if (!(fps > 0) || !(elapsedMs > 0)) return 0;
    // A long stall (hidden tab, slow frame load) must not make playback jump ahead: cap at 1 s.
    this.carry += (Math.min(elapsedMs, 1000) * fps) / 1000;
    const whole = Math.floor(this.carry);
    this.carry -= whole;
    return whole;
  }

  reset(): void {
    this.carry = 0;
  }
}

/**
 * The frame `steps` frames from `current` (negative steps go back). With `loop` it wraps around;
 * without, it stops at the first/last frame and reports `ended`.
 */
export function advanceFrame(current: number, steps: number, count: number, loop: boolean): { frame: number; ended: boolean } {
  if (count <= 0) return { frame: 0, ended: true };
  const target = current + steps;
  if (loop) return { frame: ((target % count) + count) % count, ended: false };
  if (target >= count) return { frame: count - 1, ended: true };
  if (target < 0) return { frame: 0, ended: true };
  return { frame: target, ended: false };
}

/** Clamps a frame index into 0..count-1 (0 when there are no frames). */
export function clampFrame(i: number, count: number): number {
  if (count <= 0 || !Number.isFinite(i)) return 0;
  return Math.max(0, Math.min(count - 1, Math.round(i)));
}

/**
 * Playback restricted to a list of frames (e.g. those brushed on the FES), ascending: the entry
 * `steps` entries from the one at or after `current`. Wraps with `loop`, else stops at the ends.
 */
export function advanceInPlaylist(current: number, steps: number, playlist: readonly number[], loop: boolean): { frame: number; ended: boolean } {
  if (playlist.length === 0) return { frame: current, ended: true };
  // Position of the current frame in the list (or of the first entry after it).
  let pos = playlist.findIndex((f) => f >= current);
  if (pos < 0) pos = playlist.length - 1;
  else if (playlist[pos] !== current && steps > 0) pos -= 1; // between entries: the next one is one step on
  const next = advanceFrame(pos, steps, playlist.length, loop);
  return { frame: playlist[next.frame], ended: next.ended };
}
