/** Angles: the API speaks radians, the forms and tables speak degrees (one convention on screen). */
export const DEG_PER_RAD = 180 / Math.PI;

/** A CV value or difference for display: degrees for periodic (angular) CVs, as is otherwise. */
export function displayCv(value: number, periodic: boolean): number {
  return periodic ? value * DEG_PER_RAD : value;
}

/** The unit shown next to a CV value: '°' for angles, 'nm' for distances. */
export function cvUnit(periodic: boolean): string {
  return periodic ? '°' : 'nm';
}
