/**
 * Running metrics over batches: loss, accuracy for classifiers; MSE, RMSE, MAE and R² for regression,
 * in the target's own units (the network works on standardised targets: ../data/target-scale.ts).
 */
import type { Task } from '../data/dataset.ts';
import type { TargetScale } from '../data/target-scale.ts';
import type { FloatArray } from '../tensor/tensor.ts';
import { classOf, targetClass, type DecisionRule } from '../losses/index.ts';

export interface Metrics {
  loss: number;
  accuracy?: number;
  /** Regression errors in the target's own units. */
  mse?: number;
  rmse?: number;
  mae?: number;
  r2?: number;
}

/** Count of correct predictions among n rows under the model's decision rule. */
export function countCorrect(
  pred: FloatArray,
  y: ArrayLike<number>,
  n: number,
  cols: number,
  rule: DecisionRule,
): number {
  let correct = 0;
  for (let r = 0; r < n; r++) if (classOf(pred, r, cols, rule) === targetClass(y, r, cols)) correct++;
  return correct;
}

/** Accumulates batch results into epoch metrics. */
export class MetricAccumulator {
  private lossSum = 0;
  private rows = 0;
  private correct = 0;
  private sse = 0;
  private sae = 0;
  /** `targetVariance` is of `y` as given; `targetScale` turns errors into the target's units. */
  constructor(
    private readonly task: Task,
    private readonly cols: number,
    private readonly targetVariance: number,
    private readonly rule: DecisionRule,
    private readonly targetScale?: TargetScale | null,
  ) {}

  add(loss: number, pred: FloatArray, y: ArrayLike<number>, n: number): void {
    this.lossSum += loss * n;
    this.rows += n;
    if (this.task === 'regression') {
      for (let i = 0; i < n * this.cols; i++) {
        const d = pred[i]! - y[i]!;
        this.sse += d * d;
        this.sae += Math.abs(d);
      }
    } else this.correct += countCorrect(pred, y, n, this.cols, this.rule);
  }

  result(): Metrics {
    const m: Metrics = { loss: this.lossSum / Math.max(1, this.rows) };
    if (this.task === 'regression') {
      const values = Math.max(1, this.rows * this.cols);
      const std = this.targetScale?.std ?? 1;
      const mse = this.sse / values;
      m.r2 = this.targetVariance > 0 ? 1 - mse / this.targetVariance : 0;
      m.mse = mse * std * std;
      m.rmse = Math.sqrt(m.mse);
      m.mae = (this.sae / values) * std;
    } else m.accuracy = this.correct / Math.max(1, this.rows);
    return m;
  }
}

/** Variance of all target values (population), the denominator of R². */
export function targetVariance(y: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += y[i]!;
  const mean = s / Math.max(1, n);
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i]! - mean) ** 2;
  return v / Math.max(1, n);
}
