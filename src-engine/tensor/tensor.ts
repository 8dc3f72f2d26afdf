/** Dense row-major tensors on typed arrays. float64 exists for gradient checks and golden tests. */

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export interface Tensor {
  shape: number[];
  data: FloatArray;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A zero-filled buffer of the given dtype. */
export function allocate(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** A tensor of zeros. */
export function zeros(shape: number[], dtype: DType = 'float32'): Tensor {
  return { shape: [...shape], data: allocate(dtype, sizeOf(shape)) };
}
