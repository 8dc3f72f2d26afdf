/**
 * The one way the app asks for a 2-D canvas context. Plots are small and redrawn often, so their
 * canvases are kept in main memory (`willReadFrequently`): without it Chromium backs each canvas
 * with a GPU texture, and where the page is composited in software (no GPU, or a blocklisted one)
 * every changed canvas is read back from the GPU process on every frame (`GLES2::ReadPixels`,
 * 80-230 ms per frame while a digits model trained, in `npm run bench:ui`'s trace), and creating
 * each small canvas opens a GPU command buffer.
 */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D;
export function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D;
export function context2d(
  canvas: HTMLCanvasElement | OffscreenCanvas,
): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as
    CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('This browser gave no 2-D canvas context (out of memory or canvases disabled).');
  return ctx;
}
