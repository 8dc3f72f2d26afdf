/**
 * Data augmentation for image rows, applied to training batches only (never to validation or test
 * rows): a random shift of up to `shift` pixels in each direction (the edge pixels are repeated into
 * the gap, so it works whatever the pixel scaling) and, optionally, a left-right flip half of the
 * time. Every draw comes from a seeded Rng, so a run repeats exactly.
 */
import type { Rng } from '../tensor/rng.ts';

export interface AugmentOptions {
  /** Largest shift in pixels, up, down, left or right (0: none). */
  shift: number;
  /** Mirror left-right with probability 1/2. */
  flip: boolean;
}

/** Whether the options change anything. */
export function augments(o: AugmentOptions): boolean {
  return o.shift > 0 || o.flip;
}

export class Augmenter {
  private readonly scratch: Float32Array;

  constructor(
    private readonly shape: readonly [number, number, number],
    private readonly opts: AugmentOptions,
    private readonly rng: Rng,
  ) {
    this.scratch = new Float32Array(shape[0] * shape[1] * shape[2]);
  }

  /** Transform `rows` images stored one after another in x [rows, C·H·W], in place. */
  apply(x: Float32Array, rows: number): void {
    const [c, h, w] = this.shape;
    const size = c * h * w;
    const s = this.opts.shift;
    const tmp = this.scratch;
    for (let r = 0; r < rows; r++) {
      const dy = s ? this.rng.int(2 * s + 1) - s : 0;
      const dx = s ? this.rng.int(2 * s + 1) - s : 0;
      const flip = this.opts.flip && this.rng.uniform() < 0.5;
      if (!dy && !dx && !flip) continue;
      const img = x.subarray(r * size, (r + 1) * size);
      tmp.set(img);
      for (let ch = 0; ch < c; ch++) {
        const plane = ch * h * w;
        for (let i = 0; i < h; i++) {
          // Output pixel (i, j) shows input (i - dy, j - dx), clamped to the edge; flipped after the shift.
          const si = Math.min(h - 1, Math.max(0, i - dy));
          for (let j = 0; j < w; j++) {
            const jj = flip ? w - 1 - j : j;
            const sj = Math.min(w - 1, Math.max(0, jj - dx));
            img[plane + i * w + j] = tmp[plane + si * w + sj]!;
          }
        }
      }
    }
  }
}
