/**
 * 2-D convolution kernels for the eager engine, by im2col and the blocked matrix product
 * (./matmul.ts): the receptive fields of a chunk of samples are unfolded into the columns of one
 * matrix `cols` [C·KH·KW, n·OH·OW], so that
 *
 *   forward        y'  [F, n·P]      = W [F, CKK] · cols
 *   filter grad    dW  [F, CKK]     += g' [F, n·P] · colsᵀ
 *   input grad     dcols [CKK, n·P]  = Wᵀ · g'      then folded back (col2im, summing overlaps)
 *
 * where P = OH·OW and g', y' hold the samples side by side (one transpose from and to NCHW). One
 * large product per chunk keeps the matmul's packing cost small next to its arithmetic. Chunks of
 * samples bound the scratch memory (COLS_BUDGET values), which is allocated once per kernel.
 * Layouts are row-major NCHW; filters are [F, C, KH, KW] (PyTorch's and ONNX's layout).
 */
import { matmul } from './matmul.ts';
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

/** Most values one im2col chunk holds (8 MB in float32). */
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

/** Unfold samples [n0, n0 + nb) of x into cols [CKK, nb·P]. */
function im2col(x: FloatArray, d: ConvDims, n0: number, nb: number, cols: FloatArray): void {
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
          if (a0 > 0) cols.fill(0, o0, o0 + a0 * OW);
          if (a1 < OH) cols.fill(0, o0 + a1 * OW, o0 + P);
          for (let a = a0; a < a1; a++) {
            const o = o0 + a * OW;
            const xr = xPlane + (a * sh + hOff) * W + wOff;
            for (let b = 0; b < b0; b++) cols[o + b] = 0;
            if (sw === 1) for (let b = b0; b < b1; b++) cols[o + b] = x[xr + b]!;
            else for (let b = b0, xi = xr + b0 * sw; b < b1; b++, xi += sw) cols[o + b] = x[xi]!;
            for (let b = b1; b < OW; b++) cols[o + b] = 0;
          }
        }
      }
    }
  }
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

/** y [N, F, OH, OW] = conv(x [N, C, H, W], w [F, C, KH, KW]); returns the kernel with its scratch. */
export function conv2dKernel(x: FloatArray, w: FloatArray, y: FloatArray, d: ConvDims): () => void {
  const { ckk, p, chunk } = plan(d);
  const dtype = y instanceof Float64Array ? 'float64' : 'float32';
  const cols = allocate(dtype, ckk * chunk * p);
  const side = chunk > 1 ? allocate(dtype, d.f * chunk * p) : null;
  return () => {
    for (let n0 = 0; n0 < d.n; n0 += chunk) {
      const nb = Math.min(chunk, d.n - n0);
      im2col(x, d, n0, nb, cols);
      if (nb === 1) {
        matmul(w, cols, y.subarray(n0 * d.f * p), d.f, ckk, p, false, false, false);
      } else {
        matmul(w, cols, side!, d.f, ckk, nb * p, false, false, false);
        interleave(side!, y.subarray(n0 * d.f * p), d.f, nb, p, true);
      }
    }
  };
}

/** dw [F, C, KH, KW] = Σ over samples and positions of g [N, F, OH, OW] times the receptive fields of x. */
export function conv2dFilterGradKernel(x: FloatArray, g: FloatArray, dw: FloatArray, d: ConvDims): () => void {
  const { ckk, p, chunk } = plan(d);
  const dtype = dw instanceof Float64Array ? 'float64' : 'float32';
  const cols = allocate(dtype, ckk * chunk * p);
  const side = chunk > 1 ? allocate(dtype, d.f * chunk * p) : null;
  return () => {
    for (let n0 = 0; n0 < d.n; n0 += chunk) {
      const nb = Math.min(chunk, d.n - n0);
      im2col(x, d, n0, nb, cols);
      let gs: FloatArray;
      if (nb === 1) gs = g.subarray(n0 * d.f * p);
      else {
        interleave(g.subarray(n0 * d.f * p), side!, d.f, nb, p, false);
        gs = side!;
      }
      matmul(gs, cols, dw, d.f, nb * p, ckk, false, true, n0 > 0);
    }
    if (d.n === 0) dw.fill(0);
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
