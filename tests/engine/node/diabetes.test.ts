// The check of issue 13: the CLI's defaults on scikit-learn's diabetes data (a copy written by
// python3-sklearn's load_diabetes(scaled=False), tests/fixtures/data/diabetes.csv) reach scikit-learn's
// test R² (LinearRegression about 0.42, MLPRegressor(32) about 0.35), averaged over three seeded splits.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = path.resolve('bin/netwright.mjs');
const DIABETES = path.resolve('tests/fixtures/data/diabetes.csv');

async function train(hidden: string, seed: number): Promise<Record<string, number>> {
  const args = [bin, 'train', '--data', DIABETES, '--target', 'progression', '--hidden', hidden];
  const r = await run(process.execPath, [...args, '--seed', String(seed), '--json'], { timeout: 60_000 });
  return JSON.parse(r.stdout) as Record<string, number>;
}

describe('regression on the diabetes data at the CLI defaults', () => {
  for (const [name, hidden, floor] of [
    ['a linear model', '', 0.4],
    ['an MLP(32)', '32', 0.33],
  ] as const) {
    it(`${name} reaches test R² ≥ ${floor} over three seeded splits`, async () => {
      const results = [];
      for (const seed of [1, 2, 3]) results.push(await train(hidden, seed));
      for (const m of results) {
        // Every regression error is reported, in the target's units (its variance is about 5,900).
        for (const k of ['mse', 'rmse', 'mae', 'r2', 'test_mse', 'test_rmse', 'test_mae', 'test_r2'])
          expect(typeof m[k], k).toBe('number');
        expect(m.test_rmse).toBeCloseTo(Math.sqrt(m.test_mse!), 6);
        expect(m.test_mse).toBeGreaterThan(1000);
        expect(m.test_mae).toBeLessThan(m.test_rmse!);
      }
      const mean = results.reduce((a, m) => a + m.test_r2!, 0) / results.length;
      expect(mean).toBeGreaterThanOrEqual(floor);
    });
  }
});
