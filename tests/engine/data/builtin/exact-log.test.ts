import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exactLog } from '../../../../src-engine/data/builtin/exact-log.ts';

const R = JSON.parse(
  readFileSync(new URL('../../../fixtures/builtin/numpy-reference.json', import.meta.url), 'utf8'),
).rng;

describe('exactLog', () => {
  it('is correctly rounded (vs Python decimal at 50 digits), including subnormals and powers of two', () => {
    const xs: number[] = R.log_x;
    const want: number[] = R.log_correct;
    for (let i = 0; i < xs.length; i++) {
      if (exactLog(xs[i]!) !== want[i]) throw new Error(`log(${xs[i]}) = ${exactLog(xs[i]!)}, want ${want[i]}`);
    }
  });

  it('agrees with the C library log NumPy uses (which Math.log often does not)', () => {
    const xs: number[] = R.log_x;
    const libm: number[] = R.log_libm;
    let same = 0;
    let mathSame = 0;
    for (let i = 0; i < xs.length; i++) {
      if (exactLog(xs[i]!) === libm[i]) same++;
      if (Math.log(xs[i]!) === libm[i]) mathSame++;
    }
    expect(same / xs.length).toBeGreaterThan(0.998);
    expect(same).toBeGreaterThanOrEqual(mathSame);
  });

  it('handles edge cases like Math.log', () => {
    expect(exactLog(1)).toBe(0);
    expect(exactLog(0)).toBe(-Infinity);
    expect(exactLog(Infinity)).toBe(Infinity);
    expect(Number.isNaN(exactLog(-1))).toBe(true);
    expect(Number.isNaN(exactLog(Number.NaN))).toBe(true);
    expect(exactLog(Math.E)).toBe(1);
    expect(exactLog(2)).toBe(Math.LN2);
    expect(exactLog(10)).toBe(Math.LN10);
  });
});
