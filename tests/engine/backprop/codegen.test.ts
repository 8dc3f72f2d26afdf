// The fused, generated interpreter must compute exactly what the one-kernel-per-op path computes.
import { describe, expect, it } from 'vitest';
import { generatedFactoryCount } from '../../../src-engine/backprop/codegen.ts';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { buildTrainingProgram } from '../../../src-engine/model/compile.ts';
import { parseGraph, type GraphDoc } from '../../../src-engine/graph/document.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { chain } from './util.ts';
import { WasmArena } from '../../../src-engine/backprop/wasm/arena.ts';

/**
 * 'wasm': float32 compiled to WebAssembly in an arena (../../../src-engine/backprop/wasm/codegen.ts),
 * compared with the float32 per-op kernels like float32's generated JavaScript.
 */
type Variant = 'float64' | 'float32' | 'wasm';
const VARIANTS: Variant[] = ['float64', 'float32', 'wasm'];
const dtypeOf = (v: Variant) => (v === 'float64' ? 'float64' : 'float32');
const arenaFor = (v: Variant) => (v === 'wasm' ? { arena: WasmArena.create(1 << 16)! } : {});

function dagGraph(): GraphDoc {
  const n = (id: string, type: string, params: Record<string, unknown> = {}) => ({
    id,
    type,
    params,
    position: { x: 0, y: 0 },
  });
  const r = parseGraph({
    format: 'netwright-graph',
    version: 1,
    nodes: [
      n('in', 'Input', { features: 5 }),
      n('a', 'Dense', { units: 6, activation: 'gelu' }),
      n('b', 'Dense', { units: 6, activation: 'elu', alpha: 0.7 }),
      n('sum', 'Add'),
      n('drop', 'Dropout', { rate: 0.3 }),
      n('c', 'Dense', { units: 4, activation: 'leaky_relu', alpha: 0.1 }),
      n('cat', 'Concatenate'),
      n('act', 'Activation', { activation: 'silu' }),
      n('out', 'Output', { units: 3, activation: 'softmax', loss: 'cce' }),
    ],
    edges: [
      ['in', 'a'],
      ['in', 'b'],
      ['a', 'sum'],
      ['b', 'sum'],
      ['sum', 'drop'],
      ['drop', 'c'],
      ['c', 'cat'],
      ['in', 'cat'],
      ['cat', 'act'],
      ['act', 'out'],
    ].map(([source, target]) => ({ source, target })),
  });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join(' '));
  return r.graph;
}

describe('generated run function', () => {
  for (const variant of VARIANTS) {
    const dtype = dtypeOf(variant);
    it(`matches the per-op kernels on a DAG training step with Adam, L1/L2 and clipping (${variant})`, () => {
      const config = makeTrainConfig({ optimizer: { name: 'adamw', lr: 0.01 }, l1: 0.001, l2: 0.01, clipNorm: 0.5 });
      const tp = buildTrainingProgram(dagGraph(), config);
      const outs = [
        tp.dataLoss,
        tp.pred,
        ...tp.slots.flatMap((s) => [s.next, s.grad, ...s.state.map((st) => st.next)]),
      ];
      const rng = new SeededRng(5);
      const w = initWeights(tp.params, rng, dtype);
      const batch = 7;
      const make = (codegen: boolean) => {
        const e = new Executable(tp.program, outs, { batch, dtype, codegen, ...(codegen ? arenaFor(variant) : {}) });
        for (const [name, { data }] of w) e.input(name).set(data);
        return e;
      };
      const fused = make(true);
      const plain = make(false);
      expect(fused.generated).toBe(true);
      expect(fused.wasm).toBe(variant === 'wasm');
      expect(plain.generated).toBe(false);
      const feed = new SeededRng(9);
      const x = Array.from({ length: batch * 5 }, () => feed.normal());
      const y = Array.from({ length: batch * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
      const mask = Array.from({ length: batch * 6 }, () => (feed.uniform() > 0.3 ? 1 / 0.7 : 0));
      for (const e of [fused, plain]) {
        e.input('x').set(x);
        e.input('y').set(y);
        e.input('lr')[0] = 0.01;
        e.input('t')[0] = 3;
        e.input('drop.mask').set(mask);
        for (const s of tp.slots) for (const st of s.state) e.input(st.name).fill(0.01);
        e.run();
      }
      for (const o of outs) {
        const a = Array.from(fused.value(o));
        const b = Array.from(plain.value(o));
        if (dtype === 'float64') expect(a).toEqual(b);
        else a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]!))));
      }
      expect(Number.isFinite(fused.value(tp.dataLoss)[0]!)).toBe(true);
    });
  }
});

describe('generated run function with the Features layer', () => {
  // sin in the forward pass, cos in its gradient, slices and their gradient, broadcast products.
  for (const variant of VARIANTS) {
    const dtype = dtypeOf(variant);
    it(`matches the per-op kernels on a training step (${variant})`, () => {
      const graph = chain(
        3,
        [
          ['feat', 'Features', { identity: true, squares: true, products: true, sines: true }],
          ['h', 'Dense', { units: 5, activation: 'tanh' }],
        ],
        { units: 1, activation: 'sigmoid', loss: 'bce' },
      );
      const tp = buildTrainingProgram(graph, makeTrainConfig({ optimizer: { name: 'adam', lr: 0.01 } }));
      const outs = [tp.dataLoss, tp.pred, ...tp.slots.flatMap((s) => [s.next, s.grad])];
      const w = initWeights(tp.params, new SeededRng(4), dtype);
      const batch = 6;
      const feed = new SeededRng(8);
      const x = Array.from({ length: batch * 3 }, () => 3 * feed.normal());
      const y = Array.from({ length: batch }, (_, i) => i % 2);
      const run = (codegen: boolean) => {
        const e = new Executable(tp.program, outs, { batch, dtype, codegen, ...(codegen ? arenaFor(variant) : {}) });
        for (const [name, { data }] of w) e.input(name).set(data);
        e.input('x').set(x);
        e.input('y').set(y);
        e.input('lr')[0] = 0.01;
        e.input('t')[0] = 1;
        for (const s of tp.slots) for (const st of s.state) e.input(st.name).fill(0);
        e.run();
        return e;
      };
      const fused = run(true);
      const plain = run(false);
      expect(fused.generated).toBe(true);
      expect(fused.wasm).toBe(variant === 'wasm');
      for (const o of outs) {
        const a = Array.from(fused.value(o));
        const b = Array.from(plain.value(o));
        if (dtype === 'float64') expect(a).toEqual(b);
        else a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]!))));
      }
    });
  }
});

describe('generated factories are reused', () => {
  // A new Trainer of the same network compiles the same program again: it must get the cached
  // factory (warm code) but buffers of its own.
  const graph = chain(2, [['h', 'Dense', { units: 8, activation: 'tanh' }]], {
    units: 1,
    activation: 'sigmoid',
    loss: 'bce',
  });
  const config = makeTrainConfig({ optimizer: { name: 'sgd', lr: 0.1 } });

  it('builds one factory per program and batch size; instances keep their own buffers', () => {
    const tp = buildTrainingProgram(graph, config);
    const outs = [tp.dataLoss, tp.pred, ...tp.slots.map((s) => s.next)];
    const make = (batch: number) => new Executable(tp.program, outs, { batch, dtype: 'float64' });
    const before = generatedFactoryCount();
    const a = make(5);
    const afterFirst = generatedFactoryCount();
    expect(afterFirst - before).toBeLessThanOrEqual(1); // 0 when an earlier test compiled it
    const b = make(5);
    expect(generatedFactoryCount()).toBe(afterFirst);
    make(6);
    expect(generatedFactoryCount()).toBe(afterFirst + 1);
    make(6);
    expect(generatedFactoryCount()).toBe(afterFirst + 1);

    const w = initWeights(tp.params, new SeededRng(3), 'float64');
    const feed = new SeededRng(11);
    const x = Array.from({ length: 10 }, () => feed.normal());
    const y = [1, 0, 1, 1, 0];
    const fill = (e: Executable, scale: number) => {
      for (const [name, { data }] of w) e.input(name).set(data.map((v) => v * scale));
      e.input('x').set(x);
      e.input('y').set(y);
      e.input('lr')[0] = 0.1;
    };
    fill(a, 1);
    fill(b, 1);
    a.run();
    const first = outs.map((o) => Array.from(a.value(o)));
    // Different weights in b, run after a: a's values stay as they were.
    fill(b, -2);
    b.run();
    expect(outs.map((o) => Array.from(a.value(o)))).toEqual(first);
    expect(Array.from(b.value(tp.dataLoss))).not.toEqual(first[0]);
    for (const o of outs) expect(b.value(o)).not.toBe(a.value(o));
    // The same inputs give the same values in both instances and in the per-op kernels.
    fill(b, 1);
    b.run();
    const plain = new Executable(tp.program, outs, { batch: 5, dtype: 'float64', codegen: false });
    fill(plain, 1);
    plain.run();
    for (const [k, o] of outs.entries()) {
      expect(Array.from(b.value(o))).toEqual(first[k]);
      expect(Array.from(plain.value(o))).toEqual(first[k]);
    }
  });
});
