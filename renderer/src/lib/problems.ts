/**
 * What stops training, found before Train is pressed: the network's own problems (from the graph
 * analysis) and those between the network and the chosen data (Input size versus the data's
 * features, the Output and its loss versus the target, the missing-value policy, a target with one
 * class). Each says what is wrong in a sentence and, where one click can fix it, how. Pure.
 */
import { LOSS_LABELS, type LossName } from '../../../src-engine/graph/catalog.ts';
import { describeNode, type GraphDoc, type ParamValue } from '../../../src-engine/graph/document.ts';
import type { GraphAnalysis } from '../../../src-engine/graph/validate.ts';
import type { DataShape } from '../../../src-engine/protocol/api.ts';

/** A one-click fix, as data: the session applies it. */
export type FixAction =
  | { kind: 'params'; changes: { nodeId: string; name: string; value: ParamValue }[] }
  | { kind: 'missing'; policy: 'drop' | 'impute' }
  /** Move the keyboard to a control (a choice only the user can make). */
  | { kind: 'focus'; testId: string };

export interface Problem {
  severity: 'error' | 'warning';
  /** Where it is: the network, the data, or the training settings. */
  area: 'network' | 'data' | 'training';
  message: string;
  nodeIds: string[];
  fix?: { label: string; action: FixAction };
}

/** What the page knows about the chosen data. */
export interface DataFacts {
  /** How to name the data in a sentence: 'X4', 'penguins.csv'. */
  name: string;
  /** Its shape after preprocessing, once the engine has answered. */
  shape: DataShape | null;
  /** Uploaded tables: the target column, its classes and the missing cells in the columns used. */
  target?: string;
  classes?: { label: string; count: number }[] | null;
  missing?: { policy: 'drop' | 'impute' | 'refuse'; cells: number; columns: string[] };
  /** Why the engine could not prepare the data, when none of the checks here explains it. */
  error?: string | null;
}

/** A loss's name inside a sentence: 'binary cross-entropy'. */
const lossName = (l: LossName) => {
  const label = LOSS_LABELS[l] ?? l;
  return label[0]!.toLowerCase() + label.slice(1);
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The Output layer's activation and loss for a task. */
function outputFor(shape: DataShape): { activation: string; loss: LossName; words: string } {
  if (shape.task === 'multiclass') return { activation: 'softmax', loss: 'cce', words: 'softmax' };
  if (shape.task === 'binary') return { activation: 'sigmoid', loss: 'bce', words: 'sigmoid' };
  return { activation: 'linear', loss: 'mse', words: 'linear' };
}

const CLASS_LOSSES: readonly LossName[] = ['bce', 'cce', 'perceptron', 'hinge'];
const BINARY_LOSSES: readonly LossName[] = ['bce', 'mse', 'mae', 'sum_squares', 'perceptron', 'hinge'];

/** Problems between the network and the data (none while the data's shape is unknown). */
export function dataProblems(graph: GraphDoc, facts: DataFacts): Problem[] {
  const out: Problem[] = [];
  const add = (message: string, nodeIds: string[] = [], fix?: Problem['fix']) =>
    out.push({ severity: 'error', area: 'data', message, nodeIds, ...(fix ? { fix } : {}) });

  if (facts.missing && facts.missing.policy === 'refuse' && facts.missing.cells > 0)
    add(
      `${facts.name} has ${plural(facts.missing.cells, 'missing cell')} in the columns used (${facts.missing.columns
        .slice(0, 3)
        .join(', ')}${facts.missing.columns.length > 3 ? ', …' : ''}), and Missing values is set to refuse.`,
      [],
      { label: 'Drop rows with missing values', action: { kind: 'missing', policy: 'drop' } },
    );
  if (facts.classes && facts.classes.length === 1)
    add(
      `The target '${facts.target}' of ${facts.name} has one class only ('${facts.classes[0]!.label}'): there is nothing to tell apart. Choose another target column.`,
      [],
      { label: 'Choose the target', action: { kind: 'focus', testId: 'data-target' } },
    );
  if (!out.length && facts.error) add(`Data: ${facts.error}`);

  const shape = facts.shape;
  if (!shape) return out;
  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length === 1) {
    const input = inputs[0]!;
    if (input.params.shape === 'image') {
      // An image Input takes channels × height × width values; images fit it when their shape is its shape.
      const c = Number(input.params.channels);
      const h = Number(input.params.height);
      const w = Number(input.params.width);
      const img = shape.sampleShape;
      const fits = img ? img[0] === c && img[1] === h && img[2] === w : c * h * w === shape.features;
      if (!fits)
        add(
          img
            ? `${describeNode(input)} takes ${c}×${h}×${w} images, but ${facts.name} has ${img.join('×')} images.`
            : `${describeNode(input)} takes ${c}×${h}×${w} = ${plural(c * h * w, 'value')} per sample, but ${facts.name} has ${plural(shape.features, 'feature')}.`,
          [input.id],
          img
            ? {
                label: `Set Input to ${img.join('×')}`,
                action: {
                  kind: 'params',
                  changes: [
                    { nodeId: input.id, name: 'channels', value: img[0] },
                    { nodeId: input.id, name: 'height', value: img[1] },
                    { nodeId: input.id, name: 'width', value: img[2] },
                  ],
                },
              }
            : undefined,
        );
    } else if (Number(input.params.features) !== shape.features) {
      const f = Number(input.params.features);
      add(
        `${describeNode(input)} takes ${plural(f, 'feature')}, but ${facts.name} has ${plural(shape.features, 'feature')}.`,
        [input.id],
        {
          label: `Set Input to ${plural(shape.features, 'feature')}`,
          action: { kind: 'params', changes: [{ nodeId: input.id, name: 'features', value: shape.features }] },
        },
      );
    }
  }
  if (outputs.length === 1) {
    const o = outputs[0]!;
    const units = Number(o.params.units);
    const loss = o.params.loss as LossName;
    const want = outputFor(shape);
    const fix: Problem['fix'] = {
      label: `Set Output to ${plural(shape.targets, `${want.words} unit`)} with ${lossName(want.loss)}`,
      action: {
        kind: 'params',
        changes: [
          { nodeId: o.id, name: 'units', value: shape.targets },
          { nodeId: o.id, name: 'activation', value: want.activation },
          { nodeId: o.id, name: 'loss', value: want.loss },
        ],
      },
    };
    const target = facts.target ? `the target '${facts.target}'` : `the target of ${facts.name}`;
    const classes = shape.classNames?.length
      ? ` (${shape.classNames.slice(0, 4).join(', ')}${shape.classNames.length > 4 ? ', …' : ''})`
      : '';
    const used = lossName(loss);
    if (shape.task === 'regression' && CLASS_LOSSES.includes(loss))
      add(
        `${describeNode(o)} uses ${used}, which needs class labels, but ${target} is a number to predict (regression).`,
        [o.id],
        fix,
      );
    else if (shape.task === 'multiclass' && loss !== 'cce' && CLASS_LOSSES.includes(loss))
      add(
        `${describeNode(o)} uses ${used}, but ${target} has ${plural(shape.targets, 'class', 'classes')}${classes}: that takes ${lossName('cce')} over softmax units.`,
        [o.id],
        fix,
      );
    else if (shape.task === 'binary' && !BINARY_LOSSES.includes(loss))
      add(
        `${describeNode(o)} uses ${used}, but ${target} has two classes${classes}: that takes one sigmoid unit with ${lossName('bce')}.`,
        [o.id],
        fix,
      );
    else if (units !== shape.targets)
      add(
        `${describeNode(o)} has ${plural(units, 'unit')}, but ${
          shape.task === 'multiclass'
            ? `${target} has ${plural(shape.targets, 'class', 'classes')}${classes}.`
            : shape.task === 'binary'
              ? `${target} has two classes${classes}: one sigmoid unit tells them apart.`
              : `${facts.name} has ${plural(shape.targets, 'target column')}.`
        }`,
        [o.id],
        fix,
      );
  }
  return out;
}

/** The graph analysis's problems in the same form. */
export function networkProblems(analysis: GraphAnalysis): Problem[] {
  return analysis.problems.map((p) => ({
    severity: p.severity,
    area: 'network' as const,
    message: p.message,
    nodeIds: p.nodeIds,
  }));
}

/** The columns an uploaded table trains on (the chosen features, or every non-text column) and the target. */
export function usedColumns(
  columns: readonly { name: string; type: string }[],
  target: string,
  features: readonly string[] | null,
): string[] {
  const feats = features ?? columns.filter((c) => c.name !== target && c.type !== 'text').map((c) => c.name);
  return [target, ...feats];
}
