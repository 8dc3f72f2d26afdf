/** A dense network sized to a dataset: inputs after encoding, outputs and loss from the task. */
import type { ActivationName } from '../graph/catalog.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { Dataset } from '../data/dataset.ts';
import { chainGraph } from './templates.ts';

/** Input(features) → Dense(h, activation)… → Output sized and lossed for the task. */
export function graphForData(
  ds: Pick<Dataset, 'features' | 'targets' | 'task'>,
  hidden: number[],
  activation: ActivationName,
): GraphDoc {
  const out =
    ds.task === 'binary'
      ? ({ units: 1, activation: 'sigmoid', loss: 'bce' } as const)
      : ds.task === 'multiclass'
        ? ({ units: ds.targets, activation: 'softmax', loss: 'cce' } as const)
        : ({ units: ds.targets, activation: 'linear', loss: 'mse' } as const);
  return chainGraph(
    ds.features,
    hidden.map((units) => ({ units, activation })),
    out,
  );
}
