/**
 * Recovery copies of unsaved work, one file per running instance (so two windows or hosts on one
 * data folder never overwrite each other's), written atomically on autosave. On start an instance
 * offers its own copy (its page was reloaded) or one left by an instance that is no longer running;
 * taking such an orphan renames it to its own, so no other instance offers it too.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../atomic-write.ts';
import type { Project } from '../../project/project.ts';
import type { Recovery } from '../../protocol/api.ts';

/** The folder of recovery copies inside the data folder. */
export const RECOVERY_DIR = 'recovery';
/** The single recovery file of Netwright before 0.2; read as an orphan. */
export const LEGACY_RECOVERY_FILE = 'recovery.netwright';

/** Whether a process with this id is running (a process we may not signal still runs). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process id in a recovery file's name ('<pid>-<random>.netwright'), or 0 for the legacy file. */
const pidOf = (name: string) => Number(/^(\d+)-[0-9a-f]+\.netwright$/.exec(name)?.[1] ?? 0);

/** Recovery storage of one instance in a data folder; `read` validates through the given parser. */
export class RecoveryStore {
  /** This instance's recovery file. */
  readonly file: string;
  private readonly dir: string;

  constructor(
    private readonly dataDir: string,
    instance = `${process.pid}-${randomBytes(4).toString('hex')}`,
  ) {
    this.dir = path.join(dataDir, RECOVERY_DIR);
    this.file = path.join(this.dir, `${instance}.netwright`);
  }

  /** Save a validated project as this instance's recovery copy. */
  async write(project: Project, fileName: string | null): Promise<string> {
    const savedAt = new Date().toISOString();
    await writeFileAtomic(this.file, JSON.stringify({ savedAt, fileName, project }));
    return savedAt;
  }

  /** Copies another instance may still be writing are not offered: only this one's and orphans. */
  private async candidates(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const mine = path.basename(this.file);
    const orphans = names
      .filter((n) => n !== mine && n.endsWith('.netwright') && !alive(pidOf(n)))
      .map((n) => path.join(this.dir, n));
    const legacy = path.join(this.dataDir, LEGACY_RECOVERY_FILE);
    const hasLegacy = await fs.stat(legacy).then(
      () => true,
      () => false,
    );
    return [...(names.includes(mine) ? [this.file] : []), ...orphans, ...(hasLegacy ? [legacy] : [])];
  }

  /**
   * The copy to offer: this instance's, else the newest orphan (which becomes this instance's);
   * null when there is none. Unreadable copies are removed.
   */
  async read(parse: (value: unknown) => Promise<Project>): Promise<Recovery | null> {
    const found: { file: string; recovery: Recovery }[] = [];
    for (const file of await this.candidates()) {
      try {
        const raw = JSON.parse(await fs.readFile(file, 'utf8')) as {
          savedAt?: unknown;
          fileName?: unknown;
          project?: unknown;
        };
        const project = await parse(raw.project);
        found.push({
          file,
          recovery: {
            project,
            savedAt: String(raw.savedAt ?? ''),
            fileName: typeof raw.fileName === 'string' ? raw.fileName : null,
          },
        });
      } catch (e) {
        // Another instance took this orphan meanwhile: not ours to remove.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') await fs.rm(file, { force: true });
      }
    }
    const own = found.find((f) => f.file === this.file);
    if (own) return own.recovery;
    found.sort((a, b) => b.recovery.savedAt.localeCompare(a.recovery.savedAt));
    for (const f of found) {
      try {
        await fs.mkdir(this.dir, { recursive: true });
        await fs.rename(f.file, this.file);
        return f.recovery;
      } catch {
        // Taken by another instance starting at the same time: try the next.
      }
    }
    return null;
  }

  /** Remove this instance's recovery copy; true when there was one. */
  async clear(): Promise<boolean> {
    try {
      await fs.rm(this.file);
      return true;
    } catch {
      return false;
    }
  }
}
