/** Export the engine's last run: deployment ONNX, training-step ONNX, weights JSON, PyTorch code, metrics CSV. */
import { exportDeploymentOnnx } from '../../onnx/export-model.ts';
import { exportWeightsJson } from '../../onnx/json-export.ts';
import { exportPytorch } from '../../onnx/pytorch.ts';
import { exportTrainStepOnnx } from '../../onnx/train-step.ts';
import type { EpochPoint, ExportFormat } from '../../protocol/training.ts';
import type { RunSnapshot } from './training.ts';
import { metricsCsv as metricsTable } from '../../train/metrics-csv.ts';

/** A file ready to save or download. */
export interface ExportFile {
  fileName: string;
  mime: string;
  data: Uint8Array | string;
}

const safe = (name: string) => name.replace(/[^\w .()-]+/g, '_').trim() || 'model';

/** The metrics of every epoch as CSV (one row per epoch; empty cells where a metric does not apply). */
export function metricsCsv(points: readonly EpochPoint[]): string {
  return metricsTable(points as unknown as Readonly<Record<string, number | undefined>>[]);
}

/** Build one export of a run. */
export function exportRun(run: RunSnapshot, format: ExportFormat): ExportFile {
  const base = safe(run.name);
  const pre = run.preprocessing;
  switch (format) {
    case 'onnx': {
      const last = run.points.at(-1);
      const summary = {
        startedAt: run.startedAt,
        epochs: run.points.length,
        final: last ?? null,
        stopReason: run.stopReason,
        optimizer: run.config.optimizer.name,
      };
      return {
        fileName: `${base}.onnx`,
        mime: 'application/octet-stream',
        data: exportDeploymentOnnx({
          graph: run.graph,
          weights: run.weights,
          preprocessing: pre,
          name: run.name,
          summary,
        }),
      };
    }
    case 'onnx-train':
      return {
        fileName: `${base}.train.onnx`,
        mime: 'application/octet-stream',
        data: exportTrainStepOnnx(run.graph, run.config, { steps: 1, initialWeights: run.weights, name: run.name }),
      };
    case 'weights-json':
      return {
        fileName: `${base}.weights.json`,
        mime: 'application/json',
        data: exportWeightsJson(run.graph, run.weights, { name: run.name, preprocessing: pre }),
      };
    case 'pytorch':
      return {
        fileName: `${base}.py`,
        mime: 'text/x-python',
        data: exportPytorch(run.graph, run.weights, { name: run.name, preprocessing: pre }),
      };
    case 'metrics-csv':
      return { fileName: `${base}.metrics.csv`, mime: 'text/csv', data: metricsCsv(run.points) };
  }
}
