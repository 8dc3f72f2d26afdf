/**
 * Export as runnable Python: a PyTorch nn.Module mirroring the layer graph, with the trained weights
 * and the fitted preprocessing, for users who continue elsewhere. Layers map one to one (Dense ->
 * nn.Linear with W transposed, merges -> + and torch.cat), so the module computes what the engine does.
 */
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc, GraphNode } from '../graph/document.ts';
import { analyzeGraph, incoming } from '../graph/validate.ts';
import type { WeightSet } from '../train/backend.ts';
import { NETWRIGHT_VERSION } from './export-model.ts';

/** Python source defining `NetwrightModel`, `load_model()`, `preprocess()` and a command-line demo. */
export function exportPytorch(
  graph: GraphDoc,
  weights: WeightSet,
  opts: { name?: string; preprocessing?: Preprocessing | null } = {},
): string {
  const analysis = analyzeGraph(graph);
  if (!analysis.ok) throw new Error(`The network is not valid: ${analysis.problems.map((p) => p.message).join(' ')}`);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = incoming(graph);
  const py = (id: string) => `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const init: string[] = [];
  const forward: string[] = [];
  const load: string[] = [];
  let output = '';
  let loss = '';
  for (const id of analysis.order) {
    const node = byId.get(id)!;
    const srcs = (ins.get(id) ?? []).map(py);
    const v = py(id);
    switch (node.type) {
      case 'Input':
        forward.push(`${v} = x`);
        break;
      case 'Dense':
      case 'Output': {
        const W = weights.get(`${id}.W`);
        if (!W) throw new Error(`No weights for parameter '${id}.W': train the model before exporting it.`);
        const bias = Boolean(node.params.use_bias);
        init.push(`self.${v} = nn.Linear(${W.shape[0]}, ${W.shape[1]}, bias=${bias ? 'True' : 'False'})`);
        load.push(`model.${v}.weight.copy_(torch.tensor(${matrix(W.data, W.shape[0], W.shape[1], true)}))`);
        if (bias) {
          const b = weights.get(`${id}.b`);
          if (!b) throw new Error(`No weights for parameter '${id}.b'.`);
          load.push(`model.${v}.bias.copy_(torch.tensor(${list(b.data)}))`);
        }
        forward.push(
          `${v} = ${activation(String(node.params.activation), `self.${v}(${srcs[0]})`, Number(node.params.alpha))}`,
        );
        if (node.type === 'Output') {
          output = v;
          loss = String(node.params.loss);
        }
        break;
      }
      case 'Activation':
        forward.push(`${v} = ${activation(String(node.params.activation), srcs[0]!, Number(node.params.alpha))}`);
        break;
      case 'Softmax':
        forward.push(`${v} = torch.softmax(${srcs[0]}, dim=1)`);
        break;
      case 'Dropout':
        init.push(`self.${v} = nn.Dropout(p=${num(Number(node.params.rate))})`);
        forward.push(`${v} = self.${v}(${srcs[0]})`);
        break;
      case 'Add':
        forward.push(`${v} = ${srcs.join(' + ')}`);
        break;
      case 'Concatenate':
        forward.push(`${v} = torch.cat([${srcs.join(', ')}], dim=1)`);
        break;
      default:
        throw new Error(`${describe(node)}: no PyTorch form`);
    }
  }
  forward.push(`return ${output}`);
  const pre = opts.preprocessing ?? null;
  return `"""${opts.name ?? 'Netwright model'}: exported by Netwright ${NETWRIGHT_VERSION}.

NetwrightModel reproduces the network layer by layer; load_model() returns it with the trained
weights. The model outputs the Output layer's activation (trained with the '${loss}' loss).
${pre ? 'preprocess() turns raw feature values (in FEATURE_NAMES order) into the inputs the network was trained on.\n' : ''}"""
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

FEATURE_NAMES = json.loads(${JSON.stringify(JSON.stringify(pre?.featureNames ?? null))})
CLASS_NAMES = json.loads(${JSON.stringify(JSON.stringify(pre?.target && pre.target.task !== 'regression' ? pre.target.classNames : null))})
PREPROCESSING = json.loads(${JSON.stringify(JSON.stringify(pre))})


class NetwrightModel(nn.Module):
    def __init__(self):
        super().__init__()
${init.length ? init.map((l) => `        ${l}`).join('\n') : '        pass'}

    def forward(self, x):
${forward.map((l) => `        ${l}`).join('\n')}


def load_model():
    """The network with its trained weights, in evaluation mode."""
    model = NetwrightModel()
    with torch.no_grad():
${load.length ? load.map((l) => `        ${l}`).join('\n') : '        pass'}
    return model.eval()


def preprocess(raw):
    """Raw numeric features [rows, features] (NaN for missing) -> network inputs, as in training."""
    x = torch.as_tensor(raw, dtype=torch.float32).clone()
    if PREPROCESSING is None:
        return x
    at = 0
    for t in PREPROCESSING["inputs"]:
        if t["kind"] == "categorical":
            at += len(t["categories"])  # already one-hot encoded by the caller
            continue
        col = x[:, at]
        col[torch.isnan(col)] = t["impute"]
        if t["kind"] == "numeric":
            x[:, at] = (col - t["offset"]) * t["scale"]
        at += 1
    return x


if __name__ == "__main__":
    import sys

    model = load_model()
    rows = [[float(v) if v.strip() else math.nan for v in line.split(",")] for line in sys.stdin if line.strip()]
    with torch.no_grad():
        print(model(preprocess(rows)).tolist())
`;
}

function activation(name: string, x: string, alpha: number): string {
  switch (name) {
    case 'linear':
      return x;
    case 'step':
      return `(${x} > 0).float()`;
    case 'sigmoid':
      return `torch.sigmoid(${x})`;
    case 'tanh':
      return `torch.tanh(${x})`;
    case 'relu':
      return `F.relu(${x})`;
    case 'leaky_relu':
      return `F.leaky_relu(${x}, negative_slope=${num(alpha)})`;
    case 'elu':
      return `F.elu(${x}, alpha=${num(alpha)})`;
    case 'gelu':
      return `F.gelu(${x})`;
    case 'silu':
      return `F.silu(${x})`;
    case 'softplus':
      return `F.softplus(${x})`;
    case 'softmax':
      return `torch.softmax(${x}, dim=1)`;
    default:
      throw new Error(`No PyTorch form for activation '${name}'`);
  }
}

/** Shortest decimal that reads back as the same float32 (Python parses it as float64, close enough after torch casts). */
function num(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'math.inf' : v < 0 ? '-math.inf' : 'math.nan';
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function list(data: ArrayLike<number>): string {
  return `[${Array.from(data, num).join(', ')}]`;
}

/** Rows of a row-major matrix, transposed for nn.Linear (which stores [out, in]). */
function matrix(data: ArrayLike<number>, rows: number, cols: number, transpose: boolean): string {
  const out: string[] = [];
  if (transpose) {
    for (let c = 0; c < cols; c++) {
      const row: string[] = [];
      for (let r = 0; r < rows; r++) row.push(num(data[r * cols + c]!));
      out.push(`[${row.join(', ')}]`);
    }
  } else {
    for (let r = 0; r < rows; r++)
      out.push(list(Array.prototype.slice.call(data, r * cols, (r + 1) * cols) as number[]));
  }
  return `[${out.join(',\n            ')}]`;
}

function describe(n: GraphNode): string {
  return `${n.type} '${n.label ?? n.id}'`;
}
