/** The hover helpers shared by every plot: from the pointer to data coordinates, the nearest point and curve x. */
import { describe, expect, it } from 'vitest';
import { frameFor } from '../../renderer/src/features/plots/scale.ts';
import { insideFrame, nearestIndex, nearestPoint, type PointerAt } from '../../renderer/src/features/plots/hit.ts';

const frame = frameFor(300, 200, [-2, 6], [10, 30], 10);
const at = (px: number, py: number): PointerAt => ({ px, py, frame });

describe('hover helpers', () => {
  it('map pixels back to the data the frame drew', () => {
    let checked = 0;
    for (const x of [-2, 0, 1.5, 6])
      for (const y of [10, 17.25, 30]) {
        expect(frame.vx(frame.px(x))).toBeCloseTo(x, 10);
        expect(frame.vy(frame.py(y))).toBeCloseTo(y, 10);
        checked++;
      }
    expect(checked).toBe(12);
    expect(insideFrame(at(frame.px(1), frame.py(20)))).toBe(true);
    expect(insideFrame(at(frame.left - 3, frame.py(20)))).toBe(false);
    expect(insideFrame({ ...at(50, 50), frame: null })).toBe(false);
  });

  it('find the nearest point within the radius in screen pixels, skipping hidden ones', () => {
    const xs = [0, 0.1, 4];
    const ys = [20, 20, 12];
    // A hair right of point 1: point 1, not point 0 (about 3.5 px to its left).
    const p = at(frame.px(0.1) + 1, frame.py(20));
    expect(nearestPoint(p, xs, ys)).toBe(1);
    expect(nearestPoint(p, xs, ys, 6, (k) => k === 1)).toBe(0);
    expect(nearestPoint(at(frame.px(4), frame.py(12) + 5), xs, ys)).toBe(2);
    expect(nearestPoint(at(frame.px(4), frame.py(12) + 7), xs, ys)).toBe(-1);
    expect(nearestPoint({ ...p, frame: null }, xs, ys)).toBe(-1);
  });

  it('find the nearest x of a curve, and none outside its range', () => {
    const xs = [0, 0.5, 1, 1.5, 2];
    expect(nearestIndex(xs, 0.7)).toBe(1);
    expect(nearestIndex(xs, 0.8)).toBe(2);
    expect(nearestIndex(xs, 2)).toBe(4);
    expect(nearestIndex(xs, 2.1)).toBe(-1);
    expect(nearestIndex(xs, NaN)).toBe(-1);
    expect(nearestIndex([], 0)).toBe(-1);
  });
});
