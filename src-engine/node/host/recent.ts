/**
 * Recent projects, kept in the data folder (recent.json, written atomically). A host with file paths
 * (Electron) remembers where each file is; the browser host, whose files come as uploads and leave
 * as downloads, keeps a copy of each project's text as it was last opened or saved.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../atomic-write.ts';
import type { RecentFile } from '../../protocol/api.ts';

/** How many recent projects are remembered. */
export const MAX_RECENT = 10;
const LIST_FILE = 'recent.json';
const COPIES_DIR = 'recent';

interface Entry extends RecentFile {
  /** Where the file is, or null when the store keeps a copy. */
  path: string | null;
}

export class RecentStore {
  private readonly list: string;
  private readonly copies: string;

  constructor(dataDir: string) {
    this.list = path.join(dataDir, LIST_FILE);
    this.copies = path.join(dataDir, COPIES_DIR);
  }

  private async entries(): Promise<Entry[]> {
    try {
      const raw = JSON.parse(await fs.readFile(this.list, 'utf8')) as unknown;
      if (!Array.isArray(raw)) return [];
      return raw.filter(
        (e): e is Entry =>
          !!e &&
          typeof e.id === 'string' &&
          /^[0-9a-f]{16}$/.test(e.id) &&
          typeof e.name === 'string' &&
          typeof e.fileName === 'string' &&
          typeof e.at === 'string' &&
          (e.path === null || typeof e.path === 'string'),
      );
    } catch {
      return [];
    }
  }

  private copyOf(id: string): string {
    return path.join(this.copies, `${id}.netwright`);
  }

  /** The recent projects, newest first. */
  async recent(): Promise<RecentFile[]> {
    return (await this.entries()).map(({ id, name, fileName, at, location }) => ({ id, name, fileName, at, location }));
  }

  /** Remember a project just opened or saved: by its path, or (no path) as a copy of its text. */
  async record(p: { name: string; fileName: string; path: string | null; text: string }): Promise<void> {
    const id = createHash('sha256')
      .update(p.path ?? `copy:${p.fileName}`)
      .digest('hex')
      .slice(0, 16);
    if (p.path === null) await writeFileAtomic(this.copyOf(id), p.text);
    const entry: Entry = {
      id,
      name: p.name,
      fileName: p.fileName,
      at: new Date().toISOString(),
      location: p.path,
      path: p.path,
    };
    const all = [entry, ...(await this.entries()).filter((e) => e.id !== id)];
    for (const gone of all.slice(MAX_RECENT))
      if (gone.path === null) await fs.rm(this.copyOf(gone.id), { force: true });
    await writeFileAtomic(this.list, JSON.stringify(all.slice(0, MAX_RECENT), null, 1));
  }

  /** The text of a recent project and where it is; a file that is gone is forgotten and named in the error. */
  async read(id: string): Promise<{ fileName: string; path: string | null; text: string }> {
    const all = await this.entries();
    const e = all.find((x) => x.id === id);
    if (!e) throw new RangeError('That project is no longer in the recent list.');
    try {
      return { fileName: e.fileName, path: e.path, text: await fs.readFile(e.path ?? this.copyOf(e.id), 'utf8') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await writeFileAtomic(
        this.list,
        JSON.stringify(
          all.filter((x) => x.id !== id),
          null,
          1,
        ),
      );
      throw new RangeError(
        `${e.fileName} ${e.path ? `is no longer at ${e.path}` : 'is no longer kept'}: it was moved or deleted, so it left the recent list.`,
        { cause: err },
      );
    }
  }
}
