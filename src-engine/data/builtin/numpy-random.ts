/**
 * A faithful port of NumPy's legacy `np.random.RandomState` (the generator behind `np.random.seed`,
 * `np.random.randn`, `np.random.uniform`, `np.random.choice`, ...), so that the datasets of the seed
 * articles can be regenerated here number for number.
 *
 * What is reproduced, following numpy/random/src (mt19937.c, distributions.c, legacy-distributions.c)
 * and numpy/random/mtrand.pyx:
 *  - MT19937 seeding: `init_genrand` for an integer seed (`np.random.seed(3)`), `init_by_array` for
 *    an array seed (`np.random.seed([1, 2, 3])`);
 *  - `random_sample`: 53-bit doubles `((a >> 5) * 2^26 + (b >> 6)) / 2^53`;
 *  - legacy `standard_normal` / `randn`: the polar Box–Muller method that returns `f * x2` and caches
 *    `f * x1` for the next call (the cache survives between calls, is cleared by `seed`);
 *  - `uniform(low, high)`: `low + (high - low) * random_sample`;
 *  - `randint` / `choice`: the legacy masked rejection sampler (`next_uint32() & mask` until `<= rng`,
 *    64-bit draws for ranges above 2^32 - 1);
 *  - `shuffle` / `permutation`: Fisher–Yates from the end with `random_interval`.
 *
 * Bit-for-bit agreement with Python is checked by tests against tests/fixtures/builtin/numpy-reference.json,
 * written by scripts/numpy-reference.py. The one operation that can differ is the `log` of the normal
 * sampler: NumPy calls the C library's, which is not always correctly rounded; here `exactLog` (correctly
 * rounded) replaces V8's `Math.log` (off by an ulp for ~5 % of arguments), so normals agree with NumPy on
 * glibc bit for bit except about 1 in 2,000 logs, and then by one ulp. That never changes which raw
 * numbers are drawn, only the last bit of a normal sample.
 */
import type { Rng } from '../../tensor/rng.ts';
import { exactLog } from './exact-log.ts';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_32 = 4294967296;

/** A seed as `np.random.seed` accepts it: an integer in [0, 2^32 - 1] or a 1-D array of such integers. */
export type NumpySeed = number | readonly number[] | Uint32Array;

/** The state `np.random.get_state()` reports: ('MT19937', key, pos, has_gauss, cached_gaussian). */
export interface NumpyRandomStateSnapshot {
  key: Uint32Array;
  pos: number;
  hasGauss: boolean;
  gauss: number;
}

export class NumpyRandomState implements Rng {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  constructor(seed: NumpySeed = 0) {
    this.seed(seed);
  }

  /** `np.random.seed(seed)`: reset the generator exactly as NumPy's legacy seeding does. */
  seed(seed: NumpySeed): void {
    if (typeof seed === 'number') {
      checkSeedWord(seed);
      this.initGenrand(seed);
    } else {
      if (seed.length === 0) throw new RangeError('NumpyRandomState: seed array must not be empty');
      for (let i = 0; i < seed.length; i++) checkSeedWord(seed[i]!);
      this.initByArray(seed);
    }
    this.hasGauss = false;
    this.gauss = 0;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      // 1812433253 * (prev ^ (prev >>> 30)) + i, modulo 2^32.
      mt[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.pos = N;
  }

  private initByArray(key: ArrayLike<number>): void {
    const mt = this.mt;
    const len = key.length;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = N > len ? N : len; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1664525)) + (key[j]! >>> 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  private generate(): void {
    const mt = this.mt;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** Next raw 32-bit output of MT19937 (numpy's `next_uint32`), as an unsigned number. */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()` / `rand()`: a double in [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `random_sample(n)`, C order. */
  randomSampleArray(n: number, out: Float64Array = new Float64Array(n)): Float64Array {
    for (let i = 0; i < n; i++) out[i] = this.randomSample();
    return out;
  }

  /** Legacy `standard_normal()` (polar Box–Muller, second value cached). */
  standardNormal(): number {
    if (this.hasGauss) {
      const t = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return t;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.randomSample() - 1.0;
      x2 = 2.0 * this.randomSample() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * exactLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `randn(n)` / `standard_normal(n)`: n legacy normals in C order (for `randn(r, c)` pass r * c). */
  randn(n: number, out: Float64Array = new Float64Array(n)): Float64Array {
    for (let i = 0; i < n; i++) out[i] = this.standardNormal();
    return out;
  }

  /** Legacy `normal(loc, scale, n)`: `loc + scale * standard_normal()`. */
  normalArray(loc: number, scale: number, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
    if (!(scale >= 0)) throw new RangeError(`NumpyRandomState.normal: scale must be >= 0 (got ${scale})`);
    for (let i = 0; i < n; i++) out[i] = loc + scale * this.standardNormal();
    return out;
  }

  /**
   * `uniform(low, high)` for one value: `low + (high - low) * random_sample()`. With no arguments it is
   * the `Rng` interface's uniform in [0, 1) (and equals `random_sample()` exactly).
   */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.randomSample();
  }

  /**
   * `uniform(low, high, size)` in C order. `low` / `high` may be numbers or arrays broadcast over the
   * last axis (e.g. `uniform(low=[0, 0], high=[4, 4], size=(n, 2))` is `uniformArray([0, 0], [4, 4], n * 2)`).
   */
  uniformArray(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    n: number,
    out: Float64Array = new Float64Array(n),
  ): Float64Array {
    if (typeof low === 'number' && typeof high === 'number') {
      const range = high - low;
      for (let i = 0; i < n; i++) out[i] = low + range * this.randomSample();
      return out;
    }
    const lo = typeof low === 'number' ? [low] : low;
    const hi = typeof high === 'number' ? [high] : high;
    const w = Math.max(lo.length, hi.length);
    if ((lo.length !== 1 && lo.length !== w) || (hi.length !== 1 && hi.length !== w) || n % w !== 0) {
      throw new RangeError('NumpyRandomState.uniform: low/high do not broadcast against size');
    }
    const base = new Float64Array(w);
    const range = new Float64Array(w);
    for (let k = 0; k < w; k++) {
      const l = lo.length === 1 ? lo[0]! : lo[k]!;
      const h = hi.length === 1 ? hi[0]! : hi[k]!;
      base[k] = l;
      range[k] = h - l;
    }
    for (let i = 0; i < n; i++) {
      const k = i % w;
      out[i] = base[k]! + range[k]! * this.randomSample();
    }
    return out;
  }

  /** Legacy bounded integer in [0, rng] (inclusive) by masked rejection, as `_rand_int64` draws it. */
  private boundedMasked(rng: number): number {
    if (rng === 0) return 0;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return this.nextUint32();
      const mask = maskFor(rng);
      let v: number;
      do v = (this.nextUint32() & mask) >>> 0;
      while (v > rng);
      return v;
    }
    // 64-bit path: next_uint64 = (next_uint32() << 32) | next_uint32(); ranges limited to 2^53.
    const maskHi = maskFor(Math.floor(rng / TWO_32));
    let v: number;
    do {
      const hi = (this.nextUint32() & maskHi) >>> 0;
      const lo = this.nextUint32();
      v = hi * TWO_32 + lo;
    } while (v > rng);
    return v;
  }

  /** `randint(low, high)`: one integer in [low, high). With one argument, [0, low). */
  randint(low: number, high?: number): number {
    const [lo, rng] = intRange(low, high);
    return lo + this.boundedMasked(rng);
  }

  /** `randint(low, high, size=n)` in C order. */
  randintArray(
    low: number,
    high: number | undefined,
    n: number,
    out: Float64Array = new Float64Array(n),
  ): Float64Array {
    const [lo, rng] = intRange(low, high);
    for (let i = 0; i < n; i++) out[i] = lo + this.boundedMasked(rng);
    return out;
  }

  /** The `Rng` interface: a uniform integer in [0, n), drawn as `randint(0, n)`. */
  int(n: number): number {
    return this.randint(0, n);
  }

  /** The `Rng` interface: a standard normal sample (legacy `standard_normal`). */
  normal(): number {
    return this.standardNormal();
  }

  /** numpy's `random_interval(max)`: uniform integer in [0, max] (used by shuffle). */
  private interval(max: number): number {
    return this.boundedMasked(max);
  }

  /** Legacy `shuffle(x)` of a 1-D array, in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(x: T): T {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** Legacy `permutation(n)`: a shuffled `arange(n)`. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`NumpyRandomState.permutation: bad n ${n}`);
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    return this.shuffle(a);
  }

  /**
   * Legacy `choice(a, size, replace=True, p=None)`: indices into a population of `popSize` items.
   * With replacement and no p: `randint(0, popSize, size)`; with p: `cdf.searchsorted(random_sample(size),
   * side='right')`; without replacement and no p: `permutation(popSize)[:size]`.
   */
  choiceIndices(popSize: number, size: number, replace = true, p?: ArrayLike<number>): Int32Array {
    if (!Number.isInteger(popSize) || popSize <= 0)
      throw new RangeError('NumpyRandomState.choice: a must be non-empty');
    const out = new Int32Array(size);
    if (p) {
      if (p.length !== popSize) throw new RangeError('NumpyRandomState.choice: a and p must have the same size');
      if (!replace) throw new RangeError('NumpyRandomState.choice: replace=False with p is not supported');
      const cdf = new Float64Array(popSize);
      let acc = 0;
      for (let i = 0; i < popSize; i++) cdf[i] = acc += p[i]!;
      const last = cdf[popSize - 1]!;
      for (let i = 0; i < popSize; i++) cdf[i] = cdf[i]! / last;
      for (let s = 0; s < size; s++) {
        const u = this.randomSample();
        let lo = 0;
        let hi = popSize;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cdf[mid]! <= u) lo = mid + 1;
          else hi = mid;
        }
        out[s] = lo;
      }
      return out;
    }
    if (replace) {
      const rng = popSize - 1;
      for (let s = 0; s < size; s++) out[s] = this.boundedMasked(rng);
      return out;
    }
    if (size > popSize) throw new RangeError('NumpyRandomState.choice: size > population without replacement');
    return this.permutation(popSize).slice(0, size);
  }

  /** `choice(a, size)` with replacement over the values of `a` (e.g. `choice((0, 1), size=n)`). */
  choice<T>(a: readonly T[], size: number): T[] {
    const idx = this.choiceIndices(a.length, size);
    const out: T[] = new Array<T>(size);
    for (let s = 0; s < size; s++) out[s] = a[idx[s]!]!;
    return out;
  }

  /** `np.random.get_state()`. */
  getState(): NumpyRandomStateSnapshot {
    return { key: this.mt.slice(), pos: this.pos, hasGauss: this.hasGauss, gauss: this.gauss };
  }

  /** `np.random.set_state(state)`. */
  setState(s: NumpyRandomStateSnapshot): void {
    if (s.key.length !== N || s.pos < 0 || s.pos > N) throw new RangeError('NumpyRandomState.setState: bad state');
    this.mt.set(s.key);
    this.pos = s.pos;
    this.hasGauss = s.hasGauss;
    this.gauss = s.hasGauss ? s.gauss : 0;
  }
}

function checkSeedWord(s: number): void {
  if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
    throw new RangeError(`NumpyRandomState: seed must be an integer between 0 and 2**32 - 1 (got ${s})`);
  }
}

/** Smallest all-ones mask >= v, for 0 < v < 2^32. */
function maskFor(v: number): number {
  let m = v >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

function intRange(low: number, high: number | undefined): [number, number] {
  let lo = low;
  let hi = high;
  if (hi === undefined) {
    hi = lo;
    lo = 0;
  }
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || Math.abs(lo) > 2 ** 53 || Math.abs(hi) > 2 ** 53) {
    throw new RangeError(`NumpyRandomState.randint: bounds must be integers within ±2**53 (got ${low}, ${high})`);
  }
  if (lo >= hi) throw new RangeError(`NumpyRandomState.randint: low >= high (${lo} >= ${hi})`);
  if (hi - lo > 2 ** 53) throw new RangeError(`NumpyRandomState.randint: range above 2**53 (${lo}, ${hi})`);
  return [lo, hi - lo - 1];
}
