/**
 * Deployment export: a trained network as an ONNX model that takes raw feature values (the fitted
 * imputation, scaling and one-hot encoding are its first nodes: ./bake-preprocessing.ts) and returns
 * task-shaped outputs: probabilities and the predicted label for classifiers, values for regression.
 */
import { buildForward, CompiledModel } from '../model/compile.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { GraphBuilder, type ElemType } from './builder.ts';
import { bakePreprocessing, plainInput, type BakedInputs } from './bake-preprocessing.ts';
import { targetScaleOf } from '../data/target-scale.ts';
import { emitProgram } from './emit.ts';
import { encodeModel, type ModelProto } from './schema.ts';
import { sizeOf } from '../tensor/tensor.ts';

/** Netwright's version as written into exported models' metadata. */
export const NETWRIGHT_VERSION = '0.1.0';

export type ExportTask = 'binary' | 'multiclass' | 'regression';

export interface DeploymentSource {
  /** The network, or the run's compiled model (then its inference program is used, not compiled again). */
  graph: GraphDoc | CompiledModel;
  weights: WeightSet;
  /** Fitted preprocessing; numeric and boolean columns get baked in. */
  preprocessing?: Preprocessing | null;
  /** Model name (the project's). */
  name?: string;
  /** Anything worth recording about training (epochs, final metrics, config), stored as JSON. */
  summary?: Record<string, unknown>;
  version?: string;
  elem?: ElemType;
}

/** Metadata keys written into every export (read back by the importer). */
export const META = {
  graph: 'netwright.graph',
  preprocessing: 'netwright.preprocessing',
  task: 'netwright.task',
  kind: 'netwright.kind',
  /** How to feed the model: ModelInputSpec[] (numeric block and one string input per categorical column). */
  inputs: 'netwright.inputs',
  version: 'netwright.version',
  featureNames: 'feature_names',
  classNames: 'class_names',
  summary: 'training_summary',
} as const;

/** The task a graph's output serves: from the preprocessing's target when known, else from its loss. */
export function exportTask(graph: GraphDoc, pre?: Preprocessing | null): ExportTask {
  if (pre?.target) return pre.target.task;
  const out = graph.nodes.find((n) => n.type === 'Output');
  const loss = String(out?.params.loss ?? '');
  const act = String(out?.params.activation ?? '');
  if (loss === 'cce' || act === 'softmax') return 'multiclass';
  if (loss === 'bce' || loss === 'hinge' || loss === 'perceptron') return 'binary';
  return 'regression';
}

/** Build the deployment ModelProto. */
export function deploymentModel(src: DeploymentSource): ModelProto {
  const source = src.graph;
  const graph = source instanceof CompiledModel ? source.graph : source;
  const fwd = source instanceof CompiledModel ? source.forward : buildForward(source, { training: false });
  const b = new GraphBuilder(src.elem ?? 'float32');
  const F = fwd.features;
  const T = fwd.targets;
  const pre = src.preprocessing ?? null;
  if (pre && pre.featureNames.length !== F) {
    throw new Error(
      `The preprocessing produces ${pre.featureNames.length} features but the Input layer takes ${F}; train the model on this data again before exporting.`,
    );
  }
  const baked: BakedInputs = pre ? bakePreprocessing(b, pre, fwd.inputShape) : plainInput(b, fwd.inputShape);
  const x = baked.x;

  const inputs = new Map<string, string>([['x', x]]);
  for (const d of fwd.params) {
    const w = src.weights.get(d.name);
    if (!w) throw new Error(`No weights for parameter '${d.name}': train the model before exporting it.`);
    if (w.data.length !== sizeOf(d.shape))
      throw new Error(`Weights '${d.name}' have ${w.data.length} values; the layer needs ${d.shape.join(' × ')}.`);
    inputs.set(d.name, b.initializer(d.name, d.shape, w.data));
  }
  const pred = emitProgram(fwd.program, b, [fwd.pred], { inputs, batchRef: baked.batchRef }).get(fwd.pred)!;
  const task = exportTask(graph, pre);
  if (task === 'regression') {
    // The network predicts the standardised target; the model answers in the target's own units.
    const scale = targetScaleOf(pre);
    const values = scale
      ? b.op1(
          'Add',
          [b.op1('Mul', [pred, b.constant([scale.std], [])], {}, 'target_scaled'), b.constant([scale.mean], [])],
          {},
          'target_values',
        )
      : pred;
    b.output('values', values, ['N', T], b.elem, pre ? `Predicted ${pre.target.column}` : 'Predicted values');
  } else {
    // The model's decision rule (src-engine/losses), as training's accuracy and the views apply it.
    const rule = fwd.decision;
    let label: string;
    if (rule.kind === 'threshold') {
      const flat = b.op1('Reshape', [pred, b.int64([-1])]);
      label = b.op1('Cast', [b.op1('GreaterOrEqual', [flat, b.constant([rule.at], [])])], { to: 7 });
    } else {
      label = b.op1('ArgMax', [pred], { axis: 1, keepdims: 0 });
    }
    // Outputs are declared last: declaring renames the value in place.
    b.output(
      'probabilities',
      pred,
      ['N', T],
      b.elem,
      T === 1
        ? 'Probability of the positive class (class_names[1])'
        : 'Probability of each class, in the order of class_names',
    );
    b.output('label', label, ['N'], 'int64', 'Index of the predicted class in class_names');
  }

  const classNames = pre?.target && pre.target.task !== 'regression' ? pre.target.classNames : null;
  const metadata: Record<string, string> = {
    [META.kind]: 'deployment',
    [META.task]: task,
    [META.version]: src.version ?? NETWRIGHT_VERSION,
    [META.featureNames]: JSON.stringify(pre?.featureNames ?? Array.from({ length: F }, (_, i) => `x${i}`)),
    [META.graph]: JSON.stringify(graph),
    [META.inputs]: JSON.stringify(baked.inputs),
  };
  if (classNames) metadata[META.classNames] = JSON.stringify(classNames);
  if (pre) metadata[META.preprocessing] = JSON.stringify(pre);
  if (src.summary) metadata[META.summary] = JSON.stringify(src.summary);
  return b.model(src.name ?? 'netwright', {
    doc: `Netwright model${src.name ? ` '${src.name}'` : ''}: ${task}, ${fwd.inputShape.length > 1 ? `${fwd.inputShape.join('×')} images` : `${F} features`} -> ${T} output${T === 1 ? '' : 's'}.`,
    metadata,
    producerVersion: src.version ?? NETWRIGHT_VERSION,
  });
}

/** The bytes of the deployment .onnx file. */
export function exportDeploymentOnnx(src: DeploymentSource): Uint8Array {
  return encodeModel(deploymentModel(src));
}
