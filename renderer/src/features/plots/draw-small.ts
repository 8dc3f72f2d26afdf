/** A heatmap on a 2D canvas (the network view's units). */
import { signedColor } from './colors.ts';
import { context2d } from './context-2d.ts';

/** A heatmap of nx × ny values (row 0 at the bottom) in the diverging palette, white at zero, over [min, max]. */
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
  const maxAbs = Math.max(Math.abs(min), Math.abs(max));
  const img = new ImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = signedColor(values[j * nx + i]!, maxAbs);
      const o = ((ny - 1 - j) * nx + i) * 4;
      img.data.set([c[0], c[1], c[2], 255], o);
    }
  }
  const off = new OffscreenCanvas(nx, ny);
  context2d(off).putImageData(img, 0, 0);
  ctx.drawImage(off, 0, 0, w, h);
}
