/** Losses composed from primitives. Each returns a 1 × 1 value. */
import type { ActivationName, LossName } from '../graph/catalog.ts';
import type { Program } from '../backprop/ir.ts';

export interface LossInputs {
  /** Output after its activation. */
  pred: number;
  /** Output before its activation (logits). */
  logits: number;
  /** Targets, same shape as pred. */
  y: number;
  activation: ActivationName;
}

/** Mean over every element: sum / (rows * cols). */
function meanAll(p: Program, v: number): number {
  const cols = p.shape(v)[1];
  return p.div(p.sumAll(v), p.scale(p.rows(v), cols));
}

/** Append the loss to the program. */
export function buildLoss(p: Program, loss: LossName, { pred, logits, y, activation }: LossInputs): number {
  switch (loss) {
    case 'sum_squares':
      // The from-scratch article's: sum over samples and outputs of (y - ŷ)².
      return p.sumAll(p.square(p.sub(pred, y)));
    case 'mse':
      return meanAll(p, p.square(p.sub(pred, y)));
    case 'mae':
      return meanAll(p, p.abs(p.sub(pred, y)));
    case 'bce':
      if (activation === 'sigmoid') {
        // From logits, stable: softplus(z) - y z
        return meanAll(p, p.sub(p.unary('softplus', logits), p.mul(y, logits)));
      }
      return meanAll(
        p,
        p.neg(p.add(p.mul(y, p.log(pred)), p.mul(p.sub(p.const(1), y), p.log(p.sub(p.const(1), pred))))),
      );
    case 'cce': {
      if (activation === 'softmax') {
        // Fused with softmax: logsumexp(z) - Σ y z, per row
        const per = p.sub(p.logsumexp(logits), p.sumTo(p.mul(y, logits), [p.shape(logits)[0], 1]));
        return p.div(p.sumAll(per), p.rows(per));
      }
      const per = p.neg(p.sumTo(p.mul(y, p.log(pred)), [p.shape(pred)[0], 1]));
      return p.div(p.sumAll(per), p.rows(per));
    }
    case 'hinge': {
      // Targets 0/1 become -1/+1.
      const t = p.sub(p.scale(y, 2), p.const(1));
      return meanAll(p, p.unary('relu', p.sub(p.const(1), p.mul(t, pred))));
    }
    case 'perceptron':
      // The perceptron trains by its own rule; as a number to watch, report the squared error.
      return meanAll(p, p.square(p.sub(pred, y)));
  }
}
