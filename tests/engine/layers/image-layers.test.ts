/**
 * The image layers in the catalog, validation and shape inference: (C, H, W) shapes and parameter
 * counts (LeNet-5: 61,706), every sentence that refuses a shape (while dragging too), and batch
 * norm's running statistics as the training step updates them.
 */
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { analyzeGraph, connectionProblem } from '../../../src-engine/graph/validate.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { buildTrainingProgram, CompiledModel } from '../../../src-engine/model/compile.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { TsBackend } from '../../../src-engine/train/ts-backend.ts';
import { chain, makeGraph, type NodeSpec } from '../backprop/util.ts';

const IMAGE = (c: number, h: number, w: number) => ({ shape: 'image', channels: c, height: h, width: w });

/** LeNet-5 as the issue describes it: conv 6@5×5 pad 2, pool, conv 16@5×5, pool, 120, 84, 10. */
export const LENET: NodeSpec[] = [
  ['c1', 'Conv2D', { filters: 6, kernel_size: 5, padding: 'explicit', pad: 2, activation: 'relu' }],
  ['p1', 'MaxPool2D', {}],
  ['c2', 'Conv2D', { filters: 16, kernel_size: 5, activation: 'relu' }],
  ['p2', 'MaxPool2D', {}],
  ['f', 'Flatten'],
  ['d1', 'Dense', { units: 120 }],
  ['d2', 'Dense', { units: 84 }],
];
const lenet = () => chain(0, LENET, { units: 10, activation: 'softmax', loss: 'cce' }, IMAGE(1, 28, 28));

describe('shapes and parameter counts', () => {
  it('LeNet-5 has 61,706 parameters and (C, H, W) shapes at every layer', () => {
    const a = analyzeGraph(lenet());
    expect(a.ok).toBe(true);
    expect(a.totalParams).toBe(61_706);
    const shapes = Object.fromEntries(a.order.map((id) => [id, a.info[id]!.shape]));
    expect(shapes).toEqual({
      in: [1, 28, 28],
      c1: [6, 28, 28],
      p1: [6, 14, 14],
      c2: [16, 10, 10],
      p2: [16, 5, 5],
      f: [400],
      d1: [120],
      d2: [84],
      out: [10],
    });
    expect(a.info.c1!.params).toBe(156);
    expect(a.info.c2!.params).toBe(2_416);
  });

  it("'same' padding keeps the size (divided by the stride); strides, dilation and pools shrink it", () => {
    const cases: [Record<string, unknown>, number[]][] = [
      [{ filters: 3, kernel_size: 3, padding: 'same' }, [3, 9, 10]],
      [{ filters: 3, kernel_size: 4, padding: 'same' }, [3, 9, 10]],
      [{ filters: 3, kernel_size: 3, padding: 'same', stride: 2 }, [3, 5, 5]],
      [{ filters: 2, kernel_size: 3 }, [2, 7, 8]],
      [{ filters: 2, kernel_size: 3, dilation: 2 }, [2, 5, 6]],
      [{ filters: 2, kernel_size: 3, padding: 'explicit', pad: 2, stride: 3 }, [2, 4, 4]],
    ];
    for (const [params, want] of cases) {
      const g = chain(
        0,
        [
          ['c', 'Conv2D', params as never],
          ['f', 'Flatten'],
        ],
        { units: 1 },
        IMAGE(2, 9, 10),
      );
      expect(analyzeGraph(g).info.c!.shape, JSON.stringify(params)).toEqual(want);
    }
    const pool = (type: 'MaxPool2D' | 'AvgPool2D', params: Record<string, number>) =>
      analyzeGraph(
        chain(
          0,
          [
            ['p', type, params],
            ['f', 'Flatten'],
          ],
          { units: 1 },
          IMAGE(3, 9, 10),
        ),
      ).info.p!.shape;
    expect(pool('MaxPool2D', {})).toEqual([3, 4, 5]);
    expect(pool('AvgPool2D', { pool_size: 3, stride: 1, padding: 1 })).toEqual([3, 9, 10]);
    expect(pool('MaxPool2D', { pool_size: 3, stride: 2, padding: 1 })).toEqual([3, 5, 5]);
  });

  it('GlobalAveragePool gives one value per channel; Reshape and Flatten keep the count', () => {
    const g = makeGraph(
      [
        ['in', 'Input', { features: 48 }],
        ['r', 'Reshape', { channels: 3, height: 4, width: 4 }],
        ['c', 'Conv2D', { filters: 5, kernel_size: 3 }],
        ['gap', 'GlobalAveragePool'],
        ['out', 'Output', { units: 2, activation: 'softmax', loss: 'cce' }],
      ],
      [
        ['in', 'r'],
        ['r', 'c'],
        ['c', 'gap'],
        ['gap', 'out'],
      ],
    );
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(a.info.r!.shape).toEqual([3, 4, 4]);
    expect(a.info.gap!.shape).toEqual([5]);
  });

  it('BatchNorm counts gamma and beta only (its running statistics are not trainable)', () => {
    const g = chain(
      0,
      [
        ['c', 'Conv2D', { filters: 4 }],
        ['bn', 'BatchNorm'],
        ['f', 'Flatten'],
      ],
      { units: 1 },
      IMAGE(1, 5, 5),
    );
    const a = analyzeGraph(g);
    expect(a.info.bn!.params).toBe(8);
    const fwd = new CompiledModel(g).forward;
    expect(fwd.params.filter((p) => p.nodeId === 'bn').map((p) => [p.kind, p.trainable !== false])).toEqual([
      ['gamma', true],
      ['beta', true],
      ['running_mean', false],
      ['running_var', false],
    ]);
  });
});

describe('shapes that do not fit are refused with a sentence', () => {
  const problemsOf = (g: GraphDoc) => analyzeGraph(g).problems.map((p) => p.message);

  it('a kernel larger than its input', () => {
    const g = chain(
      0,
      [
        ['c', 'Conv2D', { filters: 2, kernel_size: 5 }],
        ['f', 'Flatten'],
      ],
      { units: 1 },
      IMAGE(1, 4, 4),
    );
    expect(problemsOf(g)).toContain(
      "Conv2D 'c': its 5×5 window is larger than its 4×4 input; use a smaller kernel, padding, or fewer pooling layers before it.",
    );
    const dilated = chain(
      0,
      [
        ['c', 'Conv2D', { filters: 2, kernel_size: 3, dilation: 4, padding: 'explicit', pad: 1 }],
        ['f', 'Flatten'],
      ],
      { units: 1 },
      IMAGE(1, 5, 5),
    );
    expect(problemsOf(dilated).join(' ')).toMatch(
      /3×3 window \(dilated to 9×9\) is larger than its 5×5 input \(7×7 with padding\)/,
    );
  });

  it('a pool larger than its input, and too much pool padding', () => {
    const g = chain(
      0,
      [
        ['p', 'MaxPool2D', { pool_size: 4, stride: 4 }],
        ['f', 'Flatten'],
      ],
      { units: 1 },
      IMAGE(1, 3, 3),
    );
    expect(problemsOf(g).join(' ')).toMatch(/MaxPool2D 'p': its 4×4 window is larger than its 3×3 input/);
    const padded = chain(
      0,
      [
        ['p', 'AvgPool2D', { pool_size: 2, padding: 2 }],
        ['f', 'Flatten'],
      ],
      { units: 1 },
      IMAGE(1, 8, 8),
    );
    expect(problemsOf(padded)).toContain("AvgPool2D 'p': padding 2 is more than half its 2×2 window.");
  });

  it('a convolution on a vector, Dense on an image, softmax on an image, mismatched Reshape', () => {
    const conv = chain(
      3,
      [
        ['c', 'Conv2D', {}],
        ['f', 'Flatten'],
      ],
      { units: 1 },
    );
    expect(problemsOf(conv).join(' ')).toMatch(
      /Conv2D 'c' works on images \(channels × height × width\) but receives 3 values per sample: set the Input's shape to an image, or add a Reshape layer before it\./,
    );
    const dense = chain(0, [['d', 'Dense', {}]], { units: 1 }, IMAGE(1, 4, 4));
    expect(problemsOf(dense).join(' ')).toMatch(
      /Dense 'd' takes a flat vector of features but receives 1×4×4 values per sample: insert a Flatten layer before it\./,
    );
    const sm = chain(0, [['s', 'Softmax']], { units: 1 }, IMAGE(1, 4, 4));
    expect(problemsOf(sm).join(' ')).toMatch(/Softmax 's' normalises a vector of scores but receives 1×4×4/);
    const rs = chain(
      10,
      [
        ['r', 'Reshape', { channels: 1, height: 3, width: 3 }],
        ['f', 'Flatten'],
      ],
      { units: 1 },
    );
    expect(problemsOf(rs)).toContain("Reshape 'r' makes 1×3×3 = 9 values from 10 = 10; the counts must be equal.");
  });

  it('while dragging: Add of images with different channels, and a kernel too large for its source', () => {
    const g = makeGraph(
      [
        ['in', 'Input', IMAGE(1, 8, 8)],
        ['a', 'Conv2D', { filters: 6, kernel_size: 3, padding: 'same' }],
        ['b', 'Conv2D', { filters: 8, kernel_size: 3, padding: 'same' }],
        ['sum', 'Add'],
        ['small', 'MaxPool2D', { pool_size: 4, stride: 4 }],
        ['big', 'Conv2D', { filters: 2, kernel_size: 3 }],
        ['out', 'Output', {}],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'sum'],
        ['in', 'small'],
      ],
    );
    expect(connectionProblem(g, 'b', 'sum')).toBe(
      "Shape mismatch: Add 'sum' adds inputs of different sizes (Conv2D 'a' gives 6×8×8, Conv2D 'b' gives 8×8×8); all must be equal.",
    );
    expect(connectionProblem(g, 'small', 'big')).toBe(
      "Shape mismatch: Conv2D 'big': its 3×3 window is larger than its 2×2 input; use a smaller kernel, padding, or fewer pooling layers before it.",
    );
    expect(connectionProblem(g, 'a', 'big')).toBeNull();
  });

  it('Concatenate joins images of one size along channels and refuses other sizes', () => {
    const g = makeGraph(
      [
        ['in', 'Input', IMAGE(2, 8, 8)],
        ['a', 'Conv2D', { filters: 3, kernel_size: 3, padding: 'same' }],
        ['b', 'Conv2D', { filters: 5, kernel_size: 1 }],
        ['c', 'Conv2D', { filters: 5, kernel_size: 3 }],
        ['cat', 'Concatenate'],
        ['f', 'Flatten'],
        ['out', 'Output', {}],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['in', 'c'],
        ['a', 'cat'],
        ['b', 'cat'],
        ['cat', 'f'],
        ['f', 'out'],
        ['c', 'f'],
      ].slice(0, 7) as [string, string][],
    );
    expect(analyzeGraph(g).info.cat!.shape).toEqual([8, 8, 8]);
    expect(connectionProblem(g, 'c', 'cat')).toMatch(/joins inputs whose shapes differ beyond their first dimension/);
  });
});

describe('BatchNorm running statistics', () => {
  it("one training step moves them by the momentum toward the batch's mean and unbiased variance", () => {
    const g = chain(2, [['bn', 'BatchNorm', { momentum: 0.25 }]], { units: 1, activation: 'sigmoid', loss: 'bce' });
    const model = new CompiledModel(g);
    const weights = model.initialWeights(new SeededRng(1));
    const ts = new TsBackend(
      model,
      makeTrainConfig({ optimizer: { name: 'sgd', lr: 0.1 } }),
      weights,
      new SeededRng(1),
    );
    const x = new Float32Array([1, 10, 2, 20, 6, 0]);
    ts.step(x, new Float32Array([0, 1, 1]), 3, 0.1, 1);
    const w = ts.getWeights();
    // feature 0: mean 3, unbiased variance 7; feature 1: mean 10, unbiased variance 100
    expect(Array.from(w.get('bn.running_mean')!.data)).toEqual([0.75, 2.5]);
    const v = Array.from(w.get('bn.running_var')!.data);
    expect(v[0]).toBeCloseTo(0.75 + 0.25 * 7, 5);
    expect(v[1]).toBeCloseTo(0.75 + 0.25 * 100, 4);
    // gamma and beta did train; the statistics have no optimizer state
    expect(
      buildTrainingProgram(g, makeTrainConfig({ optimizer: { name: 'adam' } })).slots.map((s) => s.decl.kind),
    ).toEqual(['gamma', 'beta', 'W', 'b']);
  });

  it('inference normalises with the running statistics (not the batch)', () => {
    const g = chain(1, [['bn', 'BatchNorm', { epsilon: 1e-12 }]], { units: 1, activation: 'linear', loss: 'mse' });
    const fwd = new CompiledModel(g).forward;
    const exe = new Executable(fwd.program, [fwd.values.get('bn')!], { batch: 2 });
    exe.input('bn.gamma').set([2]);
    exe.input('bn.beta').set([1]);
    exe.input('bn.running_mean').set([3]);
    exe.input('bn.running_var').set([4]);
    exe.input('x').set([5, 3]);
    exe.run();
    const [a, b] = exe.value(fwd.values.get('bn')!);
    expect(a).toBeCloseTo(3, 6);
    expect(b).toBeCloseTo(1, 6);
  });
});
