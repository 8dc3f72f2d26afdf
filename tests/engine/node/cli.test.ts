// The CLI as a user runs it: the package's bin, straight from the checkout.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../../src-engine/project/project.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/netwright.mjs');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('netwright CLI', () => {
  it('lists templates with one-line descriptions', async () => {
    const r = await cli(['templates']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^from-scratch\s+From scratch: 3-4-1 sigmoid/m);
    expect(r.stdout).toMatch(/^digits\s+Digits 784-15-10/m);
  });

  it('trains a template and prints exactly one JSON object with --json', async () => {
    const r = await cli(['train', 'from-scratch', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const m = JSON.parse(lines[0]!);
    expect(m.epochs).toBe(1500);
    expect(m.accuracy).toBe(1);
    expect(m.loss).toBeLessThan(0.01);
    expect(m.samples_per_s).toBeGreaterThan(0);
    expect(m.predictions.map((p: { output: number[] }) => Math.round(p.output[0]!))).toEqual([0, 1, 1, 0]);
  });

  it('shows progress and writes the trained project to --out, which trains again from its weights', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const r = await cli(['train', 'circle', '--epochs', '40', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/data: Circle/);
    expect(r.stderr).toMatch(/100% epoch 40\/40/);
    expect(r.stdout).toMatch(/done: 40 epochs/);
    const file = path.join(dir, 'circle.netwright');
    const p = parseProject(readFileSync(file, 'utf8'));
    expect(Object.keys(p.weights!)).toContain('hidden1.W');
    expect(p.runs).toHaveLength(1);
    const again = await cli(['train', file, '--epochs', '2', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).accuracy).toBeGreaterThan(0.8);
  });

  it('applies overrides and is deterministic for a seed', async () => {
    const a = await cli(['train', 'xor-quadrants', '--epochs', '3', '--batch', '8', '--lr', '0.05', '--optimizer', 'rmsprop', '--seed', '7', '--json']);
    const b = await cli(['train', 'xor-quadrants', '--epochs', '3', '--batch', '8', '--lr', '0.05', '--optimizer', 'rmsprop', '--seed', '7', '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).loss).toBe(JSON.parse(b.stdout).loss);
    expect(JSON.parse(a.stdout).epochs).toBe(3);
  });

  it('fails with one clear line and no stack trace', async () => {
    for (const args of [['train', 'no-such-template'], ['train', 'circle', '--epochs', 'ten'], ['train', 'circle', '--optimizer', 'lbfgs'], ['train', 'missing.netwright'], ['frobnicate']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'nw-cli-')), 'bad.netwright');
    writeFileSync(bad, '{"format": "netwright-project", "version": 1, "graph": 3}');
    const r = await cli(['train', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad.netwright is damaged: graph/);
  });
});
