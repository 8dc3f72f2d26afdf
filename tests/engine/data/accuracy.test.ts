/**
 * Real data nobody here wrote, through the whole data path (file -> loadTable -> prepare) and
 * Netwright's own trainer: penguins (vega-datasets) and the mnist package's digits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import { prepare } from '../../../src-engine/data/prepare.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';
import { graphForData } from '../../../src-engine/train/auto-graph.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { countCorrect } from '../../../src-engine/train/metrics.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';
import { mnistDigits, writeDigits, writePenguinsCsv } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'nw-acc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function trainAndTest(
  train: Dataset,
  test: Dataset,
  hidden: number[],
  config: Record<string, unknown>,
): Promise<number> {
  const trainer = new Trainer({ graph: graphForData(train, hidden, 'relu'), config: makeTrainConfig(config), train });
  for await (const ev of trainer.run()) if (ev.type === 'diverged') throw new Error(ev.message);
  const pred = await trainer.backend.predict(test.x, test.rows);
  const acc = countCorrect(pred, test.y, test.rows, test.targets, trainer.decision) / test.rows;
  console.log(`${train.name}: test accuracy ${acc.toFixed(4)} on ${test.rows} rows`);
  return acc;
}

describe('accuracy on real data', () => {
  it('penguins species from a CSV with missing values: >= 0.95 test accuracy', async () => {
    const table = await loadTable(writePenguinsCsv(dir));
    const p = prepare(table, {
      target: 'Species',
      scaling: 'standard',
      missing: 'impute',
      split: { validation: 0, test: 0.25, seed: 7, stratify: true },
    });
    expect(p.train.features).toBe(4 + 3 + 2); // 4 numeric, Island one-hot (3), Sex one-hot (2)
    const acc = await trainAndTest(p.train, p.test!, [16], {
      epochs: 60,
      batchSize: 16,
      seed: 3,
      optimizer: { name: 'adam', lr: 0.01 },
    });
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });

  it('mnist digits 784-128-10 from IDX: >= 0.90 on a held-out fifth', async () => {
    const files = writeDigits(join(dir, 'digits'), mnistDigits(600));
    const table = await loadTable(files.imagesGz, { labelsPath: files.labelsGz });
    expect(table.rows).toBe(6000);
    const p = prepare(table, {
      target: 'label',
      scaling: 'minmax',
      missing: 'refuse',
      split: { validation: 0, test: 0.2, seed: 5, stratify: true },
    });
    expect([p.train.features, p.train.targets]).toEqual([784, 10]);
    expect(p.test!.rows).toBeCloseTo(table.rows / 5, -1);
    const acc = await trainAndTest(p.train, p.test!, [128], {
      epochs: 3,
      batchSize: 32,
      seed: 2,
      optimizer: { name: 'adam', lr: 0.001 },
    });
    expect(acc).toBeGreaterThanOrEqual(0.9);
  });
});
