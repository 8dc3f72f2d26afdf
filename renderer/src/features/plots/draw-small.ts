/** Small drawings for the regression and network views: a line plot and a heatmap on a 2D canvas. */
import { rampColor } from './colors.ts';

/** Plot lines (shared x) into a w × h box, with a faint zero line; y range over all lines. */
export function drawLines(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  x: number[],
  lines: { y: number[]; color: string }[],
  dots?: { x: number[]; y: number[] },
): void {
  ctx.clearRect(0, 0, w, h);
  const ys = lines.flatMap((l) => l.y).concat(dots?.y ?? []);
  const lo = Math.min(...ys, 0);
  const hi = Math.max(...ys, 0);
  const x0 = Math.min(...x, ...(dots?.x ?? []));
  const x1 = Math.max(...x, ...(dots?.x ?? []));
  const px = (v: number) => ((v - x0) / (x1 - x0 || 1)) * (w - 4) + 2;
  const py = (v: number) => h - 2 - ((v - lo) / (hi - lo || 1)) * (h - 4);
  ctx.strokeStyle = 'rgb(128 128 128 / 0.4)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, py(0));
  ctx.lineTo(w, py(0));
  ctx.stroke();
  if (dots) {
    ctx.fillStyle = 'rgb(128 128 128 / 0.6)';
    for (let i = 0; i < dots.x.length; i++) ctx.fillRect(px(dots.x[i]!) - 1.5, py(dots.y[i]!) - 1.5, 3, 3);
  }
  for (const l of lines) {
    ctx.strokeStyle = l.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    l.y.forEach((v, i) => (i ? ctx.lineTo(px(x[i]!), py(v)) : ctx.moveTo(px(x[i]!), py(v))));
    ctx.stroke();
  }
}

/** A heatmap of nx × ny values (row 0 at the bottom) on the range [min, max]. */
export function drawHeatmap(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  values: number[],
  nx: number,
  ny: number,
  min: number,
  max: number,
): void {
  const img = new ImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = rampColor((values[j * nx + i]! - min) / (max - min || 1));
      const o = ((ny - 1 - j) * nx + i) * 4;
      img.data.set([c[0], c[1], c[2], 255], o);
    }
  }
  const off = new OffscreenCanvas(nx, ny);
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.drawImage(off, 0, 0, w, h);
}
