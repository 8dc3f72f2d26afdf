/**
 * How a small image from the engine (ImageTileView: c channels of h × w values) becomes RGBA pixels
 * (pure, unit-tested). Shared by every view that draws images: filters, feature maps, saliency,
 * galleries of samples and predictions.
 */
import type { ImageTileView } from '../../../../src-engine/protocol/api.ts';
import { CLASS_COLORS } from './colors.ts';

/**
 * gray: the tile's range from black to white (one channel); rgb: three channels as colour;
 * signed: blue above zero, orange below, white at zero (weights, as the network view colours them);
 * heat: white at zero to dark red at the tile's largest value (saliency, magnitudes).
 */
export type TileMode = 'gray' | 'rgb' | 'signed' | 'heat';

/** The mode that suits a tile when the caller does not choose: colour for three channels, else grey. */
export function defaultMode(t: ImageTileView): TileMode {
  return t.c === 3 ? 'rgb' : 'gray';
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** RGBA bytes (h × w × 4) of a tile; multi-channel tiles in gray, signed or heat mode show channel 0. */
export function tilePixels(t: ImageTileView, mode: TileMode = defaultMode(t)): Uint8ClampedArray<ArrayBuffer> {
  const n = t.h * t.w;
  const out = new Uint8ClampedArray(n * 4);
  const range = t.max - t.min || 1;
  const extent = Math.max(Math.abs(t.min), Math.abs(t.max)) || 1;
  const [pos, neg] = [CLASS_COLORS[0]!, CLASS_COLORS[1]!];
  for (let i = 0; i < n; i++) {
    let r: number;
    let g: number;
    let b: number;
    if (mode === 'rgb' && t.c >= 3) {
      r = 255 * clamp01((t.values[i]! - t.min) / range);
      g = 255 * clamp01((t.values[n + i]! - t.min) / range);
      b = 255 * clamp01((t.values[2 * n + i]! - t.min) / range);
    } else if (mode === 'signed') {
      const a = clamp01(Math.abs(t.values[i]!) / extent);
      const c = t.values[i]! >= 0 ? pos : neg;
      r = 255 + (c[0] - 255) * a;
      g = 255 + (c[1] - 255) * a;
      b = 255 + (c[2] - 255) * a;
    } else if (mode === 'heat') {
      const a = clamp01(t.values[i]! / (t.max || 1));
      r = 255 - 95 * a;
      g = 255 - 235 * a;
      b = 255 - 225 * a;
    } else {
      r = g = b = 255 * clamp01((t.values[i]! - t.min) / range);
    }
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
  return out;
}
