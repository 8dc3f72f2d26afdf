import { describe, expect, it } from 'vitest';
import { applySettings, settingsOf, timeLeft } from '../../renderer/src/lib/train-settings.ts';
import { cellColor, rampColor } from '../../renderer/src/features/plots/colors.ts';
import { seriesOf } from '../../renderer/src/features/plots/series.ts';
import { makeTrainConfig } from '../../src-engine/train/config.ts';
import { MetricHistory } from '../../src-engine/protocol/index.ts';

describe('training panel settings', () => {
  it('round-trips a config and keeps the fields the panel does not edit', () => {
    const c = makeTrainConfig({
      epochs: 50,
      batchSize: 16,
      optimizer: { name: 'rmsprop', lr: 0.003, rho: 0.8 },
      seed: 7,
      clipNorm: 2,
      validationSplit: 0.1,
    });
    const s = settingsOf(c);
    expect(s).toMatchObject({
      epochs: 50,
      batchSize: 16,
      optimizer: 'rmsprop',
      lr: 0.003,
      seed: 7,
      backend: 'auto', // the default: the faster backend for the network (src-engine/train/backend-choice.ts)
    });
    expect(applySettings(c, s).validationSplit).toBe(0.1);
    expect(applySettings(c, s, 0.3).validationSplit).toBe(0.3);
    const next = applySettings(c, { ...s, epochs: 80, lr: 0.01, optimizer: 'adam' });
    expect(next.epochs).toBe(80);
    expect(next.optimizer).toMatchObject({ name: 'adam', lr: 0.01, rho: 0.8 });
    expect(next.clipNorm).toBe(2);
    expect(() => makeTrainConfig(next)).not.toThrow();
    expect(applySettings(c, { ...s, schedule: 'step', epochs: 100 }).schedule).toEqual({
      kind: 'step',
      everyEpochs: 25,
      factor: 0.5,
    });
    expect(applySettings(c, { ...s, schedule: 'cosine' }).schedule).toEqual({ kind: 'cosine', minLr: 0 });
    const stepped = makeTrainConfig({ schedule: { kind: 'step', everyEpochs: 3, factor: 0.9 } });
    expect(applySettings(stepped, settingsOf(stepped)).schedule).toEqual({ kind: 'step', everyEpochs: 3, factor: 0.9 });
  });

  it('estimates the time left from the pace so far', () => {
    expect(timeLeft(0, 100, 0)).toBeNull();
    expect(timeLeft(25, 100, 5000)).toBeCloseTo(15, 10);
    expect(timeLeft(100, 100, 8000)).toBe(0);
  });
});

describe('plot helpers', () => {
  it('draws a metric from the history: means as the line, a min/max band only once buckets hold several epochs', () => {
    const pts: Record<string, number>[] = [
      { epoch: 1, loss: 0.9, lr: 0.1 },
      { epoch: 2, loss: 0.5, val_loss: 0.6, lr: 0.1 },
      { epoch: 3, loss: Number.NaN, val_loss: 0.4, lr: 0.1 },
    ];
    // The renderer compacts saved runs with the engine's own class (through the protocol).
    const h = MetricHistory.fromEpochs(pts, 8).snapshot();
    expect(seriesOf(h, 'loss')).toEqual({
      line: [
        { x: 1, y: 0.9 },
        { x: 2, y: 0.5 },
      ],
      band: null,
    });
    expect(seriesOf(h, 'val_loss').line).toEqual([
      { x: 2, y: 0.6 },
      { x: 3, y: 0.4 },
    ]);
    expect(seriesOf(h, 'accuracy')).toEqual({ line: [], band: null });
    expect(seriesOf(null, 'loss')).toEqual({ line: [], band: null });
    // 10 epochs into 4 buckets at most: pairs merged, each bucket at its last epoch with its spread.
    const long = MetricHistory.fromEpochs(
      Array.from({ length: 10 }, (_, i) => ({ epoch: i + 1, loss: 10 - i })),
      4,
    ).snapshot();
    const drawn = seriesOf(long, 'loss');
    expect(long.stride).toBeGreaterThan(1);
    expect(drawn.line.length).toBeLessThanOrEqual(4);
    expect(drawn.line.at(-1)!.x).toBe(10);
    expect(drawn.band!.min.map((p) => p.x)).toEqual(drawn.line.map((p) => p.x));
    drawn.line.forEach((p, i) => {
      expect(drawn.band!.min[i]!.y).toBeLessThanOrEqual(p.y);
      expect(drawn.band!.max[i]!.y).toBeGreaterThanOrEqual(p.y);
    });
    expect(drawn.band!.max[0]!.y).toBe(10);
  });

  it('shades a cell white at chance and towards its class colour with certainty', () => {
    const chance = cellColor(0, 0.5, 2);
    const sure = cellColor(0, 1, 2);
    expect(chance.every((v) => v > 230)).toBe(true);
    expect(sure[2]).toBeGreaterThan(sure[0]);
    expect(sure[0]).toBeLessThan(110);
    expect(cellColor(1, 1, 2)).not.toEqual(sure);
    expect(rampColor(0.5)).toEqual([255, 255, 255]);
  });
});
