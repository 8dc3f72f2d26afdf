/**
 * 2-D pooling kernels (NCHW, per channel). Max pooling takes the first maximum of each window in
 * row-major order (strictly greater replaces), as PyTorch and ONNX Runtime do, so its gradient goes
 * to the same element in all three. Padding never wins a max; average pooling counts padded zeros
 * in its divisor (PyTorch's count_include_pad=True, ONNX's count_include_pad=1).
 */
import type { FloatArray } from './tensor.ts';
import type { Window2d } from './window.ts';

/** Concrete sizes of one pooling: planes = N·C. */
export interface PoolDims {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  win: Window2d;
}

/** Calls visit for every output position with its input plane's offset and the window's valid rows [h0, h1) and columns [w0, w1) (stepping by the dilation). */
function forEachWindow(
  d: PoolDims,
  visit: (inPlane: number, out: number, h0: number, h1: number, w0: number, w1: number) => void,
): void {
  const { planes, h: H, w: W, oh: OH, ow: OW, win } = d;
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const [pt, pl] = win.pads;
  const [dh, dw] = win.dilation;
  let out = 0;
  for (let q = 0; q < planes; q++) {
    const inPlane = q * H * W;
    for (let a = 0; a < OH; a++) {
      const hs = a * sh - pt;
      // first and last tap rows inside the plane
      const i0 = hs >= 0 ? 0 : Math.ceil(-hs / dh);
      const i1 = Math.min(kh, Math.floor((H - 1 - hs) / dh) + 1);
      for (let b = 0; b < OW; b++, out++) {
        const ws = b * sw - pl;
        const j0 = ws >= 0 ? 0 : Math.ceil(-ws / dw);
        const j1 = Math.min(kw, Math.floor((W - 1 - ws) / dw) + 1);
        visit(inPlane, out, hs + i0 * dh, hs + i1 * dh, ws + j0 * dw, ws + j1 * dw);
      }
    }
  }
}

/** No padding and no dilation (the usual 2×2 pools): every window lies inside the plane. */
function plain(d: PoolDims): boolean {
  return d.win.pads.every((p) => p === 0) && d.win.dilation.every((v) => v === 1);
}

/** The input offset of every window's first pixel, by output index, for a plain pooling. */
function plainWindows(d: PoolDims): { starts: Int32Array } {
  const { planes, h: H, w: W, oh: OH, ow: OW, win } = d;
  const starts = new Int32Array(planes * OH * OW);
  let out = 0;
  for (let q = 0; q < planes; q++)
    for (let a = 0; a < OH; a++)
      for (let b = 0; b < OW; b++) starts[out++] = q * H * W + a * win.stride[0] * W + b * win.stride[1];
  return { starts };
}

export function maxPoolKernel(x: FloatArray, y: FloatArray, d: PoolDims): () => void {
  if (plain(d)) {
    const { starts } = plainWindows(d);
    const [kh, kw] = d.win.kernel;
    const W = d.w;
    const n = starts.length;
    return () => {
      for (let o = 0; o < n; o++) {
        const s = starts[o]!;
        let m = -Infinity;
        for (let i = 0, r = s; i < kh; i++, r += W) for (let j = 0; j < kw; j++) if (x[r + j]! > m) m = x[r + j]!;
        y[o] = m;
      }
    };
  }
  const [dh, dw] = d.win.dilation;
  const W = d.w;
  return () =>
    forEachWindow(d, (plane, out, h0, h1, w0, w1) => {
      let m = -Infinity;
      for (let h = h0; h < h1; h += dh)
        for (let w = w0, o = plane + h * W + w0; w < w1; w += dw, o += dw) if (x[o]! > m) m = x[o]!;
      y[out] = m;
    });
}

/** dx = g routed to the first maximum of each window (summed where windows overlap). */
export function maxPoolGradKernel(x: FloatArray, g: FloatArray, dx: FloatArray, d: PoolDims): () => void {
  if (plain(d)) {
    const { starts } = plainWindows(d);
    const [kh, kw] = d.win.kernel;
    const W = d.w;
    const n = starts.length;
    return () => {
      dx.fill(0);
      for (let o = 0; o < n; o++) {
        const s = starts[o]!;
        let m = -Infinity;
        let at = s;
        for (let i = 0, r = s; i < kh; i++, r += W)
          for (let j = 0; j < kw; j++)
            if (x[r + j]! > m) {
              m = x[r + j]!;
              at = r + j;
            }
        dx[at] += g[o]!;
      }
    };
  }
  const [dh, dw] = d.win.dilation;
  const W = d.w;
  return () => {
    dx.fill(0);
    forEachWindow(d, (plane, out, h0, h1, w0, w1) => {
      let m = -Infinity;
      let at = -1;
      for (let h = h0; h < h1; h += dh)
        for (let w = w0, o = plane + h * W + w0; w < w1; w += dw, o += dw)
          if (x[o]! > m) {
            m = x[o]!;
            at = o;
          }
      if (at >= 0) dx[at] += g[out]!;
    });
  };
}

export function avgPoolKernel(x: FloatArray, y: FloatArray, d: PoolDims): () => void {
  const [dh, dw] = d.win.dilation;
  const W = d.w;
  const inv = 1 / (d.win.kernel[0] * d.win.kernel[1]);
  return () =>
    forEachWindow(d, (plane, out, h0, h1, w0, w1) => {
      let s = 0;
      for (let h = h0; h < h1; h += dh) for (let w = w0, o = plane + h * W + w0; w < w1; w += dw, o += dw) s += x[o]!;
      y[out] = s * inv;
    });
}

/** dx: each window's gradient spread evenly over its kernel_h · kernel_w taps (padding included). */
export function avgPoolGradKernel(g: FloatArray, dx: FloatArray, d: PoolDims): () => void {
  const [dh, dw] = d.win.dilation;
  const W = d.w;
  const inv = 1 / (d.win.kernel[0] * d.win.kernel[1]);
  return () => {
    dx.fill(0);
    forEachWindow(d, (plane, out, h0, h1, w0, w1) => {
      const v = g[out]! * inv;
      for (let h = h0; h < h1; h += dh) for (let w = w0, o = plane + h * W + w0; w < w1; w += dw, o += dw) dx[o] += v;
    });
  };
}
