/**
 * Regions per run, kept in app state for the session and in localStorage (keyed by project path
 * and run id) so they survive a reload. One RegionSet per (project, run, figure kind): the same
 * run's 1D profile and 2D surface keep separate lists.
 */
import type { RegionFreeEnergiesResult } from '../../../../src-main/api/contract';
import type { DrawMode, Region } from './regions';

const PREFIX = 'liftwell.regions.v1:';
const MAX_REGIONS = 50;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function load(key: string): Region[] {
  try {
    const text = storage()?.getItem(PREFIX + key);
    const parsed: unknown = text ? JSON.parse(text) : [];
    return Array.isArray(parsed) ? (parsed.filter((r) => r && typeof r === 'object' && typeof r.name === 'string' && typeof r.kind === 'string') as Region[]) : [];
  } catch {
    return [];
  }
}

export class RegionSet {
  readonly key: string;
  regions = $state<Region[]>([]);
  /** 2D figures: what a drag / clicks draw. */
  mode = $state<'rectangle' | 'polygon'>('rectangle');
  result = $state<RegionFreeEnergiesResult | null>(null);
  /** JSON of the regions the result was computed for (stale when they differ). */
  resultFor = $state('');
  error = $state<string | null>(null);
  busy = $state(false);
  /** Vertices of a polygon being drawn (display units). */
  draft = $state<[number, number][]>([]);

  constructor(key: string) {
    this.key = key;
    this.regions = load(key);
  }

  private save(): void {
    try {
      const s = storage();
      if (!s) return;
      if (this.regions.length) s.setItem(PREFIX + this.key, JSON.stringify(this.regions));
      else s.removeItem(PREFIX + this.key);
    } catch {
      /* storage full or denied: the regions still live for this session */
    }
  }

  set(regions: Region[]): void {
    this.regions = regions.slice(0, MAX_REGIONS);
    this.save();
  }
  add(region: Region): string | null {
    if (this.regions.length >= MAX_REGIONS) return `at most ${MAX_REGIONS} regions`;
    this.set([...this.regions, region]);
    return null;
  }
  replace(index: number, region: Region): void {
    this.set(this.regions.map((r, i) => (i === index ? region : r)));
  }
  remove(index: number): void {
    this.set(this.regions.filter((_, i) => i !== index));
  }
  clear(): void {
    this.set([]);
    this.result = null;
    this.error = null;
  }
  get stale(): boolean {
    return !!this.result && this.resultFor !== JSON.stringify(this.regions);
  }
  /** Second label line per region on the figure: its ΔF (± error) once computed for these regions. */
  get notes(): (string | null)[] {
    const res = this.result;
    if (!res || this.stale) return [];
    const unit = res.energyUnit === 'kJ/mol' ? ' kJ/mol' : '';
    return this.regions.map((r, i) => {
      const rr = res.regions.find((x) => x.name === r.name.trim());
      if (!rr || rr.freeEnergy === null) return null;
      if (i === 0) return `ΔF ref. (P ${rr.probability.toPrecision(2)})`;
      return `ΔF ${rr.freeEnergy.toFixed(2)}${rr.error !== null ? ` ± ${rr.error.toFixed(2)}` : ''}${unit}`;
    });
  }
}

const sets = new Map<string, RegionSet>();

/** The region set of a run's figure (created, and read from localStorage, on first use). */
export function regionSet(projectPath: string, runId: string, figure: string): RegionSet {
  const key = `${projectPath}::${runId}::${figure}`;
  let s = sets.get(key);
  if (!s) {
    s = new RegionSet(key);
    sets.set(key, s);
  }
  return s;
}

export type { DrawMode };
