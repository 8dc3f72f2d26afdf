/**
 * 2-D convolution kernels for the eager engine, on the blocked matrix product (./matmul.ts):
 *
 *   forward        y_s   [F, P]      = W [F, CKK] · fields_s [CKK, P]        per sample s
 *   filter grad    dW    [F, CKK]   += g_s [F, P] · fields_sᵀ [P, CKK]       per sample s
 *   input grad     dcols [CKK, n·P]  = Wᵀ · g'   then folded back (col2im, summing overlaps)
 *
 * where P = OH·OW and fields_s are the receptive fields of sample s (im2col). The product packs the
 * fields straight from a zero-padded copy of the sample through two offset tables, so the unfolded
 * matrix is never written out. The input gradient's g' holds a chunk of samples side by side (one
 * transpose from NCHW); chunks bound its scratch (COLS_BUDGET values), allocated once per kernel.
 * Layouts are row-major NCHW; filters are [F, C, KH, KW] (PyTorch's and ONNX's layout).
 */
import { matmul, matmulPackedB, type PanelPacker } from './matmul.ts';
import { allocate, type FloatArray } from './tensor.ts';
import type { Window2d } from './window.ts';

/** Concrete sizes of one convolution. */
export interface ConvDims {
  n: number;
  c: number;
  h: number;
  w: number;
  f: number;
  oh: number;
  ow: number;
  win: Window2d;
}

/** Most values one chunk of the input gradient's columns holds (8 MB in float32). */
const COLS_BUDGET = 1 << 21;

function plan(d: ConvDims): { ckk: number; p: number; chunk: number } {
  const ckk = d.c * d.win.kernel[0] * d.win.kernel[1];
  const p = d.oh * d.ow;
  const chunk = Math.max(1, Math.min(d.n, Math.floor(COLS_BUDGET / Math.max(1, ckk * p))));
  return { ckk, p, chunk };
}

/** For one kernel tap j along an axis: the output positions [lo, hi) whose input index stays inside [0, size). */
function validRange(out: number, size: number, stride: number, offset: number): [number, number] {
  // input index = o * stride + offset, needs 0 <= idx < size
  const lo = offset >= 0 ? 0 : Math.ceil(-offset / stride);
  const hi = Math.min(out, Math.floor((size - 1 - offset) / stride) + 1);
  return [Math.min(lo, out), Math.max(Math.min(lo, out), hi)];
}

/** Fold dcols [CKK, nb·P] back into samples [n0, n0 + nb) of dx, summing where fields overlap. */
function col2im(dcols: FloatArray, d: ConvDims, n0: number, nb: number, dx: FloatArray): void {
  const { c: C, h: H, w: W, oh: OH, ow: OW, win } = d;
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const [pt, pl] = win.pads;
  const [dh, dw] = win.dilation;
  const P = OH * OW;
  const L = nb * P;
  let row = 0;
  for (let ci = 0; ci < C; ci++) {
    for (let i = 0; i < kh; i++) {
      const hOff = i * dh - pt;
      const [a0, a1] = validRange(OH, H, sh, hOff);
      for (let j = 0; j < kw; j++, row++) {
        const wOff = j * dw - pl;
        const [b0, b1] = validRange(OW, W, sw, wOff);
        const base = row * L;
        for (let s = 0; s < nb; s++) {
          const xPlane = ((n0 + s) * C + ci) * H * W;
          const o0 = base + s * P;
          for (let a = a0; a < a1; a++) {
            const o = o0 + a * OW;
            const xr = xPlane + (a * sh + hOff) * W + wOff;
            if (sw === 1) for (let b = b0; b < b1; b++) dx[xr + b] += dcols[o + b]!;
            else for (let b = b0, xi = xr + b0 * sw; b < b1; b++, xi += sw) dx[xi] += dcols[o + b]!;
          }
        }
      }
    }
  }
}

/** Samples side by side [F, nb·P] from NCHW [nb, F, P] (or back, with `back`). */
function interleave(src: FloatArray, dst: FloatArray, f: number, nb: number, p: number, back: boolean): void {
  for (let s = 0; s < nb; s++) {
    for (let k = 0; k < f; k++) {
      const nchw = (s * f + k) * p;
      const side = k * nb * p + s * p;
      if (back) for (let q = 0; q < p; q++) dst[nchw + q] = src[side + q]!;
      else for (let q = 0; q < p; q++) dst[side + q] = src[nchw + q]!;
    }
  }
}

/**
 * Where the receptive fields of one sample lie in its zero-padded copy: tap kk = (c, i, j) of the
 * kernel at output position q = (a, b) reads xpad[tap[kk] + pos[q]]. With these two offset tables
 * the matrix product packs the unfolded image straight from the padded copy (no im2col pass).
 */
interface Unfolding {
  tap: Int32Array;
  pos: Int32Array;
  /** Values per padded sample, and whether padding is needed at all. */
  size: number;
  padded: boolean;
  /** Copy sample s of x into the padded buffer (zeros around it stay zero). */
  pad(x: FloatArray, s: number, into: FloatArray): void;
}

function unfolding(d: ConvDims): Unfolding {
  const { c: C, h: H, w: W, oh: OH, ow: OW, win } = d;
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const [pt, pl, pb, pr] = win.pads;
  const [dh, dw] = win.dilation;
  const hp = H + pt + pb;
  const wp = W + pl + pr;
  const tap = new Int32Array(C * kh * kw);
  for (let ci = 0, k = 0; ci < C; ci++)
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) tap[k++] = ci * hp * wp + i * dh * wp + j * dw;
  const pos = new Int32Array(OH * OW);
  for (let a = 0, q = 0; a < OH; a++) for (let b = 0; b < OW; b++) pos[q++] = a * sh * wp + b * sw;
  return {
    tap,
    pos,
    size: C * hp * wp,
    padded: pt + pl + pb + pr > 0,
    pad(x, s, into) {
      for (let ci = 0; ci < C; ci++)
        for (let r = 0; r < H; r++) {
          const src = ((s * C + ci) * H + r) * W;
          into.set(x.subarray(src, src + W), ci * hp * wp + (r + pt) * wp + pl);
        }
    },
  };
}

/**
 * Packs op(B) of the unfolded sample from xp starting at `base`: element (r, c) is
 * xp[base + rows[r] + cols[c]]. With rows = taps and cols = positions it is the fields matrix
 * [taps × positions] (forward); with rows = positions and cols = taps its transpose (filter gradient).
 */
function fieldsPacker(
  rows: Int32Array,
  cols: Int32Array,
  size: number,
  state: { xp: FloatArray; base: number },
): PanelPacker {
  const packer: PanelPacker = (w, at, pc, kc, jc, nc, nr) => {
    const { xp, base } = state;
    for (let j0 = 0; j0 < nc; j0 += nr) {
      const width = Math.min(nr, nc - j0);
      const q = jc + j0;
      // Whole panels of the two widths the kernels use (4 in JavaScript, 8 in WebAssembly) read their
      // columns' offsets once and write each row of the panel in one go.
      if (width === 8) {
        const o0 = base + cols[q]!,
          o1 = base + cols[q + 1]!,
          o2 = base + cols[q + 2]!,
          o3 = base + cols[q + 3]!;
        const o4 = base + cols[q + 4]!,
          o5 = base + cols[q + 5]!,
          o6 = base + cols[q + 6]!,
          o7 = base + cols[q + 7]!;
        for (let p = 0, d = at; p < kc; p++, d += 8) {
          const t = rows[pc + p]!;
          w[d] = xp[t + o0]!;
          w[d + 1] = xp[t + o1]!;
          w[d + 2] = xp[t + o2]!;
          w[d + 3] = xp[t + o3]!;
          w[d + 4] = xp[t + o4]!;
          w[d + 5] = xp[t + o5]!;
          w[d + 6] = xp[t + o6]!;
          w[d + 7] = xp[t + o7]!;
        }
      } else if (width === 4 && nr === 4) {
        const o0 = base + cols[q]!,
          o1 = base + cols[q + 1]!,
          o2 = base + cols[q + 2]!,
          o3 = base + cols[q + 3]!;
        for (let p = 0, d = at; p < kc; p++, d += 4) {
          const t = rows[pc + p]!;
          w[d] = xp[t + o0]!;
          w[d + 1] = xp[t + o1]!;
          w[d + 2] = xp[t + o2]!;
          w[d + 3] = xp[t + o3]!;
        }
      } else {
        for (let p = 0, d = at; p < kc; p++, d += nr) {
          const t = base + rows[pc + p]!;
          for (let r = 0; r < nr; r++) w[d + r] = r < width ? xp[t + cols[q + r]!]! : 0;
        }
      }
      at += kc * nr;
    }
  };
  packer.fields = { rows, cols, size, state };
  return packer;
}

/** The padded copy of each sample in turn (or x itself, without padding): calls body(s) with state set. */
function eachSample(
  x: FloatArray,
  d: ConvDims,
  u: Unfolding,
  scratch: FloatArray | null,
  state: { xp: FloatArray; base: number },
  body: (s: number) => void,
): void {
  for (let s = 0; s < d.n; s++) {
    if (scratch) {
      u.pad(x, s, scratch);
      state.xp = scratch;
      state.base = 0;
    } else {
      state.xp = x;
      state.base = s * u.size;
    }
    body(s);
  }
}

/** y [N, F, OH, OW] = conv(x [N, C, H, W], w [F, C, KH, KW]), sample by sample; returns the kernel. */
export function conv2dKernel(x: FloatArray, w: FloatArray, y: FloatArray, d: ConvDims): () => void {
  const u = unfolding(d);
  const p = d.oh * d.ow;
  const ckk = u.tap.length;
  const scratch = u.padded ? allocate(y instanceof Float64Array ? 'float64' : 'float32', u.size) : null;
  const state = { xp: x, base: 0 };
  const packB = fieldsPacker(u.tap, u.pos, u.size, state);
  return () =>
    eachSample(x, d, u, scratch, state, (s) => matmulPackedB(w, false, packB, y, s * d.f * p, p, d.f, ckk, p, false));
}

/** dw [F, C, KH, KW] = Σ over samples and positions of g [N, F, OH, OW] times the receptive fields of x. */
export function conv2dFilterGradKernel(x: FloatArray, g: FloatArray, dw: FloatArray, d: ConvDims): () => void {
  const u = unfolding(d);
  const p = d.oh * d.ow;
  const ckk = u.tap.length;
  const scratch = u.padded ? allocate(dw instanceof Float64Array ? 'float64' : 'float32', u.size) : null;
  const state = { xp: x, base: 0 };
  const packB = fieldsPacker(u.pos, u.tap, u.size, state);
  return () => {
    if (d.n === 0) dw.fill(0);
    eachSample(x, d, u, scratch, state, (s) =>
      matmulPackedB(g.subarray(s * d.f * p), false, packB, dw, 0, ckk, d.f, p, ckk, s > 0),
    );
  };
}

/** dx [N, C, H, W] from g [N, F, OH, OW] and w: the transposed convolution. */
export function conv2dInputGradKernel(g: FloatArray, w: FloatArray, dx: FloatArray, d: ConvDims): () => void {
  const { ckk, p, chunk } = plan(d);
  const dtype = dx instanceof Float64Array ? 'float64' : 'float32';
  const dcols = allocate(dtype, ckk * chunk * p);
  const side = chunk > 1 ? allocate(dtype, d.f * chunk * p) : null;
  return () => {
    dx.fill(0);
    for (let n0 = 0; n0 < d.n; n0 += chunk) {
      const nb = Math.min(chunk, d.n - n0);
      let gs: FloatArray;
      if (nb === 1) gs = g.subarray(n0 * d.f * p);
      else {
        interleave(g.subarray(n0 * d.f * p), side!, d.f, nb, p, false);
        gs = side!;
      }
      matmul(w, gs, dcols, ckk, d.f, nb * p, true, false, false);
      col2im(dcols, d, n0, nb, dx);
    }
  };
}
