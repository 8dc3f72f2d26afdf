/** Parameter specs several layer types share (the catalog's building blocks). */
import { ACTIVATIONS } from './activations.ts';
import { INITIALIZERS } from './init.ts';
import type { ParamSpec } from './layer.ts';

export const unitsParam = (def: number): ParamSpec => ({
  name: 'units',
  label: 'Units',
  type: 'int',
  default: def,
  min: 1,
  max: 100_000,
  description: 'Number of neurons.',
});

export const useBiasParam: ParamSpec = {
  name: 'use_bias',
  label: 'Use bias',
  type: 'bool',
  default: true,
  description: 'Add a learned bias to each neuron.',
};

export const initializerParamWith = (def: string): ParamSpec => ({
  name: 'initializer',
  label: 'Initializer',
  type: 'enum',
  default: def,
  options: INITIALIZERS,
  description: 'How the weights are drawn before training (from the run seed).',
});

export const initializerParam = initializerParamWith('glorot_uniform');

export const alphaParam: ParamSpec = {
  name: 'alpha',
  label: 'Alpha',
  type: 'float',
  default: 0.01,
  min: 0,
  max: 10,
  description: 'Slope of leaky ReLU for x < 0, or scale of ELU.',
  visibleWhen: { param: 'activation', is: ['leaky_relu', 'elu'] },
};

export const activationParam = (def: string, description: string, label = 'Activation'): ParamSpec => ({
  name: 'activation',
  label,
  type: 'enum',
  default: def,
  options: ACTIVATIONS,
  description,
});

/** "Dense 'hidden1'": how messages refer to a node. */
export function describe(node: { id: string; type: string; label?: string | undefined }): string {
  return `${node.type} '${node.label ?? node.id}'`;
}

/** A per-sample shape for messages: 784, or 1×28×28. */
export function shapeText(s: readonly number[]): string {
  return s.join('×');
}

/** Elements of a per-sample shape. */
export function elements(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/** A trainable parameter (batch norm's running statistics are not). */
export function isTrainable(p: { trainable?: boolean }): boolean {
  return p.trainable !== false;
}

/** Why an input that must be an image is not one, or null when it is ([channels, height, width]). */
export function notAnImage(node: { id: string; type: string; label?: string | undefined }, s: readonly number[]) {
  return s.length === 3
    ? null
    : `${describe(node)} works on images (channels × height × width) but receives ${shapeText(s)} values per sample: set the Input's shape to an image, or add a Reshape layer before it.`;
}

export const sizeParam = (name: string, label: string, def: number, max: number, description: string): ParamSpec => ({
  name,
  label,
  type: 'int',
  default: def,
  min: name === 'pad' || name === 'padding' ? 0 : 1,
  max,
  description,
});

/** Normalisation layers' epsilon (BatchNorm, LayerNorm). */
export const epsilonParam: ParamSpec = {
  name: 'epsilon',
  label: 'Epsilon',
  type: 'float',
  default: 1e-5,
  min: 1e-12,
  max: 1,
  description: 'Added to the variance before the square root.',
};
