// A training step pools before the ReLU (relu(maxPool(x)) for maxPool(relu(x))): same numbers, less work.
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { buildTrainingProgram, initWeights, type TrainingProgram } from '../../../src-engine/model/compile.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain } from './util.ts';

// conv (relu) → max pool 2×2, conv (relu) → overlapping max pool 3×3 stride 1 with padding, a dense head.
const graph = chain(
  0,
  [
    ['c1', 'Conv2D', { filters: 3, kernel_size: 3, padding: 'same', activation: 'relu' }],
    ['p1', 'MaxPool2D', { pool_size: 2, stride: 2, padding: 0 }],
    ['c2', 'Conv2D', { filters: 4, kernel_size: 3, activation: 'relu' }],
    ['p2', 'MaxPool2D', { pool_size: 3, stride: 1, padding: 1 }],
    ['f', 'Flatten'],
  ],
  { units: 3, activation: 'softmax', loss: 'cce' },
  { shape: 'image', channels: 2, height: 10, width: 10 },
);

const reluShapes = (tp: TrainingProgram) =>
  tp.program.nodes.filter((n) => n.op.kind === 'unary' && n.op.op === 'relu').map((n) => n.shape.join('×'));

describe('pooling before the ReLU in a training step', () => {
  const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.01 } });
  const pooled = buildTrainingProgram(graph, config);
  // The learning lab's traced step keeps each layer's own output (and so the order as drawn).
  const asDrawn = buildTrainingProgram(graph, config, undefined, { traceNodes: true });

  it('moves each ReLU after the max pool that follows it', () => {
    // N × 3 × 10 × 10 and N × 4 × 3 × 3 as drawn; N × 3 × 5 × 5 and N × 4 × 3 × 3 (padded 3×3 stride 1) pooled.
    expect(reluShapes(asDrawn)).toEqual(['-1×3×10×10', '-1×4×3×3']);
    expect(reluShapes(pooled)).toEqual(['-1×3×10×10', '-1×3×5×5', '-1×4×3×3', '-1×4×3×3']);
  });

  it('gives bit-identical losses, gradients and updates, ties and all-negative windows included (float64)', () => {
    const batch = 5;
    const rng = new SeededRng(3);
    const w = initWeights(pooled.params, rng, 'float64');
    // Flat regions make windows of equal values (ties); a strong negative shift makes whole windows ≤ 0.
    const x = Array.from({ length: batch * 200 }, (_, i) => (i % 200 < 60 ? 0.25 : i % 200 < 90 ? -3 : rng.normal()));
    const y = Array.from({ length: batch * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
    const run = (tp: TrainingProgram) => {
      const outs = [tp.dataLoss, ...tp.slots.flatMap((s) => [s.grad, s.next, ...s.state.map((st) => st.next)])];
      const e = new Executable(tp.program, outs, { batch, dtype: 'float64' });
      for (const [name, { data }] of w) e.input(name).set(data);
      e.input('x').set(x);
      e.input('y').set(y);
      e.input('lr')[0] = 0.01;
      e.input('t')[0] = 1;
      e.run();
      return outs.map((o) => Array.from(e.value(o)));
    };
    const a = run(pooled);
    const b = run(asDrawn);
    expect(a.length).toBe(1 + 3 * 8);
    expect(a).toEqual(b);
    // The check means something: some filter gradients are non-zero.
    expect(a.slice(1).some((v) => v.some((g) => g !== 0))).toBe(true);
  });
});
