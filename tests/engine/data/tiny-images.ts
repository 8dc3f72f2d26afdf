/** 40 noise images of 6 × 6 with alternating labels, and a tiny CNN that takes them: for augmentation tests. */
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain } from '../backprop/util.ts';

export function tinyImages(seed: number, name = 'noise'): Dataset {
  const rng = new SeededRng(seed);
  const rows = 40;
  return {
    name,
    x: Float32Array.from({ length: rows * 36 }, () => rng.uniform()),
    y: Float32Array.from({ length: rows }, (_, r) => r % 2),
    rows,
    features: 36,
    targets: 1,
    task: 'binary',
    featureNames: Array.from({ length: 36 }, (_, i) => `p${i}`),
    classNames: ['a', 'b'],
    sampleShape: [1, 6, 6],
  };
}

export function tinyCnn(): GraphDoc {
  return chain(
    0,
    [
      ['c', 'Conv2D', { filters: 2, kernel_size: 3 }],
      ['f', 'Flatten'],
    ],
    { units: 1, activation: 'sigmoid', loss: 'bce' },
    { shape: 'image', channels: 1, height: 6, width: 6 },
  );
}
