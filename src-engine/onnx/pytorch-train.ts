/**
 * Export a complete PyTorch training script for a project (`netwright export --format
 * pytorch-train`): the data (the project's CSV file read with the fitted preprocessing, or the
 * prepared rows embedded), the model (each layer's own PyTorch form, src-engine/layers), its starting
 * weights, the loss (src-engine/losses), optimizer, schedule, seed, batch order and dropout masks as
 * Netwright's trainer has them, so that the script continues a Netwright run on a GPU or under
 * torchrun with DistributedDataParallel. It saves a checkpoint in the weights-JSON format
 * (./json-export.ts) that `netwright import` reads back. The fixed Python lives in ./pytorch-train-py.ts.
 */
import type { Dataset } from '../data/dataset.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc } from '../graph/document.ts';
import { incoming } from '../graph/validate.ts';
import { layerDef } from '../layers/index.ts';
import { lossTorch, type LossName } from '../losses/index.ts';
import { analysed, compiled, type CompiledModel } from '../model/compile.ts';
import type { DatasetRef } from '../project/project.ts';
import { sizeOf } from '../tensor/tensor.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainConfig } from '../train/config.ts';
import { NETWRIGHT_VERSION } from './export-model.ts';
import { PY_RUNTIME } from './pytorch-train-py.ts';
import { torchModel } from './pytorch-walk.ts';

/** Most bytes of float32 rows the script embeds (train, validation and test together): 16 MiB. */
export const MAX_EMBEDDED_DATA_BYTES = 16 * 1024 * 1024;

/**
 * Image files the script reads itself (paths resolved by a Node host): an IDX pair, read with the
 * project's fitted preprocessing (its pixel scaling), or the built-in MNIST digits, drawn as
 * Netwright draws them (NumPy's RandomState permutation) from the `mnist` package's class files.
 */
export type ScriptImageFiles =
  | { kind: 'idx'; images: string; labels: string }
  | { kind: 'digits'; dir: string; count: number; seed: number; test: number };

/** Where the script gets its rows: the project's CSV file, image files, rows to embed, or none (`--data` at run time). */
export interface TrainingScriptData {
  /** The project's dataset reference (a CSV file is read by the script itself). */
  ref?: DatasetRef | null;
  /** Image files the script reads itself (instead of embedding their rows). */
  files?: ScriptImageFiles | null;
  /** Prepared rows, embedded when there is no CSV file to read. */
  sets?: { train: Dataset; validation?: Dataset; test?: Dataset } | null;
}

export interface TrainingScriptInput {
  name: string;
  /** The network, or the run's compiled model (not compiled again). */
  graph: GraphDoc | CompiledModel;
  config: TrainConfig;
  /** The weights the script starts from (the project's, or the seed's draw for an untrained one). */
  weights: WeightSet;
  preprocessing: Preprocessing | null;
  data?: TrainingScriptData;
}

const isCsv = (path: string): boolean => /\.(csv|tsv|txt)$/i.test(path);

function embeddedBytes(sets: NonNullable<TrainingScriptData['sets']>): number {
  return [sets.train, sets.validation, sets.test].reduce(
    (a, d) => a + (d ? d.rows * (d.features + d.targets) * 4 : 0),
    0,
  );
}

/** Why a project cannot be exported as a training script, or null when it can. */
export function pytorchTrainProblem(input: Pick<TrainingScriptInput, 'graph' | 'data'>): string | null {
  const { graph, analysis } = analysed(input.graph);
  if (!analysis.ok) return `The network is not valid: ${analysis.problems.map((p) => p.message).join(' ')}`;
  const output = graph.nodes.find((n) => n.type === 'Output');
  if (output && !lossTorch(output.params.loss as LossName))
    return 'The perceptron rule is not gradient descent, so PyTorch cannot train it: change the Output loss to export a training script.';
  for (const node of graph.nodes) {
    const def = layerDef(node.type);
    const shapes = (incoming(graph).get(node.id) ?? []).map((s) => analysis.info[s]!.shape!);
    if ((def.params?.(node, shapes).length ?? 0) > 0 && !def.torch.params)
      return `The ${node.type} layer '${node.label ?? node.id}' has no PyTorch form for its weights yet, so no training script can be written for it.`;
  }
  const sets = input.data?.sets;
  const ref = input.data?.ref;
  const reads = (ref?.kind === 'file' && isCsv(ref.path)) || !!input.data?.files;
  if (!reads && sets && embeddedBytes(sets) > MAX_EMBEDDED_DATA_BYTES)
    return `The training data (${(embeddedBytes(sets) / 2 ** 20).toFixed(1)} MiB of float32 values) is more than the ${MAX_EMBEDDED_DATA_BYTES / 2 ** 20} MiB a script embeds: train from a CSV file, or run the script with --data FILE.csv.`;
  return null;
}

/** Base64 of bytes (no Node Buffer here: the engine is pure TypeScript). */
function base64(bytes: Uint8Array): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const parts: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    line +=
      abc[(n >> 18) & 63]! +
      abc[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? abc[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? abc[n & 63]! : '=');
    if (line.length >= 8192) {
      parts.push(line);
      line = '';
    }
  }
  parts.push(line);
  return parts.join('');
}

/** Float32 little-endian bytes of values, base64. */
function f32(values: ArrayLike<number>): string {
  const a = Float32Array.from(values as ArrayLike<number>);
  return base64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** A Python string literal (JSON's escapes are Python's). */
const pyStr = (s: string): string => JSON.stringify(s);
/** A JSON value as Python source: json.loads of its text. */
const pyJson = (v: unknown): string => `json.loads(${pyStr(JSON.stringify(v ?? null))})`;

/** The Python source of the training script. */
export function exportPytorchTraining(input: TrainingScriptInput): string {
  const problem = pytorchTrainProblem(input);
  if (problem) throw new Error(problem);
  const { config, weights } = input;
  const model = compiled(input.graph);
  const graph = model.graph;
  const fwd = model.forward;
  const tp = model.training(config);
  const { init, load, forward, layers, helpers } = torchModel(
    model,
    {
      has: (name) => weights.has(name),
      literal: (name, order) =>
        `_w(${pyStr(name)}${order ? `, (${order.join(', ')}${order.length === 1 ? ',' : ''})` : ''})`,
    },
    'logits',
  );
  const getters: string[] = [];
  for (const { node, def, v, shapes, declared } of layers) {
    if (!declared.length) continue;
    // pytorchTrainProblem has refused layers with parameters but no PyTorch form.
    const exprs = def.torch.params!(node, `model.${v}`, shapes);
    for (const ps of declared) getters.push(`${pyStr(`${node.id}.${ps.suffix}`)}: ${exprs[ps.suffix]}`);
  }
  const loss = lossTorch(fwd.loss)!;
  const lossExpr = loss.expr({ pred: 'pred', logits: 'logits', y: 'y', activation: fwd.activation });
  const initial = Object.fromEntries(
    // Every parameter, the running statistics (trained without gradients) included.
    tp.params.map((d) => {
      const w = weights.get(d.name);
      if (!w || w.data.length !== sizeOf(d.shape))
        throw new Error(`No weights for parameter '${d.name}' (${d.shape.join(' × ')}).`);
      return [d.name, [d.shape, f32(w.data)]];
    }),
  );
  const masks = tp.masks.map((m) => [m.name, m.shape.slice(1), m.rate]);
  const task = input.preprocessing?.target.task ?? (fwd.decision.kind === 'argmax' ? 'multiclass' : 'binary');
  const dataSpec = dataSection(input);
  const dataset = input.data?.ref ?? null;
  const lines = [
    `"""${input.name}: a PyTorch training script exported by Netwright ${NETWRIGHT_VERSION}.`,
    '',
    'It trains the network as Netwright does: the same data reading and fitted preprocessing, model,',
    'starting weights, loss, optimizer, learning-rate schedule, seed, batch order and dropout masks; on',
    'the CPU, a GPU, or several GPUs or machines with DistributedDataParallel (the global mini-batch is',
    "shared among the processes and their gradients averaged, so the run stays Netwright's run). It",
    'saves a checkpoint (Netwright weights JSON) that `netwright import CHECKPOINT` turns into a project.',
    '',
    '  python3 train.py                          # the GPU when there is one, else the CPU',
    '  python3 train.py --epochs 20 --device cpu --out model.checkpoint.json',
    '  torchrun --nproc_per_node 4 train.py      # 4 processes: NCCL on GPUs, gloo on CPUs',
    '  torchrun --nnodes 2 --node_rank 0 --master_addr HOST --master_port 29500 --nproc_per_node 8 train.py',
    '',
    "(torch 1.13 on Python 3.11, as Debian ships it: add --redirects 1 --tee 1 to torchrun's options.)",
    '',
    'python3 train.py --help lists every option (--data FILE.csv, --fast, --fresh, --json, ...).',
    '"""',
    'import argparse',
    'import base64',
    'import csv',
    'import gzip',
    'import io',
    'import json',
    'import math',
    'import os',
    'import re',
    'import struct',
    'import sys',
    'import time',
    '',
    'import numpy as np',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `NETWRIGHT_VERSION = ${pyStr(NETWRIGHT_VERSION)}`,
    `NAME = ${pyStr(input.name)}`,
    `GRAPH = ${pyJson(graph)}`,
    `CONFIG = ${pyJson(config)}`,
    `PREPROCESSING = ${pyJson(input.preprocessing)}`,
    `DATASET = ${pyJson(dataset)}`,
    `TASK = ${pyStr(task)}`,
    `DECISION = ${pyJson(fwd.decision)}`,
    `LOSS_IS_SUM = ${loss.sum ? 'True' : 'False'}`,
    '# Dropout masks of one step: name, per-sample shape, rate (drawn in this order, as Netwright does).',
    `MASKS = ${pyJson(masks)}`,
    '# Weights with L1/L2 penalties (biases have none).',
    `REGULARIZED = ${pyJson(tp.params.filter((d) => d.regularize).map((d) => d.name))}`,
    "# Starting weights: shape and float32 little-endian values, base64, in Netwright's layout.",
    `INITIAL_WEIGHTS = ${pyJson(initial)}`,
    dataSpec,
    '',
    '',
    ...helpers.flatMap((h) => [h, '', '']),
    'class NetwrightModel(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length ? init.map((l) => `        ${l}`) : ['        pass']),
    '',
    '    def forward(self, x, masks=None):',
    '        """(logits, output): the Output layer before and after its activation."""',
    ...forward.map((l) => `        ${l}`),
    '',
    '',
    'def _w(name, order=None):',
    '    shape, b64 = INITIAL_WEIGHTS[name]',
    '    a = np.frombuffer(base64.b64decode(b64), dtype="<f4").reshape(shape)',
    '    return np.ascontiguousarray(a.transpose(order)) if order else a.copy()',
    '',
    '',
    'def load_initial_weights(model):',
    '    with torch.no_grad():',
    ...(load.length ? load.map((l) => `        ${l}`) : ['        pass']),
    '',
    '',
    'def netwright_params(model):',
    '    """Every parameter in Netwright\'s layout (W is [inputs, units]), by Netwright\'s name."""',
    '    return {',
    ...getters.map((g) => `        ${g},`),
    '    }',
    '',
    '',
    'def data_loss(logits, pred, y):',
    `    """The ${fwd.loss} loss, as Netwright computes it."""`,
    `    return ${lossExpr}`,
    PY_RUNTIME,
  ];
  return lines.join('\n');
}

/** The DATA constant: the CSV file to read, the rows embedded, or none. */
function dataSection(input: TrainingScriptInput): string {
  const ref = input.data?.ref;
  if (ref?.kind === 'file' && isCsv(ref.path) && input.preprocessing)
    return `DATA = ${pyJson({ kind: 'csv', path: ref.path })}`;
  const files = input.data?.files;
  if (files?.kind === 'digits') return `DATA = ${pyJson(files)}`;
  if (files?.kind === 'idx' && input.preprocessing) return `DATA = ${pyJson(files)}`;
  const sets = input.data?.sets;
  if (!sets) return `DATA = ${pyJson({ kind: 'none' })}`;
  const parts: Record<string, [number, number, number, string, string]> = {};
  for (const [part, d] of Object.entries(sets))
    if (d) parts[part] = [d.rows, d.features, d.targets, f32(d.x.subarray(0, d.rows * d.features)), f32(d.y)];
  return `# The prepared rows (float32, base64): rows, features, targets, x, y.\nDATA = ${pyJson({ kind: 'embedded', sets: parts })}`;
}
