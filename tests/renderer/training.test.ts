import { describe, expect, it } from 'vitest';
import { applySettings, settingsOf, timeLeft } from '../../renderer/src/lib/train-settings.ts';
import { cellColor, rampColor } from '../../renderer/src/features/plots/colors.ts';
import { seriesOf } from '../../renderer/src/features/plots/series.ts';
import { makeTrainConfig } from '../../src-engine/train/config.ts';

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
  it('takes one metric as (epoch, value) pairs, skipping epochs without it', () => {
    const pts = [
      { epoch: 1, loss: 0.9, lr: 0.1 },
      { epoch: 2, loss: 0.5, val_loss: 0.6, lr: 0.1 },
      { epoch: 3, loss: Number.NaN, val_loss: 0.4, lr: 0.1 },
    ];
    expect(seriesOf(pts, 'loss')).toEqual([
      { x: 1, y: 0.9 },
      { x: 2, y: 0.5 },
    ]);
    expect(seriesOf(pts, 'val_loss')).toEqual([
      { x: 2, y: 0.6 },
      { x: 3, y: 0.4 },
    ]);
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
