/**
 * The evaluation graph a training backend needs between steps: forward pass (inference mode) and
 * data loss, with the parameters as inputs so that it never needs re-exporting while weights change.
 */
import { compiled, type CompiledModel } from '../model/compile.ts';
import type { GraphDoc } from '../graph/document.ts';
import { GraphBuilder, type ElemType } from './builder.ts';
import { emitProgram } from './emit.ts';
import type { ModelProto } from './schema.ts';

export interface EvalModel {
  model: ModelProto;
  /** Parameter input names and shapes. */
  params: { name: string; shape: readonly number[] }[];
  features: number;
  targets: number;
}

/** Inputs x [N, …input shape] (and y [N, T] with `withLoss`), parameters; outputs pred [N, T] (and loss [1, 1]). */
export function evalModel(graph: GraphDoc | CompiledModel, opts: { withLoss: boolean; elem?: ElemType }): EvalModel {
  const model = compiled(graph);
  const fwd = model.forward;
  const p = fwd.program;
  const b = new GraphBuilder(opts.elem ?? 'float32');
  const inputs = new Map<string, string>([['x', b.input('x', ['N', ...fwd.inputShape])]]);
  const outs = [fwd.pred];
  let loss = -1;
  if (opts.withLoss) {
    inputs.set('y', b.input('y', ['N', fwd.targets]));
    loss = model.evaluation.loss;
    outs.push(loss);
  }
  for (const d of fwd.params) inputs.set(d.name, b.input(d.name, d.shape));
  const names = emitProgram(p, b, outs, { inputs });
  b.output('pred', names.get(fwd.pred)!, ['N', fwd.targets]);
  if (opts.withLoss) b.output('loss', names.get(loss)!, [1, 1]);
  return {
    model: b.model('netwright_eval', {}),
    params: fwd.params.map((d) => ({ name: d.name, shape: d.shape })),
    features: fwd.features,
    targets: fwd.targets,
  };
}
