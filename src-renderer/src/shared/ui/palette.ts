/**
 * The fixed colours of data (no Observable Plot here, so pure modules such as regions.ts can use
 * them): the Okabe-Ito categories (Okabe & Ito 2008, distinguishable with every common colour-
 * vision deficiency) and the named series colours. colormaps.ts re-exports them beside the maps.
 */

/** Okabe-Ito, in the order categories use them (the most distinct pairs first; yellow last, it is pale on white). */
export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  bluishGreen: '#009E73',
  reddishPurple: '#CC79A7',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  black: '#000000',
  yellow: '#F0E442',
} as const;
export const CATEGORY_COLOURS: readonly string[] = Object.values(OKABE_ITO);

/**
 * Named series colours for line charts: an estimate and the exact answer it is compared with,
 * a second and third series beside them, a highlighted mark (pick, warning), and the neutral grey
 * of guides (zero lines, dashed reference levels).
 */
export const SERIES = {
  estimate: OKABE_ITO.blue,
  exact: '#111827',
  second: OKABE_ITO.vermillion,
  third: OKABE_ITO.bluishGreen,
  fourth: OKABE_ITO.reddishPurple,
  highlight: OKABE_ITO.vermillion,
  band: OKABE_ITO.skyBlue,
  guide: '#6b7280',
} as const;
