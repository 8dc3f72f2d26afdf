/**
 * Export as runnable Python: a PyTorch nn.Module mirroring the layer graph, with the trained weights
 * and the fitted preprocessing, for users who continue elsewhere. Each layer writes its own module
 * and forward expression (src-engine/layers), so the module computes what the engine does.
 */
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { CompiledModel } from '../model/compile.ts';
import { pyNumber } from '../backprop/ops/elementwise.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { NETWRIGHT_VERSION } from './export-model.ts';
import { torchModel } from './pytorch-walk.ts';

/** Python source defining `NetwrightModel`, `load_model()`, `preprocess()` and a command-line demo. */
export function exportPytorch(
  graph: GraphDoc | CompiledModel,
  weights: WeightSet,
  opts: { name?: string; preprocessing?: Preprocessing | null } = {},
): string {
  const { init, load, forward, layers, helpers, loss } = torchModel(
    graph,
    {
      has: (name) => weights.has(name),
      literal: (name, order) => {
        const w = weights.get(name);
        if (!w) throw new Error(`No weights for parameter '${name}': train the model before exporting it.`);
        return tensorLiteral(w.data, w.shape, order);
      },
    },
    'output',
  );
  for (const { node, declared } of layers)
    for (const ps of declared)
      if (!weights.has(`${node.id}.${ps.suffix}`))
        throw new Error(`No weights for parameter '${node.id}.${ps.suffix}': train the model before exporting it.`);
  const pre = opts.preprocessing ?? null;
  return `"""${opts.name ?? 'Netwright model'}: exported by Netwright ${NETWRIGHT_VERSION}.

NetwrightModel reproduces the network layer by layer; load_model() returns it with the trained
weights. The model outputs the Output layer's activation (trained with the '${loss}' loss).
${pre ? "preprocess() turns raw feature values (in FEATURE_NAMES order) into the inputs the network was trained on;\npostprocess() turns its outputs into the target's own units.\n" : ''}"""
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

FEATURE_NAMES = json.loads(${JSON.stringify(JSON.stringify(pre?.featureNames ?? null))})
CLASS_NAMES = json.loads(${JSON.stringify(JSON.stringify(pre?.target && pre.target.task !== 'regression' ? pre.target.classNames : null))})
PREPROCESSING = json.loads(${JSON.stringify(JSON.stringify(pre))})


${helpers.map((h) => `${h}\n\n\n`).join('')}class NetwrightModel(nn.Module):
    def __init__(self):
        super().__init__()
${init.length ? init.map((l) => `        ${l}`).join('\n') : '        pass'}

    def forward(self, x, masks=None):
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


def postprocess(out):
    """The network's outputs in the target's own units (a regression target was standardised for training)."""
    target = (PREPROCESSING or {}).get("target") or {}
    if target.get("task") == "regression" and target.get("std") is not None:
        return out * target["std"] + target["mean"]
    return out


if __name__ == "__main__":
    import sys

    model = load_model()
    rows = [[float(v) if v.strip() else math.nan for v in line.split(",")] for line in sys.stdin if line.strip()]
    with torch.no_grad():
        print(postprocess(model(preprocess(rows))).tolist())
`;
}

/** A nested Python list of the values of a row-major tensor, its dims visited in `order` (a transpose). */
function tensorLiteral(data: ArrayLike<number>, shape: readonly number[], order?: readonly number[]): string {
  const perm = order ?? shape.map((_, i) => i);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const dims = perm.map((d) => shape[d]!);
  const st = perm.map((d) => strides[d]!);
  const rec = (level: number, base: number): string => {
    const items: string[] = [];
    for (let i = 0; i < dims[level]!; i++) {
      const off = base + i * st[level]!;
      items.push(level === dims.length - 1 ? pyNumber(data[off]!) : rec(level + 1, off));
    }
    return `[${items.join(', ')}]`;
  };
  return rec(0, 0);
}
