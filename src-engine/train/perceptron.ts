/**
 * The perceptron learning rule (the visual article's Listing 2) as its own training backend:
 * for each sample in turn, w += eta (target - prediction) x and b += eta (target - prediction),
 * with prediction = 1 if x·w + b >= 0 else 0. It plugs into the Trainer, so it emits the same events.
 */
import type { ForwardModel } from '../model/compile.ts';
import type { FloatArray } from '../tensor/tensor.ts';
import type { StepResult, TrainBackend } from './backend.ts';
import type { WeightSet } from '../tensor/weights.ts';

export class PerceptronBackend implements TrainBackend {
  readonly name = 'perceptron';
  private readonly w: Float64Array;
  private b = 0;
  private readonly wName: string;
  private readonly bName: string | null;
  private readonly F: number;

  constructor(model: ForwardModel, weights: WeightSet) {
    const out = model.outputNode;
    if (model.targets !== 1)
      throw new Error(`The perceptron rule trains one output unit; Output '${out.id}' has ${model.targets}.`);
    if (model.params.length > 2 || model.params.some((p) => p.nodeId !== out.id)) {
      throw new Error('The perceptron rule trains a single layer: connect the Input straight to the Output.');
    }
    this.F = model.features;
    this.wName = `${out.id}.W`;
    this.bName = out.params.use_bias ? `${out.id}.b` : null;
    this.w = new Float64Array(this.F);
    this.setWeights(weights);
  }

  private score(x: ArrayLike<number>, o: number): number {
    let s = this.b;
    for (let j = 0; j < this.F; j++) s += x[o + j]! * this.w[j]!;
    return s;
  }

  step(x: Float32Array, y: Float32Array, n: number, lr: number): StepResult {
    const pred = new Float32Array(n);
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const p = this.score(x, i * this.F) >= 0 ? 1 : 0;
      pred[i] = p;
      const err = y[i]! - p;
      if (err !== 0) {
        errors++;
        for (let j = 0; j < this.F; j++) this.w[j] += lr * err * x[i * this.F + j]!;
        if (this.bName) this.b += lr * err;
      }
    }
    // The number to watch is the fraction misclassified (before each update).
    return { loss: errors / Math.max(1, n), pred };
  }

  predict(x: Float32Array, n: number): FloatArray {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.score(x, i * this.F) >= 0 ? 1 : 0;
    return out;
  }

  evaluate(x: Float32Array, y: Float32Array, n: number): { loss: number; pred: FloatArray } {
    const pred = this.predict(x, n);
    let errors = 0;
    for (let i = 0; i < n; i++) if (pred[i] !== (y[i]! >= 0.5 ? 1 : 0)) errors++;
    return { loss: errors / Math.max(1, n), pred };
  }

  getWeights(): WeightSet {
    const w: WeightSet = new Map();
    w.set(this.wName, { shape: [this.F, 1], data: Float32Array.from(this.w) });
    if (this.bName) w.set(this.bName, { shape: [1, 1], data: Float32Array.of(this.b) });
    return w;
  }

  setWeights(ws: WeightSet): void {
    const w = ws.get(this.wName);
    if (w) this.w.set(w.data);
    const b = this.bName ? ws.get(this.bName) : undefined;
    if (b) this.b = b.data[0]!;
  }
}
