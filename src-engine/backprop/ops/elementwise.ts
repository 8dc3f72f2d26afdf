/**
 * The element-wise primitives, one record each: what the op computes on one number (for the
 * reference kernel, the palette's curves and tests), the same as inlined JavaScript for the
 * generated code, its gradient written with other primitives, and its ONNX and PyTorch forms.
 * Adding a primitive means adding its name to the union and its record here, nothing else.
 *
 * Rules are written against `Algebra<T>`, so one rule serves three interpreters: the Program
 * (T = value id: reverse-mode differentiation), numbers (T = number: scalar derivatives for plots
 * and checks) and strings (T = code: PyTorch expressions).
 */
import type { GraphBuilder } from '../../onnx/builder.ts';
import type { EmitTarget } from './types.ts';
import { erf } from '../../tensor/erf.ts';
import { type FnBuilder, Op, Simd, T } from '../wasm/encoder.ts';
import { tanhF32x4 } from '../wasm/math.ts';

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'step'
  | 'square'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'softplus'
  | 'leaky_relu'
  | 'elu'
  | 'gelu';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum';

/** Something element-wise expressions can be built in: program values, numbers or code. */
export abstract class Algebra<T> {
  abstract const(value: number): T;
  abstract unary(op: UnaryOp, a: T, alpha?: number): T;
  abstract binary(op: BinaryOp, a: T, b: T): T;

  add(a: T, b: T): T {
    return this.binary('add', a, b);
  }
  sub(a: T, b: T): T {
    return this.binary('sub', a, b);
  }
  mul(a: T, b: T): T {
    return this.binary('mul', a, b);
  }
  div(a: T, b: T): T {
    return this.binary('div', a, b);
  }
  maximum(a: T, b: T): T {
    return this.binary('maximum', a, b);
  }
  neg(a: T): T {
    return this.unary('neg', a);
  }
  exp(a: T): T {
    return this.unary('exp', a);
  }
  log(a: T): T {
    return this.unary('log', a);
  }
  sqrt(a: T): T {
    return this.unary('sqrt', a);
  }
  abs(a: T): T {
    return this.unary('abs', a);
  }
  square(a: T): T {
    return this.unary('square', a);
  }
  step(a: T): T {
    return this.unary('step', a);
  }
  sigmoid(a: T): T {
    return this.unary('sigmoid', a);
  }
  /** a * c for a number c. */
  scale(a: T, c: number): T {
    return this.mul(a, this.const(c));
  }
}

export interface UnaryDef {
  /** The value on one number. */
  f(x: number, alpha: number): number;
  /** The same as a JavaScript expression over the code `x`; absent: the generated code calls `f`. */
  js?(x: string, alpha: string): string;
  /** d(out)/dx times the upstream gradient g, from x and y = f(x); null: no gradient (it is zero almost everywhere). */
  grad<T>(A: Algebra<T>, x: T, y: T, g: T, alpha: number): T | null;
  /** `target`: 'cpu' may use operators the GPU providers lack (see EmitTarget). */
  onnx(b: GraphBuilder, x: string, alpha: number, hint: string, target: EmitTarget): string;
  /** PyTorch expression over the code `x` (alpha already written as a Python number). */
  torch(x: string, alpha: string): string;
  /**
   * WebAssembly forms for the step compiler (../wasm/codegen.ts), each pushing the value of the
   * local x: on a float64 (scalar loops) and on four float32 lanes (SIMD loops). Absent: scalar
   * loops call `f`, and a group using the op is not vectorized.
   */
  wasm?: { f64?: WasmUnary; f32x4?: WasmUnary };
}

/** Pushes op(x) for the local x (and the op's alpha). */
export type WasmUnary = (w: FnBuilder, x: number, alpha: number) => void;
/** Pushes a op b for the locals a and b. */
export type WasmBinary = (w: FnBuilder, a: number, b: number) => void;

export interface BinaryDef {
  f(a: number, b: number): number;
  js(a: string, b: string): string;
  /** Gradients of both operands (before they are summed back to the operands' shapes). */
  grad<T>(A: Algebra<T>, a: T, b: T, y: T, g: T): [T | null, T | null];
  onnx: string;
  torch(a: string, b: string): string;
  /** WebAssembly forms for the step compiler, as UnaryDef's (every binary op has both). */
  wasm: { f64: WasmBinary; f32x4: WasmBinary };
}

/** The simple WebAssembly forms: one instruction on the operands, in float64 and in f32x4. */
function wasmUnary(f64: number, f32x4: Simd): UnaryDef['wasm'] {
  return { f64: (w, x) => w.get(x).op(f64), f32x4: (w, x) => w.get(x).simd(f32x4) };
}
function wasmBinary(f64: number, f32x4: Simd): BinaryDef['wasm'] {
  return { f64: (w, a, b) => w.get(a).get(b).op(f64), f32x4: (w, a, b) => w.get(a).get(b).simd(f32x4) };
}

const SQRT_2_OVER_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * ONNX has no step: Greater, then Where keeps the graph GPU-friendly; on ONNX Runtime's CPU a Cast
 * of the boolean does the same ~10× faster (Where with broadcast scalars took 0.66 ms for LeNet's
 * 64 × 6 × 28 × 28 ReLU gradient, bench/RESULTS.md).
 */
function onnxStep(b: GraphBuilder, x: string, hint: string, target: EmitTarget): string {
  const pos = b.op1('Greater', [x, b.constant([0])], {}, `${hint}_pos`);
  if (target === 'cpu') return b.op1('Cast', [pos], { to: b.elem === 'float64' ? 11 : 1 }, hint);
  return b.op1('Where', [pos, b.constant([1]), b.constant([0])], {}, hint);
}

export const UNARY: Record<UnaryOp, UnaryDef> = {
  neg: {
    f: (x) => -x,
    js: (x) => `-${x}`,
    grad: (A, _x, _y, g) => A.neg(g),
    onnx: (b, x, _a, h) => b.op1('Neg', [x], {}, h),
    torch: (x) => `(-${x})`,
    wasm: wasmUnary(Op.f64_neg, Simd.f32x4_neg),
  },
  exp: {
    f: Math.exp,
    js: (x) => `Math.exp(${x})`,
    grad: (A, _x, y, g) => A.mul(g, y),
    onnx: (b, x, _a, h) => b.op1('Exp', [x], {}, h),
    torch: (x) => `torch.exp(${x})`,
    wasm: { f64: (w, x) => w.get(x).callMath('exp') },
  },
  log: {
    f: Math.log,
    js: (x) => `Math.log(${x})`,
    grad: (A, x, _y, g) => A.div(g, x),
    onnx: (b, x, _a, h) => b.op1('Log', [x], {}, h),
    torch: (x) => `torch.log(${x})`,
    wasm: { f64: (w, x) => w.get(x).callMath('log') },
  },
  sqrt: {
    f: Math.sqrt,
    js: (x) => `Math.sqrt(${x})`,
    grad: (A, _x, y, g) => A.div(A.scale(g, 0.5), y),
    onnx: (b, x, _a, h) => b.op1('Sqrt', [x], {}, h),
    torch: (x) => `torch.sqrt(${x})`,
    wasm: wasmUnary(Op.f64_sqrt, Simd.f32x4_sqrt),
  },
  abs: {
    f: Math.abs,
    js: (x) => `Math.abs(${x})`,
    grad: (A, x, _y, g) => A.mul(g, A.unary('sign', x)),
    onnx: (b, x, _a, h) => b.op1('Abs', [x], {}, h),
    torch: (x) => `torch.abs(${x})`,
    wasm: wasmUnary(Op.f64_abs, Simd.f32x4_abs),
  },
  sign: {
    f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    js: (x) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : 0)`,
    grad: () => null,
    // Greater/Less + Where, as the engine computes it (NaN gives 0): the WebGPU provider has no Sign kernel.
    onnx: (b, x, _a, h) => {
      const neg = b.op1('Where', [b.op1('Less', [x, b.constant([0])]), b.constant([-1]), b.constant([0])]);
      return b.op1('Where', [b.op1('Greater', [x, b.constant([0])]), b.constant([1]), neg], {}, h);
    },
    torch: (x) => `torch.sign(${x})`,
    wasm: {
      f64: (w, x) =>
        w.f64(1).f64(-1).f64(0).get(x).f64(0).op(Op.f64_lt, Op.select).get(x).f64(0).op(Op.f64_gt, Op.select),
      f32x4: (w, x) =>
        w
          .splat(1)
          .splat(-1)
          .splat(0)
          .get(x)
          .splat(0)
          .simd(Simd.f32x4_lt)
          .simd(Simd.v128_bitselect)
          .get(x)
          .splat(0)
          .simd(Simd.f32x4_gt)
          .simd(Simd.v128_bitselect),
    },
  },
  step: {
    f: (x) => (x > 0 ? 1 : 0),
    js: (x) => `(${x} > 0 ? 1 : 0)`,
    grad: () => null,
    onnx: (b, x, _a, h, target) => onnxStep(b, x, h, target),
    torch: (x) => `(${x} > 0).to(${x}.dtype)`,
    wasm: {
      f64: (w, x) => w.f64(1).f64(0).get(x).f64(0).op(Op.f64_gt, Op.select),
      f32x4: (w, x) => w.splat(1).get(x).splat(0).simd(Simd.f32x4_gt).simd(Simd.v128_and),
    },
  },
  square: {
    f: (x) => x * x,
    js: (x) => `${x} * ${x}`,
    grad: (A, x, _y, g) => A.mul(g, A.scale(x, 2)),
    onnx: (b, x, _a, h) => b.op1('Mul', [x, x], {}, h),
    torch: (x) => `torch.square(${x})`,
    wasm: {
      f64: (w, x) => w.get(x).get(x).op(Op.f64_mul),
      f32x4: (w, x) => w.get(x).get(x).simd(Simd.f32x4_mul),
    },
  },
  sin: {
    f: Math.sin,
    js: (x) => `Math.sin(${x})`,
    grad: (A, x, _y, g) => A.mul(g, A.unary('cos', x)),
    onnx: (b, x, _a, h) => b.op1('Sin', [x], {}, h),
    torch: (x) => `torch.sin(${x})`,
    wasm: { f64: (w, x) => w.get(x).callMath('sin') },
  },
  cos: {
    f: Math.cos,
    js: (x) => `Math.cos(${x})`,
    grad: (A, x, _y, g) => A.neg(A.mul(g, A.unary('sin', x))),
    onnx: (b, x, _a, h) => b.op1('Cos', [x], {}, h),
    torch: (x) => `torch.cos(${x})`,
    wasm: { f64: (w, x) => w.get(x).callMath('cos') },
  },
  erf: {
    f: erf,
    grad: (A, x, _y, g) => A.mul(g, A.scale(A.exp(A.neg(A.square(x))), SQRT_2_OVER_PI)),
    onnx: (b, x, _a, h) => b.op1('Erf', [x], {}, h),
    torch: (x) => `torch.erf(${x})`,
  },
  sigmoid: {
    f: sigmoid,
    // the same arithmetic as `sigmoid`: e = exp(-|x|), then 1 / (1 + e) or e / (1 + e)
    wasm: {
      f64: (w, x) => {
        const e = w.local(T.f64);
        w.get(x).op(Op.f64_abs, Op.f64_neg).callMath('exp').set(e);
        w.f64(1).get(e).f64(1).op(Op.f64_add, Op.f64_div);
        w.get(e).get(e).f64(1).op(Op.f64_add, Op.f64_div);
        w.get(x).f64(0).op(Op.f64_ge, Op.select);
      },
    },
    grad: (A, _x, y, g) => A.mul(g, A.mul(y, A.sub(A.const(1), y))),
    onnx: (b, x, _a, h) => b.op1('Sigmoid', [x], {}, h),
    torch: (x) => `torch.sigmoid(${x})`,
  },
  tanh: {
    f: Math.tanh,
    js: (x) => `Math.tanh(${x})`,
    grad: (A, _x, y, g) => A.mul(g, A.sub(A.const(1), A.square(y))),
    onnx: (b, x, _a, h) => b.op1('Tanh', [x], {}, h),
    torch: (x) => `torch.tanh(${x})`,
    wasm: { f32x4: tanhF32x4 },
  },
  relu: {
    f: (x) => (x > 0 ? x : 0),
    js: (x) => `(${x} > 0 ? ${x} : 0)`,
    grad: (A, x, _y, g) => A.mul(g, A.step(x)),
    onnx: (b, x, _a, h) => b.op1('Relu', [x], {}, h),
    torch: (x) => `F.relu(${x})`,
    wasm: {
      f64: (w, x) => w.get(x).f64(0).get(x).f64(0).op(Op.f64_gt, Op.select),
      f32x4: (w, x) => w.get(x).get(x).splat(0).simd(Simd.f32x4_gt).simd(Simd.v128_and),
    },
  },
  softplus: {
    f: (x) => (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x))),
    // log1p(e) as log(u) · e / (u - 1) with u = 1 + e (e where u rounds to 1): within an ulp of log1p
    wasm: {
      f64: (w, x) => {
        const e = w.local(T.f64);
        const u = w.local(T.f64);
        w.get(x).f64(0).get(x).f64(0).op(Op.f64_gt, Op.select);
        w.get(x).op(Op.f64_abs, Op.f64_neg).callMath('exp').tee(e).f64(1).op(Op.f64_add).set(u);
        w.get(e);
        w.get(u).callMath('log').get(e).op(Op.f64_mul).get(u).f64(1).op(Op.f64_sub, Op.f64_div);
        w.get(u).f64(1).op(Op.f64_eq, Op.select);
        w.op(Op.f64_add);
      },
    },
    grad: (A, x, _y, g) => A.mul(g, A.sigmoid(x)),
    onnx: (b, x, _a, h) => b.op1('Softplus', [x], {}, h),
    torch: (x) => `F.softplus(${x})`,
  },
  leaky_relu: {
    f: (x, a) => (x > 0 ? x : a * x),
    js: (x, a) => `(${x} > 0 ? ${x} : ${a} * ${x})`,
    // d/dx = 1 for x > 0, alpha otherwise: step(x) * (1 - alpha) + alpha
    grad: (A, x, _y, g, a) => A.mul(g, A.add(A.scale(A.step(x), 1 - a), A.const(a))),
    onnx: (b, x, a, h) => b.op1('LeakyRelu', [x], { alpha: { f: a } }, h),
    torch: (x, a) => `F.leaky_relu(${x}, negative_slope=${a})`,
    wasm: {
      f64: (w, x, a) => w.get(x).f64(a).get(x).op(Op.f64_mul).get(x).f64(0).op(Op.f64_gt, Op.select),
      f32x4: (w, x, a) =>
        w.get(x).splat(a).get(x).simd(Simd.f32x4_mul).get(x).splat(0).simd(Simd.f32x4_gt).simd(Simd.v128_bitselect),
    },
  },
  elu: {
    f: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
    js: (x, a) => `(${x} > 0 ? ${x} : ${a} * Math.expm1(${x}))`,
    // d/dx = 1 for x > 0, y + alpha otherwise
    grad: (A, x, y, g, a) => {
      const s = A.step(x);
      return A.mul(g, A.add(s, A.mul(A.sub(A.const(1), s), A.add(y, A.const(a)))));
    },
    onnx: (b, x, a, h) => b.op1('Elu', [x], { alpha: { f: a } }, h),
    torch: (x, a) => `F.elu(${x}, alpha=${a})`,
  },
  gelu: {
    f: (x) => 0.5 * x * (1 + erf(x * Math.SQRT1_2)),
    // gelu(x) = x Φ(x): d/dx = Φ(x) + x φ(x)
    grad: (A, x, _y, g) => {
      const cdf = A.scale(A.add(A.const(1), A.unary('erf', A.scale(x, Math.SQRT1_2))), 0.5);
      const pdf = A.scale(A.exp(A.scale(A.square(x), -0.5)), INV_SQRT_2PI);
      return A.mul(g, A.add(cdf, A.mul(x, pdf)));
    },
    // 0.5 x (1 + erf(x / √2)); opset 17 has no Gelu.
    onnx: (b, x, _a, h) => {
      const e = b.op1('Erf', [b.op1('Mul', [x, b.constant([Math.SQRT1_2])])]);
      const half = b.op1('Mul', [x, b.constant([0.5])]);
      return b.op1('Mul', [half, b.op1('Add', [e, b.constant([1])])], {}, h);
    },
    torch: (x) => `F.gelu(${x})`,
  },
};

export const BINARY: Record<BinaryOp, BinaryDef> = {
  add: {
    f: (a, b) => a + b,
    js: (a, b) => `${a} + ${b}`,
    grad: (_A, _a, _b, _y, g) => [g, g],
    onnx: 'Add',
    torch: (a, b) => `(${a} + ${b})`,
    wasm: wasmBinary(Op.f64_add, Simd.f32x4_add),
  },
  sub: {
    f: (a, b) => a - b,
    js: (a, b) => `${a} - ${b}`,
    grad: (A, _a, _b, _y, g) => [g, A.neg(g)],
    onnx: 'Sub',
    torch: (a, b) => `(${a} - ${b})`,
    wasm: wasmBinary(Op.f64_sub, Simd.f32x4_sub),
  },
  mul: {
    f: (a, b) => a * b,
    js: (a, b) => `${a} * ${b}`,
    grad: (A, a, b, _y, g) => [A.mul(g, b), A.mul(g, a)],
    onnx: 'Mul',
    torch: (a, b) => `(${a} * ${b})`,
    wasm: wasmBinary(Op.f64_mul, Simd.f32x4_mul),
  },
  div: {
    f: (a, b) => a / b,
    js: (a, b) => `${a} / ${b}`,
    grad: (A, _a, b, y, g) => [A.div(g, b), A.neg(A.div(A.mul(g, y), b))],
    onnx: 'Div',
    torch: (a, b) => `(${a} / ${b})`,
    wasm: wasmBinary(Op.f64_div, Simd.f32x4_div),
  },
  maximum: {
    f: (a, b) => (a >= b ? a : b),
    js: (a, b) => `(${a} >= ${b} ? ${a} : ${b})`,
    // Ties send the gradient to the first operand: first = [a >= b] = 1 - step(b - a), exact in every
    // dtype (a - b + Number.MIN_VALUE was not: the constant rounds to 0 in float32).
    grad: (A, a, b, _y, g) => {
      const first = A.sub(A.const(1), A.step(A.sub(b, a)));
      return [A.mul(g, first), A.mul(g, A.sub(A.const(1), first))];
    },
    onnx: 'Max',
    torch: (a, b) => `torch.maximum(${a}, ${b})`,
    wasm: {
      f64: (w, a, b) => w.get(a).get(b).get(a).get(b).op(Op.f64_ge, Op.select),
      f32x4: (w, a, b) => w.get(a).get(b).get(a).get(b).simd(Simd.f32x4_ge).simd(Simd.v128_bitselect),
    },
  },
};

/** Numbers: evaluates expressions directly (scalar derivatives come from the rules run on numbers). */
export class ScalarAlgebra extends Algebra<number> {
  const(value: number): number {
    return value;
  }
  unary(op: UnaryOp, a: number, alpha = 0): number {
    return UNARY[op].f(a, alpha);
  }
  binary(op: BinaryOp, a: number, b: number): number {
    return BINARY[op].f(a, b);
  }
}

/** Python source: each primitive by its PyTorch form. */
export class TorchAlgebra extends Algebra<string> {
  const(value: number): string {
    return pyNumber(value);
  }
  unary(op: UnaryOp, a: string, alpha = 0): string {
    return UNARY[op].torch(a, pyNumber(alpha));
  }
  binary(op: BinaryOp, a: string, b: string): string {
    return BINARY[op].torch(a, b);
  }
}

/** The shortest Python float literal that reads back as the same float32. */
export function pyNumber(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'math.inf' : v < 0 ? '-math.inf' : 'math.nan';
  const f = Math.fround(v);
  let s = String(f);
  for (let digits = 1; digits <= 9; digits++) {
    const t = String(Number(f.toPrecision(digits)));
    if (Math.fround(Number(t)) === f) {
      s = t;
      break;
    }
  }
  return /[.e]/.test(s) ? s : `${s}.0`;
}
