/**
 * The eager interpreter: compiles a Program for one batch size into a flat list of kernel calls
 * over preallocated buffers, then runs it as often as needed with no allocation.
 */
import { matmul } from '../tensor/matmul.ts';
import { allocate, type DType, type FloatArray } from '../tensor/tensor.ts';
import { BATCH, type IRNode, type Program, type Shape } from './ir.ts';
import { generateRun } from './codegen.ts';
import { binaryKernel, broadcastKernel, logsumexpKernel, softmaxKernel, sumToKernel, unaryKernel } from './kernels.ts';

export interface CompileOptions {
  /** Rows of every BATCH dimension. */
  batch: number;
  dtype?: DType;
  /** Buffers to use for named inputs (shared between executables, e.g. parameters). */
  bindings?: ReadonlyMap<string, FloatArray>;
  /** Fuse element-wise ops into generated loops (default true); false runs one kernel call per op. */
  codegen?: boolean;
}

/** A program compiled for one batch size. Write inputs with `input(name)`, call `run()`, read `value(id)`. */
export class Executable {
  private readonly steps: (() => void)[] = [];
  /** The fused, generated run function (null where code generation is not allowed, e.g. under a strict CSP). */
  private readonly fused: (() => void) | null;
  private readonly buffers: (FloatArray | undefined)[];
  readonly dtype: DType;
  readonly batch: number;

  constructor(
    readonly program: Program,
    readonly outputs: number[],
    opts: CompileOptions,
  ) {
    this.dtype = opts.dtype ?? 'float32';
    this.batch = opts.batch;
    const nodes = program.nodes;
    // Only the nodes the outputs depend on are computed.
    const live = new Uint8Array(nodes.length);
    for (const o of outputs) live[o] = 1;
    for (let id = nodes.length - 1; id >= 0; id--) if (live[id]) for (const i of nodes[id]!.inputs) live[i] = 1;
    this.buffers = new Array(nodes.length);
    const kernels: ((() => void) | null)[] = new Array(nodes.length).fill(null);
    for (const n of nodes) {
      if (!live[n.id]) continue;
      const [r, c] = this.dims(n.shape);
      const bound = n.op.kind === 'input' ? opts.bindings?.get(n.op.name) : undefined;
      if (bound && bound.length !== r * c)
        throw new Error(
          `Binding for '${(n.op as { name: string }).name}' has ${bound.length} values, expected ${r * c}`,
        );
      const buf = bound ?? allocate(this.dtype, r * c);
      this.buffers[n.id] = buf;
      if (n.op.kind === 'const') buf[0] = n.op.value;
      const step = this.kernel(n, buf);
      kernels[n.id] = step;
      if (step) this.steps.push(step);
    }
    let fused: (() => void) | null = null;
    if (opts.codegen !== false) {
      try {
        fused = generateRun({
          nodes,
          live,
          outputs,
          dims: (id) => this.dims(nodes[id]!.shape),
          buffers: this.buffers,
          kernels,
        });
      } catch {
        fused = null;
      }
    }
    this.fused = fused;
  }

  /** Concrete [rows, cols] of a shape. */
  dims(s: Shape): [number, number] {
    return [s[0] === BATCH ? this.batch : s[0], s[1] === BATCH ? this.batch : s[1]];
  }

  /** The buffer of a named program input, to be filled before `run()`. */
  input(name: string): FloatArray {
    const id = this.program.inputsByName.get(name);
    if (id === undefined) throw new Error(`The program has no input '${name}'`);
    const b = this.buffers[id];
    if (!b) throw new Error(`Input '${name}' is not used by the compiled outputs`);
    return b;
  }

  /** Whether a named input is used by the compiled outputs. */
  hasInput(name: string): boolean {
    const id = this.program.inputsByName.get(name);
    return id !== undefined && this.buffers[id] !== undefined;
  }

  /** The buffer holding a node's value after `run()`. */
  value(id: number): FloatArray {
    const b = this.buffers[id];
    if (!b) throw new Error(`Value ${id} is not computed by this executable`);
    return b;
  }

  /** Execute every step once. */
  /** Whether this executable runs the generated, fused function. */
  get generated(): boolean {
    return this.fused !== null;
  }

  run(): void {
    if (this.fused) {
      this.fused();
      return;
    }
    const s = this.steps;
    for (let i = 0; i < s.length; i++) s[i]!();
  }

  private kernel(n: IRNode, y: FloatArray): (() => void) | null {
    const buf = (i: number) => this.buffers[n.inputs[i]!]!;
    const inShape = (i: number) => this.dims(this.program.nodes[n.inputs[i]!]!.shape);
    const [rows, cols] = this.dims(n.shape);
    const op = n.op;
    switch (op.kind) {
      case 'input':
      case 'const':
        return null;
      case 'unary': {
        const f = unaryKernel(op.op, op.alpha);
        const x = buf(0);
        const len = rows * cols;
        return () => f(x, y, len);
      }
      case 'binary': {
        const f = binaryKernel(op.op, inShape(0), inShape(1), rows, cols);
        const a = buf(0);
        const b = buf(1);
        return () => f(a, b, y);
      }
      case 'matmul': {
        const a = buf(0);
        const b = buf(1);
        const [ar, ac] = inShape(0);
        const k = op.transA ? ar : ac;
        const { transA, transB } = op;
        return () => matmul(a, b, y, rows, k, cols, transA, transB, false);
      }
      case 'sumTo': {
        const [r, c] = inShape(0);
        const f = sumToKernel(r, c, [rows, cols]);
        const x = buf(0);
        return () => f(x, y);
      }
      case 'broadcastTo': {
        const f = broadcastKernel(inShape(0), rows, cols);
        const x = buf(0);
        return () => f(x, y);
      }
      case 'logsumexp': {
        const [r, c] = inShape(0);
        const f = logsumexpKernel(r, c);
        const x = buf(0);
        return () => f(x, y);
      }
      case 'softmax': {
        const f = softmaxKernel(rows, cols);
        const x = buf(0);
        return () => f(x, y);
      }
      case 'concat': {
        const parts = n.inputs.map((_, i) => ({ x: buf(i), w: inShape(i)[1] }));
        return () => {
          let off = 0;
          for (const { x, w } of parts) {
            for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) y[r * cols + off + c] = x[r * w + c]!;
            off += w;
          }
        };
      }
      case 'slice': {
        const x = buf(0);
        const w = inShape(0)[1];
        const { start } = op;
        return () => {
          for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * w + start + c]!;
        };
      }
      case 'rows': {
        const r = inShape(0)[0];
        return () => {
          y[0] = r;
        };
      }
    }
  }
}
