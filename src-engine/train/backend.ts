/** The interface both training backends (eager TypeScript, ONNX Runtime) implement. */
import type { FloatArray } from '../tensor/tensor.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { RngState } from '../tensor/rng.ts';

export interface StepResult {
  /** Data loss of the batch (without regularization). */
  loss: number;
  /** Predictions for the batch (after the output activation), rows × targets. */
  pred: FloatArray;
}

export interface TrainBackend {
  readonly name: string;
  /** One optimizer step on a batch of n rows. `t` counts steps from 1. */
  step(x: Float32Array, y: Float32Array, n: number, lr: number, t: number): StepResult | Promise<StepResult>;
  /** Predictions for n rows. */
  predict(x: Float32Array, n: number): FloatArray | Promise<FloatArray>;
  /** Data loss and predictions on n rows with targets y (no update). */
  evaluate(
    x: Float32Array,
    y: Float32Array,
    n: number,
  ): { loss: number; pred: FloatArray } | Promise<{ loss: number; pred: FloatArray }>;
  /** A copy of the current weights. */
  getWeights(): WeightSet | Promise<WeightSet>;
  /** Replace the weights (and reset optimizer state when asked). */
  setWeights(w: WeightSet, resetState?: boolean): void | Promise<void>;
  dispose?(): void | Promise<void>;
  /**
   * What a checkpoint needs beyond the weights to continue exactly: the optimizer's state tensors
   * (`<param>.<m|v|s>`) and the dropout-mask generator's state. Backends without them (the perceptron
   * rule) leave these out.
   */
  getTrainingState?():
    { state: WeightSet; maskRng: RngState | null } | Promise<{ state: WeightSet; maskRng: RngState | null }>;
  setTrainingState?(s: { state: WeightSet; maskRng: RngState | null }): void | Promise<void>;
  /** Mini-batches one stepMany() call runs; the trainer groups batches when this is above 1. */
  readonly stepsPerRun?: number;
  /**
   * Get stepMany() ready for mini-batches of `rows` rows before the run's clock starts (ONNX Runtime
   * compiles its K-step session, a quarter of a second for LeNet-5, and warms it up), so that this
   * neither stalls the live chart in the first epoch nor counts against the run's samples per second.
   * It must leave the weights, the optimizer state and every random generator as they were. The
   * trainer calls it when the run will call stepMany().
   */
  prepare?(rows: number): Promise<void>;
  /**
   * k consecutive optimizer steps on k mini-batches of n rows (stored one after another in x and y),
   * with one learning rate per step and step numbers t0, t0 + 1, ...: one call amortizes a
   * backend's fixed cost per run (ONNX Runtime). Returns each step's data loss and predictions.
   */
  stepMany?(
    x: Float32Array,
    y: Float32Array,
    n: number,
    k: number,
    lr: ArrayLike<number>,
    t0: number,
  ): Promise<{ losses: FloatArray; pred: FloatArray }>;
}
