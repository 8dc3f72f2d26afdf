/** Test networks that together use every layer type, activation and loss of the catalog. */
import { ACTIVATIONS } from '../../../src-engine/graph/catalog.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain, makeGraph } from '../backprop/util.ts';

export interface TestNet {
  name: string;
  graph: GraphDoc;
  features: number;
  targets: number;
  /** Kind of target values. */
  y: 'onehot' | 'binary' | 'real';
}

const dense = (id: string, units: number, activation: string, extra: Record<string, number | boolean | string> = {}) =>
  [id, 'Dense', { units, activation, ...extra }] as [string, 'Dense', Record<string, number | boolean | string>];

/** One network per output head and loss, with the hidden activations spread over them. */
export function testNets(): TestNet[] {
  const branchy = makeGraph(
    [
      ['in', 'Input', { features: 5 }],
      ['a', 'Dense', { units: 6, activation: 'gelu' }],
      ['b', 'Dense', { units: 6, activation: 'silu' }],
      ['sum', 'Add'],
      ['c', 'Dense', { units: 4, activation: 'elu', alpha: 0.7 }],
      ['cat', 'Concatenate'],
      ['drop', 'Dropout', { rate: 0.25 }],
      ['act', 'Activation', { activation: 'softplus' }],
      ['out', 'Output', { units: 3, activation: 'linear', loss: 'mse' }],
    ],
    [
      ['in', 'a'],
      ['in', 'b'],
      ['a', 'sum'],
      ['b', 'sum'],
      ['sum', 'c'],
      ['c', 'cat'],
      ['in', 'cat'],
      ['cat', 'drop'],
      ['drop', 'act'],
      ['act', 'out'],
    ],
  );
  return [
    {
      name: 'cce-softmax relu',
      graph: chain(4, [dense('h1', 8, 'relu'), dense('h2', 6, 'tanh')], {
        units: 3,
        activation: 'softmax',
        loss: 'cce',
      }),
      features: 4,
      targets: 3,
      y: 'onehot',
    },
    {
      name: 'bce-sigmoid leaky',
      graph: chain(3, [dense('h', 5, 'leaky_relu', { alpha: 0.2 })], { units: 1, activation: 'sigmoid', loss: 'bce' }),
      features: 3,
      targets: 1,
      y: 'binary',
    },
    {
      name: 'no bias, softmax layer mid-network',
      graph: chain(3, [dense('h', 5, 'sigmoid', { use_bias: false }), ['sm', 'Softmax']], {
        units: 1,
        activation: 'sigmoid',
        loss: 'mse',
      }),
      features: 3,
      targets: 1,
      y: 'binary',
    },
    {
      name: 'mse branches (gelu silu elu softplus dropout add concat)',
      graph: branchy,
      features: 5,
      targets: 3,
      y: 'real',
    },
    {
      name: 'mae',
      graph: chain(2, [dense('h', 6, 'elu', { alpha: 1 })], { units: 2, activation: 'linear', loss: 'mae' }),
      features: 2,
      targets: 2,
      y: 'real',
    },
    {
      name: 'sum_squares',
      graph: chain(2, [dense('h', 3, 'sigmoid')], { units: 1, activation: 'sigmoid', loss: 'sum_squares' }),
      features: 2,
      targets: 1,
      y: 'binary',
    },
    {
      name: 'hinge',
      graph: chain(2, [dense('h', 4, 'tanh')], { units: 1, activation: 'tanh', loss: 'hinge' }),
      features: 2,
      targets: 1,
      y: 'binary',
    },
    {
      name: 'cce on softmax layer',
      graph: chain(3, [dense('h', 4, 'softplus'), dense('o0', 3, 'linear'), ['sm', 'Softmax']], {
        units: 2,
        activation: 'softmax',
        loss: 'cce',
      }),
      features: 3,
      targets: 2,
      y: 'onehot',
    },
    {
      name: 'mse with a softplus head',
      graph: chain(2, [dense('h', 4, 'gelu')], { units: 2, activation: 'softplus', loss: 'mse' }),
      features: 2,
      targets: 2,
      y: 'real',
    },
    {
      // Every element-wise activation of the catalog in one chain, so each export and checker test covers all.
      name: 'every activation',
      graph: chain(
        3,
        ACTIVATIONS.filter((a) => a !== 'softmax').map((a) => dense(`h_${a}`, 4, a, { alpha: 0.3 })),
        { units: 1, activation: 'sigmoid', loss: 'bce' },
      ),
      features: 3,
      targets: 1,
      y: 'binary',
    },
    {
      name: 'perceptron step',
      graph: chain(2, [], { units: 1, activation: 'step', loss: 'perceptron' }),
      features: 2,
      targets: 1,
      y: 'binary',
    },
  ];
}

/** Seeded inputs and targets for a test net. */
export function testData(net: TestNet, rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new SeededRng(seed);
  const x = new Float32Array(rows * net.features);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float32Array(rows * net.targets);
  for (let r = 0; r < rows; r++) {
    if (net.y === 'onehot') y[r * net.targets + rng.int(net.targets)] = 1;
    else
      for (let c = 0; c < net.targets; c++)
        y[r * net.targets + c] = net.y === 'binary' ? (rng.uniform() < 0.5 ? 0 : 1) : rng.normal();
  }
  return { x, y };
}
