/** Shared helpers of the view tests: a template trained briefly, with its dataset and backend. */
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { getTemplate, type Template } from '../../../src-engine/train/templates.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';
import type { TsBackend } from '../../../src-engine/train/ts-backend.ts';

export interface Trained {
  template: Template;
  ds: Dataset;
  backend: TsBackend;
  accuracy: number | undefined;
}

/** Train template `id` on its built-in data for `epochs` (default: the template's own), no validation split. */
export async function trainTemplate(id: string, epochs?: number): Promise<Trained> {
  const template = getTemplate(id);
  if (template.dataset.kind !== 'builtin') throw new Error(`${id} has no built-in dataset`);
  const ds = getBuiltinDataset(template.dataset.id, template.dataset.params as Record<string, number>);
  const config = { ...template.training, epochs: epochs ?? template.training.epochs, validationSplit: 0 };
  const trainer = new Trainer({ graph: template.graph, config, train: ds });
  const done = await trainer.runToEnd();
  return { template, ds, backend: trainer.backend as TsBackend, accuracy: done.metrics?.accuracy };
}
