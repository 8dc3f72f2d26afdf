/** Activation functions composed from primitives (silu and linear have no primitive of their own). */
import type { ActivationName } from '../graph/catalog.ts';
import type { Program } from '../backprop/ir.ts';

/** Append activation `name` applied to value `x`; returns the new value id. */
export function applyActivation(p: Program, x: number, name: ActivationName, alpha: number): number {
  switch (name) {
    case 'linear':
      return x;
    case 'softmax':
      return p.softmax(x);
    case 'silu':
      return p.mul(x, p.sigmoid(x));
    case 'step':
    case 'sigmoid':
    case 'tanh':
    case 'relu':
    case 'softplus':
    case 'gelu':
      return p.unary(name, x);
    case 'leaky_relu':
    case 'elu':
      return p.unary(name, x, alpha);
  }
}

/** Scalar versions of the activations ({output, der}), for plots in the palette and for tests. */
export function activationScalar(name: ActivationName, alpha = 0.01): { output: (x: number) => number } {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const fns: Record<ActivationName, (x: number) => number> = {
    linear: (x) => x,
    step: (x) => (x > 0 ? 1 : 0),
    sigmoid: sig,
    tanh: Math.tanh,
    relu: (x) => Math.max(0, x),
    leaky_relu: (x) => (x > 0 ? x : alpha * x),
    elu: (x) => (x > 0 ? x : alpha * Math.expm1(x)),
    gelu: (x) => x * sig(1.702 * x),
    silu: (x) => x * sig(x),
    softplus: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
    softmax: sig,
  };
  return { output: fns[name] };
}
