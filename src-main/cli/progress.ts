/** Progress lines on stderr for commands that run through the API's job manager. */

/** Seconds as "42s" or "3m5s"; "--" while unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s` : `${seconds.toFixed(0)}s`;
}
