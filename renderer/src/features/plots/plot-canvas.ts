/**
 * Canvas plots that can be drawn again at any size: each one registers its drawing function here, so
 * a PNG export renders the same plot (axes and legend included) at twice its size on screen.
 */
import { markDrawn, type Drawn, type Frame } from './axes.ts';
import { context2d } from './context-2d.ts';

/** Draws a plot into w × h; plots with axes say what they drew. */
export type DrawFn = (ctx: CanvasRenderingContext2D, w: number, h: number) => Drawn | void;

const drawers = new WeakMap<HTMLCanvasElement, DrawFn>();
const frames = new WeakMap<HTMLCanvasElement, Frame>();

/** Draw `draw` into `canvas` at its CSS size w × h (sharp on high-density screens) and remember it. */
export function paint(canvas: HTMLCanvasElement, w: number, h: number, draw: DrawFn): void {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = context2d(canvas);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const drawn = draw(ctx, w, h);
  if (drawn) markDrawn(canvas, drawn);
  if (drawn && drawn.frame) frames.set(canvas, drawn.frame);
  drawers.set(canvas, draw);
}

/** The plot's drawing function, when it registered one. */
export function drawerOf(canvas: HTMLCanvasElement): DrawFn | undefined {
  return drawers.get(canvas);
}

/** The frame the plot on screen was last drawn in (CSS pixels), for mapping the pointer to data. */
export function frameOf(canvas: HTMLCanvasElement): Frame | undefined {
  return frames.get(canvas);
}
