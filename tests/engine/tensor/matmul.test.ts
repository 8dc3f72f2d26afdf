import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matmul } from '../../../src-engine/tensor/matmul.ts';
import type { FloatArray } from '../../../src-engine/tensor/tensor.ts';
import { filled } from './filled.ts';

type DType = 'float32' | 'float64';

const filledOf = (dtype: DType, len: number, seed: number): FloatArray =>
  dtype === 'float64' ? filled(Float64Array, len, seed) : filled(Float32Array, len, seed);

/** Naive float64 reference of C = op(A)·op(B) (+ C0 when accumulating), plus Σ|terms| per entry. */
function reference(
  a: FloatArray,
  b: FloatArray,
  c0: FloatArray,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
  acc: boolean,
): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = acc ? c0[i * n + j] : 0;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const t = (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]);
        s += t;
        mag += Math.abs(t);
      }
      value[i * n + j] = s;
      scale[i * n + j] = mag;
    }
  }
  return { value, scale };
}

interface Case {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  dtype: DType;
  seed: number;
}

/** Runs one case; returns a failure description or null. */
function check(cs: Case): string | null {
  const { m, k, n, transA, transB, accumulate, dtype, seed } = cs;
  // A and B are views at an offset into larger buffers, as the engine's tensors may be.
  const a = filledOf(dtype, m * k + 3, seed).subarray(1, 1 + m * k);
  const b = filledOf(dtype, k * n + 2, seed * 7 + 3).subarray(2, 2 + k * n);
  // Guard cells around C catch writes outside [0, m*n).
  const guard = 5;
  const cBuf = filledOf(dtype, m * n + 2 * guard, seed * 13 + 11);
  const before = cBuf.slice();
  const c = cBuf.subarray(guard, guard + m * n);
  const aCopy = a.slice();
  const bCopy = b.slice();
  const ref = reference(a, b, c.slice(), m, k, n, transA, transB, accumulate);
  matmul(a, b, c, m, k, n, transA, transB, accumulate);

  // float32 inputs are exact in float64; only the final rounding to float32 (and, across k
  // blocks, the intermediate ones) can differ from the float64 reference.
  const rel = dtype === 'float64' ? 1e-12 : 4e-6;
  for (let i = 0; i < m * n; i++) {
    const err = Math.abs(c[i] - ref.value[i]);
    if (!(err <= rel * (ref.scale[i] + 1e-30))) {
      return `C[${i}] = ${c[i]} vs reference ${ref.value[i]} (err ${err}, scale ${ref.scale[i]})`;
    }
  }
  for (let g = 0; g < guard; g++) {
    if (cBuf[g] !== before[g] || cBuf[guard + m * n + g] !== before[guard + m * n + g]) return 'wrote outside C';
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== aCopy[i]) return 'modified A';
  for (let i = 0; i < b.length; i++) if (b[i] !== bCopy[i]) return 'modified B';
  return null;
}

const TRANS: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const DTYPES: DType[] = ['float32', 'float64'];

describe('matmul', () => {
  it('computes a hand-checked 2×3 · 3×2 product in every transposition', () => {
    // op(A) = [[1,2,3],[4,5,6]], op(B) = [[7,8],[9,10],[11,12]] → [[58,64],[139,154]]
    const A = [1, 2, 3, 4, 5, 6];
    const At = [1, 4, 2, 5, 3, 6];
    const B = [7, 8, 9, 10, 11, 12];
    const Bt = [7, 9, 11, 8, 10, 12];
    for (const dtype of DTYPES) {
      const T = dtype === 'float64' ? Float64Array : Float32Array;
      for (const [tA, tB] of TRANS) {
        const c = new T(4);
        matmul(new T(tA ? At : A), new T(tB ? Bt : B), c, 2, 3, 2, tA, tB, false);
        expect(Array.from(c)).toEqual([58, 64, 139, 154]);
        matmul(new T(tA ? At : A), new T(tB ? Bt : B), c, 2, 3, 2, tA, tB, true);
        expect(Array.from(c)).toEqual([116, 128, 278, 308]);
      }
    }
  });

  it('handles 1×1, vectors, k = 0 and odd sizes in every mode', () => {
    const dims = [1, 2, 3, 4, 5, 7, 9, 17];
    let seed = 1;
    for (const m of dims)
      for (const k of [1, 3, 8, 13])
        for (const n of dims) {
          for (const [transA, transB] of TRANS)
            for (const accumulate of [false, true])
              for (const dtype of DTYPES) {
                const failure = check({ m, k, n, transA, transB, accumulate, dtype, seed: seed++ });
                if (failure)
                  expect.fail(`${JSON.stringify({ m, k, n, transA, transB, accumulate, dtype })}: ${failure}`);
              }
        }
    // k = 0: the product is zero.
    const c = new Float32Array([1, 2, 3, 4]);
    matmul(new Float32Array(0), new Float32Array(0), c, 2, 0, 2, false, false, true);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
    matmul(new Float32Array(0), new Float32Array(0), c, 2, 0, 2, false, false, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });

  it('matches the float64 reference on random shapes (blocked path included)', () => {
    const size = fc.oneof(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 10, max: 70 }),
      fc.constantFrom(127, 128, 129, 131),
    );
    fc.assert(
      fc.property(
        size,
        fc.oneof(size, fc.integer({ min: 250, max: 600 })),
        size,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<DType>('float32', 'float64'),
        fc.integer({ min: 1, max: 1 << 30 }),
        (m, k, n, transA, transB, accumulate, dtype, seed) => {
          const failure = check({ m, k, n, transA, transB, accumulate, dtype, seed });
          if (failure) throw new Error(failure);
        },
      ),
      { numRuns: 150, seed: 20260101 },
    );
  });

  it('is correct on the MLP 784-128-64-10 training shapes and on shapes past the block sizes', () => {
    const shapes: Array<[number, number, number, boolean, boolean]> = [
      [128, 784, 128, false, false],
      [784, 128, 128, true, false],
      [128, 64, 128, false, true],
      [64, 128, 10, true, false],
      [128, 10, 64, false, true],
      [130, 300, 530, false, false], // crosses the row (128), depth (256) and column (512) blocks
      [261, 513, 35, true, true],
    ];
    let seed = 99;
    for (const [m, k, n, transA, transB] of shapes) {
      for (const accumulate of [false, true]) {
        for (const dtype of DTYPES) {
          const failure = check({ m, k, n, transA, transB, accumulate, dtype, seed: seed++ });
          if (failure) expect.fail(`${JSON.stringify({ m, k, n, transA, transB, accumulate, dtype })}: ${failure}`);
        }
      }
    }
  });

  it('rejects buffers smaller than the shapes', () => {
    const f = (len: number) => new Float32Array(len);
    expect(() => matmul(f(5), f(6), f(4), 2, 3, 2, false, false, false)).toThrow(RangeError);
    expect(() => matmul(f(6), f(5), f(4), 2, 3, 2, false, false, false)).toThrow(RangeError);
    expect(() => matmul(f(6), f(6), f(3), 2, 3, 2, false, false, false)).toThrow(RangeError);
    expect(() => matmul(f(6), f(6), f(4), 2, 3, 2, true, true, false)).not.toThrow();
  });

  it('gives the same result when float32 and float64 calls are interleaved', () => {
    const m = 37,
      k = 300,
      n = 21;
    const a64 = filledOf('float64', m * k, 5);
    const b64 = filledOf('float64', k * n, 6);
    const a32 = Float32Array.from(a64);
    const b32 = Float32Array.from(b64);
    const first = new Float32Array(m * n);
    matmul(a32, b32, first, m, k, n, false, false, false);
    const c64 = new Float64Array(m * n);
    matmul(a64, b64, c64, m, k, n, false, false, false);
    const second = new Float32Array(m * n);
    matmul(a32, b32, second, m, k, n, false, false, false);
    expect(Array.from(second)).toEqual(Array.from(first));
  });
});
