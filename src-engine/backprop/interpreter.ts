/**
 * The eager interpreter: compiles a Program for one batch size into kernel calls over preallocated
 * buffers (fused into one generated function where allowed), then runs it as often as needed with
 * no allocation.
 */
import { allocate, type DType, type FloatArray } from '../tensor/tensor.ts';
import { generateRun } from './codegen.ts';
import type { WasmArena } from './wasm/arena.ts';
import { generateWasmRun, type RunCopy } from './wasm/codegen.ts';
import { BATCH, type IRNode, type OpKind, type Program, type Shape } from './ir.ts';
import { OPS } from './ops/structural.ts';
import type { NodeOf, OpDef } from './ops/types.ts';

export interface CompileOptions {
  /** Size of every BATCH dimension. */
  batch: number;
  dtype?: DType;
  /** Buffers to use for named inputs (shared between executables, e.g. parameters). */
  bindings?: ReadonlyMap<string, FloatArray>;
  /** Fuse element-wise ops into generated loops (default true); false runs one kernel call per op. */
  codegen?: boolean;
  /**
   * WebAssembly memory for the buffers (float32 only): where they all fit, and the bindings are in it
   * too, the run is compiled to WebAssembly (./wasm/codegen.ts); otherwise it is JavaScript as usual.
   */
  arena?: WasmArena;
  /** Values copied onto other buffers after every run: [value id, destination]. */
  copies?: readonly (readonly [number, FloatArray])[];
}

/** A program compiled for one batch size. Write inputs with `input(name)`, call `run()`, read `value(id)`. */
export class Executable {
  private readonly steps: (() => void)[] = [];
  /** The fused, generated run function (null where code generation is not allowed, e.g. under a strict CSP). */
  private readonly fused: (() => void) | null;
  private readonly buffers: (FloatArray | undefined)[];
  /** Copies the run function does not make itself. */
  private readonly copies: RunCopy[] = [];
  /** Whether the run is compiled to WebAssembly. */
  readonly wasm: boolean;
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
    for (const [o] of opts.copies ?? []) live[o] = 1;
    for (let id = nodes.length - 1; id >= 0; id--) if (live[id]) for (const i of nodes[id]!.inputs) live[i] = 1;
    this.buffers = new Array(nodes.length);
    const kernels: ((() => void) | null)[] = new Array(nodes.length).fill(null);
    const bindingOf = (n: IRNode) => (n.op.kind === 'input' ? opts.bindings?.get(n.op.name) : undefined);
    // In the arena only if every buffer fits (16-byte aligned), and the codegen is allowed.
    let arena = this.dtype === 'float32' && opts.codegen !== false ? opts.arena : undefined;
    if (arena) {
      let bytes = 0;
      for (const n of nodes)
        if (live[n.id] && !bindingOf(n))
          bytes += Math.ceil((this.dims(n.shape).reduce((a, b) => a * b, 1) * 4) / 16) * 16;
      if (bytes > arena.free) arena = undefined;
    }
    for (const n of nodes) {
      if (!live[n.id]) continue;
      const d = this.dims(n.shape);
      const count = d.reduce((a, b) => a * b, 1);
      const bound = bindingOf(n);
      if (bound && bound.length !== count)
        throw new Error(
          `Binding for '${(n.op as { name: string }).name}' has ${bound.length} values, expected ${count}`,
        );
      const buf = bound ?? arena?.alloc(count) ?? allocate(this.dtype, count);
      this.buffers[n.id] = buf;
      const step = this.kernel(n, buf, d);
      kernels[n.id] = step;
      if (step) this.steps.push(step);
    }
    const copies = (opts.copies ?? []).map(([id, to]) => ({ from: this.value(id), to }));
    let fused: (() => void) | null = null;
    let wasm = false;
    if (opts.codegen !== false) {
      const input = {
        nodes,
        live,
        outputs: [...outputs, ...(opts.copies ?? []).map(([id]) => id)],
        dims: (id: number) => this.dims(nodes[id]!.shape),
        buffers: this.buffers,
        kernels,
      };
      if (arena) {
        fused = generateWasmRun(input, arena, copies);
        wasm = fused !== null;
      }
      try {
        fused ??= generateRun(input);
      } catch {
        fused = null;
      }
    }
    this.fused = fused;
    this.wasm = wasm;
    if (!wasm) this.copies = copies;
  }

  /** Concrete dims of a shape. */
  dims(s: Shape): number[] {
    return s.map((d) => (d === BATCH ? this.batch : d));
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

  /** Whether this executable runs the generated, fused function. */
  get generated(): boolean {
    return this.fused !== null;
  }

  /** Execute every step once. */
  run(): void {
    if (this.fused) this.fused();
    else {
      const s = this.steps;
      for (let i = 0; i < s.length; i++) s[i]!();
    }
    const c = this.copies;
    for (let i = 0; i < c.length; i++) c[i]!.to.set(c[i]!.from);
  }

  private kernel(n: IRNode, y: FloatArray, yd: number[]): (() => void) | null {
    const def = OPS[n.op.kind] as OpDef<OpKind>;
    return def.kernel({
      node: n as NodeOf<OpKind>,
      x: n.inputs.map((i) => this.buffers[i]!),
      xd: n.inputs.map((i) => this.dims(this.program.nodes[i]!.shape)),
      y,
      yd,
    });
  }
}
