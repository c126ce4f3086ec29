/**
 * The categorical palette for "colour by source": where a drawn structure came from. Two colours
 * of the Okabe-Ito set (Okabe & Ito 2008, "Color Universal Design"), distinguishable under every
 * common colour-vision deficiency; the viewer also names the sources in words (no information in
 * colour alone). The app's continuous colour maps live elsewhere; this is the only categorical one.
 */
export type StructureSource = 'simulated' | 'generated';

export const SOURCE_COLORS: Record<StructureSource, number> = {
  /** Okabe-Ito blue */
  simulated: 0x0072b2,
  /** Okabe-Ito orange */
  generated: 0xe69f00,
};

export const SOURCE_LABELS: Record<StructureSource, string> = {
  simulated: 'simulated',
  generated: 'generated',
};

/** How atoms are coloured: by element (Jmol colours) or by the source of their structure. */
export type ColorBy = 'element' | 'source';

/** CSS colour (#rrggbb) of a 0xRRGGBB number, for legends. */
export function cssColor(hex: number): string {
  return `#${hex.toString(16).padStart(6, '0')}`;
}
