/**
 * Templates: each network of the seed articles (and a few classics) with its dataset and training
 * config, ready to open and train. Architecture, loss, epochs and full-batch training follow the
 * articles' listings (Keras: Adam, Glorot-uniform weights, zero biases). Where Keras's default
 * learning rate of 0.001 does not converge within the listing's epochs from our seeded weights, the
 * template uses 0.01 (our generator is not TensorFlow's, so the articles' seeds do not carry over).
 */
import { GRAPH_FORMAT, GRAPH_VERSION } from '../graph/document.ts';
import { PROJECT_FORMAT, PROJECT_VERSION, type Project } from '../project/project.ts';
import type { ActivationName, InitializerName, LossName } from '../graph/catalog.ts';
import { withDefaults, type GraphDoc, type GraphNode } from '../graph/document.ts';
import type { DatasetRef } from '../project/project.ts';
import { makeTrainConfig, type OptimizerConfig, type TrainConfig } from './config.ts';

export interface Template {
  id: string;
  name: string;
  description: string;
  /** Where it comes from, e.g. "visual article, Listing 20". */
  source: string;
  graph: GraphDoc;
  training: TrainConfig;
  dataset: DatasetRef;
}

interface DenseSpec {
  units: number;
  activation: ActivationName;
  bias?: boolean;
  init?: InitializerName;
}

/** A chain Input → Dense… → Output laid out left to right. */
export function chainGraph(features: number, hidden: DenseSpec[], out: DenseSpec & { loss: LossName }): GraphDoc {
  const nodes: GraphNode[] = [];
  const pos = (i: number) => ({ x: 80 + i * 240, y: 160 });
  nodes.push({ id: 'input', type: 'Input', params: withDefaults('Input', { features }), position: pos(0) });
  hidden.forEach((h, i) => {
    nodes.push({
      id: hidden.length === 1 ? 'hidden' : `hidden${i + 1}`,
      type: 'Dense',
      params: withDefaults('Dense', {
        units: h.units,
        activation: h.activation,
        use_bias: h.bias ?? true,
        initializer: h.init ?? 'glorot_uniform',
      }),
      position: pos(i + 1),
    });
  });
  nodes.push({
    id: 'output',
    type: 'Output',
    params: withDefaults('Output', {
      units: out.units,
      activation: out.activation,
      loss: out.loss,
      use_bias: out.bias ?? true,
      initializer: out.init ?? 'glorot_uniform',
    }),
    position: pos(hidden.length + 1),
  });
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, target: n.id }));
  return { format: 'netwright-graph', version: 1, nodes, edges };
}

const builtin = (id: string, params: Record<string, number> = {}): DatasetRef => ({ kind: 'builtin', id, params });

/** A chain of any layers, left to right: [id, type, params] after an Input of the given params. */
function layerChain(input: GraphNode['params'], layers: [string, GraphNode['type'], GraphNode['params']][]): GraphDoc {
  const all: [string, GraphNode['type'], GraphNode['params']][] = [['input', 'Input', input], ...layers];
  const nodes: GraphNode[] = all.map(([id, type, params], i) => ({
    id,
    type,
    params: withDefaults(type, params),
    // Two rows, so a nine-layer network fits a laptop screen.
    position: { x: 60 + (i % 5) * 230, y: 80 + Math.floor(i / 5) * 170 },
  }));
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, target: n.id }));
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
}

/** The toy-data lessons' training: seed 1, a fifth of the rows held out for validation. */
const toyTraining = (epochs: number, batchSize: number, optimizer: Pick<OptimizerConfig, 'name' | 'lr'>) =>
  makeTrainConfig({ epochs, batchSize, optimizer, seed: 1, validationSplit: 0.2 });

/**
 * TensorFlow Playground's lessons: a Features layer over two inputs with the checked features (the
 * others off), the given layers, and one sigmoid unit for the two classes.
 */
function featuresNet(
  checked: Partial<Record<'identity' | 'squares' | 'products' | 'sines', boolean>>,
  hidden: [string, GraphNode['type'], GraphNode['params']][] = [],
): GraphDoc {
  return layerChain({ features: 2 }, [
    ['features', 'Features', { identity: false, squares: false, products: false, sines: false, ...checked }],
    ...hidden,
    ['output', 'Output', { units: 1, activation: 'sigmoid', loss: 'bce' }],
  ]);
}

const MNIST_IMAGE = { shape: 'image', channels: 1, height: 28, width: 28 };
/** The `mnist` package's 10,000 digits: the first 8,000 of its seeded order train, the last 2,000 test. */
const DIGITS_8K_2K = builtin('digits', { count: 10000, test: 2000 });
/** PyTorch's usual LeNet-5 recipe: Adam 1e-3, mini-batches of 64 ('auto' trains convolutions on ONNX Runtime). */
const lenetTraining = (epochs: number) =>
  makeTrainConfig({ epochs, batchSize: 64, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 });

const LENET = layerChain(MNIST_IMAGE, [
  ['conv1', 'Conv2D', { filters: 6, kernel_size: 5, padding: 'explicit', pad: 2, activation: 'relu' }],
  ['pool1', 'MaxPool2D', { pool_size: 2, stride: 2 }],
  ['conv2', 'Conv2D', { filters: 16, kernel_size: 5, activation: 'relu' }],
  ['pool2', 'MaxPool2D', { pool_size: 2, stride: 2 }],
  ['flatten', 'Flatten', {}],
  ['fc1', 'Dense', { units: 120, activation: 'relu' }],
  ['fc2', 'Dense', { units: 84, activation: 'relu' }],
  ['output', 'Output', { units: 10, activation: 'softmax', loss: 'cce' }],
]);

const SMALL_CNN = layerChain(MNIST_IMAGE, [
  ['conv1', 'Conv2D', { filters: 8, kernel_size: 3, padding: 'same', activation: 'relu' }],
  ['pool1', 'MaxPool2D', { pool_size: 2, stride: 2 }],
  ['conv2', 'Conv2D', { filters: 16, kernel_size: 3, padding: 'same', activation: 'relu' }],
  ['pool2', 'MaxPool2D', { pool_size: 2, stride: 2 }],
  ['flatten', 'Flatten', {}],
  ['output', 'Output', { units: 10, activation: 'softmax', loss: 'cce' }],
]);

const DENSE_784_15_10 = chainGraph(784, [{ units: 15, activation: 'sigmoid' }], {
  units: 10,
  activation: 'softmax',
  loss: 'cce',
});
const kerasAdam = (epochs: number, seed: number, extra: Record<string, unknown> = {}) =>
  makeTrainConfig({ epochs, batchSize: 0, optimizer: { name: 'adam', lr: 0.001 }, seed, shuffle: false, ...extra });

const TEMPLATE_LIST: Template[] = [
  {
    id: 'from-scratch',
    name: 'From scratch: 3-4-1 sigmoid, sum of squares, 1500 iterations',
    description:
      'The from-scratch article: 4 sigmoid hidden units, no biases, np.random.rand weights, plain gradient steps on the XOR-like table.',
    source: 'from-scratch article',
    graph: chainGraph(3, [{ units: 4, activation: 'sigmoid', bias: false, init: 'uniform' }], {
      units: 1,
      activation: 'sigmoid',
      bias: false,
      init: 'uniform',
      loss: 'sum_squares',
    }),
    training: makeTrainConfig({
      epochs: 1500,
      batchSize: 0,
      optimizer: { name: 'sgd', lr: 1 },
      seed: 1,
      shuffle: false,
    }),
    dataset: builtin('from-scratch-xor'),
  },
  {
    id: 'perceptron',
    name: 'Perceptron',
    description:
      "Rosenblatt's perceptron on X1: step activation, zero weights, the perceptron rule (eta 0.05, 150 epochs), visual article Listing 2.",
    source: 'visual article, Listing 2',
    graph: chainGraph(2, [], { units: 1, activation: 'step', init: 'zeros', loss: 'perceptron' }),
    training: makeTrainConfig({
      epochs: 150,
      batchSize: 1,
      optimizer: { name: 'sgd', lr: 0.05 },
      seed: 1,
      shuffle: false,
    }),
    dataset: builtin('x1-blobs'),
  },
  {
    id: 'sigmoid-neuron',
    name: 'Sigmoid neuron',
    description:
      'One sigmoid neuron with binary cross-entropy on X1: logistic regression, a straight decision boundary.',
    source: 'visual article, Listing 5',
    graph: chainGraph(2, [], { units: 1, activation: 'sigmoid', loss: 'bce' }),
    training: kerasAdam(1500, 0, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x1-blobs'),
  },
  {
    id: 'sigmoid-neuron-3d',
    name: 'Sigmoid neuron, three features',
    description: 'One sigmoid neuron on the 3-feature set X2: the decision boundary is a plane in 3-D.',
    source: 'visual article, Listing 10',
    graph: chainGraph(3, [], { units: 1, activation: 'sigmoid', loss: 'bce' }),
    training: kerasAdam(1500, 0, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x2-three-features'),
  },
  {
    id: 'softmax-3',
    name: 'Softmax, 3 classes',
    description: 'A softmax layer of 3 neurons with categorical cross-entropy on the three Gaussians X3.',
    source: 'visual article, Listing 15',
    graph: chainGraph(2, [], { units: 3, activation: 'softmax', loss: 'cce' }),
    training: kerasAdam(2200, 0),
    dataset: builtin('x3-three-gaussians'),
  },
  {
    id: 'x4-sigmoid-neuron',
    name: 'Sigmoid neuron on X4 (linear limit)',
    description: 'A single sigmoid neuron cannot separate the L-shaped X4: it stops at the linear limit.',
    source: 'visual article, Listing 19',
    graph: chainGraph(2, [], { units: 1, activation: 'sigmoid', loss: 'bce' }),
    training: kerasAdam(4000, 2),
    dataset: builtin('x4-l-shape'),
  },
  {
    id: 'x4-relu-hidden',
    name: 'Hidden ReLU layer on X4',
    description:
      'Three ReLU hidden units make the L-shaped X4 separable: the hidden layer maps it into a 3-D space where a plane splits the classes.',
    source: 'visual article, Listings 20-21',
    graph: chainGraph(2, [{ units: 3, activation: 'relu' }], { units: 1, activation: 'sigmoid', loss: 'bce' }),
    training: kerasAdam(2200, 1, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x4-l-shape'),
  },
  {
    id: 'x4-linear-hidden',
    name: 'Linear hidden layer (fails)',
    description:
      'Three linear hidden units add nothing: a composition of linear maps is linear, so X4 stays at the linear limit.',
    source: 'visual article, Listing 23',
    graph: chainGraph(2, [{ units: 3, activation: 'linear' }], { units: 1, activation: 'sigmoid', loss: 'bce' }),
    training: kerasAdam(1000, 2, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x4-l-shape'),
  },
  {
    id: 'x5-linear',
    name: 'Linear regression on the parabola',
    description: 'One linear neuron with MSE on X5: the best straight line through a parabola.',
    source: 'visual article, Listing 26',
    graph: chainGraph(1, [], { units: 1, activation: 'linear', loss: 'mse' }),
    training: kerasAdam(500, 0, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x5-parabola'),
  },
  {
    id: 'x5-relu-10',
    name: 'Regression with 10 ReLUs',
    description:
      'Ten ReLU hidden units fit the parabola X5 piece by piece: each unit adds a hinge to the prediction curve.',
    source: 'visual article, Listing 28',
    graph: chainGraph(1, [{ units: 10, activation: 'relu' }], { units: 1, activation: 'linear', loss: 'mse' }),
    training: kerasAdam(1500, 15, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x5-parabola'),
  },
  {
    id: 'x5-relu-400',
    name: 'Universal approximation with 400 ReLUs',
    description: 'The same network with 400 ReLU hidden units: the universal approximation theorem at work.',
    source: 'visual article, Figure 37',
    graph: chainGraph(1, [{ units: 400, activation: 'relu' }], { units: 1, activation: 'linear', loss: 'mse' }),
    training: kerasAdam(1500, 15, { optimizer: { name: 'adam', lr: 0.01 } }),
    dataset: builtin('x5-parabola'),
  },
  {
    id: 'digits',
    name: 'Digits 784-15-10',
    description:
      'The crash-course network: 28×28 = 784 pixel inputs, 15 sigmoid hidden units, 10 softmax outputs (11,935 weights and biases), on real MNIST digits.',
    source: 'crash-course article',
    graph: chainGraph(784, [{ units: 15, activation: 'sigmoid' }], { units: 10, activation: 'softmax', loss: 'cce' }),
    training: toyTraining(10, 32, { name: 'adam', lr: 0.003 }),
    dataset: builtin('digits', { count: 5000 }),
  },
  {
    id: 'lenet-digits',
    name: 'LeNet-5 on MNIST digits',
    description:
      'LeCun’s convolutional network: two 5×5 convolutions with max pooling, then 120, 84 and 10 units (61,706 parameters), on 8,000 real MNIST digits; 2,000 more are held out as the test set.',
    source: 'classic (LeCun et al. 1998, PyTorch’s ReLU and max-pool form)',
    graph: LENET,
    training: lenetTraining(5),
    dataset: DIGITS_8K_2K,
  },
  {
    id: 'why-conv-dense',
    name: 'Why convolution (1 of 2): dense 784-15-10',
    description:
      'The crash-course network on the same 8,000 + 2,000 digits as its convolutional partner: every pixel is its own input, 11,935 parameters. Train both and compare test accuracy.',
    source: 'crash-course article, compared',
    graph: DENSE_784_15_10,
    training: lenetTraining(5),
    dataset: DIGITS_8K_2K,
  },
  {
    id: 'why-conv-cnn',
    name: 'Why convolution (2 of 2): a small CNN',
    description:
      'Two 3×3 convolutions with max pooling before the output: 9,098 parameters, fewer than the dense 784-15-10, shared across the image, so a stroke is recognised wherever it is. Same digits and settings as its partner.',
    source: 'crash-course article, compared',
    graph: SMALL_CNN,
    training: lenetTraining(5),
    dataset: DIGITS_8K_2K,
  },
  {
    id: 'circle',
    name: 'Circle (2-8-8-1 tanh)',
    description:
      'Points inside vs outside a circle, as in TensorFlow Playground: two tanh hidden layers learn a round boundary.',
    source: 'classic',
    graph: chainGraph(
      2,
      [
        { units: 8, activation: 'tanh' },
        { units: 8, activation: 'tanh' },
      ],
      { units: 1, activation: 'sigmoid', loss: 'bce' },
    ),
    training: toyTraining(200, 10, { name: 'sgd', lr: 0.03 }),
    dataset: builtin('circle', { n: 500, noise: 0.1 }),
  },
  {
    id: 'circle-features',
    name: 'Circle with x² features, no hidden layer',
    description:
      "TensorFlow Playground's trick: feed x1² and x2² (with x1, x2) to a single sigmoid neuron and the circle becomes a straight cut in feature space, a round boundary in the plane.",
    source: 'TensorFlow Playground',
    graph: featuresNet({ identity: true, squares: true }),
    training: toyTraining(100, 10, { name: 'adam', lr: 0.03 }),
    dataset: builtin('circle', { n: 500, noise: 0.1 }),
  },
  {
    id: 'xor-features',
    name: 'XOR with the x1·x2 feature, no hidden layer',
    description:
      'Opposite quadrants share a class, so the sign of x1·x2 is the class: with that one feature a single neuron solves XOR.',
    source: 'TensorFlow Playground',
    graph: featuresNet({ products: true }),
    training: toyTraining(100, 10, { name: 'adam', lr: 0.03 }),
    dataset: builtin('xor-quadrants', { n: 400, noise: 0.1 }),
  },
  {
    id: 'xor-quadrants',
    name: 'XOR quadrants',
    description: 'Opposite quadrants share a class: no straight line separates them, a small ReLU layer does.',
    source: 'classic',
    graph: chainGraph(2, [{ units: 8, activation: 'relu' }], { units: 1, activation: 'sigmoid', loss: 'bce' }),
    training: toyTraining(200, 16, { name: 'adam', lr: 0.01 }),
    dataset: builtin('xor-quadrants', { n: 400, noise: 0.1 }),
  },
  {
    id: 'two-spirals',
    name: 'Two spirals',
    description: 'The hardest classic toy set: interleaved spirals need several layers.',
    source: 'classic',
    graph: chainGraph(
      2,
      [
        { units: 16, activation: 'tanh' },
        { units: 16, activation: 'tanh' },
        { units: 8, activation: 'tanh' },
      ],
      { units: 1, activation: 'sigmoid', loss: 'bce' },
    ),
    training: makeTrainConfig({ epochs: 600, batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, seed: 1 }),
    dataset: builtin('two-spirals', { n: 400, noise: 0.05 }),
  },
  {
    id: 'spiral-sines',
    name: 'Spirals with sin features (Playground)',
    description:
      "TensorFlow Playground's spiral lesson: with sin x1 and sin x2 beside x1, x2, one layer of six tanh units winds around spirals of radius 5 that it cannot follow from x1, x2 alone.",
    source: 'TensorFlow Playground',
    graph: featuresNet({ identity: true, sines: true }, [['hidden', 'Dense', { units: 6, activation: 'tanh' }]]),
    training: toyTraining(150, 16, { name: 'adam', lr: 0.01 }),
    dataset: builtin('two-spirals', { n: 400, noise: 0.25, radius: 5 }),
  },
  {
    id: 'gaussian-blobs',
    name: 'Gaussian blobs (4 classes)',
    description: 'Four noisy Gaussian clusters, a softmax classifier with one hidden layer.',
    source: 'classic',
    graph: chainGraph(2, [{ units: 8, activation: 'relu' }], { units: 4, activation: 'softmax', loss: 'cce' }),
    training: toyTraining(100, 16, { name: 'adam', lr: 0.01 }),
    dataset: builtin('gaussian-blobs', { n: 400, k: 4, noise: 1 }),
  },
  {
    id: 'vanishing-sigmoid',
    name: 'Vanishing gradients: 8 sigmoid layers',
    description:
      "The crash course's warning: each sigmoid layer multiplies the gradient by at most 1/4, so after eight the first layers barely learn. Watch the Gradient flow view, then train the ReLU twin and compare the runs.",
    source: 'crash-course article',
    graph: chainGraph(
      2,
      Array.from({ length: 8 }, () => ({ units: 16, activation: 'sigmoid' as const })),
      { units: 1, activation: 'sigmoid', loss: 'bce' },
    ),
    training: makeTrainConfig({ epochs: 150, batchSize: 32, optimizer: { name: 'sgd', lr: 0.1 }, seed: 3 }),
    dataset: builtin('circle', { n: 400 }),
  },
  {
    id: 'vanishing-relu',
    name: 'The same 8 layers with ReLU',
    description:
      'The sigmoid network of the vanishing-gradients template with ReLU units (He initialisation): the gradient reaches the first layers and the circle is learned.',
    source: 'crash-course article',
    graph: chainGraph(
      2,
      Array.from({ length: 8 }, () => ({ units: 16, activation: 'relu' as const, init: 'he_uniform' as const })),
      { units: 1, activation: 'sigmoid', loss: 'bce' },
    ),
    training: makeTrainConfig({ epochs: 150, batchSize: 32, optimizer: { name: 'sgd', lr: 0.1 }, seed: 3 }),
    dataset: builtin('circle', { n: 400 }),
  },
];

/** Templates meant to be trained side by side (`netwright train <id>` trains each and compares them). */
export interface TemplateComparison {
  id: string;
  name: string;
  description: string;
  /** Template ids, in the order shown. */
  members: string[];
}

export const TEMPLATE_COMPARISONS: readonly TemplateComparison[] = [
  {
    id: 'why-convolution',
    name: 'Why convolution: dense 784-15-10 vs a small CNN on the same digits',
    description: 'Parameters and test accuracy of the dense network and a smaller convolutional one.',
    members: ['why-conv-dense', 'why-conv-cnn'],
  },
];

/** Every template, in gallery order. */
export function listTemplates(): Template[] {
  return TEMPLATE_LIST.map((t) => structuredCloneTemplate(t));
}

/** One template by id; throws with the list of ids when unknown. */
export function getTemplate(id: string): Template {
  const t = TEMPLATE_LIST.find((x) => x.id === id);
  if (!t) throw new Error(`Unknown template '${id}'. Templates: ${TEMPLATE_LIST.map((x) => x.id).join(', ')}.`);
  return structuredCloneTemplate(t);
}

function structuredCloneTemplate(t: Template): Template {
  return JSON.parse(JSON.stringify(t)) as Template;
}

/** A blank project, or one started from a template (throws when the id is unknown). */
export function newProject(templateId: string | null): Project {
  if (templateId === null) {
    return {
      format: PROJECT_FORMAT,
      version: PROJECT_VERSION,
      name: 'Untitled',
      graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] },
      dataset: { kind: 'none' },
      training: makeTrainConfig({}),
      runs: [],
    };
  }
  const t = listTemplates().find((x) => x.id === templateId);
  if (!t) throw new RangeError(`There is no template '${templateId}'.`);
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: t.name,
    template: t.id,
    graph: structuredClone(t.graph),
    dataset: structuredClone(t.dataset),
    training: structuredClone(t.training),
    runs: [],
  };
}
