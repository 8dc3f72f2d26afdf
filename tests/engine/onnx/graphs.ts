/** Test networks that together use every layer type, activation and loss of the catalog. */
import { ACTIVATIONS } from '../../../src-engine/graph/catalog.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import type { Preprocessing } from '../../../src-engine/data/preprocess.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain, makeGraph } from '../backprop/util.ts';

export interface TestNet {
  name: string;
  graph: GraphDoc;
  features: number;
  /** Per-sample input shape when the Input is an image ([C, H, W]). */
  image?: [number, number, number];
  targets: number;
  /** Kind of target values. */
  y: 'onehot' | 'binary' | 'real';
}

const dense = (id: string, units: number, activation: string, extra: Record<string, number | boolean | string> = {}) =>
  [id, 'Dense', { units, activation, ...extra }] as [string, 'Dense', Record<string, number | boolean | string>];

/**
 * Every image layer: convolutions (same, explicit, strided, dilated), both poolings, batch norm on
 * images and on features, layer norm, dropout on images, Add and Concatenate of images, flatten,
 * global average pooling and reshape. `input` is the first node (an image Input, or a vector Input
 * followed by `reshape`); the first convolution's stride, the dense units and the classes vary.
 */
export function everyImageLayer(o: {
  input: GraphNodeSpec;
  reshape?: GraphNodeSpec;
  stride?: number;
  units?: number;
  classes?: number;
}): GraphDoc {
  const first = o.reshape ? o.reshape[0] : o.input[0];
  return makeGraph(
    [
      o.input,
      ...(o.reshape ? [o.reshape] : []),
      [
        'c1',
        'Conv2D',
        { filters: 4, kernel_size: 3, ...(o.stride ? { stride: o.stride } : {}), padding: 'same', activation: 'relu' },
      ],
      ['bn', 'BatchNorm', { momentum: 0.2 }],
      ['mp', 'MaxPool2D', { pool_size: 2, stride: 2 }],
      ['c2', 'Conv2D', { filters: 4, kernel_size: 4, padding: 'same', activation: 'tanh' }], // even kernel: pads 1 then 2
      ['ap', 'AvgPool2D', { pool_size: 3, stride: 1, padding: 1 }],
      ['sum', 'Add'],
      ['cat', 'Concatenate'],
      ['ln', 'LayerNorm'],
      ['drop', 'Dropout', { rate: 0.2 }],
      ['c3', 'Conv2D', { filters: 3, kernel_size: 2, stride: 2, activation: 'elu', alpha: 1 }],
      ['gap', 'GlobalAveragePool'],
      ['flat', 'Flatten'],
      ['d', 'Dense', { units: o.units ?? 5, activation: 'gelu' }],
      ['cat2', 'Concatenate'],
      ['bn1', 'BatchNorm'],
      ['out', 'Output', { units: o.classes ?? 3, activation: 'softmax', loss: 'cce' }],
    ],
    [
      ...(o.reshape ? [[o.input[0], o.reshape[0]] as [string, string]] : []),
      [first, 'c1'],
      ['c1', 'bn'],
      ['bn', 'mp'],
      ['mp', 'c2'],
      ['mp', 'ap'],
      ['c2', 'sum'],
      ['ap', 'sum'],
      ['sum', 'cat'],
      ['mp', 'cat'],
      ['cat', 'ln'],
      ['ln', 'drop'],
      ['drop', 'c3'],
      ['c3', 'gap'],
      ['drop', 'flat'],
      ['flat', 'd'],
      ['gap', 'cat2'],
      ['d', 'cat2'],
      ['cat2', 'bn1'],
      ['bn1', 'out'],
    ],
  );
}

/** One node of makeGraph's list: id, type, parameters. */
type GraphNodeSpec = Parameters<typeof makeGraph>[0][number];

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
  const cnn = everyImageLayer({ input: ['in', 'Input', { shape: 'image', channels: 2, height: 8, width: 8 }] });
  const reshaped = makeGraph(
    [
      ['in', 'Input', { features: 16 }],
      ['img', 'Reshape', { channels: 1, height: 4, width: 4 }],
      ['c', 'Conv2D', { filters: 2, kernel_size: 3, dilation: 2, padding: 'explicit', pad: 2, activation: 'sigmoid' }],
      ['p', 'AvgPool2D', { pool_size: 2, stride: 2 }],
      ['f', 'Flatten'],
      ['out', 'Output', { units: 1, activation: 'sigmoid', loss: 'bce' }],
    ],
    [
      ['in', 'img'],
      ['img', 'c'],
      ['c', 'p'],
      ['p', 'f'],
      ['f', 'out'],
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
      // Playground's input features generalised to 3 inputs: x, x², the three pairwise products, sin x.
      name: 'features (x, squares, products, sines)',
      graph: chain(
        3,
        [['feat', 'Features', { identity: true, squares: true, products: true, sines: true }], dense('h', 5, 'tanh')],
        { units: 1, activation: 'sigmoid', loss: 'bce' },
      ),
      features: 3,
      targets: 1,
      y: 'binary',
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
      name: 'CNN with every image layer',
      graph: cnn,
      features: 2 * 8 * 8,
      image: [2, 8, 8],
      targets: 3,
      y: 'onehot',
    },
    {
      name: 'LeNet-like CNN with batch norm',
      graph: chain(
        0,
        [
          ['c1', 'Conv2D', { filters: 4, kernel_size: 5, padding: 'explicit', pad: 2, activation: 'relu' }],
          ['p1', 'MaxPool2D', {}],
          ['bn', 'BatchNorm'],
          ['c2', 'Conv2D', { filters: 6, kernel_size: 3, activation: 'relu' }],
          ['p2', 'AvgPool2D', {}],
          ['f', 'Flatten'],
          dense('h', 16, 'relu'),
        ],
        { units: 4, activation: 'softmax', loss: 'cce' },
        { shape: 'image', channels: 1, height: 12, width: 12 },
      ),
      features: 144,
      image: [1, 12, 12],
      targets: 4,
      y: 'onehot',
    },
    {
      // Overlapping max-pool windows (3×3, stride 2, pad 1, as in ResNet's stem).
      name: 'CNN with overlapping max pooling',
      graph: chain(
        0,
        [
          ['c1', 'Conv2D', { filters: 3, kernel_size: 3, padding: 'same', activation: 'relu' }],
          ['p1', 'MaxPool2D', { pool_size: 3, stride: 2, padding: 1 }],
          ['f', 'Flatten'],
        ],
        { units: 3, activation: 'softmax', loss: 'cce' },
        { shape: 'image', channels: 2, height: 7, width: 7 },
      ),
      features: 2 * 7 * 7,
      image: [2, 7, 7],
      targets: 3,
      y: 'onehot',
    },
    {
      name: 'reshape to an image, dilated conv, average pool',
      graph: reshaped,
      features: 16,
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

/** Two categorical columns around a numeric one: 4 features, as the first test net takes. */
export const categoricalPreprocessing: Preprocessing = {
  version: 1,
  scaling: 'standard',
  missing: 'impute',
  inputs: [
    { kind: 'categorical', column: 'colour', categories: ['blue', 'red'], impute: 'red' },
    { kind: 'numeric', column: 'size', impute: 1, offset: 2, scale: 3 },
    { kind: 'categorical', column: 'shape', categories: ['round'], impute: null },
  ],
  featureNames: ['colour=blue', 'colour=red', 'size', 'shape=round'],
  target: { column: 'kind', task: 'multiclass', classNames: ['a', 'b', 'c'] },
};
