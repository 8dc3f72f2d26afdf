/**
 * The geometry of a 2-D sliding window (convolution and pooling): kernel size, stride, zero padding
 * and dilation, and the output size they give. One place for the arithmetic that the kernels, the
 * op records, the layers' shape checks and the ONNX lowering all need.
 */

export interface Window2d {
  /** Kernel height and width. */
  kernel: readonly [number, number];
  stride: readonly [number, number];
  /** Zero padding: top, left, bottom, right. */
  pads: readonly [number, number, number, number];
  dilation: readonly [number, number];
}

/** Output length along one axis (floor mode, as PyTorch and ONNX compute it); < 1 when the window does not fit. */
export function windowOutSize(size: number, k: number, stride: number, padBegin: number, padEnd: number, dilation = 1) {
  return Math.floor((size + padBegin + padEnd - dilation * (k - 1) - 1) / stride) + 1;
}

/** Output height and width of a window over an h × w plane. */
export function windowOut(win: Window2d, h: number, w: number): [number, number] {
  return [
    windowOutSize(h, win.kernel[0], win.stride[0], win.pads[0], win.pads[2], win.dilation[0]),
    windowOutSize(w, win.kernel[1], win.stride[1], win.pads[1], win.pads[3], win.dilation[1]),
  ];
}

/**
 * 'same' padding for one axis: the output has ceil(size / stride) positions and the extra padding,
 * when it is odd, goes at the end (ONNX SAME_UPPER, TensorFlow).
 */
export function samePadding(size: number, k: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + dilation * (k - 1) + 1 - size);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** Whether the padding is the same on both sides of each axis (PyTorch modules take one number per axis). */
export function symmetricPads(win: Window2d): boolean {
  return win.pads[0] === win.pads[2] && win.pads[1] === win.pads[3];
}
