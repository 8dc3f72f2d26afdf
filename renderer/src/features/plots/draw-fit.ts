/** Regression fit plots: predicted against actual values with the y = x line, and the residuals. */
import type { RegressionView } from '../../../../src-engine/protocol/api.ts';
import { axesStyle, drawAxes, frameFor, padRange, type Drawn } from './axes.ts';

const DOT = '#2f6fde';
const LINE = '#e07b00';

function legend(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  items: [string, string, 'dot' | 'line'][],
  font: number,
  text: string,
) {
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  let at = x;
  for (const [label, color, kind] of items) {
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    if (kind === 'dot') {
      ctx.beginPath();
      ctx.arc(at + font * 0.4, y, font * 0.3, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.setLineDash([font * 0.4, font * 0.3]);
      ctx.lineWidth = Math.max(1, font / 7);
      ctx.beginPath();
      ctx.moveTo(at, y);
      ctx.lineTo(at + font * 1.2, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    at += font * 1.6;
    ctx.fillStyle = text;
    ctx.fillText(label, at, y);
    at += ctx.measureText(label).width + font;
  }
  ctx.restore();
}

function dots(
  ctx: CanvasRenderingContext2D,
  xs: number[],
  ys: number[],
  px: (v: number) => number,
  py: (v: number) => number,
  r: number,
) {
  ctx.fillStyle = `${DOT}99`;
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    const x = px(xs[i]!);
    const y = py(ys[i]!);
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fill();
}

/** Predicted (vertical) against actual (horizontal) on one scale, with the y = x line of a perfect fit. */
export function drawPredictedVsActual(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  v: RegressionView,
  dark: boolean,
  font = 10,
): Drawn {
  ctx.clearRect(0, 0, w, h);
  const range = padRange([...v.actual, ...v.predicted]);
  const style = axesStyle(dark, font);
  const f = frameFor(w, h, range, range, font);
  const names: [string, string] = [`actual ${v.target}`, `predicted ${v.target}`];
  const t = drawAxes(ctx, f, range, range, { x: names[0], y: names[1] }, style);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  dots(ctx, v.actual, v.predicted, f.px, f.py, Math.max(1.5, font * 0.22));
  ctx.strokeStyle = LINE;
  ctx.lineWidth = Math.max(1, font / 6);
  ctx.setLineDash([font * 0.5, font * 0.35]);
  ctx.beginPath();
  ctx.moveTo(f.px(range[0]), f.py(range[0]));
  ctx.lineTo(f.px(range[1]), f.py(range[1]));
  ctx.stroke();
  ctx.restore();
  const items: [string, string, 'dot' | 'line'][] = [
    [`${v.scatterOn} rows`, DOT, 'dot'],
    ['y = x (perfect fit)', LINE, 'line'],
  ];
  legend(ctx, f.left + font * 0.6, f.top + font * 0.9, items, font, style.text);
  return { axes: names, ticks: t.xTicks + t.yTicks, legend: items.map((i) => i[0]), frame: f };
}

/** Residuals (actual − predicted) against the prediction, with the zero line. */
export function drawResiduals(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  v: RegressionView,
  dark: boolean,
  font = 10,
): Drawn {
  ctx.clearRect(0, 0, w, h);
  const res = v.actual.map((a, i) => a - v.predicted[i]!);
  const xr = padRange(v.predicted);
  const m = Math.max(...res.map(Math.abs), 1e-12) * 1.05;
  const yr: [number, number] = [-m, m];
  const style = axesStyle(dark, font);
  const f = frameFor(w, h, xr, yr, font);
  const names: [string, string] = [`predicted ${v.target}`, 'residual (actual − predicted)'];
  const t = drawAxes(ctx, f, xr, yr, { x: names[0], y: names[1] }, style);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  ctx.strokeStyle = LINE;
  ctx.lineWidth = Math.max(1, font / 6);
  ctx.setLineDash([font * 0.5, font * 0.35]);
  ctx.beginPath();
  ctx.moveTo(f.left, f.py(0));
  ctx.lineTo(f.left + f.width, f.py(0));
  ctx.stroke();
  ctx.setLineDash([]);
  dots(ctx, v.predicted, res, f.px, f.py, Math.max(1.5, font * 0.22));
  ctx.restore();
  const items: [string, string, 'dot' | 'line'][] = [
    [`${v.scatterOn} rows`, DOT, 'dot'],
    ['zero error', LINE, 'line'],
  ];
  legend(ctx, f.left + font * 0.6, f.top + font * 0.9, items, font, style.text);
  return { axes: names, ticks: t.xTicks + t.yTicks, legend: items.map((i) => i[0]), frame: f };
}
