/**
 * API calls. Projects: the app itself, recent projects, creating and opening a project.
 * Each call is a zod input schema; its output type is in the interface below. index.ts joins them.
 */
import { z } from 'zod';
import { projectRef } from './common';
import type { SystemKindInfo } from '../../schema/systems';
import type { ProjectSummary, RecentProject } from '../../schema/records';

export const projectCalls = {
  getAppInfo: { input: z.object({}) },
  listRecentProjects: { input: z.object({}) },
  createProject: { input: z.object({ parentDir: z.string().min(1), name: z.string().trim().min(1).max(120) }) },
  openProject: { input: projectRef },
} as const;

export interface AppInfo {
  version: string;
  transport: 'electron' | 'browser' | 'cli';
  workers: number;
  defaultProjectsDir: string;
  systems: SystemKindInfo[];
}

/** Output type of each call above. */
export interface ProjectCallOutputs {
  getAppInfo: AppInfo;
  listRecentProjects: RecentProject[];
  createProject: ProjectSummary;
  openProject: ProjectSummary;
}
