/**
 * Hand-written Float32Array training loops for chains of tanh layers with a sigmoid output, binary
 * cross-entropy and plain SGD, the data shuffled every epoch, no allocation per step, on the same
 * data and network as the engine:
 * - `naiveRunner`, the baseline of the target: the textbook matrix form written op by op — for each
 *   layer Z = X·W (an i-j-k loop), Z + b, tanh, then the backward pass and the update, each a loop
 *   of its own over preallocated arrays (what the engine's per-op interpreter does, by hand);
 * - `perSampleRunner`, for comparison: sample by sample through the layers with the gradients
 *   summed as it goes, every op of a sample fused by hand (what a careful person writes for a
 *   network this small).
 */
import { SeededRng, shuffleInPlace } from '../../src-engine/tensor/rng.ts';
import type { Workload } from '../workloads.ts';
import type { Measure, Runner } from './runner.ts';

/** Units per layer of a chain of Dense layers with tanh hidden units and a sigmoid/BCE output, or null. */
function tanhChain(w: Workload): number[] | null {
  const g = w.graph();
  const types = g.nodes.map((n) => n.type);
  if (types[0] !== 'Input' || types.at(-1) !== 'Output' || types.slice(1, -1).some((t) => t !== 'Dense')) return null;
  const out = g.nodes.at(-1)!.params;
  if (out.activation !== 'sigmoid' || out.loss !== 'bce' || Number(out.units) !== 1) return null;
  if (g.nodes.slice(1, -1).some((n) => n.params.activation !== 'tanh' || !n.params.use_bias)) return null;
  if (w.config.optimizer.name !== 'sgd' || w.config.l1 || w.config.l2 || w.config.clipNorm) return null;
  return g.nodes.map((n) => Number(n.type === 'Input' ? n.params.features : n.params.units));
}

export const perSampleRunner: Runner = {
  id: 'per-sample',
  label: 'hand-fused per-sample Float32Array loop',
  async prepare(w) {
    const sizes = tanhChain(w);
    if (!sizes) return null;
    const data = w.data();
    const L = sizes.length - 1;
    const rng = new SeededRng(w.config.seed);
    const W = sizes.slice(1).map((o, l) => {
      const i = sizes[l]!;
      const lim = Math.sqrt(6 / (i + o));
      return Float32Array.from({ length: i * o }, () => (rng.uniform() * 2 - 1) * lim);
    });
    const B = sizes.slice(1).map((o) => new Float32Array(o));
    const gW = W.map((m) => new Float32Array(m.length));
    const gB = B.map((b) => new Float32Array(b.length));
    const act = sizes.map((s) => new Float32Array(s));
    const delta = sizes.map((s) => new Float32Array(s));
    const order = Uint32Array.from({ length: data.rows }, (_, i) => i);
    const shuffle = new SeededRng(w.config.seed ^ 0x9e3779b9);
    const F = data.features;
    const bs = w.config.batchSize;
    const lr = w.config.optimizer.lr;
    const epochs = w.config.epochs;
    const run = (): { loss: number; correct: number } => {
      let loss = 0;
      let correct = 0;
      for (let e = 0; e < epochs; e++) {
        shuffleInPlace(order, shuffle);
        loss = 0;
        correct = 0;
        for (let start = 0; start < data.rows; start += bs) {
          const n = Math.min(bs, data.rows - start);
          for (let l = 0; l < L; l++) {
            gW[l]!.fill(0);
            gB[l]!.fill(0);
          }
          for (let s = 0; s < n; s++) {
            const r = order[start + s]!;
            for (let i = 0; i < F; i++) act[0]![i] = data.x[r * F + i]!;
            for (let l = 0; l < L; l++) {
              const inp = act[l]!;
              const out = act[l + 1]!;
              const m = W[l]!;
              const ni = sizes[l]!;
              const no = sizes[l + 1]!;
              for (let j = 0; j < no; j++) {
                let z = B[l]![j]!;
                for (let i = 0; i < ni; i++) z += inp[i]! * m[i * no + j]!;
                out[j] = l === L - 1 ? 1 / (1 + Math.exp(-z)) : Math.tanh(z);
              }
            }
            const p = act[L]![0]!;
            const y = data.y[r]!;
            loss -= y * Math.log(Math.max(p, 1e-7)) + (1 - y) * Math.log(Math.max(1 - p, 1e-7));
            if (p >= 0.5 === y >= 0.5) correct++;
            delta[L]![0] = p - y;
            for (let l = L - 1; l >= 0; l--) {
              const inp = act[l]!;
              const d = delta[l + 1]!;
              const m = W[l]!;
              const ni = sizes[l]!;
              const no = sizes[l + 1]!;
              for (let i = 0; i < ni; i++) {
                let back = 0;
                for (let j = 0; j < no; j++) {
                  gW[l]![i * no + j] += inp[i]! * d[j]!;
                  back += m[i * no + j]! * d[j]!;
                }
                delta[l]![i] = back * (1 - inp[i]! * inp[i]!);
              }
              for (let j = 0; j < no; j++) gB[l]![j] += d[j]!;
            }
          }
          for (let l = 0; l < L; l++) {
            for (let k = 0; k < W[l]!.length; k++) W[l]![k] -= (lr * gW[l]![k]!) / n;
            for (let k = 0; k < B[l]!.length; k++) B[l]![k] -= (lr * gB[l]![k]!) / n;
          }
        }
      }
      return { loss: loss / data.rows, correct };
    };
    const measure: Measure = async () => {
      const t0 = performance.now();
      run();
      return epochs / ((performance.now() - t0) / 1000);
    };
    await measure();
    return measure;
  },
};

export const naiveRunner: Runner = {
  id: 'naive',
  label: 'naive Float32Array loop, op by op',
  async prepare(w) {
    const sizes = tanhChain(w);
    if (!sizes) return null;
    const data = w.data();
    const L = sizes.length - 1;
    const bs = w.config.batchSize;
    const rng = new SeededRng(w.config.seed);
    const W = sizes.slice(1).map((o, l) => {
      const i = sizes[l]!;
      const lim = Math.sqrt(6 / (i + o));
      return Float32Array.from({ length: i * o }, () => (rng.uniform() * 2 - 1) * lim);
    });
    const B = sizes.slice(1).map((o) => new Float32Array(o));
    const gW = W.map((m) => new Float32Array(m.length));
    const gB = B.map((b) => new Float32Array(b.length));
    // A[l]: the layer inputs/outputs [n, sizes[l]]; Z: pre-activations; D: gradients w.r.t. A.
    const A = sizes.map((s) => new Float32Array(bs * s));
    const Z = sizes.map((s) => new Float32Array(bs * s));
    const D = sizes.map((s) => new Float32Array(bs * s));
    const Y = new Float32Array(bs);
    const order = Uint32Array.from({ length: data.rows }, (_, i) => i);
    const shuffle = new SeededRng(w.config.seed ^ 0x9e3779b9);
    const F = data.features;
    const lr = w.config.optimizer.lr;
    const epochs = w.config.epochs;
    const step = (n: number): { loss: number; correct: number } => {
      for (let l = 0; l < L; l++) {
        const ni = sizes[l]!;
        const no = sizes[l + 1]!;
        const x = A[l]!;
        const z = Z[l + 1]!;
        const m = W[l]!;
        // Z = X·W
        for (let r = 0; r < n; r++)
          for (let j = 0; j < no; j++) {
            let s = 0;
            for (let k = 0; k < ni; k++) s += x[r * ni + k]! * m[k * no + j]!;
            z[r * no + j] = s;
          }
        // Z += b
        for (let r = 0; r < n; r++) for (let j = 0; j < no; j++) z[r * no + j] += B[l]![j]!;
        // A = f(Z)
        const a = A[l + 1]!;
        if (l === L - 1) for (let i = 0; i < n * no; i++) a[i] = 1 / (1 + Math.exp(-z[i]!));
        else for (let i = 0; i < n * no; i++) a[i] = Math.tanh(z[i]!);
      }
      const p = A[L]!;
      let loss = 0;
      let correct = 0;
      for (let r = 0; r < n; r++) {
        loss -= Y[r]! * Math.log(Math.max(p[r]!, 1e-7)) + (1 - Y[r]!) * Math.log(Math.max(1 - p[r]!, 1e-7));
        if (p[r]! >= 0.5 === Y[r]! >= 0.5) correct++;
      }
      // dL/dZ of the output (sigmoid + BCE), mean over the batch
      const dz = D[L]!;
      for (let r = 0; r < n; r++) dz[r] = (p[r]! - Y[r]!) / n;
      for (let l = L - 1; l >= 0; l--) {
        const ni = sizes[l]!;
        const no = sizes[l + 1]!;
        const x = A[l]!;
        const d = D[l + 1]!;
        const m = W[l]!;
        // gW = Xᵀ·dZ, gB = column sums of dZ
        for (let k = 0; k < ni; k++)
          for (let j = 0; j < no; j++) {
            let s = 0;
            for (let r = 0; r < n; r++) s += x[r * ni + k]! * d[r * no + j]!;
            gW[l]![k * no + j] = s;
          }
        for (let j = 0; j < no; j++) {
          let s = 0;
          for (let r = 0; r < n; r++) s += d[r * no + j]!;
          gB[l]![j] = s;
        }
        if (l > 0) {
          // dX = dZ·Wᵀ, then through tanh: dZ_prev = dX (1 - X²)
          const dx = D[l]!;
          for (let r = 0; r < n; r++)
            for (let k = 0; k < ni; k++) {
              let s = 0;
              for (let j = 0; j < no; j++) s += d[r * no + j]! * m[k * no + j]!;
              dx[r * ni + k] = s;
            }
          for (let i = 0; i < n * ni; i++) dx[i] = dx[i]! * (1 - x[i]! * x[i]!);
        }
      }
      for (let l = 0; l < L; l++) {
        for (let k = 0; k < W[l]!.length; k++) W[l]![k] -= lr * gW[l]![k]!;
        for (let k = 0; k < B[l]!.length; k++) B[l]![k] -= lr * gB[l]![k]!;
      }
      return { loss: loss / n, correct };
    };
    const run = (): number => {
      let lossSum = 0;
      for (let e = 0; e < epochs; e++) {
        shuffleInPlace(order, shuffle);
        lossSum = 0;
        for (let start = 0; start < data.rows; start += bs) {
          const n = Math.min(bs, data.rows - start);
          for (let r = 0; r < n; r++) {
            const row = order[start + r]!;
            for (let k = 0; k < F; k++) A[0]![r * F + k] = data.x[row * F + k]!;
            Y[r] = data.y[row]!;
          }
          lossSum += step(n).loss * n;
        }
      }
      return lossSum / data.rows;
    };
    const measure: Measure = async () => {
      const t0 = performance.now();
      run();
      return epochs / ((performance.now() - t0) / 1000);
    };
    await measure();
    return measure;
  },
};
