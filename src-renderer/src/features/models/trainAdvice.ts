/**
 * Words for the Models view when the picked runs leave nothing to generate: a conditional model
 * generates the coordinates that are NOT the runs' CVs, so a run that biases every coordinate
 * (a 1D system, or a 2D system biased on both axes) cannot train one. Says which runs would.
 */
export function nothingToGenerateAdvice(systemName: string, coordNames: string[], cvNames: string[]): string {
  const all = coordNames.length <= 1 ? `${systemName} has one coordinate (${coordNames[0] ?? 'x'}), and the runs bias it` : `the runs bias every coordinate of ${systemName} (${cvNames.join(', ')})`;
  return (
    `nothing to generate: ${all}. A model generates the coordinates that are not CVs, so train on runs that bias fewer coordinates ` +
    'than the system has: e.g. umbrella or metadynamics on x of "fast/slow" or of Muller-Brown (generates y), or a molecular run on phi/psi (generates the other internal coordinates).'
  );
}
