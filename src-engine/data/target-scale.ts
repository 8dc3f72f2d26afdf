/**
 * Regression targets are standardised: fitted on the training rows, the network learns
 * `(y - mean) / std`, and every prediction is turned back into the target's own units with
 * `y = mean + std * output` — in the metrics, the views, the CLI's predictions and every export (the
 * deployment ONNX model ends with that affine step, like it begins with the feature scaling). Without
 * it an optimizer such as Adam, which moves a parameter by about its learning rate per step, never
 * brings the output bias to a target whose mean is in the hundreds.
 */
import type { Dataset } from './dataset.ts';
import type { Preprocessing } from './preprocess.ts';

/** `raw = mean + std * standardised`, the same for every target column. */
export interface TargetScale {
  mean: number;
  std: number;
}

/** The target scaling a fitted preprocessing carries (regression fitted with scaling), else null. */
export function targetScaleOf(pre: Preprocessing | null | undefined): TargetScale | null {
  const t = pre?.target;
  if (!t || t.task !== 'regression' || t.mean === undefined || t.std === undefined) return null;
  if (!Number.isFinite(t.mean) || !Number.isFinite(t.std) || t.std === 0) return null;
  return { mean: t.mean, std: t.std };
}

/** Values the network produced (or standardised targets) in the target's own units (a copy). */
export function toTargetUnits(v: ArrayLike<number>, s: TargetScale | null | undefined): Float32Array {
  const out = Float32Array.from(v);
  if (s) for (let i = 0; i < out.length; i++) out[i] = s.mean + s.std * out[i]!;
  return out;
}

/** A dataset with its targets in their own units (itself when they are not standardised). */
export function withRawTargets(ds: Dataset): Dataset;
export function withRawTargets(ds: Dataset | undefined): Dataset | undefined;
export function withRawTargets(ds: Dataset | undefined): Dataset | undefined {
  if (!ds?.targetScale) return ds;
  const { targetScale, ...rest } = ds;
  return { ...rest, y: toTargetUnits(ds.y, targetScale) };
}
