/**
 * Optimizer updates composed from primitives: each takes a parameter, its gradient and its state
 * values and returns the new parameter and state. Learning rate and step count are program inputs,
 * so schedules and Adam's bias correction need no rebuild (and no ONNX re-export).
 */
import type { Program } from '../backprop/ir.ts';
import type { OptimizerConfig } from '../train/config.ts';

export interface UpdateInputs {
  p: Program;
  param: number;
  grad: number;
  /** State input ids in the order of `stateNames`. */
  state: number[];
  lr: number;
  /** Step count, starting at 1. */
  t: number;
}

/**
 * Adam and AdamW keep their moments scaled: the state 'm' holds m / (1 - β1) and 'v' holds
 * v / (1 - β2) (PyTorch's exp_avg and exp_avg_sq times these factors are the stored values). This
 * gives the factor to multiply a stored state value by to get the textbook moment, or 1.
 */
export function adamStateScale(cfg: OptimizerConfig, state: string): number {
  if (cfg.name !== 'adam' && cfg.name !== 'adamw') return 1;
  return state === 'm' ? 1 - cfg.beta1 : state === 'v' ? 1 - cfg.beta2 : 1;
}

export interface Optimizer {
  /** Suffixes of the state tensors kept per parameter (same shape as the parameter). */
  stateNames: string[];
  /** Returns [newParam, ...newState]. */
  update(inp: UpdateInputs): number[];
}

/** Build the optimizer named in the config. */
export function makeOptimizer(cfg: OptimizerConfig): Optimizer {
  switch (cfg.name) {
    case 'sgd':
      return { stateNames: [], update: ({ p, param, grad, lr }) => [p.sub(param, p.mul(lr, grad))] };
    case 'momentum':
    case 'nesterov': {
      const mu = cfg.momentum;
      const nesterov = cfg.name === 'nesterov';
      return {
        stateNames: ['v'],
        update: ({ p, param, grad, state: [v], lr }) => {
          // PyTorch's form: v = mu v + g; step = g + mu v (Nesterov) or v
          const v2 = p.add(p.scale(v!, mu), grad);
          const dir = nesterov ? p.add(grad, p.scale(v2, mu)) : v2;
          return [p.sub(param, p.mul(lr, dir)), v2];
        },
      };
    }
    case 'adagrad':
      return {
        stateNames: ['s'],
        update: ({ p, param, grad, state: [s], lr }) => {
          const s2 = p.add(s!, p.square(grad));
          return [p.sub(param, p.div(p.mul(lr, grad), p.add(p.sqrt(s2), p.const(cfg.eps)))), s2];
        },
      };
    case 'rmsprop':
      return {
        stateNames: ['s'],
        update: ({ p, param, grad, state: [s], lr }) => {
          const s2 = p.add(p.scale(s!, cfg.rho), p.scale(p.square(grad), 1 - cfg.rho));
          return [p.sub(param, p.div(p.mul(lr, grad), p.add(p.sqrt(s2), p.const(cfg.eps)))), s2];
        },
      };
    case 'adam':
    case 'adamw': {
      const { beta1: b1, beta2: b2, eps } = cfg;
      const decoupled = cfg.name === 'adamw' ? cfg.weightDecay : 0;
      // Scalars shared by every parameter of one program (computed once, not once per parameter).
      const shared = new WeakMap<Program, { step: number; epsHat: number; decay: number | null }>();
      const scalars = (p: Program, lr: number, t: number) => {
        let s = shared.get(p);
        if (!s) {
          // bias corrections c = 1 - beta^t = 1 - exp(t ln beta)
          const c1 = p.sub(p.const(1), p.exp(p.scale(t, Math.log(b1))));
          const c2 = p.sub(p.const(1), p.exp(p.scale(t, Math.log(b2))));
          const r2 = p.sqrt(c2);
          // lr m̂ / (√v̂ + eps) = (lr √c2 / c1) m / (√v + eps √c2): three full-size passes fewer than
          // dividing m and v by their corrections first. The moments are kept scaled (see
          // adamStateScale), m = (1 - β1) m̃ and v = (1 - β2) ṽ, so both factors join the scalars:
          // (lr √c2 (1 - β1) / (c1 √(1 - β2))) m̃ / (√ṽ + eps √c2 / √(1 - β2)).
          const k2 = Math.sqrt(1 - b2);
          s = {
            step: p.scale(p.div(p.mul(lr, r2), c1), (1 - b1) / k2),
            epsHat: p.mul(p.const(eps / k2), r2),
            decay: decoupled > 0 ? p.sub(p.const(1), p.scale(lr, decoupled)) : null,
          };
          shared.set(p, s);
        }
        return s;
      };
      return {
        stateNames: ['m', 'v'],
        update: ({ p, param, grad, state: [m, v], lr, t }) => {
          const { step, epsHat, decay } = scalars(p, lr, t);
          // Scaled moments: m̃' = β1 m̃ + g and ṽ' = β2 ṽ + g², two full-size passes fewer than
          // m' = β1 m + (1 - β1) g and v' = β2 v + (1 - β2) g² (10 passes per parameter, not 12).
          const m2 = p.add(p.scale(m!, b1), grad);
          const v2 = p.add(p.scale(v!, b2), p.square(grad));
          // AdamW (PyTorch): p = p (1 - lr wd), then the Adam step
          const base = decay === null ? param : p.mul(param, decay);
          return [p.sub(base, p.div(p.mul(m2, step), p.add(p.sqrt(v2), epsHat))), m2, v2];
        },
      };
    }
  }
}
