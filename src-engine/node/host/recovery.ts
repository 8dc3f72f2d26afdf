/** The recovery copy of unsaved work: written atomically on autosave, offered on the next start. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import type { Project } from '../../project/project.ts';
import type { Recovery } from '../../protocol/api.ts';

export const RECOVERY_FILE = 'recovery.netwright';

/** Recovery storage in a data folder; `read` validates through the given parser. */
export class RecoveryStore {
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, RECOVERY_FILE);
  }

  /** Save a validated project as the recovery copy. */
  async write(project: Project, fileName: string | null): Promise<string> {
    const savedAt = new Date().toISOString();
    await writeFileAtomic(this.file, JSON.stringify({ savedAt, fileName, project }));
    return savedAt;
  }

  /** The recovery copy, or null when there is none or it cannot be read (then it is removed). */
  async read(parse: (value: unknown) => Promise<Project>): Promise<Recovery | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const raw = JSON.parse(text) as { savedAt?: unknown; fileName?: unknown; project?: unknown };
      const project = await parse(raw.project);
      return {
        project,
        savedAt: String(raw.savedAt ?? ''),
        fileName: typeof raw.fileName === 'string' ? raw.fileName : null,
      };
    } catch {
      await this.clear();
      return null;
    }
  }

  /** Remove the recovery copy; true when there was one. */
  async clear(): Promise<boolean> {
    try {
      await fs.rm(this.file);
      return true;
    } catch {
      return false;
    }
  }
}
