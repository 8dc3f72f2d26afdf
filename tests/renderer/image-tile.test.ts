/** Image tiles to RGBA pixels: the colour modes every image view draws with. */
import { describe, expect, it } from 'vitest';
import { defaultMode, tilePixels } from '../../renderer/src/features/plots/image-tile.ts';

const px = (data: Uint8ClampedArray, i: number) => Array.from(data.subarray(i * 4, i * 4 + 4));

describe('tilePixels', () => {
  it('gray spans the tile range from black to white', () => {
    const d = tilePixels({ c: 1, h: 1, w: 3, values: [2, 3, 4], min: 2, max: 4 }, 'gray');
    expect([px(d, 0), px(d, 1), px(d, 2)]).toEqual([
      [0, 0, 0, 255],
      [128, 128, 128, 255],
      [255, 255, 255, 255],
    ]);
  });

  it('rgb reads three channel planes', () => {
    const t = { c: 3, h: 1, w: 2, values: [1, 0, 0, 1, 0, 0], min: 0, max: 1 };
    expect(defaultMode(t)).toBe('rgb');
    const d = tilePixels(t);
    expect([px(d, 0), px(d, 1)]).toEqual([
      [255, 0, 0, 255],
      [0, 255, 0, 255],
    ]);
  });

  it('signed: white at zero, blue above, orange below, by the largest magnitude', () => {
    const d = tilePixels({ c: 1, h: 1, w: 3, values: [0, 2, -1], min: -1, max: 2 }, 'signed');
    expect(px(d, 0)).toEqual([255, 255, 255, 255]);
    const [r, g, b] = px(d, 1);
    expect(b! > r! && b! > g!).toBe(true);
    const [r2, , b2] = px(d, 2);
    expect(r2! > b2!).toBe(true);
    // half the magnitude: halfway to the colour
    expect(px(d, 2)[0]).toBe(Math.round(255 + (224 - 255) * 0.5));
  });

  it('heat: white at zero, dark red at the maximum', () => {
    const d = tilePixels({ c: 1, h: 1, w: 2, values: [0, 5], min: 0, max: 5 }, 'heat');
    expect([px(d, 0), px(d, 1)]).toEqual([
      [255, 255, 255, 255],
      [160, 20, 30, 255],
    ]);
  });
});
