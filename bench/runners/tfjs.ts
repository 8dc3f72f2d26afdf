/**
 * TensorFlow.js with its WebAssembly backend (XNNPACK, SIMD; one thread in Node) as a bench runner:
 * the same chain of Dense layers, loss, optimizer, batches and data, trained the usual TF.js way
 * (optimizer.minimize over tf.variables, the loss read back every batch). Only for the bench
 * (devDependencies: @tensorflow/tfjs for the gradients, tfjs-backend-wasm); it runs offline from node_modules.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { SeededRng, shuffleInPlace } from '../../src-engine/tensor/rng.ts';
import { rowsFor, type Workload } from '../workloads.ts';
import type { Measure, Runner } from './runner.ts';

type Tf = typeof TF;

interface Chain {
  sizes: number[];
  activations: string[];
  loss: 'cce' | 'bce' | 'mse';
}

/** A chain of Dense layers with activations and a loss TF.js has, or null. */
function denseChain(w: Workload): Chain | null {
  const g = w.graph();
  const types = g.nodes.map((n) => n.type);
  if (types[0] !== 'Input' || types.at(-1) !== 'Output' || types.slice(1, -1).some((t) => t !== 'Dense')) return null;
  const acts = g.nodes.slice(1).map((n) => String(n.params.activation));
  if (acts.some((a) => !['relu', 'tanh', 'sigmoid', 'linear', 'softmax'].includes(a))) return null;
  const out = g.nodes.at(-1)!.params;
  const loss = String(out.loss);
  if (!(
    (loss === 'cce' && out.activation === 'softmax') ||
    (loss === 'bce' && out.activation === 'sigmoid') ||
    loss === 'mse'
  ))
    return null;
  if (!['sgd', 'adam'].includes(w.config.optimizer.name) || w.config.l1 || w.config.l2 || w.config.clipNorm)
    return null;
  return {
    sizes: g.nodes.map((n) => Number(n.type === 'Input' ? n.params.features : n.params.units)),
    activations: acts,
    loss: loss as Chain['loss'],
  };
}

let loaded: Promise<Tf> | null = null;
/** tfjs-core with the wasm backend, set up once. */
async function tfWasm(): Promise<Tf> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    // tfjs-core's Node build registers no gradients (optimizer.minimize needs them); the union
    // package registers them into the same tfjs-core.
    await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return loaded;
}

export const tfjsRunner: Runner = {
  id: 'tfjs',
  label: 'TensorFlow.js 4, WebAssembly backend (SIMD, 1 thread)',
  async prepare(w) {
    const chain = denseChain(w);
    if (!chain) return null;
    const tf = await tfWasm();
    const data = rowsFor(w, true);
    const { sizes, activations } = chain;
    const rng = new SeededRng(w.config.seed);
    const Ws = sizes.slice(1).map((o, l) => {
      const i = sizes[l]!;
      const lim = Math.sqrt(6 / (i + o));
      return tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: i * o }, () => (rng.uniform() * 2 - 1) * lim),
          [i, o],
        ),
      );
    });
    const Bs = sizes.slice(1).map((o) => tf.variable(tf.zeros([1, o])));
    const { optimizer: o, batchSize: bs, epochs } = w.config;
    const opt = o.name === 'adam' ? tf.train.adam(o.lr, o.beta1, o.beta2, o.eps) : tf.train.sgd(o.lr);
    const F = data.features;
    const T = data.targets;
    const order = Uint32Array.from({ length: data.rows }, (_, i) => i);
    const shuffle = new SeededRng(w.config.seed ^ 0x9e3779b9);
    const xb = new Float32Array(bs * F);
    const yb = new Float32Array(bs * T);
    const act = (a: string, z: TF.Tensor2D): TF.Tensor2D =>
      a === 'relu' ? tf.relu(z) : a === 'tanh' ? tf.tanh(z) : a === 'sigmoid' ? tf.sigmoid(z) : z;
    const measure: Measure = async () => {
      const t0 = performance.now();
      for (let e = 0; e < epochs; e++) {
        shuffleInPlace(order, shuffle);
        for (let start = 0; start < data.rows; start += bs) {
          const n = Math.min(bs, data.rows - start);
          for (let s = 0; s < n; s++) {
            const r = order[start + s]!;
            xb.set(data.x.subarray(r * F, r * F + F), s * F);
            yb.set(data.y.subarray(r * T, r * T + T), s * T);
          }
          const cost = opt.minimize(() => {
            let h = tf.tensor2d(xb.subarray(0, n * F), [n, F]);
            const ys = tf.tensor2d(yb.subarray(0, n * T), [n, T]);
            for (let l = 0; l < Ws.length - 1; l++) h = act(activations[l]!, tf.add(tf.matMul(h, Ws[l]!), Bs[l]!));
            const z = tf.add(tf.matMul(h, Ws.at(-1)!), Bs.at(-1)!) as TF.Tensor2D;
            if (chain.loss === 'cce') return tf.losses.softmaxCrossEntropy(ys, z) as TF.Scalar;
            if (chain.loss === 'bce') return tf.losses.sigmoidCrossEntropy(ys, z) as TF.Scalar;
            return tf.losses.meanSquaredError(ys, act(activations.at(-1)!, z)) as TF.Scalar;
          }, true)!;
          cost.dataSync();
          cost.dispose();
        }
      }
      const sec = (performance.now() - t0) / 1000;
      return w.unit === 'samples/s' ? (data.rows * epochs) / sec : epochs / sec;
    };
    await measure();
    return measure;
  },
};
