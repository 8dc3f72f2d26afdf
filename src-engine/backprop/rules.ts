/**
 * The gradient rules: one per primitive op, each written with other primitives of the Program.
 * Layers, losses and optimizers are composed from primitives, so they get their gradients from
 * this table alone, and the ONNX training step (which emits the same program) cannot disagree
 * with the eager engine.
 */
import type { BinaryOp, IRNode, Program, UnaryOp } from './ir.ts';

/** Given the upstream gradient g of node `n` (value id `out`), return the gradient of each input (null: none). */
type Rule = (p: Program, n: IRNode, g: number) => (number | null)[];

const SQRT_2_OVER_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const unaryRules: Record<UnaryOp, (p: Program, x: number, y: number, g: number, alpha: number) => number | null> = {
  neg: (p, _x, _y, g) => p.neg(g),
  exp: (p, _x, y, g) => p.mul(g, y),
  log: (p, x, _y, g) => p.div(g, x),
  sqrt: (p, _x, y, g) => p.div(p.scale(g, 0.5), y),
  abs: (p, x, _y, g) => p.mul(g, p.unary('sign', x)),
  sign: () => null,
  step: () => null,
  square: (p, x, _y, g) => p.mul(g, p.scale(x, 2)),
  erf: (p, x, _y, g) => p.mul(g, p.scale(p.exp(p.neg(p.square(x))), SQRT_2_OVER_PI)),
  sigmoid: (p, _x, y, g) => p.mul(g, p.mul(y, p.sub(p.const(1), y))),
  tanh: (p, _x, y, g) => p.mul(g, p.sub(p.const(1), p.square(y))),
  relu: (p, x, _y, g) => p.mul(g, p.step(x)),
  softplus: (p, x, _y, g) => p.mul(g, p.sigmoid(x)),
  // d/dx = 1 for x > 0, alpha otherwise: step(x) * (1 - alpha) + alpha
  leaky_relu: (p, x, _y, g, alpha) => p.mul(g, p.add(p.scale(p.step(x), 1 - alpha), p.const(alpha))),
  // d/dx = 1 for x > 0, y + alpha otherwise
  elu: (p, x, y, g, alpha) => {
    const s = p.step(x);
    return p.mul(g, p.add(s, p.mul(p.sub(p.const(1), s), p.add(y, p.const(alpha)))));
  },
  // gelu(x) = x Φ(x): d/dx = Φ(x) + x φ(x)
  gelu: (p, x, _y, g) => {
    const cdf = p.scale(p.add(p.const(1), p.unary('erf', p.scale(x, Math.SQRT1_2))), 0.5);
    const pdf = p.scale(p.exp(p.scale(p.square(x), -0.5)), INV_SQRT_2PI);
    return p.mul(g, p.add(cdf, p.mul(x, pdf)));
  },
};

const binaryRules: Record<
  BinaryOp,
  (p: Program, a: number, b: number, y: number, g: number) => [number | null, number | null]
> = {
  add: (_p, _a, _b, _y, g) => [g, g],
  sub: (p, _a, _b, _y, g) => [g, p.neg(g)],
  mul: (p, a, b, _y, g) => [p.mul(g, b), p.mul(g, a)],
  div: (p, _a, b, y, g) => [p.div(g, b), p.neg(p.div(p.mul(g, y), b))],
  // Ties send the gradient to the first operand: first = [a >= b] = 1 - step(b - a), exact in every
  // dtype (a - b + Number.MIN_VALUE was not: the constant rounds to 0 in float32).
  maximum: (p, a, b, _y, g) => {
    const first = p.sub(p.const(1), p.step(p.sub(b, a)));
    return [p.mul(g, first), p.mul(g, p.sub(p.const(1), first))];
  },
};

export const GRADIENT_RULES: Record<IRNode['op']['kind'], Rule> = {
  input: () => [],
  const: () => [],
  rows: () => [null],
  unary: (p, n, g) => {
    const op = n.op as Extract<IRNode['op'], { kind: 'unary' }>;
    return [unaryRules[op.op](p, n.inputs[0]!, n.id, g, op.alpha)];
  },
  binary: (p, n, g) => {
    const op = n.op as Extract<IRNode['op'], { kind: 'binary' }>;
    const [a, b] = n.inputs as [number, number];
    const [ga, gb] = binaryRules[op.op](p, a, b, n.id, g);
    return [ga === null ? null : p.sumTo(ga, p.shape(a)), gb === null ? null : p.sumTo(gb, p.shape(b))];
  },
  matmul: (p, n, g) => {
    const { transA: ta, transB: tb } = n.op as Extract<IRNode['op'], { kind: 'matmul' }>;
    const [a, b] = n.inputs as [number, number];
    // C = op(A) op(B): dA = G op(B)^T (transposed back if A was), dB = op(A)^T G (likewise).
    const ga = ta ? p.matmul(b, g, tb, true) : p.matmul(g, b, false, !tb);
    const gb = tb ? p.matmul(g, a, true, ta) : p.matmul(a, g, !ta, false);
    return [ga, gb];
  },
  sumTo: (p, n, g) => [p.broadcastTo(g, p.shape(n.inputs[0]!))],
  broadcastTo: (p, n, g) => [p.sumTo(g, p.shape(n.inputs[0]!))],
  // d lse / dx = softmax(x)
  logsumexp: (p, n, g) => [p.mul(g, p.softmax(n.inputs[0]!))],
  // dx = y * (g - sum(g * y))
  softmax: (p, n, g) => {
    const y = n.id;
    const dot = p.sumTo(p.mul(g, y), [p.shape(y)[0], 1]);
    return [p.mul(y, p.sub(g, dot))];
  },
  concat: (p, n, g) => {
    let start = 0;
    return n.inputs.map((x) => {
      const w = p.shape(x)[1];
      const s = p.slice(g, start, start + w);
      start += w;
      return s;
    });
  },
  slice: (_p, n) => {
    throw new Error(`No gradient rule for slice (node ${n.id}): slices only appear inside gradients`);
  },
};

/**
 * Reverse-mode differentiation: appends to `p` the ops computing d(loss)/d(wrt[i]) and returns
 * their ids. `loss` must be 1 × 1. Inputs that do not influence the loss get an explicit zero.
 */
export function gradients(p: Program, loss: number, wrt: number[]): number[] {
  const shape = p.shape(loss);
  if (shape[0] !== 1 || shape[1] !== 1) throw new Error('gradients: the loss must be a 1 × 1 value');
  const grads = new Map<number, number>([[loss, p.const(1)]]);
  // Only nodes that lie on a path to the loss need visiting; ids are a topological order.
  const needed = new Uint8Array(loss + 1);
  needed[loss] = 1;
  for (let id = loss; id >= 0; id--) {
    if (!needed[id]) continue;
    for (const i of p.nodes[id]!.inputs) needed[i] = 1;
  }
  for (let id = loss; id >= 0; id--) {
    const g = grads.get(id);
    if (g === undefined || !needed[id]) continue;
    const node = p.nodes[id]!;
    if (node.inputs.length === 0) continue;
    const ins = GRADIENT_RULES[node.op.kind](p, node, g);
    node.inputs.forEach((inp, k) => {
      const gi = ins[k];
      if (gi === null || gi === undefined) return;
      const prev = grads.get(inp);
      grads.set(inp, prev === undefined ? gi : p.add(prev, gi));
    });
  }
  return wrt.map((w) => grads.get(w) ?? p.broadcastTo(p.const(0), p.shape(w)));
}
