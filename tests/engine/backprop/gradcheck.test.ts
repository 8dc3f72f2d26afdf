/**
 * Finite-difference gradient checks in float64: every primitive op's gradient rule, every
 * activation, loss and layer, DAGs with Add and Concatenate, regularization and clipping. The
 * analytic gradients come from `gradients(...)` evaluated by the eager Executable; the numeric ones
 * from central differences of the same Executable's loss. Inputs are chosen away from kinks
 * (relu/step/abs/maximum at 0), and the tests assert that they are.
 */
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { BATCH, Program, type BinaryOp, type Shape, type UnaryOp } from '../../../src-engine/backprop/ir.ts';
import { buildTrainingProgram } from '../../../src-engine/model/compile.ts';
import { gradients } from '../../../src-engine/backprop/rules.ts';
import { ACTIVATIONS, type ActivationName, type LossName } from '../../../src-engine/graph/catalog.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { applyActivation } from '../../../src-engine/layers/activations.ts';
import { buildLoss } from '../../../src-engine/losses/index.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import type { FloatArray } from '../../../src-engine/tensor/tensor.ts';
import { chain, makeGraph, type NodeSpec } from './util.ts';
import { testNets } from '../onnx/graphs.ts';

const TOL = 1e-6;
/** Errors are relative to max(|analytic|, |numeric|, FLOOR): gradients near 0 are compared absolutely. */
const FLOOR = 1e-2;

/** Value generators: away from kinks and outside the domain of log/sqrt/div where needed. */
type Gen = 'normal' | 'pos' | 'away' | 'wide' | 'prob' | 'binary' | 'onehot';

function fill(buf: FloatArray, gen: Gen, rng: SeededRng, cols: number): void {
  const n = buf.length;
  switch (gen) {
    case 'normal':
      for (let i = 0; i < n; i++) buf[i] = rng.normal();
      return;
    case 'pos':
      for (let i = 0; i < n; i++) buf[i] = 0.5 + 1.5 * rng.uniform();
      return;
    // |v| in [0.3, 1.8], either sign
    case 'away':
      for (let i = 0; i < n; i++) buf[i] = (rng.uniform() < 0.5 ? -1 : 1) * (0.3 + 1.5 * rng.uniform());
      return;
    // [-5, 5]: exercises both branches of erf and the tails of sigmoid/softplus
    case 'wide':
      for (let i = 0; i < n; i++) buf[i] = -5 + 10 * rng.uniform();
      return;
    case 'prob':
      for (let i = 0; i < n; i++) buf[i] = 0.05 + 0.9 * rng.uniform();
      return;
    case 'binary':
      for (let i = 0; i < n; i++) buf[i] = rng.uniform() < 0.5 ? 0 : 1;
      return;
    case 'onehot': {
      buf.fill(0);
      for (let r = 0; r < n / cols; r++) buf[r * cols + rng.int(cols)] = 1;
      return;
    }
  }
}

/** Largest relative error between two gradient vectors (see FLOOR). */
function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!) / Math.max(FLOOR, Math.abs(a[i]!), Math.abs(b[i]!));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

/** Central differences of exe's 1 × 1 value `loss` with respect to every element of `buf`. */
function numericGrad(exe: Executable, loss: number, buf: FloatArray): Float64Array {
  const out = new Float64Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    const v = buf[i]!;
    const h = 1e-5 * Math.max(1, Math.abs(v));
    buf[i] = v + h;
    exe.run();
    const lp = exe.value(loss)[0]!;
    buf[i] = v - h;
    exe.run();
    const lm = exe.value(loss)[0]!;
    buf[i] = v;
    out[i] = (lp - lm) / (2 * h);
  }
  exe.run();
  return out;
}

interface InputSpec {
  name: string;
  shape: Shape;
  gen?: Gen;
}

/**
 * Check d(loss)/d(input) for a program fragment: loss = Σ out ⊙ R with fixed random R (so every
 * output element gets a different upstream gradient).
 */
function checkOp(
  inputs: InputSpec[],
  build: (p: Program, ins: number[]) => number,
  opts: { batch?: number; seed?: number } = {},
): number {
  const p = new Program();
  const ins = inputs.map((s) => p.input(s.name, s.shape));
  const out = build(p, ins);
  const r = p.input('__upstream', p.shape(out));
  const loss = p.sumAll(p.mul(out, r));
  const grads = gradients(p, loss, ins);
  const exe = new Executable(p, [loss, ...grads], { batch: opts.batch ?? 3, dtype: 'float64' });
  const rng = new SeededRng(opts.seed ?? 7);
  inputs.forEach((s) => {
    const buf = exe.input(s.name);
    fill(buf, s.gen ?? 'normal', rng, exe.dims(s.shape)[1]);
  });
  fill(exe.input('__upstream'), 'normal', rng, 1);
  exe.run();
  const analytic = grads.map((g) => Float64Array.from(exe.value(g)));
  let worst = 0;
  inputs.forEach((s, k) => {
    const numeric = numericGrad(exe, loss, exe.input(s.name));
    worst = Math.max(worst, maxRelErr(analytic[k]!, numeric));
  });
  return worst;
}

const N = BATCH;

describe('gradient rules of the unary primitives', () => {
  const cases: [UnaryOp, Gen, number][] = [
    ['neg', 'normal', 0],
    ['exp', 'normal', 0],
    ['log', 'pos', 0],
    ['sqrt', 'pos', 0],
    ['abs', 'away', 0],
    ['sign', 'away', 0],
    ['step', 'away', 0],
    ['square', 'normal', 0],
    ['sin', 'wide', 0],
    ['cos', 'wide', 0],
    ['erf', 'wide', 0],
    ['erf', 'normal', 0],
    ['sigmoid', 'wide', 0],
    ['tanh', 'normal', 0],
    ['relu', 'away', 0],
    ['softplus', 'wide', 0],
    ['leaky_relu', 'away', 0.1],
    ['leaky_relu', 'away', 0.01],
    ['elu', 'away', 1],
    ['elu', 'away', 0.7],
    ['gelu', 'wide', 0],
    ['gelu', 'normal', 0],
  ];
  for (const [op, gen, alpha] of cases) {
    it(`${op}${alpha ? `(alpha ${alpha})` : ''} on ${gen} inputs`, () => {
      expect(checkOp([{ name: 'x', shape: [N, 4], gen }], (p, [x]) => p.unary(op, x!, alpha))).toBeLessThan(TOL);
    });
  }

  it('sign and step have zero gradient (the loss does not depend on x away from 0)', () => {
    for (const op of ['sign', 'step'] as const) {
      const p = new Program();
      const x = p.input('x', [2, 2]);
      const loss = p.sumAll(p.unary(op, x));
      const [g] = gradients(p, loss, [x]);
      const exe = new Executable(p, [loss, g!], { batch: 1, dtype: 'float64' });
      exe.input('x').set([0.5, -0.5, 2, -2]);
      exe.run();
      expect(Array.from(exe.value(g!))).toEqual([0, 0, 0, 0]);
    }
  });
});

describe('gradient rules of the binary primitives, with broadcasting', () => {
  const layouts: [Shape, Shape][] = [
    [
      [N, 3],
      [N, 3],
    ],
    [
      [N, 3],
      [1, 3],
    ],
    [
      [1, 3],
      [N, 3],
    ],
    [
      [N, 3],
      [N, 1],
    ],
    [
      [N, 1],
      [N, 3],
    ],
    [
      [N, 3],
      [1, 1],
    ],
    [
      [1, 1],
      [N, 3],
    ],
    [
      [1, 3],
      [N, 1],
    ],
    [
      [N, 1],
      [1, 3],
    ],
  ];
  const ops: [BinaryOp, Gen, Gen][] = [
    ['add', 'normal', 'normal'],
    ['sub', 'normal', 'normal'],
    ['mul', 'normal', 'normal'],
    ['div', 'normal', 'away'],
    ['maximum', 'normal', 'normal'],
  ];
  for (const [op, ga, gb] of ops) {
    for (const [sa, sb] of layouts) {
      const f = (s: Shape) => s.map((d) => (d === N ? 'N' : d)).join('×');
      it(`${op} ${f(sa)} with ${f(sb)}`, () => {
        const err = checkOp(
          [
            { name: 'a', shape: sa, gen: ga },
            { name: 'b', shape: sb, gen: gb },
          ],
          (p, [a, b]) => p.binary(op, a!, b!),
          { batch: 4 },
        );
        expect(err).toBeLessThan(TOL);
      });
    }
  }

  it('the same value on both sides accumulates (x·x, x/x, x - x, maximum(x, x))', () => {
    for (const op of ['mul', 'div', 'sub', 'add', 'maximum'] as const) {
      expect(checkOp([{ name: 'x', shape: [N, 3], gen: 'away' }], (p, [x]) => p.binary(op, x!, x!))).toBeLessThan(TOL);
    }
  });

  it('maximum sends the gradient of a tie to its first operand, in float64 and float32', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const p = new Program();
      const a = p.input('a', [1, 4]);
      const b = p.input('b', [1, 4]);
      const loss = p.sumAll(p.maximum(a, b));
      const [ga, gb] = gradients(p, loss, [a, b]);
      const exe = new Executable(p, [ga!, gb!], { batch: 1, dtype });
      exe.input('a').set([1, 2, -3, 0]);
      exe.input('b').set([1, 5, -4, 0]);
      exe.run();
      expect(Array.from(exe.value(ga!))).toEqual([1, 0, 1, 1]);
      expect(Array.from(exe.value(gb!))).toEqual([0, 1, 0, 0]);
    }
  });
});

describe('gradient rules of the structural ops', () => {
  const combos = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;
  for (const [ta, tb] of combos) {
    // C [m, n] = op(A) [m, k] · op(B) [k, n]
    const shapes = (m: number, k: number, n: number): [Shape, Shape] => [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]];
    it(`matmul transA=${ta} transB=${tb}, batch rows (m = N)`, () => {
      const [sa, sb] = shapes(N, 3, 2);
      expect(
        checkOp(
          [
            { name: 'a', shape: sa },
            { name: 'b', shape: sb },
          ],
          (p, [a, b]) => p.matmul(a!, b!, ta, tb),
          { batch: 4 },
        ),
      ).toBeLessThan(TOL);
    });
    it(`matmul transA=${ta} transB=${tb}, batch inner size (k = N)`, () => {
      const [sa, sb] = shapes(3, N, 2);
      expect(
        checkOp(
          [
            { name: 'a', shape: sa },
            { name: 'b', shape: sb },
          ],
          (p, [a, b]) => p.matmul(a!, b!, ta, tb),
          { batch: 5 },
        ),
      ).toBeLessThan(TOL);
    });
    it(`matmul transA=${ta} transB=${tb}, square, same operand twice`, () => {
      expect(checkOp([{ name: 'a', shape: [3, 3] }], (p, [a]) => p.matmul(a!, a!, ta, tb))).toBeLessThan(TOL);
    });
  }

  for (const target of [
    [1, 1],
    [1, 4],
    [N, 1],
  ] as Shape[]) {
    it(`sumTo [N, 4] → [${target.map((d) => (d === N ? 'N' : d))}]`, () => {
      expect(checkOp([{ name: 'x', shape: [N, 4] }], (p, [x]) => p.sumTo(x!, target))).toBeLessThan(TOL);
    });
  }
  it('sumTo [3, 4] → [3, 1] and [1, 4] (fixed rows)', () => {
    expect(checkOp([{ name: 'x', shape: [3, 4] }], (p, [x]) => p.sumTo(x!, [3, 1]))).toBeLessThan(TOL);
    expect(checkOp([{ name: 'x', shape: [3, 4] }], (p, [x]) => p.sumTo(x!, [1, 4]))).toBeLessThan(TOL);
  });

  for (const src of [
    [1, 1],
    [1, 4],
    [N, 1],
  ] as Shape[]) {
    it(`broadcastTo [${src.map((d) => (d === N ? 'N' : d))}] → [N, 4]`, () => {
      expect(checkOp([{ name: 'x', shape: src }], (p, [x]) => p.broadcastTo(x!, [N, 4]))).toBeLessThan(TOL);
    });
  }

  it('logsumexp (ordinary and large logits)', () => {
    expect(checkOp([{ name: 'x', shape: [N, 5] }], (p, [x]) => p.logsumexp(x!))).toBeLessThan(TOL);
    expect(checkOp([{ name: 'x', shape: [N, 5] }], (p, [x]) => p.logsumexp(p.add(x!, p.const(300))))).toBeLessThan(TOL);
  });

  it('softmax (ordinary and wide logits)', () => {
    expect(checkOp([{ name: 'x', shape: [N, 5] }], (p, [x]) => p.softmax(x!))).toBeLessThan(TOL);
    expect(checkOp([{ name: 'x', shape: [N, 4], gen: 'wide' }], (p, [x]) => p.softmax(x!))).toBeLessThan(TOL);
  });

  it('concat of two and of three parts (one part twice)', () => {
    expect(
      checkOp(
        [
          { name: 'a', shape: [N, 2] },
          { name: 'b', shape: [N, 3] },
        ],
        (p, [a, b]) => p.concat([a!, b!]),
      ),
    ).toBeLessThan(TOL);
    expect(
      checkOp(
        [
          { name: 'a', shape: [N, 2] },
          { name: 'b', shape: [N, 1] },
        ],
        (p, [a, b]) => p.concat([a!, b!, a!]),
      ),
    ).toBeLessThan(TOL);
  });

  it('rows is a constant: mean = sum / rows', () => {
    expect(
      checkOp([{ name: 'x', shape: [N, 3] }], (p, [x]) => p.div(p.sumAll(x!), p.rows(x!)), { batch: 5 }),
    ).toBeLessThan(TOL);
  });

  it('composite with fan-out, broadcasting and every structural op', () => {
    const err = checkOp(
      [
        { name: 'x', shape: [N, 3] },
        { name: 'W', shape: [3, 4] },
        { name: 'b', shape: [1, 4] },
        { name: 'V', shape: [6, 2] },
      ],
      (p, [x, W, b, V]) => {
        const h = p.unary('tanh', p.add(p.matmul(x!, W!), b!));
        const s = p.softmax(h);
        const c = p.concat([p.mul(h, s), p.sumTo(p.mul(x!, x!), [N, 1]), p.broadcastTo(p.logsumexp(h), [N, 1])]);
        const o = p.matmul(c, V!);
        return p.div(p.sub(o, p.broadcastTo(p.sumTo(o, [1, 2]), [N, 2])), p.rows(o));
      },
      { batch: 4 },
    );
    expect(err).toBeLessThan(TOL);
  });

  it('an input that does not reach the loss gets an explicit zero gradient', () => {
    const p = new Program();
    const x = p.input('x', [2, 3]);
    const unused = p.input('u', [1, 3]);
    const loss = p.sumAll(p.square(x));
    const [, gu] = gradients(p, loss, [x, unused]);
    expect(p.shape(gu!)).toEqual([1, 3]);
    const exe = new Executable(p, [gu!], { batch: 1, dtype: 'float64' });
    exe.run();
    expect(Array.from(exe.value(gu!))).toEqual([0, 0, 0]);
  });

  it('slice: the gradient lands in its columns, zeros elsewhere (first, middle and last columns)', () => {
    for (const [start, end] of [
      [0, 2],
      [1, 3],
      [3, 4],
    ] as const)
      expect(
        checkOp([{ name: 'x', shape: [N, 4], gen: 'normal' }], (p, [x]) => p.square(p.slice(x!, start, end))),
      ).toBeLessThan(TOL);
  });

  it('the loss must be 1 × 1', () => {
    const p = new Program();
    const x = p.input('x', [2, 3]);
    expect(() => gradients(p, x, [x])).toThrow(/1 × 1/);
  });
});

describe('losses (buildLoss), every branch', () => {
  const T = 3;
  type LossCase = { loss: LossName; act: ActivationName; predGen?: Gen; yGen: Gen; units?: number };
  const cases: LossCase[] = [
    { loss: 'sum_squares', act: 'linear', yGen: 'normal' },
    { loss: 'mse', act: 'tanh', yGen: 'normal' },
    { loss: 'mae', act: 'linear', yGen: 'normal' },
    { loss: 'bce', act: 'sigmoid', yGen: 'binary' },
    { loss: 'bce', act: 'sigmoid', yGen: 'prob' },
    { loss: 'cce', act: 'softmax', yGen: 'onehot' },
    { loss: 'cce', act: 'softmax', yGen: 'prob' },
    { loss: 'hinge', act: 'linear', yGen: 'binary' },
    { loss: 'hinge', act: 'tanh', yGen: 'binary' },
    { loss: 'perceptron', act: 'step', yGen: 'binary' },
  ];
  for (const c of cases) {
    it(`${c.loss} with ${c.act} output, ${c.yGen} targets (gradient with respect to the logits)`, () => {
      const err = checkLossCase(c.loss, c.act, c.yGen, T);
      expect(err).toBeLessThan(TOL);
    });
  }

  it('bce and cce without the fused activation use pred directly', () => {
    // With another output activation, bce/cce are computed from pred (which must lie in (0, 1)).
    for (const loss of ['bce', 'cce'] as const) {
      const err = checkOp(
        [
          { name: 'pred', shape: [N, T], gen: 'prob' },
          { name: 'y', shape: [N, T], gen: loss === 'bce' ? 'binary' : 'onehot' },
        ],
        (p, [pred, y]) => buildLoss(p, loss, { pred: pred!, logits: pred!, y: y!, activation: 'linear' }),
        { batch: 4 },
      );
      expect(err).toBeLessThan(TOL);
    }
  });

  it('fused and unfused bce/cce agree in value', () => {
    for (const [loss, act] of [
      ['bce', 'sigmoid'],
      ['cce', 'softmax'],
    ] as const) {
      const p = new Program();
      const z = p.input('z', [N, T]);
      const y = p.input('y', [N, T]);
      const pred = applyActivation(p, z, act, 0);
      const fused = buildLoss(p, loss, { pred, logits: z, y, activation: act });
      const plain = buildLoss(p, loss, { pred, logits: z, y, activation: 'linear' });
      const exe = new Executable(p, [fused, plain], { batch: 4, dtype: 'float64' });
      const rng = new SeededRng(3);
      fill(exe.input('z'), 'normal', rng, T);
      fill(exe.input('y'), loss === 'bce' ? 'binary' : 'onehot', rng, T);
      exe.run();
      expect(exe.value(fused)[0]!).toBeCloseTo(exe.value(plain)[0]!, 12);
    }
  });
});

/** d loss / d logits for a loss behind its output activation; asserts the kinks are avoided. */
function checkLossCase(loss: LossName, act: ActivationName, yGen: Gen, T: number): number {
  const p = new Program();
  const z = p.input('z', [N, T]);
  const y = p.input('y', [N, T]);
  const pred = applyActivation(p, z, act, 0);
  const l = buildLoss(p, loss, { pred, logits: z, y, activation: act });
  const [g] = gradients(p, l, [z]);
  const exe = new Executable(p, [l, g!, pred], { batch: 4, dtype: 'float64' });
  const rng = new SeededRng(11);
  fill(exe.input('z'), act === 'step' ? 'away' : 'normal', rng, T);
  fill(exe.input('y'), yGen, rng, T);
  exe.run();
  const pv = exe.value(pred);
  const yv = exe.input('y');
  for (let i = 0; i < pv.length; i++) {
    if (loss === 'mae') expect(Math.abs(pv[i]! - yv[i]!)).toBeGreaterThan(1e-3);
    if (loss === 'hinge') expect(Math.abs(1 - (2 * yv[i]! - 1) * pv[i]!)).toBeGreaterThan(1e-3);
  }
  const analytic = Float64Array.from(exe.value(g!));
  return maxRelErr(analytic, numericGrad(exe, l, exe.input('z')));
}

interface GraphCheck {
  /** Largest relative error over every parameter's gradient. */
  params: number;
  /** Relative error of d loss / d x. */
  x: number;
  /** Every kink-prone value's smallest distance from its kink (relu pre-activations, |W| under L1). */
  kinkMargin: number;
  grads: Map<string, Float64Array>;
}

/**
 * Gradient check of the whole training program of a graph: the analytic gradients of each slot
 * (`slot.grad`, after clipping when clipNorm > 0) against central differences of the loss actually
 * minimised (data loss + regularization). With clipping, the numeric gradients are clipped by their
 * global norm before comparing.
 */
function checkGraph(
  graph: GraphDoc,
  cfgPartial: Record<string, unknown> = {},
  opts: { batch?: number; seed?: number; mask?: (buf: FloatArray) => void } = {},
): GraphCheck {
  const cfg = makeTrainConfig({ optimizer: { name: 'sgd' }, ...cfgPartial });
  const tp = buildTrainingProgram(graph, cfg);
  const p = tp.program;
  const [gx] = gradients(p, tp.loss_, [tp.x]);
  const kinky = [...tp.preValues.entries()]
    .filter(([id]) => {
      const n = graph.nodes.find((m) => m.id === id)!;
      return ['relu', 'leaky_relu', 'elu', 'step'].includes(String(n.params.activation));
    })
    .map(([, v]) => v);
  const exe = new Executable(p, [tp.loss_, gx!, ...tp.slots.map((s) => s.grad), ...kinky], {
    batch: opts.batch ?? 5,
    dtype: 'float64',
  });
  const rng = new SeededRng(opts.seed ?? 2024);
  fill(exe.input('x'), 'normal', rng, tp.features);
  const yGen: Gen =
    tp.loss === 'cce'
      ? 'onehot'
      : tp.loss === 'bce' || tp.loss === 'hinge' || tp.loss === 'perceptron'
        ? 'binary'
        : 'normal';
  fill(exe.input('y'), yGen, rng, tp.targets);
  for (const s of tp.slots) {
    const buf = exe.input(s.decl.name);
    // Weights kept away from 0 so L1's |W| has no kink nearby.
    if (s.decl.kind === 'W') fill(buf, 'away', rng, s.decl.shape[1]);
    else fill(buf, 'normal', rng, s.decl.shape[1]);
    for (let i = 0; i < buf.length; i++) buf[i] *= s.decl.kind === 'W' ? 0.6 : 0.3;
  }
  for (const m of tp.masks) opts.mask?.(exe.input(m.name));
  exe.run();
  let kinkMargin = Infinity;
  for (const v of kinky) for (const e of exe.value(v)) kinkMargin = Math.min(kinkMargin, Math.abs(e));
  if (cfg.l1 > 0)
    for (const s of tp.slots)
      if (s.decl.kind === 'W') for (const e of exe.input(s.decl.name)) kinkMargin = Math.min(kinkMargin, Math.abs(e));
  const analytic = tp.slots.map((s) => Float64Array.from(exe.value(s.grad)));
  const ax = Float64Array.from(exe.value(gx!));
  const numeric = tp.slots.map((s) => numericGrad(exe, tp.loss_, exe.input(s.decl.name)));
  if (cfg.clipNorm > 0) {
    let sq = 0;
    for (const g of numeric) for (const e of g) sq += e * e;
    const factor = cfg.clipNorm / Math.max(Math.sqrt(sq), cfg.clipNorm);
    for (const g of numeric) for (let i = 0; i < g.length; i++) g[i] *= factor;
  }
  let params = 0;
  analytic.forEach((a, k) => {
    params = Math.max(params, maxRelErr(a, numeric[k]!));
  });
  const x = maxRelErr(ax, numericGrad(exe, tp.loss_, exe.input('x')));
  return { params, x, kinkMargin, grads: new Map(tp.slots.map((s, k) => [s.decl.name, analytic[k]!])) };
}

function expectGood(r: GraphCheck): void {
  expect(r.kinkMargin).toBeGreaterThan(1e-3);
  expect(r.params).toBeLessThan(TOL);
  expect(r.x).toBeLessThan(TOL);
}

describe('every activation through Dense layers', () => {
  for (const act of ACTIVATIONS) {
    for (const alpha of act === 'leaky_relu' || act === 'elu' ? [0.01, 0.3, 1.5] : [0.01]) {
      it(`${act}${act === 'leaky_relu' || act === 'elu' ? ` (alpha ${alpha})` : ''}`, () => {
        const g = chain(
          3,
          [
            ['h1', 'Dense', { units: 5, activation: act, alpha }],
            ['h2', 'Dense', { units: 4, activation: act, alpha }],
          ],
          { units: 2, activation: 'linear', loss: 'mse' },
        );
        const r = checkGraph(g);
        expectGood(r);
        if (act === 'step') {
          // Nothing before a step layer gets a gradient.
          for (const [name, grad] of r.grads)
            if (!name.startsWith('out.')) expect(Array.from(grad).every((v) => v === 0)).toBe(true);
        }
      });
    }
  }

  it('Activation and Softmax layers, and a Dense layer without bias', () => {
    const g = chain(
      3,
      [
        ['d1', 'Dense', { units: 4, activation: 'linear', use_bias: false }],
        ['a1', 'Activation', { activation: 'elu', alpha: 0.8 }],
        ['d2', 'Dense', { units: 4, activation: 'linear' }],
        ['s1', 'Softmax'],
        ['a2', 'Activation', { activation: 'gelu' }],
      ],
      { units: 2, activation: 'tanh', loss: 'mse' },
    );
    expectGood(checkGraph(g));
  });
});

describe('every loss on an Output layer with a matching activation', () => {
  const outputs: [LossName, ActivationName, number][] = [
    ['sum_squares', 'linear', 2],
    ['sum_squares', 'sigmoid', 2],
    ['mse', 'linear', 2],
    ['mse', 'tanh', 1],
    ['mae', 'linear', 2],
    ['bce', 'sigmoid', 1],
    ['bce', 'sigmoid', 3],
    ['cce', 'softmax', 3],
    ['hinge', 'linear', 1],
    ['hinge', 'tanh', 2],
    ['perceptron', 'step', 1],
  ];
  for (const [loss, act, units] of outputs) {
    it(`${loss} with ${act} × ${units}`, () => {
      // The perceptron rule trains a single layer (a hidden one is refused by the graph's checks).
      const hidden: NodeSpec[] = loss === 'perceptron' ? [] : [['h', 'Dense', { units: 5, activation: 'tanh' }]];
      const g = chain(4, hidden, { units, activation: act, loss });
      const r = checkGraph(g, {}, { batch: 6 });
      expectGood(r);
      if (loss === 'perceptron')
        for (const grad of r.grads.values()) expect(Array.from(grad).every((v) => v === 0)).toBe(true);
    });
  }
});

describe('Dropout, DAGs, regularization, clipping', () => {
  it('Dropout with a fixed mask', () => {
    const g = chain(
      3,
      [
        ['h', 'Dense', { units: 6, activation: 'sigmoid' }],
        ['drop', 'Dropout', { rate: 0.5 }],
      ],
      { units: 2, activation: 'linear', loss: 'mse' },
    );
    const r = checkGraph(
      g,
      {},
      {
        mask: (buf) => {
          for (let i = 0; i < buf.length; i++) buf[i] = i % 3 === 0 ? 0 : 2;
        },
      },
    );
    expectGood(r);
  });

  it('Add: Input → Dense a, Dense b → Add → Output', () => {
    const g = makeGraph(
      [
        ['in', 'Input', { features: 3 }],
        ['a', 'Dense', { units: 4, activation: 'tanh' }],
        ['b', 'Dense', { units: 4, activation: 'silu' }],
        ['sum', 'Add'],
        ['out', 'Output', { units: 2, activation: 'linear', loss: 'mse' }],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'sum'],
        ['b', 'sum'],
        ['sum', 'out'],
      ],
    );
    expectGood(checkGraph(g));
  });

  it('Concatenate: Input → Dense a, Dense b → Concatenate → Output', () => {
    const g = makeGraph(
      [
        ['in', 'Input', { features: 3 }],
        ['a', 'Dense', { units: 2, activation: 'relu' }],
        ['b', 'Dense', { units: 3, activation: 'gelu' }],
        ['cat', 'Concatenate'],
        ['out', 'Output', { units: 3, activation: 'softmax', loss: 'cce' }],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'cat'],
        ['b', 'cat'],
        ['cat', 'out'],
      ],
    );
    expectGood(checkGraph(g, {}, { seed: 5 }));
  });

  it('residual block and three-way merges (a value used by several layers)', () => {
    const g = makeGraph(
      [
        ['in', 'Input', { features: 3 }],
        ['a', 'Dense', { units: 4, activation: 'tanh' }],
        ['b', 'Dense', { units: 4, activation: 'softplus' }],
        ['c', 'Dense', { units: 4, activation: 'elu', alpha: 0.5 }],
        ['res', 'Add'],
        ['cat', 'Concatenate'],
        ['out', 'Output', { units: 1, activation: 'sigmoid', loss: 'bce' }],
      ],
      [
        ['in', 'a'],
        ['a', 'b'],
        ['a', 'c'],
        ['a', 'res'],
        ['b', 'res'],
        ['c', 'res'],
        ['res', 'cat'],
        ['a', 'cat'],
        ['in', 'cat'],
        ['cat', 'out'],
      ],
    );
    expectGood(checkGraph(g));
  });

  const small = () =>
    chain(3, [['h', 'Dense', { units: 4, activation: 'tanh' }]], { units: 2, activation: 'linear', loss: 'mse' });

  it('L2 and L1 regularization (weights only)', () => {
    expectGood(checkGraph(small(), { l2: 0.05 }));
    expectGood(checkGraph(small(), { l1: 0.03 }));
    const both = checkGraph(small(), { l1: 0.02, l2: 0.1 });
    expectGood(both);
    // Biases are not regularized: their gradients equal those without regularization.
    const plain = checkGraph(small());
    for (const name of ['h.b', 'out.b'])
      expect(maxRelErr(both.grads.get(name)!, plain.grads.get(name)!)).toBeLessThan(1e-12);
    expect(maxRelErr(both.grads.get('h.W')!, plain.grads.get('h.W')!)).toBeGreaterThan(1e-3);
  });

  it('global-norm gradient clipping: active, and a no-op when the norm is under the limit', () => {
    const unclipped = checkGraph(small());
    let norm = 0;
    for (const g of unclipped.grads.values()) for (const e of g) norm += e * e;
    norm = Math.sqrt(norm);
    const active = checkGraph(small(), { clipNorm: norm / 4 });
    expectGood(active);
    let after = 0;
    for (const g of active.grads.values()) for (const e of g) after += e * e;
    expect(Math.sqrt(after)).toBeCloseTo(norm / 4, 10);
    const idle = checkGraph(small(), { clipNorm: norm * 2 });
    expectGood(idle);
    for (const [name, g] of idle.grads) expect(maxRelErr(g, unclipped.grads.get(name)!)).toBeLessThan(1e-14);
    expectGood(checkGraph(small(), { clipNorm: norm / 3, l2: 0.05 }));
  });
});

describe('image layers in whole training programs', () => {
  // The CNN test nets with smooth activations (finite differences across a ReLU kink would be
  // meaningless): Conv2D in every padding mode, strided and dilated, both poolings, batch norm with
  // batch statistics on images and on features, layer norm, dropout, Add and Concatenate of images,
  // Flatten, GlobalAveragePool and Reshape, with L2 on the filters.
  const smooth = (g: GraphDoc): GraphDoc => ({
    ...g,
    nodes: g.nodes.map((n) =>
      ['relu', 'elu'].includes(String(n.params.activation)) ? { ...n, params: { ...n.params, activation: 'tanh' } } : n,
    ),
  });
  for (const net of testNets().filter((n) => n.image || n.name.startsWith('reshape'))) {
    it(net.name, () => {
      // Batch 6: batch norm over features normalises each column over the rows, and over 3 rows its
      // third derivatives are large enough to put central differences (h = 1e-5) off by ~4e-6.
      const r = checkGraph(smooth(net.graph), { l2: 0.01 }, { batch: 6, mask: (b) => b.fill(1.25) });
      expectGood(r);
      expect(r.grads.size).toBeGreaterThanOrEqual(4);
    });
  }
});

describe('the Features layer (Playground input features) in whole training programs', () => {
  const cases: [string, Record<string, boolean>, number][] = [
    ['every group of 3 inputs', { identity: true, squares: true, products: true, sines: true }, 3],
    ["Playground's spiral features: x and sin x of 2 inputs", { identity: true, sines: true }, 2],
    [
      'squares only, straight into the output (the circle without a hidden layer)',
      { identity: false, squares: true },
      2,
    ],
  ];
  for (const [name, params, n] of cases) {
    it(name, () => {
      const hidden: NodeSpec[] = n === 3 ? [['h', 'Dense', { units: 4, activation: 'tanh' }]] : [];
      const g = chain(n, [['feat', 'Features', params], ...hidden], { units: 1, activation: 'sigmoid', loss: 'bce' });
      const r = checkGraph(g, { l2: 0.01 });
      expectGood(r);
    });
  }
});
