/**
 * Every activation function, one record each, composed from primitives (./backprop/ops). Because a
 * composition is written against an Algebra, one definition gives the program the engine trains,
 * the values and exact derivatives the palette plots, and the PyTorch code the export writes.
 * Adding an activation means adding its record here (and a gradient check).
 */
import type { Program } from '../backprop/ir.ts';
import {
  Algebra,
  BINARY,
  ScalarAlgebra,
  TorchAlgebra,
  UNARY,
  type BinaryOp,
  type UnaryOp,
} from '../backprop/ops/elementwise.ts';

export interface ActivationDef {
  description: string;
  /** Whether the 'alpha' parameter matters. */
  usesAlpha?: boolean;
  /** The element-wise form, written with primitives. */
  f?<T>(A: Algebra<T>, x: T, alpha: number): T;
  /** Activations over a whole row (softmax): the program, a curve for two classes [x, 0], and PyTorch. */
  rowwise?: { program(p: Program, x: number): number; curve(x: number): number; torch(x: string): string };
  /** ONNX op types that import as this activation. */
  onnx?: readonly string[];
}

const ACTIVATION_DEFS = {
  linear: { description: 'Identity: f(x) = x.', f: (_A, x) => x },
  step: {
    description: "Heaviside step, the perceptron's: 1 if x > 0, else 0.",
    f: (A, x) => A.step(x),
  },
  sigmoid: {
    description: 'Logistic sigmoid 1 / (1 + e^-x), squashes to (0, 1).',
    f: (A, x) => A.sigmoid(x),
    onnx: ['Sigmoid'],
  },
  tanh: {
    description: 'Hyperbolic tangent, squashes to (-1, 1).',
    f: (A, x) => A.unary('tanh', x),
    onnx: ['Tanh'],
  },
  relu: { description: 'Rectified linear unit: max(0, x).', f: (A, x) => A.unary('relu', x), onnx: ['Relu'] },
  leaky_relu: {
    description: 'Leaky ReLU: x if x > 0, else alpha * x.',
    usesAlpha: true,
    f: (A, x, alpha) => A.unary('leaky_relu', x, alpha),
    onnx: ['LeakyRelu'],
  },
  elu: {
    description: 'Exponential linear unit: x if x > 0, else alpha * (e^x - 1).',
    usesAlpha: true,
    f: (A, x, alpha) => A.unary('elu', x, alpha),
    onnx: ['Elu'],
  },
  gelu: { description: 'Gaussian error linear unit: x * Phi(x).', f: (A, x) => A.unary('gelu', x) },
  silu: { description: 'SiLU / swish: x * sigmoid(x).', f: (A, x) => A.mul(x, A.sigmoid(x)) },
  mish: {
    description: 'Mish: x * tanh(softplus(x)), smooth and non-monotonic.',
    f: (A, x) => A.mul(x, A.unary('tanh', A.unary('softplus', x))),
    onnx: ['Mish'],
  },
  softplus: {
    description: 'Softplus: log(1 + e^x), a smooth ReLU.',
    f: (A, x) => A.unary('softplus', x),
    onnx: ['Softplus'],
  },
  softmax: {
    description: 'Softmax over the units: exponentials normalised to sum to 1.',
    rowwise: {
      program: (p, x) => p.softmax(x),
      curve: (x) => UNARY.sigmoid.f(x, 0),
      torch: (x) => `torch.softmax(${x}, dim=1)`,
    },
    onnx: ['Softmax'],
  },
} satisfies Record<string, ActivationDef>;

export type ActivationName = keyof typeof ACTIVATION_DEFS;
export const ACTIVATIONS = Object.keys(ACTIVATION_DEFS) as ActivationName[];

/** The record of an activation. */
export function activationDef(name: ActivationName): ActivationDef {
  return ACTIVATION_DEFS[name];
}

/** Append activation `name` applied to value `x`; returns the new value id. */
export function applyActivation(p: Program, x: number, name: ActivationName, alpha: number): number {
  const d = activationDef(name);
  return d.rowwise ? d.rowwise.program(p, x) : d.f!(p, x, alpha);
}

/** Dual numbers: a value and its derivative, pushed through the same rules (forward mode). */
class DualAlgebra extends Algebra<[number, number]> {
  private readonly s = new ScalarAlgebra();
  const(value: number): [number, number] {
    return [value, 0];
  }
  unary(op: UnaryOp, [x, dx]: [number, number], alpha = 0): [number, number] {
    const y = UNARY[op].f(x, alpha);
    return [y, UNARY[op].grad(this.s, x, y, dx, alpha) ?? 0];
  }
  binary(op: BinaryOp, [a, da]: [number, number], [b, db]: [number, number]): [number, number] {
    const def = BINARY[op];
    const y = def.f(a, b);
    const [ga, gb] = def.grad(this.s, a, b, y, 1);
    return [y, (ga ?? 0) * da + (gb ?? 0) * db];
  }
}

/** The activation's value and derivative at x (softmax: for two classes [x, 0]). */
export function activationAt(name: ActivationName, x: number, alpha = 0.01): { output: number; der: number } {
  const d = activationDef(name);
  if (d.rowwise) {
    const y = d.rowwise.curve(x);
    return { output: y, der: y * (1 - y) };
  }
  const [output, der] = d.f!(new DualAlgebra(), [x, 1], alpha);
  return { output, der };
}

/** PyTorch code applying the activation to the expression `x`. */
export function activationTorch(name: ActivationName, x: string, alpha: number): string {
  const d = activationDef(name);
  return d.rowwise ? d.rowwise.torch(x) : d.f!(new TorchAlgebra(), x, alpha);
}

/** The activation an ONNX op type imports as, if any. */
export function activationForOnnx(opType: string): ActivationName | undefined {
  return ACTIVATIONS.find((a) => (activationDef(a).onnx as readonly string[] | undefined)?.includes(opType));
}
