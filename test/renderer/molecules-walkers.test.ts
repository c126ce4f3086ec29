/** Series of several metadynamics walkers, one after another, plot as one line per walker (moleculesPlots.ts). */
import { expect, test } from 'vitest';
import { timeTraces } from '../../src-renderer/src/features/molecules/moleculesPlots';

test('a new trace starts wherever time goes back', () => {
  expect(timeTraces([{ time: 0.1 }, { time: 0.2 }, { time: 0.1 }, { time: 0.2 }, { time: 0.1 }])).toEqual([0, 0, 1, 1, 2]);
  expect(timeTraces([{ time: 0.1 }, { time: 0.1 }, { time: 0.3 }])).toEqual([0, 0, 0]);
  expect(timeTraces([])).toEqual([]);
});
