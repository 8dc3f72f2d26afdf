/**
 * Atomic save: a child process saves a big project again and again and is killed (SIGKILL) at
 * random moments; every time, the project file must still parse as a whole project, and the temp
 * files killed writers leave are removed by the next writer (at most the last one is ever left).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src-engine/node/atomic-write.ts';
import { parseProject } from '../../../src-engine/project/project.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';

const child = path.join(import.meta.dirname, 'atomic-writer.child.ts');

function runAndKill(file: string, killAfterWrites: number, extraMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, file, '400000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let writes = 0;
    p.stdout.on('data', (d: Buffer) => {
      writes += (d.toString().match(/w\d+/g) ?? []).length;
      if (writes >= killAfterWrites) setTimeout(() => p.kill('SIGKILL'), extraMs);
    });
    p.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(writes) : reject(new Error(`writer exited without being killed (${signal})`)),
    );
  });
}

describe('atomic save', () => {
  it('leaves a valid project after the writer is killed mid-save', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netwright-atomic-'));
    const file = path.join(dir, 'p.netwright');
    const rng = new SeededRng(7);
    let kills = 0;
    let interrupted = 0;
    // Kill at least 4 times, and until one kill is seen to have cut a save short (a temp file left).
    while (kills < 4 || (interrupted === 0 && kills < 12)) {
      await runAndKill(file, 2 + rng.int(2), rng.int(30));
      kills++;
      const left = readdirSync(dir).filter((f) => f.endsWith('.tmp')).length;
      expect(left).toBeLessThanOrEqual(1);
      interrupted += left;
      if (!existsSync(file)) continue; // killed before the first rename: no file yet is fine
      const p = parseProject(readFileSync(file, 'utf8'), 'p.netwright');
      expect(p.name).toMatch(/^save \d+$/);
      expect(p.weights!['h.W']!.data).toHaveLength(400_000);
    }
    expect(interrupted).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(true);
    // The next save (here, in this process) removes what the last killed writer left.
    await writeFileAtomic(file, readFileSync(file, 'utf8'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
