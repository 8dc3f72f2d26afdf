/**
 * A small WebAssembly binary writer: one module with an imported memory, imported functions and
 * exported functions, and an instruction buffer per function with typed locals. Only what the
 * step compiler (./codegen.ts) emits is here: LEB128 immediates, the MVP numeric and control
 * instructions, SIMD's f32x4 subset and bulk memory's memory.copy. No library does this at this
 * size (binaryen and wabt are multi-megabyte toolchains compiling text); the bytes are checked by
 * `WebAssembly.validate` before use.
 */

export const T = {
  i32: 0x7f,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
} as const;
export type T = (typeof T)[keyof typeof T];

/** Opcodes used by the compiler (MVP). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  call: 0x10,
  select: 0x1b,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  f32_load: 0x2a,
  f32_store: 0x38,
  i32_const: 0x41,
  f32_const: 0x43,
  f64_const: 0x44,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  f64_eq: 0x61,
  f64_lt: 0x63,
  f64_gt: 0x64,
  f64_le: 0x65,
  f64_ge: 0x66,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  f32_add: 0x92,
  f32_mul: 0x94,
  f64_abs: 0x99,
  f64_neg: 0x9a,
  f64_sqrt: 0x9f,
  f64_add: 0xa0,
  f64_sub: 0xa1,
  f64_mul: 0xa2,
  f64_div: 0xa3,
  f64_min: 0xa4,
  f64_max: 0xa5,
  f32_demote_f64: 0xb6,
  f64_convert_i32_s: 0xb7,
  f64_promote_f32: 0xbb,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** SIMD opcodes (after the 0xfd prefix). */
export const Simd = {
  v128_load: 0x00,
  v128_load32_splat: 0x09,
  v128_store: 0x0b,
  f32x4_splat: 0x13,
  f32x4_extract_lane: 0x1f,
  f32x4_lt: 0x43,
  f32x4_gt: 0x44,
  f32x4_ge: 0x46,
  v128_and: 0x4e,
  v128_bitselect: 0x52,
  f32x4_abs: 0xe0,
  f32x4_neg: 0xe1,
  f32x4_sqrt: 0xe3,
  f32x4_add: 0xe4,
  f32x4_sub: 0xe5,
  f32x4_mul: 0xe6,
  f32x4_div: 0xe7,
  f32x4_min: 0xe8,
  f32x4_max: 0xe9,
} as const;
export type Simd = (typeof Simd)[keyof typeof Simd];

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
}

function sleb(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** Math functions a form may call (imported as they are, so V8 can call its own implementation directly). */
export type MathFn = 'exp' | 'log' | 'sin' | 'cos';

const F32 = new Float32Array(1);
const F64 = new Float64Array(1);

/** One function's locals and instructions. Parameters come first among the locals. */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly localTypes: T[] = [];

  /** The function index of an imported `Math` function (f64) -> f64, set by the module's compiler. */
  math: (name: MathFn) => number = () => {
    throw new Error('No Math imports in this module');
  };

  constructor(
    readonly params: T[],
    readonly results: T[],
  ) {}

  /** Call Math[name] on the f64 on the stack. */
  callMath(name: MathFn): this {
    return this.call(this.math(name));
  }

  /** A new local of this type; its index. */
  local(type: T): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  get(l: number): this {
    this.code.push(Op.local_get);
    uleb(this.code, l);
    return this;
  }
  set(l: number): this {
    this.code.push(Op.local_set);
    uleb(this.code, l);
    return this;
  }
  tee(l: number): this {
    this.code.push(Op.local_tee);
    uleb(this.code, l);
    return this;
  }
  i32(v: number): this {
    this.code.push(Op.i32_const);
    sleb(this.code, v | 0);
    return this;
  }
  f32(v: number): this {
    F32[0] = v;
    this.code.push(Op.f32_const, ...new Uint8Array(F32.buffer));
    return this;
  }
  f64(v: number): this {
    F64[0] = v;
    this.code.push(Op.f64_const, ...new Uint8Array(F64.buffer));
    return this;
  }
  /** An f32x4 of four copies of v. */
  splat(v: number): this {
    return this.f32(v).simd(Simd.f32x4_splat);
  }
  /** A memory access: opcode, then align (log2) and a byte offset. */
  mem(opcode: number, align: number, offset: number): this {
    this.code.push(opcode);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }
  /** A SIMD instruction (with its memory immediate for loads and stores, its lane for extracts). */
  simd(opcode: Simd, ...imm: number[]): this {
    this.code.push(0xfd);
    uleb(this.code, opcode);
    for (const v of imm) uleb(this.code, v);
    return this;
  }
  loadF32(offset: number): this {
    return this.mem(Op.f32_load, 2, offset);
  }
  storeF32(offset: number): this {
    return this.mem(Op.f32_store, 2, offset);
  }
  loadV(offset: number): this {
    return this.simd(Simd.v128_load, 2, offset);
  }
  storeV(offset: number): this {
    return this.simd(Simd.v128_store, 2, offset);
  }
  call(fn: number): this {
    this.code.push(Op.call);
    uleb(this.code, fn);
    return this;
  }
  /** memory.copy of `bytes` bytes from address src to dst (bulk memory). */
  copy(dst: number, src: number, bytes: number): this {
    this.i32(dst).i32(src).i32(bytes);
    this.code.push(0xfc, 0x0a, 0x00, 0x00);
    return this;
  }

  /** `for (let i = from; i < to; i += step) body()`, with i a fresh i32 local given to body. */
  forRange(from: number, to: number, step: number, body: (i: number) => void): this {
    if (from >= to) return this;
    const i = this.local(T.i32);
    this.i32(from).set(i);
    this.op(Op.loop, 0x40);
    body(i);
    this.get(i).i32(step).op(Op.i32_add).tee(i).i32(to).op(Op.i32_lt_s).op(Op.br_if, 0).op(Op.end);
    return this;
  }

  /** The function body's bytes: locals (run-length encoded by type), code, end. */
  body(): number[] {
    const out: number[] = [];
    const runs: [number, T][] = [];
    for (const t of this.localTypes) {
      const last = runs.at(-1);
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(out, runs.length);
    for (const [n, t] of runs) {
      uleb(out, n);
      out.push(t);
    }
    out.push(...this.code, Op.end);
    return out;
  }
}

export interface FnImport {
  name: string;
  params: T[];
  results: T[];
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  out.push(...b);
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

/**
 * A module importing `env.memory` (at least `pages` 64 KiB pages) and the given functions (module
 * "env", indices 0..imports-1), and exporting each built function by its name (indices after the
 * imports).
 */
export function encodeModule(pages: number, imports: FnImport[], fns: { name: string; fn: FnBuilder }[]): Uint8Array {
  const types: string[] = [];
  const typeIndex = (params: T[], results: T[]): number => {
    const key = `${params.join(',')}|${results.join(',')}`;
    let i = types.indexOf(key);
    if (i < 0) i = types.push(key) - 1;
    return i;
  };
  const importTypes = imports.map((f) => typeIndex(f.params, f.results));
  const fnTypes = fns.map(({ fn }) => typeIndex(fn.params, fn.results));

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const typeSec: number[] = [];
  uleb(typeSec, types.length);
  for (const key of types) {
    const [p, r] = key.split('|').map((s) => (s ? s.split(',').map(Number) : []));
    typeSec.push(0x60);
    uleb(typeSec, p!.length);
    typeSec.push(...p!);
    uleb(typeSec, r!.length);
    typeSec.push(...r!);
  }
  section(out, 1, typeSec);

  const importSec: number[] = [];
  uleb(importSec, imports.length + 1);
  name(importSec, 'env');
  name(importSec, 'memory');
  importSec.push(0x02, 0x00);
  uleb(importSec, pages);
  imports.forEach((f, k) => {
    name(importSec, 'env');
    name(importSec, f.name);
    importSec.push(0x00);
    uleb(importSec, importTypes[k]!);
  });
  section(out, 2, importSec);

  const funcSec: number[] = [];
  uleb(funcSec, fns.length);
  for (const t of fnTypes) uleb(funcSec, t);
  section(out, 3, funcSec);

  const exportSec: number[] = [];
  uleb(exportSec, fns.length);
  fns.forEach(({ name: n }, k) => {
    name(exportSec, n);
    exportSec.push(0x00);
    uleb(exportSec, imports.length + k);
  });
  section(out, 7, exportSec);

  const codeSec: number[] = [];
  uleb(codeSec, fns.length);
  for (const { fn } of fns) {
    const b = fn.body();
    uleb(codeSec, b.length);
    for (const x of b) codeSec.push(x);
  }
  section(out, 10, codeSec);
  return Uint8Array.from(out);
}
