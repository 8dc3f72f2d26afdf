/**
 * Drawing the 2-D projection the engine computed: each row at its PC1, PC2 coordinates, filled in its
 * true class's colour; rows the model gets wrong carry a ring in the colour of the class it predicted.
 * Axes name the principal components and the share of the variance each shows; the legend lists the
 * classes. Draws only; every number comes from the engine.
 */
import type { ProjectionView } from '../../../../src-engine/protocol/api.ts';
import { axesStyle, drawAxes, padRange, type Drawn } from './axes.ts';
import { CLASS_COLORS } from './colors.ts';
import { placeLegend, type LegendEntry } from './legend.ts';

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
  const r = Math.max(2, font * 0.28);
  const wrongAny = v.predicted.some((p, k) => p !== v.label[k]);
  const entries: LegendEntry[] = v.classNames.slice(0, 10).map((name, k) => ({
    label: `class ${name}`,
    mark: (c, x, y, rr) => {
      c.beginPath();
      c.arc(x, y, rr, 0, Math.PI * 2);
      c.fillStyle = classColor(k);
      c.fill();
    },
  }));
  if (wrongAny)
    entries.push({
      label: 'ring: predicted class (wrong)',
      mark: (c, x, y, rr) => {
        c.beginPath();
        c.arc(x, y, rr * 1.5, 0, Math.PI * 2);
        c.strokeStyle = style.text;
        c.lineWidth = 1;
        c.stroke();
      },
    });
  const placed = placeLegend(ctx, w, h, xr, yr, entries, dark, font, r);
  const f = placed.frame;
  const names = projectionAxes(v);
  const t = drawAxes(ctx, f, xr, yr, { x: names[0], y: names[1] }, style);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
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
      ctx.beginPath();
      ctx.arc(x, y, r * 1.9, 0, Math.PI * 2);
      ctx.lineWidth = Math.max(1, r * 0.45);
      ctx.strokeStyle = classColor(v.predicted[k]!);
      ctx.stroke();
    }
  }
  ctx.restore();
  placed.draw();
  return {
    axes: names,
    ticks: t.xTicks + t.yTicks,
    legend: entries.map((e) => e.label),
    legendPlace: placed.place,
    frame: f,
  };
}
