/**
 * Pure-TypeScript general matrix multiplication (GEMM) for the engine's interpreter.
 *
 *   C[m×n] = op(A)·op(B)        (or C += op(A)·op(B) when `accumulate`)
 *
 * Layout is row-major throughout. op(A) is m×k: A is stored m×k, or k×m when `transA`.
 * op(B) is k×n: B is stored k×n, or n×k when `transB`.
 *
 * Strategy (GotoBLAS-style, measured in bench/matmul-micro.ts):
 *  - op(A) and op(B) are packed, block by block, into one preallocated Float64Array scratch
 *    buffer: A in panels of MR rows (p-major, MR values per p), B in panels of NR columns
 *    (p-major, NR values per p), zero-padded to whole panels. Packing absorbs the transpositions
 *    and the input dtype, so the hot micro-kernel only ever sees one Float64Array and stays
 *    monomorphic whether the caller works in float32 or float64.
 *  - The micro-kernel keeps an MR×NR = 3×4 tile of C in local variables (registers) and walks
 *    k, doing MR+NR loads per MR·NR multiply-adds. Products accumulate in float64 and are rounded
 *    to the output dtype once per k block (KC deep) on the store.
 *  - Blocking over k (KC), rows of A (MC) and columns of B (NC) keeps the packed B sliver in L1
 *    and the packed A block in L2 for big products (e.g. 128×784 · 784×128).
 *  - Tiny products and matrix-vector products skip the packing and use a direct loop.
 *
 * Float32 outputs go to the WebAssembly SIMD kernel (./wasm/gemm.ts: float32 accumulation, as
 * PyTorch and ONNX Runtime do) where the runtime has it; float64 outputs (gradient checks) and
 * runtimes without WebAssembly SIMD use the kernel below.
 *
 * The scratch buffer is allocated once at module load and reused by every call (matmul never
 * allocates). Not re-entrant, which is fine: it is synchronous. a, b and c must not alias.
 */
import type { FloatArray } from './tensor.ts';
import { storedPanels, wasmMatmul, type PanelWriter } from './wasm/gemm.ts';

/** Micro-tile height (rows of C per kernel call). */
const MR = 3;
/** Micro-tile width (columns of C per kernel call). */
const NR = 4;
/** Depth of a k block. */
const KC = 256;
/** Rows of op(A) per packed block (multiple of MR; 129 keeps a batch of 128 in one block). */
const MC = 129;
/** Columns of op(B) per packed block (multiple of NR). */
const NC = 512;
/** At or below this many multiply-adds the direct loop beats packing (measured: 4³ direct is ~2×
 *  faster, 8³ packed is ~2× faster). */
const SMALL_MACS = 4096;

/**
 * Packing scratch, sized once for the largest blocks (1.3 MB): the packed A block at W[0..MC·KC),
 * the packed B block at W[B_BASE..). A module constant rather than a parameter: the micro-kernel
 * reads a single array, which V8 keeps monomorphic and measured slightly faster.
 */
const B_BASE = MC * KC;
const W = new Float64Array(MC * KC + KC * NC);

/**
 * C[m×n] = op(A)·op(B) (or C += when accumulate). op(A) is m×k, op(B) is k×n; all row-major.
 * transA: A is stored k×m; transB: B is stored n×k.
 */
export function matmul(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(
      `matmul: buffers too small for m=${m} k=${k} n=${n} (a ${a.length}, b ${b.length}, c ${c.length})`,
    );
  }
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) c.fill(0, 0, m * n);
    return;
  }
  // Matrix-vector products (m or n = 1) would waste most of a micro-tile; the direct loop is faster.
  if (m * k * n <= SMALL_MACS || m === 1 || n === 1) {
    smallMatmul(a, b, c, m, k, n, transA, transB, accumulate);
    return;
  }
  if (c instanceof Float32Array && wasmMatmul(a, transA, storedPanels(b, k, n, transB), c, 0, n, m, k, n, accumulate))
    return;
  // Split k into equal blocks (784 → 4 × 196 rather than 3 × 256 + 16).
  const kBlocks = Math.ceil(k / KC);
  const kcStep = Math.ceil(k / kBlocks);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = Math.min(kcStep, k - pc);
      const acc = accumulate || pc > 0;
      if (transB) packBT(b, k, pc, kc, jc, nc);
      else packBN(b, n, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (transA) packAT(a, m, pc, kc, ic, mc);
        else packAN(a, k, pc, kc, ic, mc);
        macroKernel(kc, mc, nc, c, ic * n + jc, n, acc);
      }
    }
  }
}

/**
 * Writes op(B) rows [pc, pc + kc), columns [jc, jc + nc) into `w` from `base` as packed panels of `nr`
 * columns (p-major, zero past the edge), exactly as packBN does: for a B that exists only
 * implicitly, such as the unfolded receptive fields of an image (src-engine/tensor/conv.ts).
 * `w` is the float64 scratch of the JavaScript kernel (nr = 4) or the float32 memory of the
 * WebAssembly kernel (nr = 8).
 */
export type PanelPacker = PanelWriter;

/**
 * C = op(A)·op(B) (or C += with accumulate) where op(B) [k×n] is packed block by block by `packB`,
 * and C's rows start at c[c0] with row stride ldc. A is stored m×k (k×m when transA).
 */
export function matmulPackedB(
  a: FloatArray,
  transA: boolean,
  packB: PanelPacker,
  c: FloatArray,
  c0: number,
  ldc: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, c0 + i * ldc, c0 + i * ldc + n);
    return;
  }
  if (c instanceof Float32Array && wasmMatmul(a, transA, packB, c, c0, ldc, m, k, n, accumulate)) return;
  const kBlocks = Math.ceil(k / KC);
  const kcStep = Math.ceil(k / kBlocks);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = Math.min(kcStep, k - pc);
      const acc = accumulate || pc > 0;
      packB(W, B_BASE, pc, kc, jc, nc, NR);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (transA) packAT(a, m, pc, kc, ic, mc);
        else packAN(a, k, pc, kc, ic, mc);
        macroKernel(kc, mc, nc, c, c0 + ic * ldc + jc, ldc, acc);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Packing. Destination panels are p-major: panel t of A holds, for p = 0..kc-1, the MR values
// op(A)[ic+t*MR+r][pc+p]; panel t of B holds the NR values op(B)[pc+p][jc+t*NR+q]. Rows/columns
// past the edge are zero so the micro-kernel can always compute whole tiles (the padded part of a
// tile is never stored; zeros rather than stale scratch avoid slow denormal arithmetic).
// ---------------------------------------------------------------------------------------------

/** Pack op(A) = A (stored m×k, leading dimension k) rows [ic, ic+mc), columns [pc, pc+kc). */
function packAN(a: FloatArray, k: number, pc: number, kc: number, ic: number, mc: number): void {
  let dst = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    if (rows === MR) {
      let s0 = (ic + i0) * k + pc;
      let s1 = s0 + k;
      let s2 = s1 + k;
      const end = dst + kc * MR;
      for (let d = dst; d < end; d += MR) {
        W[d] = a[s0++];
        W[d + 1] = a[s1++];
        W[d + 2] = a[s2++];
      }
    } else {
      for (let r = 0; r < MR; r++) {
        if (r < rows) {
          let s = (ic + i0 + r) * k + pc;
          for (let p = 0; p < kc; p++) W[dst + p * MR + r] = a[s++];
        } else {
          for (let p = 0; p < kc; p++) W[dst + p * MR + r] = 0;
        }
      }
    }
    dst += kc * MR;
  }
}

/** Pack op(A) = Aᵀ (A stored k×m, leading dimension m) rows [ic, ic+mc), columns [pc, pc+kc). */
function packAT(a: FloatArray, m: number, pc: number, kc: number, ic: number, mc: number): void {
  let dst = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    let s = pc * m + ic + i0;
    if (rows === MR) {
      const end = dst + kc * MR;
      for (let d = dst; d < end; d += MR) {
        W[d] = a[s];
        W[d + 1] = a[s + 1];
        W[d + 2] = a[s + 2];
        s += m;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = dst + p * MR;
        for (let r = 0; r < MR; r++) W[d + r] = r < rows ? a[s + r] : 0;
        s += m;
      }
    }
    dst += kc * MR;
  }
}

/** Pack op(B) = B (stored k×n, leading dimension n) rows [pc, pc+kc), columns [jc, jc+nc). */
function packBN(b: FloatArray, n: number, pc: number, kc: number, jc: number, nc: number): void {
  let dst = B_BASE;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    let s = pc * n + jc + j0;
    if (cols === NR) {
      const end = dst + kc * NR;
      for (let d = dst; d < end; d += NR) {
        W[d] = b[s];
        W[d + 1] = b[s + 1];
        W[d + 2] = b[s + 2];
        W[d + 3] = b[s + 3];
        s += n;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = dst + p * NR;
        for (let q = 0; q < NR; q++) W[d + q] = q < cols ? b[s + q] : 0;
        s += n;
      }
    }
    dst += kc * NR;
  }
}

/** Pack op(B) = Bᵀ (B stored n×k, leading dimension k) rows [pc, pc+kc), columns [jc, jc+nc). */
function packBT(b: FloatArray, k: number, pc: number, kc: number, jc: number, nc: number): void {
  let dst = B_BASE;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    if (cols === NR) {
      let s0 = (jc + j0) * k + pc;
      let s1 = s0 + k;
      let s2 = s1 + k;
      let s3 = s2 + k;
      const end = dst + kc * NR;
      for (let d = dst; d < end; d += NR) {
        W[d] = b[s0++];
        W[d + 1] = b[s1++];
        W[d + 2] = b[s2++];
        W[d + 3] = b[s3++];
      }
    } else {
      for (let q = 0; q < NR; q++) {
        if (q < cols) {
          let s = (jc + j0 + q) * k + pc;
          for (let p = 0; p < kc; p++) W[dst + p * NR + q] = b[s++];
        } else {
          for (let p = 0; p < kc; p++) W[dst + p * NR + q] = 0;
        }
      }
    }
    dst += kc * NR;
  }
}

// ---------------------------------------------------------------------------------------------
// Macro- and micro-kernel.
// ---------------------------------------------------------------------------------------------

/** Partial-tile staging area for edge tiles. */
const edgeTile = new Float64Array(MR * NR);

/**
 * Multiply the packed mc×kc block of A (at W[0..]) by the packed kc×nc block of B (at W[B_BASE..])
 * into C starting at c[c0] with row stride ldc; overwrite or accumulate.
 */
function macroKernel(kc: number, mc: number, nc: number, c: FloatArray, c0: number, ldc: number, acc: boolean): void {
  const aStep = kc * MR;
  const bStep = kc * NR;
  let bOff = B_BASE;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = nc - j0;
    let aOff = 0;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const rows = mc - i0;
      // 3×4 tile of C in locals: 12 accumulators + 3 a values + 1 b value fill x64's 16 vector
      // registers (V8 keeps one for scratch), so nearly nothing spills; 4×4 measured ~6% slower.
      let c00 = 0.0,
        c01 = 0.0,
        c02 = 0.0,
        c03 = 0.0;
      let c10 = 0.0,
        c11 = 0.0,
        c12 = 0.0,
        c13 = 0.0;
      let c20 = 0.0,
        c21 = 0.0,
        c22 = 0.0,
        c23 = 0.0;
      // `| 0` keeps the index arithmetic in int32 (no overflow checks in the hot loop).
      let ai = aOff | 0;
      let bi = bOff | 0;
      const aEnd = (aOff + aStep) | 0;
      while (ai < aEnd) {
        const a0 = W[ai],
          a1 = W[(ai + 1) | 0],
          a2 = W[(ai + 2) | 0];
        let bv = W[bi];
        c00 += a0 * bv;
        c10 += a1 * bv;
        c20 += a2 * bv;
        bv = W[(bi + 1) | 0];
        c01 += a0 * bv;
        c11 += a1 * bv;
        c21 += a2 * bv;
        bv = W[(bi + 2) | 0];
        c02 += a0 * bv;
        c12 += a1 * bv;
        c22 += a2 * bv;
        bv = W[(bi + 3) | 0];
        c03 += a0 * bv;
        c13 += a1 * bv;
        c23 += a2 * bv;
        ai = (ai + MR) | 0;
        bi = (bi + NR) | 0;
      }
      let o = c0 + i0 * ldc + j0;
      if (rows >= MR && cols >= NR) {
        if (acc) {
          c[o] += c00;
          c[o + 1] += c01;
          c[o + 2] += c02;
          c[o + 3] += c03;
          o += ldc;
          c[o] += c10;
          c[o + 1] += c11;
          c[o + 2] += c12;
          c[o + 3] += c13;
          o += ldc;
          c[o] += c20;
          c[o + 1] += c21;
          c[o + 2] += c22;
          c[o + 3] += c23;
        } else {
          c[o] = c00;
          c[o + 1] = c01;
          c[o + 2] = c02;
          c[o + 3] = c03;
          o += ldc;
          c[o] = c10;
          c[o + 1] = c11;
          c[o + 2] = c12;
          c[o + 3] = c13;
          o += ldc;
          c[o] = c20;
          c[o + 1] = c21;
          c[o + 2] = c22;
          c[o + 3] = c23;
        }
      } else {
        const t = edgeTile;
        t[0] = c00;
        t[1] = c01;
        t[2] = c02;
        t[3] = c03;
        t[4] = c10;
        t[5] = c11;
        t[6] = c12;
        t[7] = c13;
        t[8] = c20;
        t[9] = c21;
        t[10] = c22;
        t[11] = c23;
        const rr = rows < MR ? rows : MR;
        const cc = cols < NR ? cols : NR;
        for (let r = 0; r < rr; r++) {
          const orow = o + r * ldc;
          const trow = r * NR;
          if (acc) for (let q = 0; q < cc; q++) c[orow + q] += t[trow + q];
          else for (let q = 0; q < cc; q++) c[orow + q] = t[trow + q];
        }
      }
      aOff += aStep;
    }
    bOff += bStep;
  }
}

// ---------------------------------------------------------------------------------------------
// Direct path for tiny products (and a readable statement of the semantics).
// ---------------------------------------------------------------------------------------------

function smallMatmul(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): void {
  // op(A)[i][p] = a[i*sai + p*sap]; op(B)[p][j] = b[p*sbp + j*sbj].
  const sai = transA ? 1 : k;
  const sap = transA ? m : 1;
  const sbp = transB ? 1 : n;
  const sbj = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0.0;
      let ia = i * sai;
      let ib = j * sbj;
      for (let p = 0; p < k; p++) {
        s += a[ia] * b[ib];
        ia += sap;
        ib += sbp;
      }
      const o = i * n + j;
      if (accumulate) c[o] += s;
      else c[o] = s;
    }
  }
}
