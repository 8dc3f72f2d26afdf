/** Project files the user picks (Electron's open dialog, a double-click): refused by size before they are read. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../src-engine/node/host/project-file.ts';

describe('readProjectFile', () => {
  it('reads a project, and refuses a file larger than a project can be or one that is not a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-projfile-'));
    const ok = path.join(dir, 'a.netwright');
    writeFileSync(ok, '{"format":"netwright-project"}');
    expect(await readProjectFile(ok)).toBe('{"format":"netwright-project"}');
    const huge = path.join(dir, 'huge.netwright');
    writeFileSync(huge, '');
    truncateSync(huge, 10 * 2 ** 30); // sparse: 10 GiB without using the disk
    await expect(readProjectFile(huge)).rejects.toThrow(
      'huge.netwright has 10,737,418,240 bytes; a Netwright project has at most 67,108,864.',
    );
    const fifo = path.join(dir, 'pipe.netwright');
    execFileSync('mkfifo', [fifo]);
    await expect(readProjectFile(fifo)).rejects.toThrow('pipe.netwright is not a regular file.');
  });
});
