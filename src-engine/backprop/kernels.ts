/** Eager kernels for the primitive ops, on Float32Array / Float64Array with precomputed strides. */
import type { FloatArray } from '../tensor/tensor.ts';
import type { BinaryOp, UnaryOp } from './ir.ts';

/** erf with ~1e-15 relative accuracy (Taylor series near 0, continued fraction for erfc beyond). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated by Lentz's method.
  const tiny = 1e-300;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let i = 1; i < 300; i++) {
    const a = i / 2;
    d = ax + a * d;
    d = d === 0 ? tiny : d;
    c = ax + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** Apply a unary op element-wise: y[i] = f(x[i]). */
export function unaryKernel(op: UnaryOp, alpha: number): (x: FloatArray, y: FloatArray, n: number) => void {
  switch (op) {
    case 'neg':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = -x[i]!;
      };
    case 'exp':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]!);
      };
    case 'log':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = Math.log(x[i]!);
      };
    case 'sqrt':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]!);
      };
    case 'abs':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]!);
      };
    case 'sign':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
        }
      };
    case 'step':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = x[i]! > 0 ? 1 : 0;
      };
    case 'square':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = v * v;
        }
      };
    case 'erf':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = erf(x[i]!);
      };
    case 'sigmoid':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
          else {
            const e = Math.exp(v);
            y[i] = e / (1 + e);
          }
        }
      };
    case 'tanh':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!);
      };
    case 'relu':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = v > 0 ? v : 0;
        }
      };
    case 'softplus':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)));
        }
      };
    case 'leaky_relu':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = v > 0 ? v : alpha * v;
        }
      };
    case 'elu':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = v > 0 ? v : alpha * Math.expm1(v);
        }
      };
    case 'gelu':
      return (x, y, n) => {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          y[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
        }
      };
  }
}

type Bin = (a: number, b: number) => number;
const binFns: Record<BinaryOp, Bin> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (a >= b ? a : b),
};

/**
 * A broadcasting binary kernel for fixed shapes: out[r, c] = f(a[r*ars + c*acs], b[r*brs + c*bcs]).
 * The common layouts (same shape, scalar operand, row vector) get their own tight loops.
 */
export function binaryKernel(
  op: BinaryOp,
  aShape: readonly [number, number],
  bShape: readonly [number, number],
  rows: number,
  cols: number,
): (a: FloatArray, b: FloatArray, y: FloatArray) => void {
  const n = rows * cols;
  const aSize = aShape[0] * aShape[1];
  const bSize = bShape[0] * bShape[1];
  if (aSize === n && bSize === n) {
    switch (op) {
      case 'add':
        return (a, b, y) => {
          for (let i = 0; i < n; i++) y[i] = a[i]! + b[i]!;
        };
      case 'sub':
        return (a, b, y) => {
          for (let i = 0; i < n; i++) y[i] = a[i]! - b[i]!;
        };
      case 'mul':
        return (a, b, y) => {
          for (let i = 0; i < n; i++) y[i] = a[i]! * b[i]!;
        };
      case 'div':
        return (a, b, y) => {
          for (let i = 0; i < n; i++) y[i] = a[i]! / b[i]!;
        };
      default: {
        const f = binFns[op];
        return (a, b, y) => {
          for (let i = 0; i < n; i++) y[i] = f(a[i]!, b[i]!);
        };
      }
    }
  }
  if (bSize === 1 && aSize === n) {
    switch (op) {
      case 'add':
        return (a, b, y) => {
          const s = b[0]!;
          for (let i = 0; i < n; i++) y[i] = a[i]! + s;
        };
      case 'sub':
        return (a, b, y) => {
          const s = b[0]!;
          for (let i = 0; i < n; i++) y[i] = a[i]! - s;
        };
      case 'mul':
        return (a, b, y) => {
          const s = b[0]!;
          for (let i = 0; i < n; i++) y[i] = a[i]! * s;
        };
      case 'div':
        return (a, b, y) => {
          const s = b[0]!;
          for (let i = 0; i < n; i++) y[i] = a[i]! / s;
        };
      default: {
        const f = binFns[op];
        return (a, b, y) => {
          const s = b[0]!;
          for (let i = 0; i < n; i++) y[i] = f(a[i]!, s);
        };
      }
    }
  }
  if (aSize === 1 && bSize === n) {
    switch (op) {
      case 'sub':
        return (a, b, y) => {
          const s = a[0]!;
          for (let i = 0; i < n; i++) y[i] = s - b[i]!;
        };
      case 'mul':
        return (a, b, y) => {
          const s = a[0]!;
          for (let i = 0; i < n; i++) y[i] = s * b[i]!;
        };
      default: {
        const f = binFns[op];
        return (a, b, y) => {
          const s = a[0]!;
          for (let i = 0; i < n; i++) y[i] = f(s, b[i]!);
        };
      }
    }
  }
  if (aSize === n && bShape[0] === 1 && bShape[1] === cols && op === 'add') {
    return (a, b, y) => {
      for (let r = 0, o = 0; r < rows; r++, o += cols) for (let c = 0; c < cols; c++) y[o + c] = a[o + c]! + b[c]!;
    };
  }
  const ars = aShape[0] === 1 ? 0 : aShape[1];
  const acs = aShape[1] === 1 ? 0 : 1;
  const brs = bShape[0] === 1 ? 0 : bShape[1];
  const bcs = bShape[1] === 1 ? 0 : 1;
  const f = binFns[op];
  return (a, b, y) => {
    let o = 0;
    for (let r = 0; r < rows; r++) {
      const ao = r * ars;
      const bo = r * brs;
      for (let c = 0; c < cols; c++) y[o++] = f(a[ao + c * acs]!, b[bo + c * bcs]!);
    }
  };
}

/** Reduce x [rows, cols] to y of shape [1,1], [1,cols] or [rows,1] by summing. */
export function sumToKernel(
  rows: number,
  cols: number,
  target: readonly [number, number],
): (x: FloatArray, y: FloatArray) => void {
  if (target[0] === 1 && target[1] === 1) {
    const n = rows * cols;
    return (x, y) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]!;
      y[0] = s;
    };
  }
  if (target[0] === 1) {
    return (x, y) => {
      y.fill(0, 0, cols);
      for (let r = 0, o = 0; r < rows; r++, o += cols) for (let c = 0; c < cols; c++) y[c] += x[o + c]!;
    };
  }
  return (x, y) => {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += x[o + c]!;
      y[r] = s;
    }
  };
}

/** Expand x of shape [1,1], [1,cols] or [rows,1] to y [rows, cols]. */
export function broadcastKernel(
  src: readonly [number, number],
  rows: number,
  cols: number,
): (x: FloatArray, y: FloatArray) => void {
  const rs = src[0] === 1 ? 0 : src[1];
  const cs = src[1] === 1 ? 0 : 1;
  return (x, y) => {
    let o = 0;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[o++] = x[r * rs + c * cs]!;
  };
}

/** Row-wise log-sum-exp, numerically stable. */
export function logsumexpKernel(rows: number, cols: number): (x: FloatArray, y: FloatArray) => void {
  return (x, y) => {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      let m = -Infinity;
      for (let c = 0; c < cols; c++) if (x[o + c]! > m) m = x[o + c]!;
      let s = 0;
      for (let c = 0; c < cols; c++) s += Math.exp(x[o + c]! - m);
      y[r] = m + Math.log(s);
    }
  };
}

/** Row-wise softmax, numerically stable. */
export function softmaxKernel(rows: number, cols: number): (x: FloatArray, y: FloatArray) => void {
  return (x, y) => {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      let m = -Infinity;
      for (let c = 0; c < cols; c++) if (x[o + c]! > m) m = x[o + c]!;
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const e = Math.exp(x[o + c]! - m);
        y[o + c] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let c = 0; c < cols; c++) y[o + c] *= inv;
    }
  };
}
