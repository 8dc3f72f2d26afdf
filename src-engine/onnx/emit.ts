/**
 * The second interpreter of the primitive-op program: a walk that emits each primitive's ONNX form,
 * taken from its record (src-engine/backprop/ops). The deployment model and the training step are
 * both emitted from the programs the eager engine runs, so the two cannot disagree about the math.
 *
 * Choices that keep the graphs portable to GPU execution providers: log-sum-exp as
 * ReduceLogSumExp (no LogSoftmax), step and sign as Greater/Less + Where (the WebGPU provider has no
 * Sign kernel), transposes folded into Gemm, and int64 shape arithmetic only where a dimension depends
 * on the batch size.
 *
 * One fusion: a convolution whose only use is the addition of a per-channel bias ([1, F, 1, 1]) is
 * emitted as one Conv with that bias as its third input. ONNX Runtime folds such an Add into the Conv
 * only when the bias is a constant; in the training step it is a graph input (the carried weights),
 * and the separate Add was a whole pass over the largest activation (LeNet-5: 2% of the step).
 */
import { BATCH, type OpKind, type Program, type Shape } from '../backprop/ir.ts';
import { OPS } from '../backprop/ops/structural.ts';
import type { EmitTarget, NodeOf, OpDef } from '../backprop/ops/types.ts';
import type { GraphBuilder } from './builder.ts';

export interface EmitOptions {
  /** ONNX value name of each program input used by the outputs (by program input name). */
  inputs: ReadonlyMap<string, string>;
  /** ONNX name of any tensor whose first dimension is the batch size N (defaults to input 'x'). */
  batchRef?: string;
  /** Prefix for the names of intermediate values (e.g. 's3/' for unrolled step 3). */
  prefix?: string;
  /** 'cpu' allows forms only ONNX Runtime's CPU provider runs (default 'portable'). */
  target?: EmitTarget;
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
  const fused = convBiasPairs(program, live, outputs);
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
    if (!s.includes(BATCH)) return b.int64([...s]);
    const parts = s.map((d) => (d === BATCH ? batchDim() : b.int64([d])));
    return b.op1('Concat', parts, { axis: 0 }, `${prefix}shape`);
  };
  const inputName = (name: string): string => {
    const v = opts.inputs.get(name);
    if (!v) throw new Error(`emitProgram: no ONNX value given for program input '${name}'`);
    return v;
  };

  for (const n of nodes) {
    if (!live[n.id] || fused.has(n.id)) continue;
    const pair = fused.get(n.inputs[0]!) ?? fused.get(n.inputs[1]!);
    const node = pair?.add === n.id ? nodes[pair.conv]! : n;
    const inp = node.inputs.map((i) => names.get(i)!);
    if (pair?.add === n.id)
      inp.push(b.op1('Reshape', [names.get(pair.bias)!, b.int64([node.shape[1]!])], {}, `${prefix}v${pair.bias}_flat`));
    const def = OPS[node.op.kind] as OpDef<OpKind>;
    names.set(
      n.id,
      def.onnx({
        node: node as NodeOf<OpKind>,
        program,
        b,
        inp,
        hint: `${prefix}v${n.id}`,
        shapeTensor,
        inputName,
        target: opts.target ?? 'portable',
      }),
    );
  }
  return names;
}

/**
 * Convolutions to emit with their bias (see the header), by the convolution's id: the live add that
 * is its only use, and the bias.
 */
function convBiasPairs(
  program: Program,
  live: Uint8Array,
  outputs: readonly number[],
): Map<number, { conv: number; add: number; bias: number }> {
  const uses = new Uint32Array(program.nodes.length);
  for (const n of program.nodes) if (live[n.id]) for (const i of n.inputs) uses[i]!++;
  for (const o of outputs) uses[o]!++;
  const pairs = new Map<number, { conv: number; add: number; bias: number }>();
  for (const n of program.nodes) {
    if (!live[n.id] || n.op.kind !== 'binary' || n.op.op !== 'add') continue;
    for (const [conv, bias] of [
      [n.inputs[0]!, n.inputs[1]!],
      [n.inputs[1]!, n.inputs[0]!],
    ] as const) {
      const c = program.nodes[conv]!;
      const bs = program.shape(bias);
      if (
        c.op.kind === 'conv2d' &&
        uses[conv] === 1 &&
        !pairs.has(conv) &&
        bs.length === 4 &&
        bs[0] === 1 &&
        bs[1] === c.shape[1] &&
        bs[2] === 1 &&
        bs[3] === 1
      ) {
        pairs.set(conv, { conv, add: n.id, bias });
        break;
      }
    }
  }
  return pairs;
}
