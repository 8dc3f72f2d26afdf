/**
 * Drawing the decision boundary the engine computed: the plane shaded by predicted class with the
 * probability as intensity, the 0.5 contour, the data points (training filled, test hollow) and,
 * for single-layer models, the weight vectors as arrows. Draws only; every number comes from the engine.
 */
import type { GridView, PointsView } from '../../../../src-engine/protocol/api.ts';
import { CLASS_COLORS, cellColor, rampColor } from './colors.ts';

export { CLASS_COLORS } from './colors.ts';

/** Draw a grid, its contours, points and arrows onto a 2D context of size w × h. */
export function drawBoundary(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  grid: GridView,
  points: PointsView | undefined,
  dark: boolean,
): void {
  const { nx, ny, bounds } = grid;
  const classes = Math.max(2, ...grid.predicted.map((p) => p + 1));
  const img = new ImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const rgb =
        grid.task === 'regression'
          ? rampColor(grid.intensity[c]!)
          : cellColor(grid.predicted[c]!, grid.intensity[c]!, classes);
      // Row j = 0 is the bottom of the plane: flip so y grows upwards.
      const o = ((ny - 1 - j) * nx + i) * 4;
      img.data[o] = rgb[0];
      img.data[o + 1] = rgb[1];
      img.data[o + 2] = rgb[2];
      img.data[o + 3] = 255;
    }
  }
  const off = new OffscreenCanvas(nx, ny);
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(off, 0, 0, w, h);
  const [x0, x1, y0, y1] = bounds;
  const px = (x: number) => ((x - x0) / (x1 - x0)) * w;
  const py = (y: number) => h - ((y - y0) / (y1 - y0)) * h;

  ctx.lineWidth = 2;
  ctx.strokeStyle = dark ? '#f4f4f4' : '#1d2330';
  for (const line of grid.contours) {
    ctx.beginPath();
    for (let k = 0; k + 1 < line.length; k += 2) {
      if (k === 0) ctx.moveTo(px(line[k]!), py(line[k + 1]!));
      else ctx.lineTo(px(line[k]!), py(line[k + 1]!));
    }
    ctx.stroke();
  }

  if (points) {
    for (let r = 0; r < points.x.length; r++) {
      const c = CLASS_COLORS[points.label[r]! % CLASS_COLORS.length]!;
      const color = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
      ctx.beginPath();
      ctx.arc(px(points.x[r]!), py(points.y[r]!), points.test[r] ? 3.5 : 3, 0, Math.PI * 2);
      if (points.test[r]) {
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = color;
        ctx.stroke();
      } else {
        ctx.fillStyle = color;
        ctx.fill();
        ctx.lineWidth = 0.7;
        ctx.strokeStyle = 'white';
        ctx.stroke();
      }
    }
  }

  ctx.fillStyle = ctx.strokeStyle = dark ? '#ffffff' : '#111111';
  ctx.lineWidth = 2;
  ctx.font = '12px sans-serif';
  for (const a of grid.arrows) {
    const [ax, ay, bx, by] = [px(a.from[0]), py(a.from[1]), px(a.to[0]), py(a.to[1])];
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
    const ang = Math.atan2(by - ay, bx - ax);
    ctx.beginPath();
    ctx.moveTo(bx, by);
    ctx.lineTo(bx - 9 * Math.cos(ang - 0.4), by - 9 * Math.sin(ang - 0.4));
    ctx.lineTo(bx - 9 * Math.cos(ang + 0.4), by - 9 * Math.sin(ang + 0.4));
    ctx.closePath();
    ctx.fill();
    ctx.fillText(a.label, bx + 4, by - 4);
  }
}
