/**
 * Studies inside a project folder (the app's Studies view): <project>/studies/<id>/ holds
 * study.json, the stage cache (study-state.json, stages/), report.json, report.html, and
 * last-run.json, the stage states of the latest run (what the pipeline view shows after a
 * restart). The study's runs and model are ordinary runs/models of the project.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyStageName, StudyStageView, StudyStatus } from '../api/contract';
import { atomicWriteSync } from '../store/atomic';
import type { Study } from './schema';

export const studiesDir = (projectPath: string) => join(projectPath, 'studies');
export const studyDir = (projectPath: string, studyId: string) => join(studiesDir(projectPath), studyId);
export const studyFilePath = (dir: string) => join(dir, 'study.json');
export const reportJsonPath = (dir: string) => join(dir, 'report.json');
export const reportHtmlPath = (dir: string) => join(dir, 'report.html');
const lastRunPath = (dir: string) => join(dir, 'last-run.json');

export interface LastRun {
  status: StudyStatus;
  error: string | null;
  stages: StudyStageView[];
  updated: string;
}

/** The pipeline's stages in the order it runs them. */
export const STAGE_ORDER: StudyStageName[] = ['learnedCv', 'sampling', 'estimate', 'model', 'lift', 'consistency', 'seeding', 'closures', 'meanForce', 'dynamics'];

/** Which stages this study runs (the others are skipped by the pipeline). */
export function stagesOf(study: Study | null): StudyStageName[] {
  if (!study) return ['sampling', 'estimate'];
  if (study.learnedCv) return ['learnedCv']; // one stage: pipeline.ts hands the study to learned-cv-study.ts
  const withModel = !!study.model;
  return STAGE_ORDER.filter((name) => {
    switch (name) {
      case 'learnedCv':
        return false;
      case 'sampling':
      case 'estimate':
        return true;
      case 'model':
      case 'consistency':
        return withModel;
      case 'lift':
        return withModel && !!study.lift;
      case 'seeding':
        return withModel && !!study.seeding && study.seeding.rounds >= 2;
      case 'closures':
        return !!study.closures;
      case 'meanForce':
        return !!study.closures?.meanForce;
      case 'dynamics':
        return withModel && !!study.dynamics;
    }
  });
}

export function pendingStages(study: Study | null): StudyStageView[] {
  return stagesOf(study).map((name) => ({ name, status: 'pending', seconds: null, fraction: null, etaSeconds: null, runId: null }));
}

/** A folder name from the study's name, unique among the project's studies. */
export function newStudyId(projectPath: string, name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|-+$/g, '').slice(0, 60) || 'study';
  let id = base;
  for (let k = 2; existsSync(studyDir(projectPath, id)); k++) id = `${base}-${k}`;
  return id;
}

export function listStudyIds(projectPath: string): string[] {
  const dir = studiesDir(projectPath);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(studyFilePath(join(dir, e.name))))
    .map((e) => e.name);
}

export function writeStudyFile(dir: string, study: unknown): void {
  mkdirSync(dir, { recursive: true });
  atomicWriteSync(studyFilePath(dir), JSON.stringify(study, null, 2) + '\n');
}

export function readLastRun(dir: string): LastRun | null {
  try {
    return JSON.parse(readFileSync(lastRunPath(dir), 'utf8')) as LastRun;
  } catch {
    return null; // never run, or a damaged record: the stages show as pending
  }
}

export function writeLastRun(dir: string, run: LastRun): void {
  atomicWriteSync(lastRunPath(dir), JSON.stringify(run, null, 2) + '\n');
}

/** ISO time of the newest of the study's files (the list's order). */
export function studyUpdated(dir: string): string {
  const times = [studyFilePath(dir), lastRunPath(dir)].filter(existsSync).map((p) => statSync(p).mtimeMs);
  return new Date(Math.max(0, ...times)).toISOString();
}
