/**
 * Float32 matrix products on a WebAssembly SIMD kernel (./gemm.as.ts, compiled into ./gemm-module.ts).
 *
 *   C = op(A)·op(B)   (or C += op(A)·op(B)),  C's rows at c[c0 + i·ldc], float32 accumulation
 *
 * The driver packs op(A) in panels of MR rows and op(B) in panels of NR columns (both float32,
 * p-major, zero-padded) into the module's linear memory, block by block (MC rows × KC deep × NC
 * columns), lets the kernel multiply each block into a zero-padded C tile in that memory, and writes
 * the tile out once all of k is summed (adding to C when accumulating). Packing absorbs the
 * transpositions and float64 inputs; the kernel never sees an edge.
 *
 * The module is compiled synchronously on first use (it is under 1 KB, far below the 4 KB Chromium
 * allows on a page's main thread). Where WebAssembly or its SIMD proposal is missing the engine keeps
 * its JavaScript kernel (../matmul.ts): `gemmBackend()` says which one float32 products use.
 */
import type { FloatArray } from '../tensor.ts';
import { GEMM_WASM_BASE64 } from './gemm-module.ts';

/** Rows per packed panel of op(A) (the kernel's tile height). */
export const WASM_MR = 4;
/** Columns per packed panel of op(B) (the kernel's tile width: two f32x4 vectors). */
export const WASM_NR = 8;
/** Depth of a k block. */
const KC = 256;
/** Rows of op(A) per block (multiple of MR; 132 keeps a batch of 128 in one block). */
const MC = 132;
/** Columns of op(B) per block (multiple of NR; a 28×28 feature map fits in one). */
const NC = 1024;

/** Most values of a sample (X) and of its two offset tables (I) the kernel gathers fields from itself. */
const X_CAP = 1 << 18;
const I_CAP = 1 << 16;

/** Float offsets of the regions in linear memory (the first 1 KB is left to the module). */
const A_AT = 256;
const B_AT = A_AT + MC * KC;
const C_AT = B_AT + KC * NC;
const X_AT = C_AT + MC * NC;
const I_AT = X_AT + X_CAP;
const FLOATS = I_AT + I_CAP;

/**
 * Writes op(B) rows [pc, pc+kc), columns [jc, jc+nc) into w from `base` as p-major panels of `nr`
 * columns (zero past the edge). A writer of receptive fields may also describe them (`fields`), so
 * that the WebAssembly kernel gathers them itself.
 */
export type PanelWriter = ((
  w: Float32Array | Float64Array,
  base: number,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
  nr: number,
) => void) & { fields?: FieldsSource };

/** op(B)[r][c] = xp[base + rows[r] + cols[c]], with the sample's values at xp[base, base + size). */
export interface FieldsSource {
  rows: Int32Array;
  cols: Int32Array;
  size: number;
  state: { xp: FloatArray; base: number };
}

/** The part of the `WebAssembly` global the loader needs (the engine's lib has no DOM/Node types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  /** A fixed-size memory to import (the compiled training steps' arena, ../../backprop/wasm/arena.ts). */
  Memory?: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}

type I32x8 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => void;

interface Kernel {
  /** gemm(kc, mc, nc, a, b, c, ldc, acc): byte addresses. */
  gemm: I32x8;
  /** packFields(dst, x, rows, cols, pc, kc, jc, nc): byte addresses. */
  packFields: I32x8;
  /** Float32 and int32 views of the whole linear memory (it never grows after loading). */
  f: Float32Array;
  i: Int32Array;
}

let kernel: Kernel | null = null;
let loaded = false;
let wasmProducts = 0;

export function globalWasm(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | alphabet.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The compiled kernel's bytes (for the drift test and size checks). */
export function gemmModuleBytes(): Uint8Array {
  return decodeBase64(GEMM_WASM_BASE64);
}

/**
 * (Re)loads the kernel from `api` (default: the global WebAssembly); with null (no WebAssembly), or
 * one without SIMD, float32 products stay on the JavaScript kernel. Returns whether the WebAssembly
 * kernel is in use.
 */
export function loadGemmKernel(api: WasmApi | null = globalWasm()): boolean {
  loaded = true;
  kernel = null;
  try {
    const bytes = gemmModuleBytes();
    if (!api || !api.validate(bytes)) return false;
    const instance = new api.Instance(new api.Module(bytes), {});
    const memory = instance.exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    const need = Math.ceil((FLOATS * 4) / 65536);
    const have = memory.buffer.byteLength / 65536;
    if (have < need) memory.grow(need - have);
    kernel = {
      gemm: instance.exports.gemm as I32x8,
      packFields: instance.exports.packFields as I32x8,
      f: new Float32Array(memory.buffer),
      i: new Int32Array(memory.buffer),
    };
  } catch {
    kernel = null;
  }
  return kernel !== null;
}

/** Which kernel float32 products use: 'wasm-simd' or 'js'. */
export function gemmBackend(): 'wasm-simd' | 'js' {
  if (!loaded) loadGemmKernel();
  return kernel ? 'wasm-simd' : 'js';
}

/** How many products the WebAssembly kernel has computed since the module loaded (for tests). */
export function wasmGemmCount(): number {
  return wasmProducts;
}

/** Packs op(A) rows [ic, ic+mc), columns [pc, pc+kc) into f from A_AT (panels of MR rows, zero-padded). */
function packA(
  f: Float32Array,
  a: FloatArray,
  transA: boolean,
  m: number,
  k: number,
  pc: number,
  kc: number,
  ic: number,
  mc: number,
): void {
  let dst = A_AT;
  for (let i0 = 0; i0 < mc; i0 += WASM_MR) {
    const rows = Math.min(WASM_MR, mc - i0);
    for (let r = 0; r < WASM_MR; r++) {
      if (r >= rows) {
        for (let p = 0, d = dst + r; p < kc; p++, d += WASM_MR) f[d] = 0;
      } else if (transA) {
        // A stored k×m: op(A)[i][p] = a[p·m + i].
        for (let p = 0, d = dst + r, s = pc * m + ic + i0 + r; p < kc; p++, d += WASM_MR, s += m) f[d] = a[s]!;
      } else {
        for (let p = 0, d = dst + r, s = (ic + i0 + r) * k + pc; p < kc; p++, d += WASM_MR) f[d] = a[s++]!;
      }
    }
    dst += kc * WASM_MR;
  }
}

/** The packer of a stored B (k×n, or n×k when transB). */
export function storedPanels(b: FloatArray, k: number, n: number, transB: boolean): PanelWriter {
  return (w, at, pc, kc, jc, nc, nr) => {
    for (let j0 = 0; j0 < nc; j0 += nr) {
      const cols = Math.min(nr, nc - j0);
      if (!transB && cols === nr) {
        for (let p = 0, d = at, s = (pc + p) * n + jc + j0; p < kc; p++, d += nr, s += n)
          for (let q = 0; q < nr; q++) w[d + q] = b[s + q]!;
      } else {
        for (let q = 0; q < nr; q++) {
          if (q >= cols) for (let p = 0, d = at + q; p < kc; p++, d += nr) w[d] = 0;
          else if (transB) for (let p = 0, d = at + q, s = (jc + j0 + q) * k + pc; p < kc; p++, d += nr) w[d] = b[s++]!;
          else for (let p = 0, d = at + q, s = pc * n + jc + j0 + q; p < kc; p++, d += nr, s += n) w[d] = b[s]!;
        }
      }
      at += kc * nr;
    }
  };
}

/**
 * C = op(A)·op(B) (or C += with accumulate) on the WebAssembly kernel, op(B) [k×n] packed by packB,
 * C's rows at c[c0 + i·ldc]. Returns false (and computes nothing) when the kernel is not loaded.
 */
export function wasmMatmul(
  a: FloatArray,
  transA: boolean,
  packB: PanelWriter,
  c: FloatArray,
  c0: number,
  ldc: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): boolean {
  if (!loaded) loadGemmKernel();
  if (!kernel) return false;
  const { gemm, packFields, f, i: ints } = kernel;
  wasmProducts++;
  const src = packB.fields;
  let gather = false;
  if (src && src.state.xp instanceof Float32Array && src.size <= X_CAP && src.rows.length + src.cols.length <= I_CAP) {
    // The sample and its offset tables go into linear memory once; the kernel gathers every panel.
    f.set(src.state.xp.subarray(src.state.base, src.state.base + src.size), X_AT);
    ints.set(src.rows, I_AT);
    ints.set(src.cols, I_AT + src.rows.length);
    gather = true;
  }
  const colsAt = src ? (I_AT + src.rows.length) * 4 : 0;
  // Equal k blocks (784 → 4 × 196 rather than 3 × 256 + 16).
  const kcStep = Math.ceil(k / Math.ceil(k / KC));
  for (let ic = 0; ic < m; ic += MC) {
    const mc = Math.min(MC, m - ic);
    const mcPad = Math.ceil(mc / WASM_MR) * WASM_MR;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      const ncPad = Math.ceil(nc / WASM_NR) * WASM_NR;
      for (let pc = 0; pc < k; pc += kcStep) {
        const kc = Math.min(kcStep, k - pc);
        packA(f, a, transA, m, k, pc, kc, ic, mc);
        if (gather) packFields(B_AT * 4, X_AT * 4, I_AT * 4, colsAt, pc, kc, jc, nc);
        else packB(f, B_AT, pc, kc, jc, nc, WASM_NR);
        gemm(kc, mcPad, ncPad, A_AT * 4, B_AT * 4, C_AT * 4, ncPad, pc > 0 ? 1 : 0);
      }
      for (let r = 0; r < mc; r++) {
        const o = c0 + (ic + r) * ldc + jc;
        const t = C_AT + r * ncPad;
        if (accumulate) for (let q = 0; q < nc; q++) c[o + q] += f[t + q]!;
        else if (c instanceof Float32Array) c.set(f.subarray(t, t + nc), o);
        else for (let q = 0; q < nc; q++) c[o + q] = f[t + q]!;
      }
    }
  }
  return true;
}
