/** Weight initializers, all drawing from a seeded Rng passed in. */
import type { InitializerName } from '../graph/catalog.ts';
import type { Rng } from '../train/rng.ts';

/** Fill `out` (a fanIn × fanOut weight matrix, or a bias of fanOut) with the named initializer. */
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
