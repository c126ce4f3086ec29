// The command palette's list and filter (src-renderer/src/shared/shell/commands.ts).
import { describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../src-main/api/contract';
import { buildCommands, filterCommands } from '../../src-renderer/src/shared/shell/commands';

const runs = [
  { id: 'r1', name: 'md-1', kind: 'metad', status: 'completed' },
  { id: 'r2', name: 'us-1', kind: 'umbrella', status: 'running' },
] as unknown as RunRecord[];

function ctx() {
  return {
    views: [
      { id: 'jobs' as const, label: 'Jobs', enabled: true },
      { id: 'fes' as const, label: 'Free energy', enabled: false },
    ],
    runs,
    theme: 'light' as const,
    energy: 'kT' as const,
    go: vi.fn(),
    setTheme: vi.fn(),
    setEnergy: vi.fn(),
    about: vi.fn(),
  };
}

describe('command palette', () => {
  it('lists enabled views, completed runs (to their result view), theme, units, About', () => {
    const c = ctx();
    const cmds = buildCommands(c);
    expect(cmds.map((x) => x.id)).toEqual(['view:jobs', 'run:r1', 'theme', 'energy:kJ/mol', 'energy:kcal/mol', 'about']);
    cmds.find((x) => x.id === 'run:r1')!.run();
    expect(c.go).toHaveBeenCalledWith('metad', 'r1');
    cmds.find((x) => x.id === 'theme')!.run();
    expect(c.setTheme).toHaveBeenCalledWith('dark');
  });

  it('filters by word starts, label-start matches first', () => {
    const cmds = buildCommands(ctx());
    expect(filterCommands(cmds, 'op md').map((x) => x.id)).toEqual(['run:r1']);
    expect(filterCommands(cmds, 'kcal').map((x) => x.id)).toEqual(['energy:kcal/mol']);
    expect(filterCommands(cmds, 'zzz')).toEqual([]);
    expect(filterCommands(cmds, '  ').length).toBe(cmds.length);
  });
});
