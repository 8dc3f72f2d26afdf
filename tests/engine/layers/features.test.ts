/**
 * The Features layer (TensorFlow Playground's input features): its output shape, names and values
 * (checked against the formulas, for 2 and 4 inputs), no parameters, and every sentence that refuses
 * it. Gradients: tests/engine/backprop/gradcheck.test.ts; ONNX (checker, onnxruntime) and PyTorch:
 * the 'features' net of tests/engine/onnx/graphs.ts.
 */
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { analyzeGraph, connectionProblem } from '../../../src-engine/graph/validate.ts';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { featureNames } from '../../../src-engine/layers/features.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain, makeGraph } from '../backprop/util.ts';

const ALL = { identity: true, squares: true, products: true, sines: true };

/** The features as the formulas give them, in the layer's order. */
function expected(x: number[], p: Record<string, boolean>): number[] {
  const pairs = x.flatMap((a, i) => x.slice(i + 1).map((b) => a * b));
  return [
    ...(p.identity ? x : []),
    ...(p.squares ? x.map((a) => a * a) : []),
    ...(p.products ? pairs : []),
    ...(p.sines ? x.map(Math.sin) : []),
  ];
}

describe('Features layer', () => {
  it("gives Playground's seven features of two inputs, in Playground's order, with no parameters", () => {
    expect(featureNames(ALL, 2)).toEqual(['x1', 'x2', 'x1²', 'x2²', 'x1·x2', 'sin x1', 'sin x2']);
    const a = analyzeGraph(chain(2, [['feat', 'Features', ALL]], { units: 1, activation: 'sigmoid', loss: 'bce' }));
    expect(a.ok).toBe(true);
    expect(a.info.feat!.shape).toEqual([7]);
    expect(a.info.feat!.params).toBe(0);
    expect(a.totalParams).toBe(8); // the output's 7 weights and bias
  });

  it('n inputs give n + n + n(n-1)/2 + n features; the defaults pass x through', () => {
    const a = analyzeGraph(chain(5, [['feat', 'Features', ALL]], { units: 1 }));
    expect(a.info.feat!.shape).toEqual([5 + 5 + 10 + 5]);
    const d = analyzeGraph(chain(3, [['feat', 'Features']], { units: 1 }));
    expect(d.info.feat!.shape).toEqual([3]);
  });

  for (const [n, params] of [
    [2, ALL],
    [4, ALL],
    [2, { identity: false, squares: true, products: false, sines: false }],
    [3, { identity: false, squares: false, products: true, sines: true }],
  ] as const) {
    it(`computes the formulas: ${n} inputs, ${featureNames(params, n).length} features`, () => {
      const g = chain(n, [['feat', 'Features', params]], { units: 1 });
      const fwd = buildForward(g, { training: false });
      const out = fwd.values.get('feat')!;
      const batch = 6;
      const exe = new Executable(fwd.program, [out], { batch, dtype: 'float64' });
      const rng = new SeededRng(11);
      const xs = exe.input('x');
      for (let i = 0; i < xs.length; i++) xs[i] = 4 * rng.normal();
      exe.run();
      const y = Array.from(exe.value(out));
      const width = featureNames(params, n).length;
      expect(y.length).toBe(batch * width);
      for (let r = 0; r < batch; r++) {
        const want = expected(Array.from(xs.slice(r * n, (r + 1) * n)), params);
        const got = y.slice(r * width, (r + 1) * width);
        got.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 12));
      }
    });
  }

  it('refuses no checked feature, an image input and too many products, in sentences naming the layer', () => {
    const none = analyzeGraph(
      chain(2, [['feat', 'Features', { identity: false, squares: false, products: false, sines: false }]], {
        units: 1,
      }),
    );
    expect(none.ok).toBe(false);
    expect(none.problems.map((p) => p.message)).toContain(
      "Features 'feat' has no feature checked: check at least one of x, x², xi·xj and sin x.",
    );
    const big = analyzeGraph(chain(100, [['feat', 'Features', ALL]], { units: 1 }));
    expect(big.problems.map((p) => p.message)).toContain(
      "Features 'feat' would give 5,250 features from 100 inputs, over the limit of 4,096: uncheck xi·xj (pairwise products) or use fewer inputs.",
    );
    const g = makeGraph(
      [
        ['in', 'Input', { shape: 'image', channels: 1, height: 4, width: 4 }],
        ['feat', 'Features'],
      ],
      [],
    );
    expect(connectionProblem(g, 'in', 'feat')).toBe(
      "Shape mismatch: Features 'feat' computes features of a flat vector of inputs but receives 1×4×4 values per sample: insert a Flatten layer before it.",
    );
  });
});
