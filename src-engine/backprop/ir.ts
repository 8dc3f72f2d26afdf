/**
 * The primitive-op program that every computation in Netwright is built from: layer forward
 * passes, losses, gradients and optimizer updates. One program has two interpreters: the eager
 * TypeScript one (./interpreter.ts) and the ONNX emitter (src-engine/onnx). What each op computes,
 * its gradient and its ONNX form live in one record per op (./ops/).
 *
 * Values are tensors of rank 2 or more, row-major. The first dimension may be the batch size N,
 * written BATCH (-1); a feature vector per sample is [N, F], an image batch [N, C, H, W]. A scalar
 * is [1, 1]. Element-wise ops broadcast as NumPy does (shapes aligned at the right).
 */
import { windowOut, type Window2d } from '../tensor/window.ts';
import { Algebra, type BinaryOp, type UnaryOp } from './ops/elementwise.ts';

export { Algebra };
export type { BinaryOp, UnaryOp, Window2d };

export const BATCH = -1;
export type Shape = readonly number[];

export type Op =
  | { kind: 'input'; name: string }
  | { kind: 'const'; value: number }
  | { kind: 'unary'; op: UnaryOp; alpha: number }
  | { kind: 'binary'; op: BinaryOp }
  /** Matrix product of two rank-2 values. */
  | { kind: 'matmul'; transA: boolean; transB: boolean }
  /** Sum over the dims where the target shape is 1 (and over leading dims the target lacks). */
  | { kind: 'sumTo' }
  /** Repeat along dims of size 1 up to the target shape. */
  | { kind: 'broadcastTo' }
  /** Log-sum-exp over the last axis (kept as size 1). */
  | { kind: 'logsumexp' }
  /** Softmax over the last axis. */
  | { kind: 'softmax' }
  /** Concatenate along axis 1 (features, or channels). */
  | { kind: 'concat' }
  /** Indices [start, end) of axis 1. */
  | { kind: 'slice'; start: number; end: number }
  /** Number of rows (dim 0) of the input, as a 1 × 1 value (the batch size, for means). */
  | { kind: 'rows' }
  /** Same values, another shape with the same dim 0 and element count. */
  | { kind: 'reshape' }
  /** 2-D convolution of x [N, C, H, W] with filters [F, C, KH, KW]: [N, F, OH, OW]. */
  | { kind: 'conv2d'; win: Window2d }
  /** The gradient of conv2d with respect to its input, from (g, filters): a transposed convolution. */
  | { kind: 'conv2dInputGrad'; win: Window2d }
  /** The gradient of conv2d with respect to its filters, from (x, g). */
  | { kind: 'conv2dFilterGrad'; win: Window2d }
  /** Max over each window of each channel. */
  | { kind: 'maxPool2d'; win: Window2d }
  /** The gradient of maxPool2d, from (x, g): g routed to each window's first maximum. */
  | { kind: 'maxPool2dGrad'; win: Window2d }
  /** Mean over each window of each channel (padding counted in the divisor). */
  | { kind: 'avgPool2d'; win: Window2d }
  /** The gradient of avgPool2d, from g. */
  | { kind: 'avgPool2dGrad'; win: Window2d }
  /** Mean over every axis after the channels: [N, C, H, W] to [N, C, 1, 1]. */
  | { kind: 'globalAvgPool' }
  /**
   * Batch normalisation with given statistics (inference mode), from (x, scale, bias, mean, var),
   * the four per channel ([1, C] or [1, C, 1, 1]): (x - mean) / sqrt(var + eps) * scale + bias.
   */
  | { kind: 'batchNorm'; eps: number };

export type OpKind = Op['kind'];

export interface IRNode {
  id: number;
  op: Op;
  inputs: number[];
  shape: Shape;
}

/** A growing program of primitive ops. Node ids are creation order, which is a topological order. */
export class Program extends Algebra<number> {
  readonly nodes: IRNode[] = [];
  readonly inputsByName = new Map<string, number>();
  /**
   * Pool before a ReLU instead of after it (`maxPool2d(relu(x))` becomes `relu(maxPool2d(x))`), for
   * training steps: the values are the same (max and ReLU commute), and so is every gradient
   * (each window's gradient reaches its first maximum where that is positive, and nothing otherwise),
   * but the ReLU and its gradient mask run on the pooled values, a quarter as many for 2×2 pooling.
   * Off where every layer's own output must be on the loss's path (the learning lab's traced step).
   */
  poolBeforeRelu = false;

  /** Append a node (shapes are checked by the builder methods; use them). */
  push(op: Op, inputs: number[], shape: Shape): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs, shape });
    return id;
  }

  shape(v: number): Shape {
    return this.nodes[v]!.shape;
  }

  /** Elements per sample (every dim after the first). */
  width(v: number): number {
    const s = this.shape(v);
    let n = 1;
    for (let d = 1; d < s.length; d++) n *= s[d]!;
    return n;
  }

  /** A named input (data, parameter, optimizer state, learning rate...). */
  input(name: string, shape: Shape): number {
    if (this.inputsByName.has(name)) throw new Error(`Program input '${name}' declared twice`);
    if (shape.length < 2) throw new Error(`Program input '${name}' must have rank 2 or more (got [${fmt(shape)}])`);
    const id = this.push({ kind: 'input', name }, [], [...shape]);
    this.inputsByName.set(name, id);
    return id;
  }

  /** A 1 × 1 constant. */
  const(value: number): number {
    return this.push({ kind: 'const', value }, [], [1, 1]);
  }

  unary(op: UnaryOp, a: number, alpha = 0): number {
    return this.push({ kind: 'unary', op, alpha }, [a], this.shape(a));
  }

  binary(op: BinaryOp, a: number, b: number): number {
    return this.push({ kind: 'binary', op }, [a, b], broadcastShape(this.shape(a), this.shape(b)));
  }

  matmul(a: number, b: number, transA = false, transB = false): number {
    const sa = this.shape(a);
    const sb = this.shape(b);
    if (sa.length !== 2 || sb.length !== 2)
      throw new Error(`matmul: operands must be matrices (got [${fmt(sa)}] and [${fmt(sb)}])`);
    const [m, k1] = transA ? [sa[1]!, sa[0]!] : [sa[0]!, sa[1]!];
    const [k2, n] = transB ? [sb[1]!, sb[0]!] : [sb[0]!, sb[1]!];
    if (k1 !== k2) throw new Error(`matmul: inner sizes differ (${k1} vs ${k2})`);
    return this.push({ kind: 'matmul', transA, transB }, [a, b], [m, n]);
  }

  sumTo(a: number, shape: Shape): number {
    const s = this.shape(a);
    if (sameShape(s, shape)) return a;
    if (!sameShape(broadcastShape(shape, s), s)) throw new Error(`sumTo: cannot reduce [${fmt(s)}] to [${fmt(shape)}]`);
    return this.push({ kind: 'sumTo' }, [a], [...shape]);
  }

  broadcastTo(a: number, shape: Shape): number {
    const s = this.shape(a);
    if (sameShape(s, shape)) return a;
    if (!sameShape(broadcastShape(s, shape), shape))
      throw new Error(`broadcastTo: cannot expand [${fmt(s)}] to [${fmt(shape)}]`);
    return this.push({ kind: 'broadcastTo' }, [a], [...shape]);
  }

  /** Sum of every element, as 1 × 1. */
  sumAll(a: number): number {
    return this.sumTo(a, [1, 1]);
  }

  /** Sum over the last axis, kept as size 1. */
  sumLast(a: number): number {
    return this.sumTo(a, lastAxisOne(this.shape(a)));
  }

  logsumexp(a: number): number {
    return this.push({ kind: 'logsumexp' }, [a], lastAxisOne(this.shape(a)));
  }

  softmax(a: number): number {
    return this.push({ kind: 'softmax' }, [a], this.shape(a));
  }

  /** Concatenate along axis 1. */
  concat(parts: number[]): number {
    const first = this.shape(parts[0]!);
    let size = 0;
    for (const p of parts) {
      const s = this.shape(p);
      if (s.length !== first.length || s.some((d, i) => i !== 1 && d !== first[i]))
        throw new Error(`concat: shapes [${fmt(first)}] and [${fmt(s)}] differ outside axis 1`);
      size += s[1]!;
    }
    const shape = [...first];
    shape[1] = size;
    return this.push({ kind: 'concat' }, parts, shape);
  }

  /** Indices [start, end) of axis 1. */
  slice(a: number, start: number, end: number): number {
    const shape = [...this.shape(a)];
    if (start < 0 || end > shape[1]! || start >= end) throw new Error(`slice: [${start}, ${end}) outside axis 1`);
    shape[1] = end - start;
    return this.push({ kind: 'slice', start, end }, [a], shape);
  }

  rows(a: number): number {
    return this.push({ kind: 'rows' }, [a], [1, 1]);
  }

  /** The same values as another shape: dim 0 is kept, the rest must hold as many elements. */
  reshape(a: number, shape: Shape): number {
    const s = this.shape(a);
    if (sameShape(s, shape)) return a;
    if (shape[0] !== s[0] || sizeAfterFirst(shape) !== sizeAfterFirst(s))
      throw new Error(`reshape: [${fmt(s)}] cannot become [${fmt(shape)}]`);
    return this.push({ kind: 'reshape' }, [a], [...shape]);
  }

  /** 2-D convolution (the window's kernel must match the filters' last two dims). */
  conv2d(x: number, w: number, win: Window2d): number {
    const [n, c, h, wd] = image(this.shape(x), 'conv2d input');
    const [f, cw, kh, kw] = image(this.shape(w), 'conv2d filters');
    if (cw !== c) throw new Error(`conv2d: the filters take ${cw} channels, the input has ${c}`);
    if (kh !== win.kernel[0] || kw !== win.kernel[1])
      throw new Error(`conv2d: filters of ${kh}×${kw} with a window of ${win.kernel.join('×')}`);
    return this.push({ kind: 'conv2d', win }, [x, w], [n, f, ...outPlane(win, h, wd, 'conv2d')]);
  }

  /** d(loss)/dx of y = conv2d(x, w) from g = d(loss)/dy; `inShape` is x's shape. */
  conv2dInputGrad(g: number, w: number, win: Window2d, inShape: Shape): number {
    return this.push({ kind: 'conv2dInputGrad', win }, [g, w], [...inShape]);
  }

  /** d(loss)/dw of y = conv2d(x, w) from g; `filterShape` is w's shape. */
  conv2dFilterGrad(x: number, g: number, win: Window2d, filterShape: Shape): number {
    return this.push({ kind: 'conv2dFilterGrad', win }, [x, g], [...filterShape]);
  }

  maxPool2d(x: number, win: Window2d): number {
    const src = this.nodes[x]!;
    if (this.poolBeforeRelu && src.op.kind === 'unary' && src.op.op === 'relu')
      return this.unary('relu', this.maxPool2d(src.inputs[0]!, win));
    const [n, c, h, w] = image(this.shape(x), 'maxPool2d input');
    return this.push({ kind: 'maxPool2d', win }, [x], [n, c, ...outPlane(win, h, w, 'maxPool2d')]);
  }

  maxPool2dGrad(x: number, g: number, win: Window2d): number {
    return this.push({ kind: 'maxPool2dGrad', win }, [x, g], this.shape(x));
  }

  avgPool2d(x: number, win: Window2d): number {
    const [n, c, h, w] = image(this.shape(x), 'avgPool2d input');
    return this.push({ kind: 'avgPool2d', win }, [x], [n, c, ...outPlane(win, h, w, 'avgPool2d')]);
  }

  avgPool2dGrad(g: number, win: Window2d, inShape: Shape): number {
    return this.push({ kind: 'avgPool2dGrad', win }, [g], [...inShape]);
  }

  globalAvgPool(x: number): number {
    const [n, c] = image(this.shape(x), 'globalAvgPool input');
    return this.push({ kind: 'globalAvgPool' }, [x], [n, c, 1, 1]);
  }

  /** Inference-mode batch normalisation; scale, bias, mean and var are per channel (axis 1). */
  batchNorm(x: number, scale: number, bias: number, mean: number, variance: number, eps: number): number {
    const s = this.shape(x);
    const per = s.map((d, i) => (i === 1 ? d : 1));
    for (const v of [scale, bias, mean, variance])
      if (!sameShape(this.shape(v), per))
        throw new Error(`batchNorm: statistics of shape [${fmt(this.shape(v))}] for an input [${fmt(s)}]`);
    return this.push({ kind: 'batchNorm', eps }, [x, scale, bias, mean, variance], s);
  }
}

function image(s: Shape, what: string): [number, number, number, number] {
  if (s.length !== 4) throw new Error(`${what} must be [N, C, H, W] (got [${fmt(s)}])`);
  return [s[0]!, s[1]!, s[2]!, s[3]!];
}

function outPlane(win: Window2d, h: number, w: number, what: string): [number, number] {
  const [oh, ow] = windowOut(win, h, w);
  if (oh < 1 || ow < 1) throw new Error(`${what}: a ${win.kernel.join('×')} window does not fit a ${h}×${w} plane`);
  return [oh, ow];
}

/** The shape two operands broadcast to (NumPy rules, aligned at the right); throws on a mismatch. */
export function broadcastShape(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let d = 0; d < rank; d++) {
    const x = a[d - rank + a.length] ?? 1;
    const y = b[d - rank + b.length] ?? 1;
    if (x === y) out[d] = x;
    else if (x === 1) out[d] = y;
    else if (y === 1) out[d] = x;
    else throw new Error(`Shapes [${fmt(a)}] and [${fmt(b)}] do not broadcast`);
  }
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Elements after dim 0. */
export function sizeAfterFirst(s: Shape): number {
  let n = 1;
  for (let d = 1; d < s.length; d++) n *= s[d]!;
  return n;
}

function lastAxisOne(s: Shape): Shape {
  const out = [...s];
  out[out.length - 1] = 1;
  return out;
}

export function fmt(s: Shape): string {
  return s.map((d) => (d === BATCH ? 'N' : String(d))).join(', ');
}
