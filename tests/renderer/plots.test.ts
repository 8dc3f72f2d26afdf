import { describe, expect, it } from 'vitest';
import { niceTicks, padRange } from '../../renderer/src/features/plots/scale.ts';
import { sig } from '../../renderer/src/features/plots/format.ts';
import { overlaid, type PastRun } from '../../renderer/src/lib/train-settings.ts';
import { CLASS_COLORS, NEGATIVE, POSITIVE, rampColor, signedColor } from '../../renderer/src/features/plots/colors.ts';

describe('plot helpers', () => {
  it('writes readouts with significant digits that Number() reads back', () => {
    expect(sig(0.00012346)).toBe('0.0001235');
    expect(sig(412.3456)).toBe('412.3');
    expect(sig(0.5)).toBe('0.5');
    expect(sig(3_456_789)).toBe('3.457e+6');
    expect(sig(0.00001234)).toBe('1.234e-5');
    expect(sig(undefined)).toBe('–');
    expect(sig(NaN)).toBe('–');
    // Ten and four hundred ReLUs' losses no longer both read 0.0000.
    expect(sig(0.00003)).not.toBe(sig(0.00004));
    for (const v of [0.00012345, 412.3456, -7.25e-7, 1e9])
      expect(Number(sig(v))).toBeCloseTo(v, 3 - Math.log10(Math.abs(v)));
  });

  it('puts ticks on round numbers covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-1.3, 2.7, 4)).toEqual([-1, 0, 1, 2]);
    expect(niceTicks(25, 346, 5)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(niceTicks(12, 360, 3)).toEqual([100, 200, 300]);
    expect(niceTicks(3, 3)).toEqual([3]);
    const t = niceTicks(0.0013, 0.0091, 4);
    for (const v of t) {
      expect(v).toBeGreaterThanOrEqual(0.0013);
      expect(v).toBeLessThanOrEqual(0.0091);
    }
    expect(t.length).toBeGreaterThanOrEqual(3);
    expect(padRange([2, 2])).toEqual([1, 3]);
    expect(padRange([0, 10], 0.1)).toEqual([-1, 11]);
  });

  it('has one diverging palette for signs, white at zero, sharing no hue with the first class colours', () => {
    expect(signedColor(0, 1)).toEqual([255, 255, 255]);
    const neg = signedColor(-1, 1);
    const pos = signedColor(5, 1);
    expect(neg[0]).toBeGreaterThan(neg[1]); // pink
    expect(pos[1]).toBeGreaterThan(pos[0]); // green
    expect(rampColor(0)).toEqual(neg);
    for (const c of [NEGATIVE, POSITIVE]) for (const k of CLASS_COLORS.slice(0, 2)) expect(c).not.toEqual(k);
  });

  it('overlays earlier runs on the same data by default, never hidden ones', () => {
    const run = (id: string, data: string | null, hidden = false): PastRun => ({
      id,
      label: id,
      history: { stride: 1, steps: 0, series: {} },
      data,
      color: '#000',
      hidden,
    });
    const past = [run('a', 'iris'), run('b', 'wine'), run('c', null), run('d', 'iris', true)];
    expect(overlaid(past, 'iris', false).map((r) => r.id)).toEqual(['a', 'c']);
    expect(overlaid(past, 'iris', true).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(overlaid(past, null, false).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });
});
