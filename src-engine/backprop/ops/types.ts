/** The shape of one op's record: its gradient rule, its eager kernel and its ONNX lowering. */
import type { GraphBuilder } from '../../onnx/builder.ts';
import type { FloatArray } from '../../tensor/tensor.ts';
import type { IRNode, Op, OpKind, Program, Shape } from '../ir.ts';

export type NodeOf<K extends OpKind> = IRNode & { op: Extract<Op, { kind: K }> };

export interface KernelArgs<K extends OpKind> {
  node: NodeOf<K>;
  /** Input buffers. */
  x: FloatArray[];
  /** Concrete dims of each input. */
  xd: number[][];
  y: FloatArray;
  /** Concrete dims of the output. */
  yd: number[];
}

export interface EmitArgs<K extends OpKind> {
  node: NodeOf<K>;
  program: Program;
  b: GraphBuilder;
  /** ONNX names of the inputs. */
  inp: string[];
  /** Name hint for the output. */
  hint: string;
  /** An int64 shape tensor for a (possibly batch-sized) shape. */
  shapeTensor(s: Shape): string;
  /** The ONNX value given for a program input (op 'input'). */
  inputName(name: string): string;
  /**
   * Where the graph will run: 'portable' (the default: operators GPU providers have too) or 'cpu'
   * (ONNX Runtime's CPU provider, which has faster forms for a few ops).
   */
  target: EmitTarget;
}

export type EmitTarget = 'portable' | 'cpu';

export interface OpDef<K extends OpKind> {
  /** The gradient of each input given the upstream gradient g, built in the program (null: none). */
  grad(p: Program, n: NodeOf<K>, g: number): (number | null)[];
  /** A kernel computing y from x for fixed dims; null for values that are set, not computed. */
  kernel(a: KernelArgs<K>): (() => void) | null;
  onnx(e: EmitArgs<K>): string;
}

export type OpTable = { [K in OpKind]: OpDef<K> };
