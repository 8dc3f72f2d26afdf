/** Weight initializers, all drawing from a seeded Rng passed in. */
import type { Rng } from '../tensor/rng.ts';

export const INITIALIZERS = [
  'zeros',
  'ones',
  'uniform',
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** Fill `out` (a parameter with the given fan-in and fan-out) with the named initializer. */
export function initialize(
  out: Float32Array | Float64Array,
  name: InitializerName,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): void {
  const n = out.length;
  switch (name) {
    case 'zeros':
      out.fill(0);
      return;
    case 'ones':
      out.fill(1);
      return;
    case 'uniform':
      // numpy's np.random.rand: uniform on [0, 1), as in the from-scratch article
      for (let i = 0; i < n; i++) out[i] = rng.uniform();
      return;
    case 'glorot_uniform': {
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * lim;
      return;
    }
    case 'glorot_normal': {
      const sd = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = rng.normal() * sd;
      return;
    }
    case 'he_uniform': {
      const lim = Math.sqrt(6 / fanIn);
      for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * lim;
      return;
    }
    case 'he_normal': {
      const sd = Math.sqrt(2 / fanIn);
      for (let i = 0; i < n; i++) out[i] = rng.normal() * sd;
      return;
    }
  }
}
