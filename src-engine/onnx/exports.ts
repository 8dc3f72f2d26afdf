/**
 * Every model export behind one call, for the CLI and the app's export command: the bytes (or
 * text), a file name and a MIME type for a trained network.
 */
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainConfig } from '../train/config.ts';
import { exportDeploymentOnnx } from './export-model.ts';
import { exportWeightsJson } from './json-export.ts';
import { exportPytorch } from './pytorch.ts';
import { exportTrainStepOnnx } from './train-step.ts';

export const MODEL_EXPORT_FORMATS = ['onnx', 'onnx-train', 'weights-json', 'pytorch'] as const;
export type ModelExportFormat = (typeof MODEL_EXPORT_FORMATS)[number];

export interface ModelExportSource {
  graph: GraphDoc;
  weights: WeightSet;
  /** Needed for 'onnx-train' (optimizer, loss weights, clipping). */
  config?: TrainConfig;
  preprocessing?: Preprocessing | null;
  /** Used in metadata and the file name. */
  name?: string;
  summary?: Record<string, unknown>;
  /** 'onnx-train': mini-batches per run (default 1). */
  steps?: number;
}

export interface ModelExport {
  data: Uint8Array | string;
  fileName: string;
  mime: string;
}

/** Export a trained network in one of the model formats. */
export function exportModel(format: ModelExportFormat, src: ModelExportSource): ModelExport {
  const base = (src.name ?? 'model').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
  const pre = src.preprocessing ?? null;
  switch (format) {
    case 'onnx':
      return {
        data: exportDeploymentOnnx({
          graph: src.graph,
          weights: src.weights,
          preprocessing: pre,
          ...(src.name ? { name: src.name } : {}),
          ...(src.summary ? { summary: src.summary } : {}),
        }),
        fileName: `${base}.onnx`,
        mime: 'application/octet-stream',
      };
    case 'onnx-train': {
      if (!src.config) throw new Error('The training-step export needs the training configuration.');
      // The perceptron rule is not gradient descent (the step function has no useful gradient).
      if (src.graph.nodes.some((n) => n.type === 'Output' && n.params.loss === 'perceptron'))
        throw new Error(
          'The perceptron rule has no ONNX training step (it is not gradient descent); change the Output loss to export one.',
        );
      return {
        data: exportTrainStepOnnx(src.graph, src.config, {
          steps: src.steps ?? 1,
          initialWeights: src.weights,
          ...(src.name ? { name: src.name } : {}),
        }),
        fileName: `${base}.train-step.onnx`,
        mime: 'application/octet-stream',
      };
    }
    case 'weights-json':
      return {
        data: exportWeightsJson(src.graph, src.weights, {
          ...(src.name ? { name: src.name } : {}),
          preprocessing: pre,
        }),
        fileName: `${base}.weights.json`,
        mime: 'application/json',
      };
    case 'pytorch':
      return {
        data: exportPytorch(src.graph, src.weights, { ...(src.name ? { name: src.name } : {}), preprocessing: pre }),
        fileName: `${base}.py`,
        mime: 'text/x-python',
      };
  }
}
