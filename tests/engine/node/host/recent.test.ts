/** Recent projects: by path (Electron) or as a kept copy (browser host), newest first, at most ten; gone files are named and forgotten. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MAX_RECENT, RecentStore } from '../../../../src-engine/node/host/recent.ts';

describe('recent projects', () => {
  it('lists projects newest first, once each, and reads them back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-recent-'));
    const store = new RecentStore(dir);
    const file = path.join(dir, 'on-disk.netwright');
    writeFileSync(file, '{"on":"disk"}');
    await store.record({ name: 'On disk', fileName: 'on-disk.netwright', path: file, text: 'ignored' });
    await store.record({ name: 'Uploaded', fileName: 'up.netwright', path: null, text: '{"kept":"copy"}' });
    await store.record({ name: 'On disk, renamed', fileName: 'on-disk.netwright', path: file, text: 'ignored' });
    const list = await store.recent();
    expect(list.map((r) => r.name)).toEqual(['On disk, renamed', 'Uploaded']);
    expect(list[0]!.location).toBe(file);
    expect(list[1]!.location).toBeNull();
    expect((await store.read(list[0]!.id)).text).toBe('{"on":"disk"}');
    expect(await store.read(list[1]!.id)).toEqual({ fileName: 'up.netwright', path: null, text: '{"kept":"copy"}' });
  });

  it('keeps the ten newest', async () => {
    const store = new RecentStore(mkdtempSync(path.join(tmpdir(), 'nw-recent-')));
    for (let i = 0; i < MAX_RECENT + 3; i++)
      await store.record({ name: `p${i}`, fileName: `p${i}.netwright`, path: null, text: `{"i":${i}}` });
    const list = await store.recent();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]!.name).toBe(`p${MAX_RECENT + 2}`);
    expect(list.at(-1)!.name).toBe('p3');
  });

  it('names a file that is gone and forgets it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-recent-'));
    const store = new RecentStore(dir);
    const file = path.join(dir, 'gone.netwright');
    writeFileSync(file, '{}');
    await store.record({ name: 'Gone', fileName: 'gone.netwright', path: file, text: '' });
    const [entry] = await store.recent();
    rmSync(file);
    await expect(store.read(entry!.id)).rejects.toThrow(`gone.netwright is no longer at ${file}`);
    expect(await store.recent()).toEqual([]);
  });
});
