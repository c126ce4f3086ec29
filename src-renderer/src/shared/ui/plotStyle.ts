/**
 * What every Observable Plot figure of the app shares: the font, the colours of an estimate and
 * of the exact answer it is compared with, and the frame of a line/scatter chart (width from its
 * container, grid lines). Feature modules draw their own marks inside it.
 */
import { SERIES } from './palette';

export const PLOT_FONT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', fontSize: '11px' };

/** An estimated curve (free energy from a run) and the exact answer drawn beside it. */
export const ESTIMATE_COLOR = SERIES.estimate;
export const EXACT_COLOR = SERIES.exact;

/** Size, font, left margin (room for the y tick labels) and grid of a chart. */
export function chartFrame(width: number, height: number, marginLeft: number) {
  return { width, height, style: PLOT_FONT, marginLeft, grid: true };
}
