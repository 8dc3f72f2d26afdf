import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classLabels } from '../../../../src-engine/data/dataset.ts';
import { loadDigitClasses, loadDigits, parseDigitJson } from '../../../../src-engine/node/datasets/digits.ts';

const require = createRequire(import.meta.url);
const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');

describe('parseDigitJson', () => {
  it('parses plain decimals exactly like JSON.parse, and odd tokens through Number', () => {
    const text = '{ "data": [0,1,0.624,0.992, 0.5 ,1e-3,-0.25,12345678901234567.5]}';
    const got = Array.from(parseDigitJson(new TextEncoder().encode(text)));
    expect(got).toEqual((JSON.parse(text).data as number[]).map(Math.fround));
  });
  it('rejects garbage', () => {
    expect(() => parseDigitJson(new TextEncoder().encode('{"data":[0,abc]}'))).toThrow(/bad number "abc"/);
    expect(() => parseDigitJson(new TextEncoder().encode('{}'))).toThrow(/no "data"/);
  });
});

describe('loadDigits (mnist package)', () => {
  it('reads every class file exactly as JSON.parse would', async () => {
    const classes = await loadDigitClasses();
    expect(classes.map((c) => c.count)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    for (const d of [0, 5, 9]) {
      const ref = JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')).data as number[];
      const got = classes[d]!.pixels;
      expect(got.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++)
        if (got[i] !== Math.fround(ref[i]!)) throw new Error(`class ${d} value ${i}`);
    }
  });

  it('returns 784 features in [0, 1] and 10 one-hot classes', async () => {
    const ds = await loadDigits({ count: 2000, seed: 1 });
    expect(ds.rows).toBe(2000);
    expect(ds.features).toBe(784);
    expect(ds.targets).toBe(10);
    expect(ds.task).toBe('multiclass');
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.featureNames.length).toBe(784);
    expect(ds.featureNames[29]).toBe('r1c1');
    expect(ds.x.length).toBe(2000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    for (let r = 0; r < ds.rows; r++) {
      let s = 0;
      for (let j = 0; j < 10; j++) s += ds.y[r * 10 + j]!;
      expect(s).toBe(1);
    }
    const counts = new Array(10).fill(0);
    for (const l of classLabels(ds)) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(120); // ~200 each
    // Images have ink: mean grey value roughly 0.13 as in MNIST.
    let sum = 0;
    for (const v of ds.x) sum += v;
    const mean = sum / ds.x.length;
    expect(mean).toBeGreaterThan(0.09);
    expect(mean).toBeLessThan(0.18);
  });

  it('is deterministic per seed, rows are real samples of their class', async () => {
    const a = await loadDigits({ count: 50, seed: 7 });
    const b = await loadDigits({ count: 50, seed: 7 });
    const c = await loadDigits({ count: 50, seed: 8 });
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    const classes = await loadDigitClasses();
    const labels = classLabels(a);
    const row = a.x.subarray(0, 784);
    const pool = classes[labels[0]!]!;
    let found = false;
    for (let k = 0; k < pool.count && !found; k++) {
      const s = pool.pixels.subarray(k * 784, (k + 1) * 784);
      found = s.every((v, i) => v === row[i]);
    }
    expect(found).toBe(true);
  });

  it('all 10,000 by default; bad counts throw', async () => {
    const all = await loadDigits();
    expect(all.rows).toBe(10000);
    await expect(loadDigits({ count: 0 })).rejects.toThrow(/count/);
    await expect(loadDigits({ count: 10001 })).rejects.toThrow(/count/);
  });
});
