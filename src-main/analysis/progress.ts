/**
 * Progress of an analysis (free energy, regions) with an honest time estimate: the remaining time
 * is predicted from what was measured on this machine during this very call (the time of one
 * estimate, then the measured rate of bootstrap replicates), and refined as it runs.
 */
export interface AnalysisProgress {
  /** 0..1 */
  fraction: number;
  phase: string;
  /** Seconds left; null while nothing has been measured yet. */
  etaSeconds: number | null;
}

export type ProgressSink = (p: AnalysisProgress) => void;

/**
 * Progress of `total` bootstrap replicates that started after `before` seconds of other work:
 * the first prediction assumes one replicate costs what the full estimate cost (`perReplicate`,
 * measured) divided by the threads; once replicates finish, their measured rate replaces it.
 */
export function replicateProgress(before: number, perReplicate: number, threads: number, total: number, sink: ProgressSink | undefined, phase: string) {
  const t0 = performance.now();
  const predicted = (perReplicate * total) / Math.max(1, threads);
  // The bar never moves back when a refined estimate is longer than the first one.
  let shown = before / (before + predicted);
  sink?.({ fraction: shown, phase, etaSeconds: predicted });
  return ({ done }: { done: number }) => {
    if (!sink) return;
    const elapsed = (performance.now() - t0) / 1000;
    const left = done > 0 ? (elapsed / done) * (total - done) : Math.max(predicted - elapsed, 0);
    shown = Math.max(shown, (before + elapsed) / (before + elapsed + left));
    sink({ fraction: shown, phase: `${phase} ${done}/${total}`, etaSeconds: left });
  };
}
