/**
 * The layer catalog: every layer type Netwright knows, described as data (name, category, params
 * with types, defaults and ranges). The palette, the inspector, validation and the schema are all
 * built from this one table.
 */

export const ACTIVATIONS = [
  'linear',
  'step',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'elu',
  'gelu',
  'silu',
  'softplus',
  'softmax',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LOSSES = ['sum_squares', 'mse', 'mae', 'bce', 'cce', 'hinge', 'perceptron'] as const;
export type LossName = (typeof LOSSES)[number];

export const INITIALIZERS = ['zeros', 'uniform', 'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

export const LAYER_TYPES = [
  'Input',
  'Dense',
  'Activation',
  'Softmax',
  'Dropout',
  'Add',
  'Concatenate',
  'Output',
] as const;
export type LayerType = (typeof LAYER_TYPES)[number];

export type LayerCategory = 'inputs' | 'core' | 'activations' | 'merge' | 'outputs';

export type ParamSpec =
  | { name: string; label: string; type: 'int'; default: number; min: number; max: number; description: string }
  | { name: string; label: string; type: 'float'; default: number; min: number; max: number; description: string }
  | { name: string; label: string; type: 'bool'; default: boolean; description: string }
  | { name: string; label: string; type: 'enum'; default: string; options: readonly string[]; description: string };

export interface LayerSpec {
  type: LayerType;
  name: string;
  category: LayerCategory;
  description: string;
  params: readonly ParamSpec[];
  /** How many incoming edges the layer takes. */
  inputs: { min: number; max: number };
  /** Whether other layers may consume its output (Output is a sink). */
  hasOutput: boolean;
}

export const LOSS_LABELS: Record<LossName, string> = {
  sum_squares: 'Sum of squares',
  mse: 'Mean squared error',
  mae: 'Mean absolute error',
  bce: 'Binary cross-entropy',
  cce: 'Categorical cross-entropy',
  hinge: 'Hinge',
  perceptron: 'Perceptron rule',
};

export const ACTIVATION_DESCRIPTIONS: Record<ActivationName, string> = {
  linear: 'Identity: f(x) = x.',
  step: "Heaviside step, the perceptron's: 1 if x > 0, else 0.",
  sigmoid: 'Logistic sigmoid 1 / (1 + e^-x), squashes to (0, 1).',
  tanh: 'Hyperbolic tangent, squashes to (-1, 1).',
  relu: 'Rectified linear unit: max(0, x).',
  leaky_relu: 'Leaky ReLU: x if x > 0, else alpha * x.',
  elu: 'Exponential linear unit: x if x > 0, else alpha * (e^x - 1).',
  gelu: 'Gaussian error linear unit: x * Phi(x).',
  silu: 'SiLU / swish: x * sigmoid(x).',
  softplus: 'Softplus: log(1 + e^x), a smooth ReLU.',
  softmax: 'Softmax over the units: exponentials normalised to sum to 1.',
};

const units = (def: number): ParamSpec => ({
  name: 'units',
  label: 'Units',
  type: 'int',
  default: def,
  min: 1,
  max: 100_000,
  description: 'Number of neurons.',
});
const useBias: ParamSpec = {
  name: 'use_bias',
  label: 'Use bias',
  type: 'bool',
  default: true,
  description: 'Add a learned bias to each neuron.',
};
const initializer: ParamSpec = {
  name: 'initializer',
  label: 'Initializer',
  type: 'enum',
  default: 'glorot_uniform',
  options: INITIALIZERS,
  description: 'How the weights are drawn before training (from the run seed).',
};
const alpha: ParamSpec = {
  name: 'alpha',
  label: 'Alpha',
  type: 'float',
  default: 0.01,
  min: 0,
  max: 10,
  description: 'Slope of leaky ReLU for x < 0, or scale of ELU.',
};

export const LAYER_CATALOG: readonly LayerSpec[] = [
  {
    type: 'Input',
    name: 'Input',
    category: 'inputs',
    description: 'The features of one sample, after preprocessing.',
    params: [
      {
        name: 'features',
        label: 'Features',
        type: 'int',
        default: 2,
        min: 1,
        max: 1_000_000,
        description: 'Number of input features.',
      },
    ],
    inputs: { min: 0, max: 0 },
    hasOutput: true,
  },
  {
    type: 'Dense',
    name: 'Dense',
    category: 'core',
    description: 'Fully connected layer: activation(x · W + b).',
    params: [
      units(8),
      useBias,
      initializer,
      {
        name: 'activation',
        label: 'Activation',
        type: 'enum',
        default: 'relu',
        options: ACTIVATIONS,
        description: 'Applied to x · W + b.',
      },
      alpha,
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  {
    type: 'Activation',
    name: 'Activation',
    category: 'activations',
    description: 'An element-wise activation function.',
    params: [
      {
        name: 'activation',
        label: 'Function',
        type: 'enum',
        default: 'relu',
        options: ACTIVATIONS,
        description: 'The function applied to each value.',
      },
      alpha,
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  {
    type: 'Softmax',
    name: 'Softmax',
    category: 'activations',
    description: 'Turns scores into probabilities that sum to 1.',
    params: [],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  {
    type: 'Dropout',
    name: 'Dropout',
    category: 'core',
    description: 'During training, zeroes each value with probability rate (and rescales the rest).',
    params: [
      {
        name: 'rate',
        label: 'Rate',
        type: 'float',
        default: 0.2,
        min: 0,
        max: 0.95,
        description: 'Probability of dropping a value.',
      },
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  {
    type: 'Add',
    name: 'Add',
    category: 'merge',
    description: 'Element-wise sum of inputs of the same size (residual connections).',
    params: [],
    inputs: { min: 2, max: 16 },
    hasOutput: true,
  },
  {
    type: 'Concatenate',
    name: 'Concatenate',
    category: 'merge',
    description: 'Joins inputs side by side; the output has the sum of their sizes.',
    params: [],
    inputs: { min: 2, max: 16 },
    hasOutput: true,
  },
  {
    type: 'Output',
    name: 'Output',
    category: 'outputs',
    description: 'The prediction: a dense layer with its activation, and the loss it is trained with.',
    params: [
      units(1),
      useBias,
      initializer,
      {
        name: 'activation',
        label: 'Activation',
        type: 'enum',
        default: 'sigmoid',
        options: ACTIVATIONS,
        description: 'Applied to the output scores.',
      },
      alpha,
      {
        name: 'loss',
        label: 'Loss',
        type: 'enum',
        default: 'bce',
        options: LOSSES,
        description: 'What training minimises.',
      },
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: false,
  },
];

const byType = new Map(LAYER_CATALOG.map((s) => [s.type, s]));

/** The catalog entry of a layer type (throws on an unknown type). */
export function layerSpec(type: LayerType): LayerSpec {
  const s = byType.get(type);
  if (!s) throw new Error(`Unknown layer type '${type}'`);
  return s;
}

/** Default parameter values of a layer type. */
export function defaultParams(type: LayerType): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const p of layerSpec(type).params) out[p.name] = p.default;
  return out;
}
