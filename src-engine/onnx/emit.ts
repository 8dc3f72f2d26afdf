/**
 * The second interpreter of the primitive-op program: a walk that emits each primitive's ONNX form,
 * taken from its record (src-engine/backprop/ops). The deployment model and the training step are
 * both emitted from the programs the eager engine runs, so the two cannot disagree about the math.
 *
 * Choices that keep the graphs portable to GPU execution providers: log-sum-exp as
 * ReduceLogSumExp (no LogSoftmax), step and sign as Greater/Less + Where (the WebGPU provider has no
 * Sign kernel), transposes folded into Gemm, and int64 shape arithmetic only where a dimension depends
 * on the batch size.
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
    if (!live[n.id]) continue;
    const def = OPS[n.op.kind] as OpDef<OpKind>;
    names.set(
      n.id,
      def.onnx({
        node: n as NodeOf<OpKind>,
        program,
        b,
        inp: n.inputs.map((i) => names.get(i)!),
        hint: `${prefix}v${n.id}`,
        shapeTensor,
        inputName,
        target: opts.target ?? 'portable',
      }),
    );
  }
  return names;
}
