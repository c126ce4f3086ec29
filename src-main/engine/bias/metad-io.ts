/** Conversions between a WellTemperedMetad and PLUMED HILLS data (io/plumed.ts). */
import { EngineInputError } from '../errors';
import type { HillsData } from '../io/plumed';
import type { Hill, WellTemperedMetad } from './metad';

/** HILLS data of a list of hills deposited by `metad` (its CV names and periodic ranges). */
export function hillsToData(metad: WellTemperedMetad, cvNames: readonly string[], hills: readonly Hill[] = metad.hills()): HillsData {
  const d = metad.dim;
  if (cvNames.length !== d) throw new EngineInputError(`need ${d} CV name(s) (got ${cvNames.length})`);
  const n = hills.length;
  const data: HillsData = {
    cvNames: [...cvNames],
    periodic: metad.cvs.map((c) => (c.periodic ? { ...c.periodic } : null)),
    time: new Float64Array(n),
    centers: new Float64Array(n * d),
    sigmas: new Float64Array(n * d),
    heights: new Float64Array(n),
    biasFactor: new Float64Array(n).fill(metad.biasFactor),
  };
  hills.forEach((h, k) => {
    data.time[k] = h.time;
    data.heights[k] = h.height;
    for (let i = 0; i < d; i++) {
      data.centers[k * d + i] = h.center[i];
      data.sigmas[k * d + i] = h.sigma[i];
    }
  });
  return data;
}

/** Adds every hill of `data` to `metad` (restart from a HILLS file); checks CV count and periodicity. */
export function loadHills(metad: WellTemperedMetad, data: HillsData, fileName: string): void {
  const d = metad.dim;
  if (data.cvNames.length !== d) throw new EngineInputError(`${fileName}: has ${data.cvNames.length} CV(s), this run has ${d}`);
  data.periodic.forEach((p, i) => {
    const mine = metad.cvs[i].periodic;
    if (!!p !== !!mine || (p && mine && (p.min !== mine.min || p.max !== mine.max))) {
      throw new EngineInputError(`${fileName}: periodicity of CV "${data.cvNames[i]}" differs from this run's`);
    }
  });
  const c = new Array<number>(d);
  const s = new Array<number>(d);
  for (let k = 0; k < data.time.length; k++) {
    for (let i = 0; i < d; i++) {
      c[i] = data.centers[k * d + i];
      s[i] = data.sigmas[k * d + i];
    }
    metad.addHill(data.time[k], c, s, data.heights[k]);
  }
}
