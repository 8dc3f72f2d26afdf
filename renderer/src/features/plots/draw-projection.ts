/**
 * Drawing the 2-D projection the engine computed: each row at its PC1, PC2 coordinates, filled in its
 * true class's colour; rows the model gets wrong carry a ring in the colour of the class it predicted.
 * Axes name the principal components and the share of the variance each shows; the legend lists the
 * classes. Draws only; every number comes from the engine.
 */
import type { ProjectionView } from '../../../../src-engine/protocol/api.ts';
import { axesStyle, drawAxes, frameFor, padRange, type Drawn } from './axes.ts';
import { CLASS_COLORS } from './colors.ts';

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
const classColor = (k: number) => rgb(CLASS_COLORS[k % CLASS_COLORS.length]!);

/** Axis names with the variance each principal component shows. */
export function projectionAxes(v: ProjectionView): [string, string] {
  const pc = (k: number) => `PC${k + 1} (${Math.round(v.explained[k]! * 100)} % of variance)`;
  return [pc(0), pc(1)];
}

export function drawProjection(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  v: ProjectionView,
  dark: boolean,
  font = 10,
): Drawn {
  ctx.clearRect(0, 0, w, h);
  const xr = padRange(v.x, 0.06);
  const yr = padRange(v.y, 0.06);
  const style = axesStyle(dark, font);
  const f = frameFor(w, h, xr, yr, font);
  const names = projectionAxes(v);
  const t = drawAxes(ctx, f, xr, yr, { x: names[0], y: names[1] }, style);
  const r = Math.max(2, font * 0.28);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  let wrong = 0;
  for (let k = 0; k < v.x.length; k++) {
    const x = f.px(v.x[k]!);
    const y = f.py(v.y[k]!);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = classColor(v.label[k]!);
    ctx.globalAlpha = 0.8;
    ctx.fill();
    ctx.globalAlpha = 1;
    if (v.predicted[k] !== v.label[k]) {
      wrong++;
      ctx.beginPath();
      ctx.arc(x, y, r * 1.9, 0, Math.PI * 2);
      ctx.lineWidth = Math.max(1, r * 0.45);
      ctx.strokeStyle = classColor(v.predicted[k]!);
      ctx.stroke();
    }
  }
  ctx.restore();
  const rows = v.classNames.slice(0, 10).map((name, k) => ({ label: `class ${name}`, color: classColor(k) }));
  const labels = rows.map((row) => row.label);
  if (wrong) labels.push('ring: predicted class (wrong)');
  // Many classes (the ten digits) take two columns, so the legend hides fewer points.
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  const line = font * 1.35;
  const cols = rows.length > 6 ? 2 : 1;
  const perCol = Math.ceil(rows.length / cols);
  const colWidth = Math.max(...rows.map((row) => ctx.measureText(row.label).width)) + font * 2.6;
  const extra = wrong ? 1 : 0;
  const width = Math.max(cols * colWidth, wrong ? ctx.measureText(labels[labels.length - 1]!).width + font * 2.8 : 0);
  const height = (perCol + extra) * line + font * 0.5;
  const x0 = f.left + f.width - width - font * 0.4;
  const y0 = f.top + font * 0.4;
  ctx.fillStyle = dark ? 'rgb(24 28 36 / 0.82)' : 'rgb(255 255 255 / 0.85)';
  ctx.strokeStyle = dark ? 'rgb(255 255 255 / 0.15)' : 'rgb(0 0 0 / 0.15)';
  ctx.lineWidth = 1;
  ctx.fillRect(x0, y0, width, height);
  ctx.strokeRect(x0, y0, width, height);
  ctx.textBaseline = 'middle';
  const text = dark ? '#e6e9ef' : '#1d2330';
  rows.forEach((row, k) => {
    const cx = x0 + Math.floor(k / perCol) * colWidth;
    const cy = y0 + font * 0.25 + line * ((k % perCol) + 0.5);
    ctx.beginPath();
    ctx.arc(cx + font, cy, r, 0, Math.PI * 2);
    ctx.fillStyle = row.color;
    ctx.fill();
    ctx.fillStyle = text;
    ctx.fillText(row.label, cx + font * 2, cy);
  });
  if (wrong) {
    const cy = y0 + font * 0.25 + line * (perCol + 0.5);
    ctx.beginPath();
    ctx.arc(x0 + font, cy, r * 1.5, 0, Math.PI * 2);
    ctx.strokeStyle = style.text;
    ctx.stroke();
    ctx.fillStyle = text;
    ctx.fillText(labels[labels.length - 1]!, x0 + font * 2, cy);
  }
  ctx.restore();
  return { axes: names, ticks: t.xTicks + t.yTicks, legend: labels, frame: f };
}
