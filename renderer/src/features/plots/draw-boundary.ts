/**
 * Drawing the decision boundary the engine computed: the plane shaded by predicted class with the
 * probability as intensity (or flat colours when discretized), the boundary contours, the data points
 * (training filled, test as rings), for single-layer models the weight vectors as arrows on the
 * boundary they are normal to, axes with ticks and names, and a legend. Draws only; every number
 * comes from the engine.
 */
import type { GridView, PointsView } from '../../../../src-engine/protocol/api.ts';
import { axesStyle, drawAxes, type Drawn } from './axes.ts';
import { CLASS_COLORS, cellColor, rampColor } from './colors.ts';
import { sig } from './format.ts';
import { context2d } from './context-2d.ts';
import { placeLegend, type LegendEntry } from './legend.ts';

export { CLASS_COLORS } from './colors.ts';

export interface BoundaryOptions {
  /** Draw the test points (rings). */
  showTest?: boolean;
  /** Flat class colours instead of probability shading (regression: ten bands). */
  discretize?: boolean;
  /** Font size in pixels. */
  font?: number;
}

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** Draw a grid, its contours, points, arrows, axes and legend onto a 2D context of size w × h. */
export function drawBoundary(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  grid: GridView,
  points: PointsView | undefined,
  dark: boolean,
  opts: BoundaryOptions = {},
): Drawn {
  const font = opts.font ?? 10;
  const { nx, ny, bounds } = grid;
  const classes = Math.max(2, grid.classNames?.length ?? 0, ...grid.predicted.map((p) => p + 1));
  const img = new ImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const t = grid.intensity[c]!;
      const color =
        grid.task === 'regression'
          ? rampColor(opts.discretize ? (Math.min(9, Math.floor(t * 10)) + 0.5) / 10 : t)
          : cellColor(grid.predicted[c]!, opts.discretize ? 0.7 : t, classes);
      // Row j = 0 is the bottom of the plane: flip so y grows upwards.
      const o = ((ny - 1 - j) * nx + i) * 4;
      img.data[o] = color[0];
      img.data[o + 1] = color[1];
      img.data[o + 2] = color[2];
      img.data[o + 3] = 255;
    }
  }
  const [x0, x1, y0, y1] = bounds;
  const entries = legendEntries(grid, points, dark, opts.showTest !== false);
  const r = Math.max(2.5, font * 0.32);
  const placed = placeLegend(ctx, w, h, [x0, x1], [y0, y1], entries, dark, font, r);
  const f = placed.frame;
  const off = new OffscreenCanvas(nx, ny);
  context2d(off).putImageData(img, 0, 0);
  ctx.clearRect(0, 0, w, h);
  // Discretized colours stay crisp; shading is smoothed between the grid's nodes.
  ctx.imageSmoothingEnabled = !opts.discretize;
  ctx.drawImage(off, f.left, f.top, f.width, f.height);
  ctx.imageSmoothingEnabled = true;
  const { px, py } = f;

  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  ctx.lineWidth = Math.max(1.5, font / 5);
  ctx.lineJoin = 'round';
  ctx.strokeStyle = dark ? '#f4f4f4' : '#1d2330';
  for (const line of grid.contours) {
    ctx.beginPath();
    for (let k = 0; k + 1 < line.length; k += 2) {
      if (k === 0) ctx.moveTo(px(line[k]!), py(line[k + 1]!));
      else ctx.lineTo(px(line[k]!), py(line[k + 1]!));
    }
    ctx.stroke();
  }

  const markers = { training: 0, test: 0 };
  if (points) {
    // Training points first (filled discs with a dark edge), test points on top as rings.
    for (const wantTest of [false, true]) {
      if (wantTest && opts.showTest === false) continue;
      for (let k = 0; k < points.x.length; k++) {
        if (points.test[k] !== wantTest) continue;
        const color = rgb(CLASS_COLORS[points.label[k]! % CLASS_COLORS.length]!);
        marker(ctx, px(points.x[k]!), py(points.y[k]!), r, color, wantTest);
        markers[wantTest ? 'test' : 'training']++;
      }
    }
  }

  ctx.fillStyle = ctx.strokeStyle = dark ? '#ffffff' : '#111111';
  ctx.lineWidth = Math.max(2, font / 5);
  ctx.font = `${Math.round(font * 1.2)}px system-ui, sans-serif`;
  const head = font * 0.9;
  for (const a of grid.arrows) {
    const [ax, ay, bx, by] = [px(a.from[0]), py(a.from[1]), px(a.to[0]), py(a.to[1])];
    ctx.beginPath();
    ctx.arc(ax, ay, font * 0.25, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
    const ang = Math.atan2(by - ay, bx - ax);
    ctx.beginPath();
    ctx.moveTo(bx, by);
    ctx.lineTo(bx - head * Math.cos(ang - 0.4), by - head * Math.sin(ang - 0.4));
    ctx.lineTo(bx - head * Math.cos(ang + 0.4), by - head * Math.sin(ang + 0.4));
    ctx.closePath();
    ctx.fill();
    ctx.fillText(a.label, bx + 4, by - 4);
  }
  ctx.restore();

  const axes = drawAxes(
    ctx,
    f,
    [x0, x1],
    [y0, y1],
    { x: grid.featureNames[0], y: grid.featureNames[1] },
    axesStyle(dark, font),
  );
  placed.draw();
  return {
    axes: grid.featureNames,
    ticks: axes.xTicks + axes.yTicks,
    legend: entries.map((e) => e.label),
    markers,
    legendPlace: placed.place,
    frame: f,
  };
}

/** A data point: a filled disc with a dark edge (training) or a ring (test). */
function marker(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string, test: boolean) {
  ctx.beginPath();
  if (test) {
    ctx.arc(x, y, r * 1.15, 0, Math.PI * 2);
    ctx.lineWidth = Math.max(1.5, r * 0.55);
    ctx.strokeStyle = color;
    ctx.stroke();
  } else {
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.lineWidth = Math.max(0.6, r * 0.25);
    ctx.strokeStyle = 'rgb(0 0 0 / 0.55)';
    ctx.stroke();
  }
}

/** The legend's entries: class colours (or the output's range) and the markers. */
function legendEntries(
  grid: GridView,
  points: PointsView | undefined,
  dark: boolean,
  showTest: boolean,
): LegendEntry[] {
  const rows: LegendEntry[] = [];
  if (grid.task === 'regression') {
    const [lo, hi] = grid.range ?? [0, 1];
    rows.push({
      label: `output ${sig(lo, 3)} … ${sig(hi, 3)}`,
      mark: (ctx, x, y, r) => {
        const g = ctx.createLinearGradient(x - r * 1.5, 0, x + r * 1.5, 0);
        g.addColorStop(0, rgb(rampColor(0)));
        g.addColorStop(0.5, rgb(rampColor(0.5)));
        g.addColorStop(1, rgb(rampColor(1)));
        ctx.fillStyle = g;
        ctx.fillRect(x - r * 1.5, y - r, r * 3, r * 2);
      },
    });
  } else {
    const names =
      grid.classNames ?? Array.from({ length: Math.max(2, ...grid.predicted.map((p) => p + 1)) }, (_, i) => String(i));
    names.slice(0, 10).forEach((name, k) => {
      const color = rgb(CLASS_COLORS[k % CLASS_COLORS.length]!);
      rows.push({ label: `class ${name}`, mark: (ctx, x, y, r) => marker(ctx, x, y, r, color, false) });
    });
  }
  const grey = dark ? '#c8ceda' : '#475467';
  const hasTest = showTest && !!points?.test.some(Boolean);
  if (points?.x.length) rows.push({ label: 'training', mark: (ctx, x, y, r) => marker(ctx, x, y, r, grey, false) });
  if (hasTest) rows.push({ label: 'test', mark: (ctx, x, y, r) => marker(ctx, x, y, r, grey, true) });
  return rows;
}
