/**
 * Problems from the engine's validators name fields by their internal path
 * ("expression.expression: unexpected '^' at column 11", "spec.expression.domain must ...").
 * The System form shows them next to the field they concern, so the path is dropped.
 */
export function plainProblem(problem: string): string {
  return problem.replace(/^(spec\.)?expression\.expression:\s*/, '').replace(/^(spec\.)?expression\./, '');
}
