/** Atomic writes keep the file's mode, write through symlinks, sync the folder and never leave temp files behind. */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from '../../../src-engine/node/atomic-write.ts';
import { need } from '../../support/prerequisites.ts';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'nw-atomic-'));
const temps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}

afterEach(() => vi.restoreAllMocks());

describe('writeFileAtomic', () => {
  it("keeps an existing file's permissions (0600 stays 0600, 0640 stays 0640)", async () => {
    const dir = fresh();
    for (const mode of [0o600, 0o640, 0o755]) {
      const file = path.join(dir, `p${mode.toString(8)}.netwright`);
      writeFileSync(file, 'old');
      chmodSync(file, mode);
      await writeFileAtomic(file, 'new');
      expect(statSync(file).mode & 0o777).toBe(mode);
      expect(readFileSync(file, 'utf8')).toBe('new');
    }
  });

  it('writes through a symlink to its target and keeps the link', async () => {
    const dir = fresh();
    mkdirSync(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'project.netwright');
    writeFileSync(target, 'old');
    const link = path.join(dir, 'link.netwright');
    symlinkSync(path.join('real', 'project.netwright'), link);
    const chained = path.join(dir, 'chained.netwright');
    symlinkSync('link.netwright', chained);
    await writeFileAtomic(chained, 'new');
    expect(lstatSync(chained).isSymbolicLink()).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(path.join('real', 'project.netwright'));
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(temps(dir)).toEqual([]);
    expect(temps(path.join(dir, 'real'))).toEqual([]);
    // A dangling link is written through too: the target is created, the link stays.
    const dangling = path.join(dir, 'dangling.netwright');
    symlinkSync(path.join('real', 'later.netwright'), dangling);
    await writeFileAtomic(dangling, 'made');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'real', 'later.netwright'), 'utf8')).toBe('made');
  });

  it('removes its temp file and keeps the old file when the write fails', async () => {
    const dir = fresh();
    const file = path.join(dir, 'p.netwright');
    writeFileSync(file, 'old');
    // Data that cannot be written: the failure comes after the temp file exists.
    await expect(writeFileAtomic(file, { not: 'bytes' } as unknown as string)).rejects.toThrow();
    expect(temps(dir)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });

  it('removes its temp file on a full disk (a 64 KiB tmpfs)', async (ctx) => {
    const dir = fresh();
    let missing: string | null = null;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      missing = 'A full disk is tested on a 64 KiB tmpfs, and mounting one needs root on Linux.';
    }
    // Off CI without root the test says so and skips; CI (root) must run it.
    need(ctx, { name: 'tmpfs mount', missing });
    try {
      const file = path.join(dir, 'p.netwright');
      await writeFileAtomic(file, 'old');
      await expect(writeFileAtomic(file, 'x'.repeat(256 * 1024))).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(readdirSync(dir)).toEqual(['p.netwright']);
      expect(readFileSync(file, 'utf8')).toBe('old');
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it("removes temp files a killed writer left beside the file, but not a live writer's", async () => {
    const dir = fresh();
    const file = path.join(dir, 'p.netwright');
    const dead = deadPid();
    const orphan = `.p.netwright.${dead}.0123abcd.tmp`;
    const live = `.p.netwright.${process.ppid}.89abcdef.tmp`;
    const other = `.q.netwright.${dead}.00000000.tmp`;
    for (const f of [orphan, live, other]) writeFileSync(path.join(dir, f), 'partial');
    await writeFileAtomic(file, 'new');
    expect(temps(dir).sort()).toEqual([live, other].sort());
    // At a host's start, every orphan in its data folder goes.
    expect(await removeStaleTemps(dir)).toBe(1);
    expect(temps(dir)).toEqual([live]);
  });

  it('fsyncs the folder after the rename', async () => {
    const dir = fresh();
    const file = path.join(dir, 'p.netwright');
    const opened: string[] = [];
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (p, flags, mode) => {
      const h = await open(p, flags, mode);
      if (String(p) === dir) {
        const sync = h.sync.bind(h);
        h.sync = async () => {
          opened.push(`sync ${String(p)}`);
          return sync();
        };
      }
      return h;
    });
    await writeFileAtomic(file, 'x');
    expect(opened).toEqual([`sync ${dir}`]);
    expect(existsSync(file)).toBe(true);
  });
});
