/**
 * A natural logarithm accurate to far below half an ulp, so it rounds like a correctly rounded `log`.
 * NumPy's legacy normal sampler calls the C library's `log`; glibc's is within 0.52 ulp and agrees with
 * the correctly rounded value in all but ~0.05 % of arguments, while V8's `Math.log` differs in ~5 %.
 * `NumpyRandomState` uses this so its normals match NumPy's bit for bit in practically all cases
 * (the remaining cases are glibc's rounding errors, one ulp).
 *
 * Method: x = m · 2^k with m in [√½, √2); log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172:
 * log m = 2s·(1 + s²/3 + s⁴/5 + s⁶·t), with s, s², the first two terms and the products in
 * double-double and t = 1/7 + s²/9 + … in double; then k·ln 2 added in double-double.
 */

const SPLIT = 134217729; // 2^27 + 1, Veltkamp splitting
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high 32-bit word of a double in U32 (platform endianness). */
const HI = (() => {
  F64[0] = 1;
  return U32[1] === 0x3ff00000 ? 1 : 0;
})();
const C7 = 1 / 7;
const C9 = 1 / 9;
const C11 = 1 / 11;
const C13 = 1 / 13;
const C15 = 1 / 15;
const C17 = 1 / 17;
const C19 = 1 / 19;
const C21 = 1 / 21;
const C23 = 1 / 23;
const C25 = 1 / 25;
const C27 = 1 / 27;
const C29 = 1 / 29;

/** Natural log of a double, as a correctly rounded log would round it (up to astronomically rare cases). */
export function exactLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  let k = 0;
  let v = x;
  if (v < 2.2250738585072014e-308) {
    v *= 18014398509481984; // 2^54
    k = -54;
  }
  F64[0] = v;
  const hiWord = U32[HI]!;
  k += (hiWord >>> 20) - 1023;
  U32[HI] = (hiWord & 0x000fffff) | 0x3ff00000;
  let m = F64[0]!;
  if (m > Math.SQRT2) {
    m *= 0.5;
    k++;
  }
  if (m === 1) return k * LN2_HI + k * LN2_LO;

  let c: number, ah: number, al: number, bh: number, bl: number, p: number, e: number, t: number;

  // den = m + 1 as (dh, dl); num = m - 1 exact.
  const num = m - 1;
  const dh = m + 1;
  t = dh - m;
  const dl = m - (dh - t) + (1 - t);

  // s = num / den in double-double: q1 = num/dh; remainder r = num - q1*(dh + dl).
  const q1 = num / dh;
  c = SPLIT * q1;
  ah = c - (c - q1);
  al = q1 - ah;
  c = SPLIT * dh;
  bh = c - (c - dh);
  bl = dh - bh;
  p = q1 * dh;
  e = ah * bh - p + ah * bl + al * bh + al * bl;
  const r = num - p - e - q1 * dl;
  const q2 = r / dh;
  const sh = q1 + q2;
  const sl = q2 - (sh - q1);

  // s2 = s * s (double-double).
  c = SPLIT * sh;
  ah = c - (c - sh);
  al = sh - ah;
  p = sh * sh;
  e = ah * ah - p + 2 * ah * al + al * al + 2 * sh * sl;
  const s2h = p + e;
  const s2l = e - (s2h - p);

  // Tail t = 1/7 + s2/9 + ... in double.
  const z = s2h;
  t = C29;
  t = t * z + C27;
  t = t * z + C25;
  t = t * z + C23;
  t = t * z + C21;
  t = t * z + C19;
  t = t * z + C17;
  t = t * z + C15;
  t = t * z + C13;
  t = t * z + C11;
  t = t * z + C9;
  t = t * z + C7;

  // poly = 1 + s2 * (1/3 + s2 * (1/5 + s2 * t)), Horner in double-double with exact 1/3 and 1/5 handled
  // as divisions of double-double numbers.
  // u = 1/5 + s2*t  (s2*t < 0.0043; its rounding error is far below what matters)
  let uh = 0.2 + z * t;
  let ul = 0.2 - uh + z * t + -1.1102230246251566e-17; /* 1/5 - 0.2 */
  // w = s2 * u  (double-double product)
  c = SPLIT * s2h;
  ah = c - (c - s2h);
  al = s2h - ah;
  c = SPLIT * uh;
  bh = c - (c - uh);
  bl = uh - bh;
  p = s2h * uh;
  e = ah * bh - p + ah * bl + al * bh + al * bl + (s2h * ul + s2l * uh);
  let wh = p + e;
  let wl = e - (wh - p);
  // u = 1/3 + w
  const third = 0.3333333333333333;
  const thirdLo = 1.850371707708594e-17;
  uh = third + wh;
  t = uh - third;
  ul = third - (uh - t) + (wh - t) + wl + thirdLo;
  p = uh + ul;
  ul = ul - (p - uh);
  uh = p;
  // w = s2 * u
  c = SPLIT * uh;
  bh = c - (c - uh);
  bl = uh - bh;
  p = s2h * uh;
  e = ah * bh - p + ah * bl + al * bh + al * bl + (s2h * ul + s2l * uh);
  wh = p + e;
  wl = e - (wh - p);
  // poly = 1 + w
  const ph = 1 + wh;
  const pl = 1 - ph + wh + wl;
  // L = 2 * s * poly
  c = SPLIT * sh;
  ah = c - (c - sh);
  al = sh - ah;
  c = SPLIT * ph;
  bh = c - (c - ph);
  bl = ph - bh;
  p = sh * ph;
  e = ah * bh - p + ah * bl + al * bh + al * bl + (sh * pl + sl * ph);
  const lh = 2 * (p + e);
  const ll = 2 * (e - (p + e - p));
  if (k === 0) return lh + ll;

  // + k ln 2 (k is an integer below 2^11, so k * LN2_HI's error term is exact via splitting).
  c = SPLIT * LN2_HI;
  bh = c - (c - LN2_HI);
  bl = LN2_HI - bh;
  p = k * LN2_HI;
  e = k * bh - p + k * bl + k * LN2_LO;
  const kh = p + e;
  const kl = e - (kh - p);
  const sum = kh + lh;
  t = sum - kh;
  const err = kh - (sum - t) + (lh - t) + kl + ll;
  return sum + err;
}
