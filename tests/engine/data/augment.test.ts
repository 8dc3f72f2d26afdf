/** Augmentation of image rows: exact shifts and flips, seeded, and applied to training batches only. */
import { describe, expect, it } from 'vitest';
import { Augmenter } from '../../../src-engine/data/augment.ts';
import { SeededRng, type Rng } from '../../../src-engine/tensor/rng.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';
import { chain } from '../backprop/util.ts';
import { tinyCnn, tinyImages } from './tiny-images.ts';

/** An Rng that replays fixed draws (int(n) takes the next integer, uniform() the next fraction). */
function scripted(ints: number[], uniforms: number[] = []): Rng {
  return {
    uniform: () => uniforms.shift()!,
    normal: () => 0,
    int: () => ints.shift()!,
  } as unknown as Rng;
}

/** A 2-channel 3×4 image whose pixel (c, i, j) holds 100c + 10i + j. */
const image = () =>
  Float32Array.from({ length: 24 }, (_, k) => 100 * Math.floor(k / 12) + 10 * Math.floor((k % 12) / 4) + (k % 4));

describe('Augmenter', () => {
  it('shifts by whole pixels, repeating the edge into the gap, every channel alike', () => {
    const x = image();
    // shift 1: int(3) - 1 gives dy = +1 (down), dx = -1 (left)
    new Augmenter([2, 3, 4], { shift: 1, flip: false }, scripted([2, 0])).apply(x, 1);
    const px = (c: number, i: number, j: number) => x[c * 12 + i * 4 + j];
    // output (i, j) shows input (i - 1, j + 1), clamped
    expect([px(0, 0, 0), px(0, 1, 0), px(0, 2, 2), px(0, 2, 3), px(1, 1, 3)]).toEqual([1, 1, 13, 13, 103]);
  });

  it('flips left-right', () => {
    const x = image();
    new Augmenter([2, 3, 4], { shift: 0, flip: true }, scripted([], [0.2])).apply(x, 1);
    expect(Array.from(x.subarray(0, 4))).toEqual([3, 2, 1, 0]);
    expect(Array.from(x.subarray(20, 24))).toEqual([123, 122, 121, 120]);
    const kept = image();
    new Augmenter([2, 3, 4], { shift: 0, flip: true }, scripted([], [0.7])).apply(kept, 1);
    expect(kept).toEqual(image());
  });

  it('is the same for the same seed, and different for another', () => {
    const run = (seed: number) => {
      const x = new Float32Array(5 * 24);
      for (let r = 0; r < 5; r++) x.set(image(), r * 24);
      new Augmenter([2, 3, 4], { shift: 2, flip: true }, new SeededRng(seed)).apply(x, 5);
      return Array.from(x);
    };
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });
});

describe('augmentation in training', () => {
  const data = tinyImages(1, 'blobs');
  const graph = tinyCnn();
  const run = async (augment: { shift: number; flip: boolean }) => {
    const before = Float32Array.from(data.x);
    const t = new Trainer({
      graph,
      config: makeTrainConfig({ epochs: 2, batchSize: 8, augment, validationSplit: 0.25 }),
      train: data,
    });
    const done = await t.runToEnd();
    expect(data.x).toEqual(before); // the dataset itself is never changed
    // The validation metrics are those of the original rows under the final weights.
    const v = t.validation!;
    for (let r = 0; r < v.rows; r++) {
      const row = Array.from(v.x.subarray(r * 36, (r + 1) * 36));
      expect(
        Array.from({ length: data.rows }, (_, k) => k).some((k) => row.every((val, i) => val === data.x[k * 36 + i])),
      ).toBe(true);
    }
    const ev = await t.backend.evaluate(v.x, v.y, v.rows);
    expect(ev.loss).toBeCloseTo(done.metrics!.val_loss!, 6);
    return done.metrics!;
  };

  it('changes the training batches but not the validation rows', async () => {
    const plain = await run({ shift: 0, flip: false });
    const shifted = await run({ shift: 1, flip: true });
    const again = await run({ shift: 1, flip: true });
    expect(shifted.loss).not.toBe(plain.loss);
    expect(again).toEqual(shifted);
  });

  it('is refused for a network without an image input, and image sizes must match the data', () => {
    const flat = chain(36, [], { units: 1, activation: 'sigmoid', loss: 'bce' });
    expect(
      () => new Trainer({ graph: flat, config: makeTrainConfig({ augment: { shift: 2, flip: false } }), train: data }),
    ).toThrow(/Augmentation \(shifts and flips\) works on images/);
    const wrong = chain(0, [['f', 'Flatten']], { units: 1 }, { shape: 'image', channels: 4, height: 3, width: 3 });
    expect(() => new Trainer({ graph: wrong, config: makeTrainConfig({}), train: data })).toThrow(
      "The Input layer 'in' takes 4×3×3 images (channels × height × width) but the data's images are 1×6×6. Set the Input's shape to 1×6×6.",
    );
    // Of another size too: still said in images, not in a count of features.
    const big = chain(0, [['f', 'Flatten']], { units: 1 }, { shape: 'image', channels: 1, height: 28, width: 28 });
    expect(() => new Trainer({ graph: big, config: makeTrainConfig({}), train: data })).toThrow(
      "The Input layer 'in' takes 1×28×28 images (channels × height × width) but the data's images are 1×6×6. Set the Input's shape to 1×6×6.",
    );
    // Image Input, plain feature rows: the sentence names both counts.
    const { sampleShape: _, ...rows } = data;
    expect(() => new Trainer({ graph: big, config: makeTrainConfig({}), train: rows })).toThrow(
      "The Input layer 'in' takes 1×28×28 images, 784 values a sample, but the data has 36 features (p0, p1, p2, p3, p4, …). Give the Input a shape of 36 values, or use data with 784 values a row.",
    );
  });
});
