/**
 * Axes for the canvas plots: "nice" ticks (1, 2 or 5 times a power of ten), a frame with tick labels
 * and axis names, and the mapping from data to pixels inside it. The plots draw into any w × h
 * context, so the same code draws on screen and into a PNG at twice the size.
 */
import { sig } from './format.ts';
import { niceTicks, type Frame } from './scale.ts';

export { frameFor, niceTicks, padRange, type Frame } from './scale.ts';

export interface AxesStyle {
  /** Colour of text and the frame. */
  text: string;
  /** Colour of the grid lines. */
  grid: string;
  /** Font size in pixels (scaled for PNGs). */
  font?: number;
}

/** Grid, ticks with labels, the frame and the axis names for a frame over ranges x and y. */
export function drawAxes(
  ctx: CanvasRenderingContext2D,
  f: Frame,
  x: [number, number],
  y: [number, number],
  names: { x: string; y: string },
  style: AxesStyle,
): { xTicks: number; yTicks: number } {
  const font = style.font ?? 10;
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.lineWidth = 1;
  const xt = niceTicks(x[0], x[1], Math.max(2, Math.floor(f.width / (font * 7))));
  const yt = niceTicks(y[0], y[1], Math.max(2, Math.floor(f.height / (font * 3.5))));
  ctx.strokeStyle = style.grid;
  ctx.beginPath();
  for (const v of xt) {
    const p = Math.round(f.px(v)) + 0.5;
    ctx.moveTo(p, f.top);
    ctx.lineTo(p, f.top + f.height);
  }
  for (const v of yt) {
    const p = Math.round(f.py(v)) + 0.5;
    ctx.moveTo(f.left, p);
    ctx.lineTo(f.left + f.width, p);
  }
  ctx.stroke();
  ctx.strokeStyle = style.text;
  ctx.strokeRect(f.left + 0.5, f.top + 0.5, f.width, f.height);
  ctx.fillStyle = style.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const tick = Math.round(font * 0.4);
  ctx.beginPath();
  for (const v of xt) {
    const p = Math.round(f.px(v)) + 0.5;
    ctx.moveTo(p, f.top + f.height);
    ctx.lineTo(p, f.top + f.height + tick);
    ctx.fillText(sig(v, 3), p, f.top + f.height + tick + 1);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of yt) {
    const p = Math.round(f.py(v)) + 0.5;
    ctx.moveTo(f.left - tick, p);
    ctx.lineTo(f.left, p);
    ctx.fillText(sig(v, 3), f.left - tick - 2, p);
  }
  ctx.stroke();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(names.x, f.left + f.width / 2, f.top + f.height + font * 3.1);
  ctx.translate(font * 1.1, f.top + f.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(names.y, 0, 0);
  ctx.restore();
  return { xTicks: xt.length, yTicks: yt.length };
}

/** What a plot drew, written on its canvas as data attributes (for tests and screen readers' titles). */
export interface Drawn {
  axes: [string, string];
  ticks: number;
  legend: string[];
  markers?: { training: number; test: number };
  /** Where the legend went: beside the plot, in a box inside it, or in a band above it (see legend.ts). */
  legendPlace?: 'right' | 'inside' | 'above';
  /** The plot area and its data mapping (for hover values); not written on the canvas. */
  frame?: Frame;
}

/** Write a plot's summary onto its canvas element. */
export function markDrawn(canvas: HTMLCanvasElement, d: Drawn): void {
  canvas.dataset.axes = d.axes.join(' | ');
  canvas.dataset.ticks = String(d.ticks);
  canvas.dataset.legend = d.legend.join(' | ');
  if (d.legendPlace) canvas.dataset.legendPlace = d.legendPlace;
  if (d.markers) {
    canvas.dataset.training = String(d.markers.training);
    canvas.dataset.test = String(d.markers.test);
  }
}

/** Axis colours for a theme. */
export function axesStyle(dark: boolean, font = 10): AxesStyle {
  return dark
    ? { text: '#aab2c0', grid: 'rgb(255 255 255 / 0.08)', font }
    : { text: '#475467', grid: 'rgb(0 0 0 / 0.07)', font };
}
