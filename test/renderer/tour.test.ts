// The first-run tour's steps (shared/shell/tour.ts): every step points at a control that exists
// in the renderer's sources (a renamed data-testid fails here), the keys move through the steps
// and stop at the ends, and the card is placed inside the viewport beside its target. Exact.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeCard, stepAfterKey, TOUR_STEPS } from '../../src-renderer/src/shared/shell/tour';

function sources(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out += sources(p);
    else if (name.endsWith('.svelte')) out += readFileSync(p, 'utf8');
  }
  return out;
}

describe('tour steps', () => {
  const all = sources(join(import.meta.dirname, '../../src-renderer/src'));
  it('point at controls that exist', () => {
    for (const step of TOUR_STEPS) {
      // Only the welcome card stands alone (centred); every other step points at a control.
      if (step.id !== 'welcome') expect(step.targets.length, step.id).toBeGreaterThan(0);
      for (const target of step.targets) {
        const id = /^\[data-testid="([^"]+)"\]$/.exec(target)?.[1];
        expect(id, `${step.id}: ${target}`).toBeTruthy();
        // Literal test ids, or nav-{item.id} / system-kind-{k.kind} built from a list.
        const literal = all.includes(`data-testid="${id}"`);
        const nav = id!.startsWith('nav-') && all.includes('data-testid="nav-{item.id}"') && all.includes(`id: '${id!.slice(4)}'`);
        const kind = id!.startsWith('system-kind-') && all.includes('data-testid="system-kind-{k.kind}"');
        expect(literal || nav || kind, `${step.id}: ${id}`).toBe(true);
      }
    }
  });
  it('the built-in examples are named (double well, Müller–Brown, alanine dipeptide)', () => {
    const text = TOUR_STEPS.map((s) => s.body).join(' ');
    for (const example of ['double well', 'Müller–Brown', 'alanine dipeptide']) expect(text).toContain(example);
  });
});

describe('keys and placement', () => {
  it('arrows step and stop at the ends; Home/End jump; other keys do nothing', () => {
    const n = TOUR_STEPS.length;
    expect(stepAfterKey(0, 'ArrowRight')).toBe(1);
    expect(stepAfterKey(0, 'ArrowLeft')).toBe(0);
    expect(stepAfterKey(n - 1, 'ArrowRight')).toBe(n - 1);
    expect(stepAfterKey(3, 'Home')).toBe(0);
    expect(stepAfterKey(0, 'End')).toBe(n - 1);
    expect(stepAfterKey(2, 'a')).toBeNull();
  });
  it('below the target when it fits, above near the bottom, centred without one, always inside', () => {
    const vp = { width: 1000, height: 800 };
    const card = { width: 360, height: 200 };
    expect(placeCard({ left: 100, top: 50, width: 80, height: 30 }, card, vp)).toEqual({ left: 100, top: 92 });
    expect(placeCard({ left: 100, top: 700, width: 80, height: 30 }, card, vp)).toEqual({ left: 100, top: 488 });
    expect(placeCard(null, card, vp)).toEqual({ left: 320, top: 300 });
    expect(placeCard({ left: 900, top: 50, width: 80, height: 30 }, card, vp).left).toBe(632);
  });
});
