/** Deterministic values in [-1, 1) (xorshift from `seed`), so failures reproduce; the tensor tests' one filler. */
export function filled<T extends Float32Array | Float64Array>(
  make: new (n: number) => T,
  len: number,
  seed: number,
): T {
  const out = new make(len);
  let s = seed | 0 || 1;
  for (let i = 0; i < len; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2147483648 - 1;
  }
  return out;
}
