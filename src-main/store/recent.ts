/**
 * Recently used projects, newest first, kept as <userDataDir>/recent.json. A damaged recent.json
 * is moved aside (recent.json.damaged-<time>) rather than silently overwritten.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecentProject } from '../schema';
import { atomicWrite, ioError } from './atomic';
import { PROJECT_FILE } from './project';

export const RECENT_FILE = 'recent.json';
export const MAX_RECENT = 20;

interface RecentFile { schemaVersion: 1; projects: { path: string; name: string; openedAt: string }[] }

export class RecentProjects {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(readonly userDataDir: string) {}

  get file(): string {
    return join(this.userDataDir, RECENT_FILE);
  }

  private async readRaw(): Promise<RecentFile['projects']> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError(error, this.file, 'read');
    }
    try {
      const data = JSON.parse(text) as RecentFile;
      if (!data || !Array.isArray(data.projects)) throw new Error('no project list');
      return data.projects.filter(
        (p) => p && typeof p.path === 'string' && typeof p.name === 'string' && typeof p.openedAt === 'string',
      );
    } catch {
      // Keep the damaged file for inspection; start a fresh list.
      await rename(this.file, `${this.file}.damaged-${Date.now()}`).catch(() => {});
      return [];
    }
  }

  /** Paths in the list (used for access control). */
  async paths(): Promise<string[]> {
    return (await this.serial(() => this.readRaw())).map((p) => p.path);
  }

  async list(): Promise<RecentProject[]> {
    const raw = await this.serial(() => this.readRaw());
    return Promise.all(
      raw.map(async (p) => ({ ...p, exists: await stat(join(p.path, PROJECT_FILE)).then(() => true, () => false) })),
    );
  }

  /** Moves (or adds) a project to the top of the list. */
  async touch(path: string, name: string): Promise<void> {
    await this.serial(async () => {
      const raw = (await this.readRaw()).filter((p) => p.path !== path);
      raw.unshift({ path, name, openedAt: new Date().toISOString() });
      try {
        await mkdir(this.userDataDir, { recursive: true });
      } catch (error) {
        throw ioError(error, this.userDataDir, 'create');
      }
      const data: RecentFile = { schemaVersion: 1, projects: raw.slice(0, MAX_RECENT) };
      await atomicWrite(this.file, JSON.stringify(data, null, 2) + '\n');
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }
}
