/** Recovery copies per instance: two instances on one data folder never share one; orphans are offered once. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LEGACY_RECOVERY_FILE, RECOVERY_DIR, RecoveryStore } from '../../../../src-engine/node/host/recovery.ts';
import { newProject } from '../../../../src-engine/train/templates.ts';
import { readProject } from '../../../../src-engine/node/worker/engine-ops.ts';
import type { Project } from '../../../../src-engine/project/project.ts';

const parse = async (v: unknown) => readProject(v, 'recovered project');
const named = (name: string): Project => ({ ...newProject(null), name });

/** A process id that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('recovery copies', () => {
  it('keeps one file per running instance, each offering its own', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-recovery-'));
    const a = new RecoveryStore(dir, `${process.pid}-aaaa`);
    const b = new RecoveryStore(dir, `${process.pid}-bbbb`);
    await a.write(named('A'), null);
    await b.write(named('B'), 'b.netwright');
    expect(a.file).not.toBe(b.file);
    expect((await a.read(parse))!.project.name).toBe('A');
    expect(await b.read(parse)).toMatchObject({ fileName: 'b.netwright', project: { name: 'B' } });
    // A third instance (both others still running: this process) is offered neither.
    const c = new RecoveryStore(dir, `${process.pid}-cccc`);
    expect(await c.read(parse)).toBeNull();
    expect(await a.clear()).toBe(true);
    expect(await a.clear()).toBe(false);
    expect((await b.read(parse))!.project.name).toBe('B');
  });

  it('offers the copy of an instance that stopped to one new instance only, newest first', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-recovery-'));
    const dead = deadPid();
    const old = new RecoveryStore(dir, `${dead}-0001`);
    await old.write(named('Older'), null);
    await new Promise((r) => setTimeout(r, 5));
    const newer = new RecoveryStore(dir, `${dead}-0002`);
    await newer.write(named('Newer'), null);
    const first = new RecoveryStore(dir, `${process.pid}-1111`);
    const second = new RecoveryStore(dir, `${process.pid}-2222`);
    expect((await first.read(parse))!.project.name).toBe('Newer');
    // It became the first instance's own copy: the second is offered the other orphan.
    expect(existsSync(first.file)).toBe(true);
    expect((await second.read(parse))!.project.name).toBe('Older');
    expect(readdirSync(path.join(dir, RECOVERY_DIR)).sort()).toEqual(
      [path.basename(first.file), path.basename(second.file)].sort(),
    );
  });

  it('reads the single recovery file of earlier versions, and removes unreadable copies', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-recovery-'));
    writeFileSync(
      path.join(dir, LEGACY_RECOVERY_FILE),
      JSON.stringify({ savedAt: '2024-01-01T00:00:00.000Z', fileName: null, project: named('Legacy') }),
    );
    mkdirSync(path.join(dir, RECOVERY_DIR));
    const broken = path.join(dir, RECOVERY_DIR, `${deadPid()}-dead.netwright`);
    writeFileSync(broken, '{ not json');
    const s = new RecoveryStore(dir, `${process.pid}-3333`);
    expect((await s.read(parse))!.project.name).toBe('Legacy');
    expect(existsSync(broken)).toBe(false);
    expect(existsSync(path.join(dir, LEGACY_RECOVERY_FILE))).toBe(false);
  });
});
