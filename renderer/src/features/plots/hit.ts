/** Which drawn thing the pointer is on, for hover values (pure, unit-tested; the tooltip is ./tooltip.ts). */
import type { Frame } from './scale.ts';

/** The pointer relative to a plot's element (CSS pixels) and the frame the plot was drawn in, if any. */
export interface PointerAt {
  px: number;
  py: number;
  frame: Frame | null;
}

/** How far (CSS pixels) from a point's centre a click still picks that point (hover uses 6). */
export const PICK_RADIUS = 12;

/**
 * The index of the point nearest the pointer within `radius` CSS pixels (points in data coordinates
 * drawn through the frame), or -1. `skip(k)` leaves points out (hidden test points).
 */
export function nearestPoint(
  at: PointerAt,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  radius = 6,
  skip?: (k: number) => boolean,
): number {
  const f = at.frame;
  if (!f) return -1;
  let best = -1;
  let bestD = radius * radius;
  for (let k = 0; k < xs.length; k++) {
    if (skip?.(k)) continue;
    const d = (f.px(xs[k]!) - at.px) ** 2 + (f.py(ys[k]!) - at.py) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/** Whether the pointer is inside the frame's plot area. */
export function insideFrame(at: PointerAt): boolean {
  const f = at.frame;
  return !!f && at.px >= f.left && at.px <= f.left + f.width && at.py >= f.top && at.py <= f.top + f.height;
}

/** The index of the value in ascending `xs` nearest x, or -1 when x lies outside them. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  if (!xs.length || !(x >= xs[0]!) || !(x <= xs[xs.length - 1]!)) return -1;
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i]! - x) < Math.abs(xs[best]! - x)) best = i;
  return best;
}
