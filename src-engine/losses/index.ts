/**
 * Every loss, one record each: its label, its program (composed from primitives, so gradients come
 * from the op records), and the decision it implies for classifiers. Each returns a 1 × 1 value.
 */
import type { Program } from '../backprop/ir.ts';
import type { ActivationName } from '../layers/activations.ts';

export interface LossInputs {
  /** Output after its activation. */
  pred: number;
  /** Output before its activation (logits). */
  logits: number;
  /** Targets, same shape as pred. */
  y: number;
  activation: ActivationName;
}

/** Python names of the values a loss reads, for PyTorch code. */
export interface TorchLossInputs {
  pred: string;
  logits: string;
  y: string;
  activation: ActivationName;
}

export interface LossDef {
  label: string;
  build(p: Program, inp: LossInputs): number;
  /**
   * The same loss as a PyTorch expression (a 0-d tensor), and whether it is a sum over rows rather than
   * a mean (distributed training weighs each process's share by it). Absent: not gradient descent.
   */
  torch?: { expr(v: TorchLossInputs): string; sum?: boolean };
  /** Where a single output switches class (default 0.5: the midpoint of 0/1 targets). */
  threshold?: number;
}

/** Mean over every element: sum / (rows * cols). */
function meanAll(p: Program, v: number): number {
  return p.div(p.sumAll(v), p.scale(p.rows(v), p.width(v)));
}

const LOSS_DEFS = {
  // The from-scratch article's: sum over samples and outputs of (y - ŷ)².
  sum_squares: {
    label: 'Sum of squares',
    build: (p, { pred, y }) => p.sumAll(p.square(p.sub(pred, y))),
    torch: { expr: ({ pred, y }) => `torch.sum(torch.square(${pred} - ${y}))`, sum: true },
  },
  mse: {
    label: 'Mean squared error',
    build: (p, { pred, y }) => meanAll(p, p.square(p.sub(pred, y))),
    torch: { expr: ({ pred, y }) => `torch.mean(torch.square(${pred} - ${y}))` },
  },
  mae: {
    label: 'Mean absolute error',
    build: (p, { pred, y }) => meanAll(p, p.abs(p.sub(pred, y))),
    torch: { expr: ({ pred, y }) => `torch.mean(torch.abs(${pred} - ${y}))` },
  },
  bce: {
    label: 'Binary cross-entropy',
    build: (p, { pred, logits, y, activation }) => {
      // From logits, stable: softplus(z) - y z
      if (activation === 'sigmoid') return meanAll(p, p.sub(p.unary('softplus', logits), p.mul(y, logits)));
      const one = p.const(1);
      return meanAll(p, p.neg(p.add(p.mul(y, p.log(pred)), p.mul(p.sub(one, y), p.log(p.sub(one, pred))))));
    },
    torch: {
      expr: ({ pred, logits, y, activation }) =>
        activation === 'sigmoid'
          ? `torch.mean(F.softplus(${logits}) - ${y} * ${logits})`
          : `torch.mean(-(${y} * torch.log(${pred}) + (1 - ${y}) * torch.log(1 - ${pred})))`,
    },
  },
  cce: {
    label: 'Categorical cross-entropy',
    build: (p, { pred, logits, y, activation }) => {
      // Fused with softmax: logsumexp(z) - Σ y z, per row
      const per =
        activation === 'softmax'
          ? p.sub(p.logsumexp(logits), p.sumLast(p.mul(y, logits)))
          : p.neg(p.sumLast(p.mul(y, p.log(pred))));
      return p.div(p.sumAll(per), p.rows(per));
    },
    torch: {
      expr: ({ pred, logits, y, activation }) =>
        activation === 'softmax'
          ? `torch.mean(torch.logsumexp(${logits}, dim=1) - torch.sum(${y} * ${logits}, dim=1))`
          : `torch.mean(-torch.sum(${y} * torch.log(${pred}), dim=1))`,
    },
  },
  hinge: {
    label: 'Hinge',
    // Targets 0/1 become -1/+1; trained on ±1 margins, the decision boundary is 0.
    build: (p, { pred, y }) => {
      const t = p.sub(p.scale(y, 2), p.const(1));
      return meanAll(p, p.unary('relu', p.sub(p.const(1), p.mul(t, pred))));
    },
    torch: { expr: ({ pred, y }) => `torch.mean(F.relu(1 - (2 * ${y} - 1) * ${pred}))` },
    threshold: 0,
  },
  perceptron: {
    label: 'Perceptron rule',
    // The perceptron trains by its own rule; as a number to watch, report the squared error.
    build: (p, { pred, y }) => meanAll(p, p.square(p.sub(pred, y))),
  },
} satisfies Record<string, LossDef>;

export type LossName = keyof typeof LOSS_DEFS;
export const LOSSES = Object.keys(LOSS_DEFS) as LossName[];
export const LOSS_LABELS = Object.fromEntries(LOSSES.map((l) => [l, LOSS_DEFS[l].label])) as Record<LossName, string>;

/** A loss's PyTorch form, or null for the perceptron rule (it is not gradient descent). */
export function lossTorch(loss: LossName): LossDef['torch'] | null {
  return (LOSS_DEFS[loss] as LossDef).torch ?? null;
}

/** Append the loss to the program. */
export function buildLoss(p: Program, loss: LossName, inp: LossInputs): number {
  return (LOSS_DEFS[loss] as LossDef).build(p, inp);
}

/** How a classifier's outputs become a class: the highest of several, or one output against a threshold. */
export type DecisionRule = { kind: 'argmax' } | { kind: 'threshold'; at: number };

/** The one decision rule of an output layer (metrics, views, exports and predict all use it). */
export function decisionRule(loss: LossName, units: number): DecisionRule {
  if (units > 1) return { kind: 'argmax' };
  return { kind: 'threshold', at: (LOSS_DEFS[loss] as LossDef).threshold ?? 0.5 };
}

/** The class of row r of predictions with `units` columns. */
export function classOf(pred: ArrayLike<number>, r: number, units: number, rule: DecisionRule): number {
  if (rule.kind === 'threshold') return pred[r * units]! >= rule.at ? 1 : 0;
  let best = 0;
  for (let c = 1; c < units; c++) if (pred[r * units + c]! > pred[r * units + best]!) best = c;
  return best;
}

/** The class of every row. */
export function classify(pred: ArrayLike<number>, rows: number, units: number, rule: DecisionRule): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = classOf(pred, r, units, rule);
  return out;
}

/** The class a target row encodes (0/1 targets, or one-hot rows). */
export function targetClass(y: ArrayLike<number>, r: number, units: number): number {
  return classOf(y, r, units, units > 1 ? { kind: 'argmax' } : { kind: 'threshold', at: 0.5 });
}

/**
 * Where the threshold lies on the output's pre-activation z (for drawing boundaries of single-layer
 * models): the activation's inverse at the threshold. Null when the activation has no inverse there.
 */
export function preActivationThreshold(activation: ActivationName, at: number): number | null {
  switch (activation) {
    case 'sigmoid':
      return at > 0 && at < 1 ? Math.log(at / (1 - at)) : null;
    case 'step':
      return at > 0 && at <= 1 ? 0 : null;
    case 'linear':
      return at;
    case 'relu':
      return at > 0 ? at : null;
    case 'tanh':
      return Math.abs(at) < 1 ? Math.atanh(at) : null;
    default:
      return null;
  }
}
