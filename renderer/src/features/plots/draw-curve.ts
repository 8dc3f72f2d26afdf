/**
 * The regression curve (data and prediction over one feature, on axes with names) and the small
 * multiples of the visual article's Figures 34-36: every unit's activation and weighted contribution,
 * the bias and the sum, the contributions on one shared scale with a zero line so they compare.
 */
import type { CurveView } from '../../../../src-engine/protocol/api.ts';
import { axesStyle, drawAxes, frameFor, padRange, type Drawn, type Frame } from './axes.ts';
import { sig } from './format.ts';

export const CURVE_COLOR = '#2f6fde';
export const ACTIVATION_COLOR = '#2e9d57';
export const CONTRIBUTION_COLOR = '#b5409e';

/** Data (grey dots) and the prediction curve. */
export function drawCurve(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  v: CurveView,
  dark: boolean,
  font = 10,
): Drawn {
  ctx.clearRect(0, 0, w, h);
  const xr = padRange([...v.x, ...v.curveX], 0.02);
  const yr = padRange([...v.y, ...v.curveY]);
  const style = axesStyle(dark, font);
  const f = frameFor(w, h, xr, yr, font);
  const t = drawAxes(ctx, f, xr, yr, { x: v.xName, y: v.yName }, style);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  ctx.fillStyle = dark ? 'rgb(200 206 218 / 0.55)' : 'rgb(90 90 90 / 0.5)';
  const r = Math.max(1.5, font * 0.2);
  ctx.beginPath();
  for (let i = 0; i < v.x.length; i++) {
    const x = f.px(v.x[i]!);
    const y = f.py(v.y[i]!);
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
  }
  ctx.fill();
  ctx.strokeStyle = CURVE_COLOR;
  ctx.lineWidth = Math.max(2, font / 4);
  ctx.beginPath();
  v.curveY.forEach((y, i) => (i ? ctx.lineTo(f.px(v.curveX[i]!), f.py(y)) : ctx.moveTo(f.px(v.curveX[i]!), f.py(y))));
  ctx.stroke();
  ctx.restore();
  // Legend.
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  const y = f.top + font;
  let x = f.left + font * 0.6;
  ctx.fillStyle = dark ? 'rgb(200 206 218 / 0.8)' : 'rgb(90 90 90 / 0.8)';
  ctx.beginPath();
  ctx.arc(x + font * 0.4, y, r * 1.3, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = style.text;
  ctx.fillText('data', x + font * 1.2, y);
  x += font * 1.2 + ctx.measureText('data').width + font;
  ctx.strokeStyle = CURVE_COLOR;
  ctx.lineWidth = Math.max(2, font / 4);
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + font * 1.4, y);
  ctx.stroke();
  ctx.fillText('prediction', x + font * 1.8, y);
  ctx.restore();
  return { axes: [v.xName, v.yName], ticks: t.xTicks + t.yTicks, legend: ['data', 'prediction'], frame: f };
}

/** The shared y ranges of the small multiples: activations; contributions, bias and sum. */
export function panelRanges(v: CurveView): { activation: [number, number]; contribution: [number, number] } {
  const acts = (v.units ?? []).flatMap((u) => u.activation);
  const cons = (v.units ?? []).flatMap((u) => u.contribution).concat(v.sum ?? [], v.bias ?? [], 0);
  return { activation: padRange([...acts, 0], 0.06), contribution: padRange(cons, 0.06) };
}

/** A small panel's mapping: x over the whole width (2 px margins), y under a 12 px title strip. */
export function panelFrame(w: number, h: number, x: number[], range: [number, number]): Frame {
  const [x0, x1] = [x[0] ?? 0, x[x.length - 1] ?? 1];
  const [left, top, width, height] = [2, 12, w - 4, h - 14];
  return {
    left,
    top,
    width,
    height,
    px: (v) => ((v - x0) / (x1 - x0 || 1)) * width + left,
    py: (v) => top + height - ((v - range[0]) / (range[1] - range[0] || 1)) * height,
    vx: (p) => x0 + ((p - left) / width) * (x1 - x0),
    vy: (p) => range[0] + ((top + height - p) / height) * (range[1] - range[0]),
  };
}

/** One small panel: a line on a given y range with the zero line and the range's ends written in. */
export function drawPanel(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  x: number[],
  y: number[],
  range: [number, number],
  color: string,
  title: string,
  dark: boolean,
) {
  ctx.clearRect(0, 0, w, h);
  const { px, py } = panelFrame(w, h, x, range);
  ctx.strokeStyle = dark ? 'rgb(255 255 255 / 0.35)' : 'rgb(0 0 0 / 0.3)';
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 2]);
  ctx.beginPath();
  ctx.moveTo(0, Math.round(py(0)) + 0.5);
  ctx.lineTo(w, Math.round(py(0)) + 0.5);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.8;
  ctx.beginPath();
  y.forEach((v, i) => (i ? ctx.lineTo(px(x[i]!), py(v)) : ctx.moveTo(px(x[i]!), py(v))));
  ctx.stroke();
  ctx.fillStyle = dark ? '#c8ceda' : '#475467';
  ctx.font = '9px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText(title, 2, 1);
}

/** The scale note under the panels. */
export function scaleNote(v: CurveView): string {
  const r = panelRanges(v);
  return `shared scales: activations ${sig(r.activation[0], 3)} … ${sig(r.activation[1], 3)}; contributions, bias and sum ${sig(r.contribution[0], 3)} … ${sig(r.contribution[1], 3)}`;
}
