/**
 * The primitive-op program that every computation in Netwright is built from: layer forward
 * passes, losses, gradients and optimizer updates. One program has two interpreters: the eager
 * TypeScript one (./interpreter.ts) and the ONNX emitter (src-engine/onnx). Values are 2-D
 * (rows × cols); rows may be the batch dimension N, written BATCH (-1). A scalar is 1 × 1.
 */

export const BATCH = -1;
export type Shape = readonly [number, number];

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'step'
  | 'square'
  | 'erf'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'softplus'
  | 'leaky_relu'
  | 'elu'
  | 'gelu';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum';

export type Op =
  | { kind: 'input'; name: string }
  | { kind: 'const'; value: number }
  | { kind: 'unary'; op: UnaryOp; alpha: number }
  | { kind: 'binary'; op: BinaryOp }
  | { kind: 'matmul'; transA: boolean; transB: boolean }
  /** Sum over the dims where the target shape is 1. */
  | { kind: 'sumTo' }
  /** Repeat along dims of size 1 up to the target shape. */
  | { kind: 'broadcastTo' }
  /** Row-wise log-sum-exp: [R, C] -> [R, 1]. */
  | { kind: 'logsumexp' }
  /** Row-wise softmax. */
  | { kind: 'softmax' }
  /** Concatenate along columns. */
  | { kind: 'concat' }
  /** Columns [start, end). */
  | { kind: 'slice'; start: number; end: number }
  /** Number of rows of the input, as a 1 × 1 value (the batch size, for means). */
  | { kind: 'rows' };

export interface IRNode {
  id: number;
  op: Op;
  inputs: number[];
  shape: Shape;
}

/** A growing program of primitive ops. Node ids are creation order, which is a topological order. */
export class Program {
  readonly nodes: IRNode[] = [];
  readonly inputsByName = new Map<string, number>();

  private push(op: Op, inputs: number[], shape: Shape): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs, shape });
    return id;
  }

  shape(v: number): Shape {
    return this.nodes[v]!.shape;
  }

  /** A named input (data, parameter, optimizer state, learning rate...). */
  input(name: string, shape: Shape): number {
    if (this.inputsByName.has(name)) throw new Error(`Program input '${name}' declared twice`);
    const id = this.push({ kind: 'input', name }, [], shape);
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

  add(a: number, b: number): number {
    return this.binary('add', a, b);
  }
  sub(a: number, b: number): number {
    return this.binary('sub', a, b);
  }
  mul(a: number, b: number): number {
    return this.binary('mul', a, b);
  }
  div(a: number, b: number): number {
    return this.binary('div', a, b);
  }
  maximum(a: number, b: number): number {
    return this.binary('maximum', a, b);
  }
  neg(a: number): number {
    return this.unary('neg', a);
  }
  exp(a: number): number {
    return this.unary('exp', a);
  }
  log(a: number): number {
    return this.unary('log', a);
  }
  sqrt(a: number): number {
    return this.unary('sqrt', a);
  }
  abs(a: number): number {
    return this.unary('abs', a);
  }
  square(a: number): number {
    return this.unary('square', a);
  }
  step(a: number): number {
    return this.unary('step', a);
  }
  sigmoid(a: number): number {
    return this.unary('sigmoid', a);
  }
  /** x * c for a number c. */
  scale(a: number, c: number): number {
    return this.mul(a, this.const(c));
  }

  matmul(a: number, b: number, transA = false, transB = false): number {
    const [ar, ac] = this.shape(a);
    const [br, bc] = this.shape(b);
    const [m, k1] = transA ? [ac, ar] : [ar, ac];
    const [k2, n] = transB ? [bc, br] : [br, bc];
    if (k1 !== k2) throw new Error(`matmul: inner sizes differ (${k1} vs ${k2})`);
    return this.push({ kind: 'matmul', transA, transB }, [a, b], [m, n]);
  }

  sumTo(a: number, shape: Shape): number {
    const s = this.shape(a);
    if (s[0] === shape[0] && s[1] === shape[1]) return a;
    for (let d = 0; d < 2; d++) {
      if (shape[d] !== 1 && shape[d] !== s[d]) throw new Error(`sumTo: cannot reduce [${s}] to [${shape}]`);
    }
    return this.push({ kind: 'sumTo' }, [a], shape);
  }

  broadcastTo(a: number, shape: Shape): number {
    const s = this.shape(a);
    if (s[0] === shape[0] && s[1] === shape[1]) return a;
    broadcastShape(s, shape);
    return this.push({ kind: 'broadcastTo' }, [a], shape);
  }

  /** Sum of every element, as 1 × 1. */
  sumAll(a: number): number {
    return this.sumTo(a, [1, 1]);
  }

  logsumexp(a: number): number {
    return this.push({ kind: 'logsumexp' }, [a], [this.shape(a)[0], 1]);
  }
  softmax(a: number): number {
    return this.push({ kind: 'softmax' }, [a], this.shape(a));
  }

  concat(parts: number[]): number {
    const rows = this.shape(parts[0]!)[0];
    let cols = 0;
    for (const p of parts) {
      if (this.shape(p)[0] !== rows) throw new Error('concat: row counts differ');
      cols += this.shape(p)[1];
    }
    return this.push({ kind: 'concat' }, parts, [rows, cols]);
  }

  slice(a: number, start: number, end: number): number {
    return this.push({ kind: 'slice', start, end }, [a], [this.shape(a)[0], end - start]);
  }

  rows(a: number): number {
    return this.push({ kind: 'rows' }, [a], [1, 1]);
  }
}

/** The shape two operands broadcast to; throws on a mismatch. */
export function broadcastShape(a: Shape, b: Shape): Shape {
  const out: number[] = [0, 0];
  for (let d = 0; d < 2; d++) {
    const x = a[d]!;
    const y = b[d]!;
    if (x === y) out[d] = x;
    else if (x === 1) out[d] = y;
    else if (y === 1) out[d] = x;
    else throw new Error(`Shapes [${fmt(a)}] and [${fmt(b)}] do not broadcast`);
  }
  return [out[0]!, out[1]!];
}

function fmt(s: Shape): string {
  return s.map((d) => (d === BATCH ? 'N' : String(d))).join(', ');
}
