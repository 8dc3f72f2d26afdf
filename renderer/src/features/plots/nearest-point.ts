/**
 * Which data point of the decision-boundary plane lies under a spot of its canvas, given the frame
 * the plane is drawn in (drawBoundary's `frameFor`), so a click or a hover finds the point the eye
 * sees there.
 */
import type { PointsView } from '../../../../src-engine/protocol/api.ts';

/** How far (CSS pixels) from a point's centre a click still means that point. */
export const PICK_RADIUS = 12;

/**
 * The index of the point nearest to (x, y), within `radius` pixels, where `frame` maps data to
 * pixels; null when none is that close. Hidden test points (showTest false) are not picked.
 */
export function nearestPoint(
  points: PointsView,
  frame: { px: (v: number) => number; py: (v: number) => number },
  x: number,
  y: number,
  opts: { showTest?: boolean; radius?: number } = {},
): number | null {
  const r2 = (opts.radius ?? PICK_RADIUS) ** 2;
  let best: number | null = null;
  let bestD = r2;
  for (let k = 0; k < points.x.length; k++) {
    if (points.test[k] && opts.showTest === false) continue;
    const dx = frame.px(points.x[k]!) - x;
    const dy = frame.py(points.y[k]!) - y;
    const d = dx * dx + dy * dy;
    // Ties go to the later point: test points are drawn on top of training points.
    if (d <= bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}
