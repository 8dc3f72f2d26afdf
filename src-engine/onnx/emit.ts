/**
 * The second interpreter of the primitive-op program: a walk that emits one ONNX node (or a few)
 * per primitive. The deployment model and the training step are both emitted from the programs the
 * eager engine runs, so the two cannot disagree about the math.
 *
 * Choices that keep the graphs portable to GPU execution providers: log-sum-exp as
 * ReduceLogSumExp (no LogSoftmax), step and sign as Greater/Less + Where, transposes folded into Gemm, and int64
 * shape arithmetic only where a dimension depends on the batch size.
 */
import { BATCH, type IRNode, type Program, type Shape } from '../backprop/ir.ts';
import type { GraphBuilder } from './builder.ts';

export interface EmitOptions {
  /** ONNX value name of each program input used by the outputs (by program input name). */
  inputs: ReadonlyMap<string, string>;
  /** ONNX name of any tensor whose first dimension is the batch size N (defaults to input 'x'). */
  batchRef?: string;
  /** Prefix for the names of intermediate values (e.g. 's3/' for unrolled step 3). */
  prefix?: string;
}

/** Emit the ops computing `outputs` (and only what they depend on); returns ONNX names by value id. */
export function emitProgram(
  program: Program,
  b: GraphBuilder,
  outputs: readonly number[],
  opts: EmitOptions,
): Map<number, string> {
  const nodes = program.nodes;
  const live = new Uint8Array(nodes.length);
  for (const o of outputs) live[o] = 1;
  for (let id = nodes.length - 1; id >= 0; id--) if (live[id]) for (const i of nodes[id]!.inputs) live[i] = 1;
  const names = new Map<number, string>();
  const prefix = opts.prefix ?? '';
  let nShape: string | null = null;
  const batchRef = (): string => {
    const ref = opts.batchRef ?? opts.inputs.get('x');
    if (!ref) throw new Error('emitProgram: a batch-sized reference tensor is needed (no input x)');
    return ref;
  };
  // N as a 1-element int64 tensor, computed once per emitted program.
  const batchDim = (): string => (nShape ??= b.op1('Shape', [batchRef()], { start: 0, end: 1 }, `${prefix}N`));
  const shapeTensor = (s: Shape): string => {
    if (s[0] !== BATCH && s[1] !== BATCH) return b.int64([s[0], s[1]]);
    const part = (d: number) => (d === BATCH ? batchDim() : b.int64([d]));
    return b.op1('Concat', [part(s[0]), part(s[1])], { axis: 0 }, `${prefix}shape`);
  };

  for (const n of nodes) {
    if (!live[n.id]) continue;
    const inp = (k: number) => names.get(n.inputs[k]!)!;
    const hint = `${prefix}v${n.id}`;
    names.set(n.id, emitNode(program, b, n, inp, hint, shapeTensor, opts));
  }
  return names;
}

function emitNode(
  program: Program,
  b: GraphBuilder,
  n: IRNode,
  inp: (k: number) => string,
  hint: string,
  shapeTensor: (s: Shape) => string,
  opts: EmitOptions,
): string {
  const op = n.op;
  switch (op.kind) {
    case 'input': {
      const name = opts.inputs.get(op.name);
      if (!name) throw new Error(`emitProgram: no ONNX value given for program input '${op.name}'`);
      return name;
    }
    case 'const':
      return b.constant([op.value]);
    case 'unary': {
      const x = inp(0);
      switch (op.op) {
        case 'neg':
          return b.op1('Neg', [x], {}, hint);
        case 'exp':
          return b.op1('Exp', [x], {}, hint);
        case 'log':
          return b.op1('Log', [x], {}, hint);
        case 'sqrt':
          return b.op1('Sqrt', [x], {}, hint);
        case 'abs':
          return b.op1('Abs', [x], {}, hint);
        case 'sign': {
          // Greater/Less + Where, as the engine computes it (NaN gives 0): the WebGPU provider has no Sign kernel.
          const neg = b.op1('Where', [b.op1('Less', [x, b.constant([0])]), b.constant([-1]), b.constant([0])]);
          return b.op1('Where', [b.op1('Greater', [x, b.constant([0])]), b.constant([1]), neg], {}, hint);
        }
        case 'square':
          return b.op1('Mul', [x, x], {}, hint);
        case 'erf':
          return b.op1('Erf', [x], {}, hint);
        case 'sigmoid':
          return b.op1('Sigmoid', [x], {}, hint);
        case 'tanh':
          return b.op1('Tanh', [x], {}, hint);
        case 'relu':
          return b.op1('Relu', [x], {}, hint);
        case 'softplus':
          return b.op1('Softplus', [x], {}, hint);
        case 'leaky_relu':
          return b.op1('LeakyRelu', [x], { alpha: { f: op.alpha } }, hint);
        case 'elu':
          return b.op1('Elu', [x], { alpha: { f: op.alpha } }, hint);
        case 'step': {
          const pos = b.op1('Greater', [x, b.constant([0])], {}, `${hint}_pos`);
          return b.op1('Where', [pos, b.constant([1]), b.constant([0])], {}, hint);
        }
        case 'gelu': {
          // x Φ(x) = 0.5 x (1 + erf(x / √2)); opset 17 has no Gelu.
          const e = b.op1('Erf', [b.op1('Mul', [x, b.constant([Math.SQRT1_2])])]);
          const half = b.op1('Mul', [x, b.constant([0.5])]);
          return b.op1('Mul', [half, b.op1('Add', [e, b.constant([1])])], {}, hint);
        }
      }
      break;
    }
    case 'binary': {
      const type = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', maximum: 'Max' }[op.op];
      return b.op1(type, [inp(0), inp(1)], {}, hint);
    }
    case 'matmul': {
      const attrs: Record<string, number> = {};
      if (op.transA) attrs.transA = 1;
      if (op.transB) attrs.transB = 1;
      return b.op1('Gemm', [inp(0), inp(1)], attrs, hint);
    }
    case 'sumTo': {
      const src = program.shape(n.inputs[0]!);
      const axes: number[] = [];
      if (n.shape[0] === 1 && src[0] !== 1) axes.push(0);
      if (n.shape[1] === 1 && src[1] !== 1) axes.push(1);
      if (!axes.length) return b.op1('Identity', [inp(0)], {}, hint);
      return b.op1('ReduceSum', [inp(0), b.int64(axes)], { keepdims: 1 }, hint);
    }
    case 'broadcastTo':
      return b.op1('Expand', [inp(0), shapeTensor(n.shape)], {}, hint);
    case 'logsumexp':
      return b.op1('ReduceLogSumExp', [inp(0)], { axes: [1], keepdims: 1 }, hint);
    case 'softmax':
      return b.op1('Softmax', [inp(0)], { axis: 1 }, hint);
    case 'concat':
      return b.op1(
        'Concat',
        n.inputs.map((_, k) => inp(k)),
        { axis: 1 },
        hint,
      );
    case 'slice':
      return b.op1('Slice', [inp(0), b.int64([op.start]), b.int64([op.end]), b.int64([1])], {}, hint);
    case 'rows': {
      const src = program.shape(n.inputs[0]!);
      if (src[0] !== BATCH) return b.constant([src[0]]);
      const r = b.op1('Shape', [inp(0)], { start: 0, end: 1 }, `${hint}_n`);
      const f = b.op1('Cast', [r], { to: b.elem === 'float64' ? 11 : 1 }, `${hint}_f`);
      return b.op1('Reshape', [f, b.int64([1, 1])], {}, hint);
    }
  }
  throw new Error(`emitProgram: no ONNX form for op ${JSON.stringify(op)}`);
}
