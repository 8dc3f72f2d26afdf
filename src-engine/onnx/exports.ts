/**
 * Every export of a trained model behind one call, for the app and the CLI: the bytes (or text), a
 * file name and a MIME type for a run's snapshot (a finished run, or a project's last run).
 */
import { safeFileName } from '../protocol/file-name.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../protocol/training.ts';
import type { RunSnapshot } from '../train/session.ts';
import { metricsCsv } from '../train/metrics-csv.ts';
import { numericRecord } from '../views/history.ts';
import { exportDeploymentOnnx } from './export-model.ts';
import { exportWeightsJson } from './json-export.ts';
import { exportPytorch } from './pytorch.ts';
import { exportPytorchTraining, pytorchTrainProblem, type TrainingScriptData } from './pytorch-train.ts';
import { exportTrainStepOnnx } from './train-step.ts';

export { EXPORT_FORMATS, type ExportFormat };

/** A file ready to save or download. */
export interface ExportFile {
  data: Uint8Array | string;
  fileName: string;
  mime: string;
}

/** What each format is, for help texts and menus. */
export const EXPORT_DESCRIPTIONS: Record<ExportFormat, string> = {
  onnx: 'deployment model: raw features in (preprocessing baked in), probabilities and label out for classifiers, values for regression',
  'onnx-train':
    'the training step itself (forward, loss, gradients, optimizer update) as an ONNX graph; parameters and optimizer state are inputs with next.<name> outputs',
  'weights-json': 'graph, weights and preprocessing as one JSON document',
  pytorch: 'a Python file defining the network as a torch.nn.Module, with the weights',
  'pytorch-train':
    "a complete PyTorch training script (data and preprocessing, model, loss, optimizer, schedule, seed, Netwright's batch order) for a GPU or torchrun with DistributedDataParallel; it saves a checkpoint that netwright import reads",
  'metrics-csv': "every epoch's metrics as CSV",
};

const SUFFIX: Record<ExportFormat, [string, string]> = {
  onnx: ['.onnx', 'application/octet-stream'],
  'onnx-train': ['.train-step.onnx', 'application/octet-stream'],
  'weights-json': ['.weights.json', 'application/json'],
  pytorch: ['.py', 'text/x-python'],
  'pytorch-train': ['.train.py', 'text/x-python'],
  'metrics-csv': ['.metrics.csv', 'text/csv'],
};

/** The file name of an export of a project called `name`. */
export function exportFileName(name: string, format: ExportFormat): string {
  return `${safeFileName(name, 'model')}${SUFFIX[format][0]}`;
}

/** Whether a model can be exported in a format; null when it can, else why not. */
export function exportProblem(
  run: Pick<RunSnapshot, 'graph' | 'points' | 'model'>,
  format: ExportFormat,
  opts: { data?: TrainingScriptData } = {},
): string | null {
  if (format === 'pytorch-train')
    return pytorchTrainProblem({ graph: run.model ?? run.graph, ...(opts.data ? { data: opts.data } : {}) });
  // The perceptron rule is not gradient descent (the step function has no useful gradient).
  if (format === 'onnx-train' && run.graph.nodes.some((n) => n.type === 'Output' && n.params.loss === 'perceptron'))
    return 'The perceptron rule has no ONNX training step (it is not gradient descent); change the Output loss to export one.';
  if (format === 'metrics-csv' && !run.points.length)
    return 'There are no epochs to export yet: train the model first.';
  return null;
}

/**
 * Export a run in one of the formats (throws a sentence when the model cannot be exported so). `data`
 * tells a training script where its rows come from (the project's CSV file, or rows to embed).
 */
export function exportRun(
  run: RunSnapshot,
  format: ExportFormat,
  opts: { steps?: number; data?: TrainingScriptData } = {},
): ExportFile {
  const problem = exportProblem(run, format, opts);
  if (problem) throw new Error(problem);
  const [, mime] = SUFFIX[format];
  const fileName = exportFileName(run.name, format);
  const pre = run.preprocessing;
  switch (format) {
    case 'onnx': {
      const summary = {
        run: run.id,
        startedAt: run.startedAt,
        epochs: run.points.at(-1)?.epoch ?? 0,
        final: run.points.at(-1) ?? null,
        stopReason: run.stopReason,
        optimizer: run.config.optimizer.name,
        ...(run.test ? { test: run.test } : {}),
      };
      const data = exportDeploymentOnnx({
        graph: run.model ?? run.graph,
        weights: run.weights,
        preprocessing: pre,
        name: run.name,
        summary,
      });
      return { data, fileName, mime };
    }
    case 'onnx-train':
      return {
        data: exportTrainStepOnnx(run.model ?? run.graph, run.config, {
          steps: opts.steps ?? 1,
          initialWeights: run.weights,
          name: run.name,
        }),
        fileName,
        mime,
      };
    case 'weights-json':
      return {
        data: exportWeightsJson(run.graph, run.weights, { name: run.name, preprocessing: pre }),
        fileName,
        mime,
      };
    case 'pytorch':
      return {
        data: exportPytorch(run.model ?? run.graph, run.weights, { name: run.name, preprocessing: pre }),
        fileName,
        mime,
      };
    case 'pytorch-train':
      return {
        data: exportPytorchTraining({
          name: run.name,
          graph: run.model ?? run.graph,
          config: run.config,
          weights: run.weights,
          preprocessing: pre,
          ...(opts.data ? { data: opts.data } : {}),
        }),
        fileName,
        mime,
      };
    case 'metrics-csv':
      return {
        data: metricsCsv(run.points.map(numericRecord)),
        fileName,
        mime,
      };
  }
}
