/** `netwright step`: one training step of a template or project, every number of it, as JSON. */
import { traceStep, type TracedTensor } from '../../lab/step.ts';
import { CompiledModel } from '../../model/compile.ts';
import { weightsFromJson } from '../../project/weights.ts';
import { startingWeights } from '../../train/session.ts';
import { Trainer } from '../../train/trainer.ts';
import { parseCommandArgs } from './args.ts';
import { applyOverrides, loadSubject } from './train-command.ts';
import { flagLimits, LIMIT_OPTIONS } from '../limits.ts';
import { CliError, type CliCommand } from './types.ts';

const USAGE = `netwright step <template|project.netwright> [--data FILE --target COLUMN] [--batch N] [--dtype float32|float64] --json

Runs the first training step of the project (its weights, or the seed's for an untrained one; its
training settings; the first mini-batch its run would draw) and prints every number of it as one JSON
object: loss, nodes (each layer's output and the gradient of the loss with respect to it; pre for
the value before an activation), params (keyed like the project's weights: value, grad, next, and
the optimizer's state). Tensors are flat row-major arrays with their shape beside them. The project
is not changed.

Options:
  --data FILE --target COLUMN --labels FILE   data instead of the project's dataset
  --scaling MODE   numeric features of --data: standard (default), minmax or none
  --batch N        rows in the step (default: the project's batch size; 0 = every row)
  --lr X  --optimizer NAME  --seed N          override the project's settings for this step
  --dtype float64  compute in double precision (the default is float32, as training)
  --json           required: the output is one JSON object`;

const flat = (t: TracedTensor | null | undefined) => (t ? t.values : null);

export const command: CliCommand = {
  name: 'step',
  summary: 'Print one training step (every value, gradient and update) as JSON',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('step', argv, {
      data: { type: 'string' },
      target: { type: 'string' },
      scaling: { type: 'string' },
      labels: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      optimizer: { type: 'string' },
      seed: { type: 'string' },
      dtype: { type: 'string' },
      json: { type: 'boolean' },
      ...LIMIT_OPTIONS,
    });
    if (positionals.length !== 1)
      throw new CliError(
        `step takes one template or project (got ${positionals.length}). See 'netwright step --help'.`,
      );
    if (!values.json) throw new CliError('step prints JSON only: add --json.');
    const dtype = (values.dtype as string | undefined) ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64')
      throw new CliError(`--dtype must be float32 or float64 (got '${dtype}').`);
    let limits;
    try {
      limits = flagLimits(values);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const { project, data } = await loadSubject(positionals[0], values, limits);
    const config = applyOverrides(project.training, values);
    let model: CompiledModel;
    let trainer: Trainer;
    try {
      model = new CompiledModel(project.graph);
      trainer = new Trainer({
        graph: project.graph,
        model,
        config,
        train: data.train,
        ...(data.validation ? { validation: data.validation } : {}),
      });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const weights = startingWeights(
      model,
      config,
      'continue',
      project.weights ? weightsFromJson(project.weights, project.graph) : null,
    ).weights;
    const trace = traceStep({ graph: project.graph, config, weights, batch: trainer.firstBatch(), dtype });
    const out = {
      loss: trace.loss,
      objective: trace.objective,
      rows: trace.rows,
      optimizer: trace.optimizer,
      x: trace.x.values,
      y: trace.y.values,
      nodes: trace.nodes.map((n) => ({
        id: n.id,
        type: n.type,
        shape: n.output.shape,
        output: n.output.values,
        grad: flat(n.grad),
        ...(n.pre ? { pre: n.pre.values, pre_grad: flat(n.preGrad) } : {}),
      })),
      params: trace.params,
    };
    io.out(JSON.stringify(out) + '\n');
    return 0;
  },
};
