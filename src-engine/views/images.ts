/**
 * Views of image models, computed from the program like every other view: the learned filters of
 * each convolution as small images, the feature maps of one sample at every layer that outputs an
 * image, a saliency map (how much each input pixel moves the predicted class's score: the gradient
 * of that logit with respect to the input, from the same rule table as training), and the
 * misclassified rows of a dataset with their true and predicted classes.
 */
import { BATCH, type Program } from '../backprop/ir.ts';
import { gradients } from '../backprop/rules.ts';
import type { Dataset } from '../data/dataset.ts';
import { classOf, targetClass } from '../losses/index.ts';
import type { ForwardModel } from '../model/compile.ts';
import { isTrainable } from '../layers/params.ts';
import type { FloatArray } from '../tensor/tensor.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { ViewError, type ViewSource } from './source.ts';

/** One small image: c channels of h × w values, row-major, channel after channel, and its range. */
export interface ImageTile {
  c: number;
  h: number;
  w: number;
  values: Float32Array;
  min: number;
  max: number;
}

/** A tile from values (copied) with their range. */
export function tile(values: ArrayLike<number>, c: number, h: number, w: number): ImageTile {
  const v = Float32Array.from(values);
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { c, h, w, values: v, min: min === Infinity ? 0 : min, max: max === -Infinity ? 0 : max };
}

/** The filters of one convolution: `rows` filters of `cols` tiles (one per input channel, or one RGB tile). */
export interface FilterBank {
  nodeId: string;
  filters: number;
  channels: number;
  kernel: [number, number];
  rows: number;
  cols: number;
  tiles: ImageTile[];
}

/**
 * The learned filters of every convolution (parameters of rank 4, [F, C, KH, KW]): the first
 * `maxFilters` filters, each as one colour tile when it reads an RGB image and otherwise as one
 * grey tile per input channel (the first `maxChannels`).
 */
export function learnedFilters(
  fwd: ForwardModel,
  weights: WeightSet,
  opts: { maxFilters?: number; maxChannels?: number } = {},
): FilterBank[] {
  const maxFilters = opts.maxFilters ?? 16;
  const maxChannels = opts.maxChannels ?? 8;
  const out: FilterBank[] = [];
  for (const d of fwd.params) {
    if (!isTrainable(d) || d.kind !== 'W' || d.shape.length !== 4) continue;
    const w = weights.get(d.name);
    if (!w) throw new ViewError(`No weights for '${d.name}'.`);
    const [f, c, kh, kw] = d.shape as [number, number, number, number];
    const rgb = c === 3 && d.nodeId === firstConsumerOfInput(fwd);
    const rows = Math.min(f, maxFilters);
    const cols = rgb ? 1 : Math.min(c, maxChannels);
    const tiles: ImageTile[] = [];
    for (let i = 0; i < rows; i++) {
      if (rgb) tiles.push(tile(w.data.subarray(i * c * kh * kw, (i + 1) * c * kh * kw), 3, kh, kw));
      else
        for (let ch = 0; ch < cols; ch++) {
          const at = (i * c + ch) * kh * kw;
          tiles.push(tile(w.data.subarray(at, at + kh * kw), 1, kh, kw));
        }
    }
    out.push({ nodeId: d.nodeId, filters: f, channels: c, kernel: [kh, kw], rows, cols, tiles });
  }
  return out;
}

/** The graph node whose parameters multiply the input directly (the first convolution), if any. */
function firstConsumerOfInput(fwd: ForwardModel): string | null {
  const reader = fwd.program.nodes.find((n) => n.op.kind === 'conv2d' && n.inputs[0] === fwd.x);
  if (!reader) return null;
  return fwd.params.find((p) => p.input === reader.inputs[1])?.nodeId ?? null;
}

/** The feature maps of one layer for one sample: up to `maxChannels` channels as grey tiles. */
export interface FeatureMaps {
  nodeId: string;
  /** Per-sample shape [C, H, W]. */
  shape: [number, number, number];
  tiles: ImageTile[];
}

/**
 * What every layer that outputs an image makes of one sample (x holds its C·H·W input values): the
 * input itself first, then each such layer in the network's order.
 */
export function featureMaps(src: ViewSource, x: Float32Array, maxChannels = 16): FeatureMaps[] {
  const fwd = src.forward;
  const layers: { nodeId: string; value: number }[] = [];
  const seen = new Set<number>();
  for (const [nodeId, v] of fwd.values) {
    if (fwd.program.shape(v).length !== 4 || seen.has(v)) continue;
    seen.add(v);
    layers.push({ nodeId, value: v });
  }
  if (!layers.length) return [];
  const outs = src.runForward(
    x,
    1,
    layers.map((l) => l.value),
  );
  return layers.map((l, k) => {
    const [, c, h, w] = fwd.program.shape(l.value) as [number, number, number, number];
    const v = outs[k]!;
    const tiles: ImageTile[] = [];
    for (let ch = 0; ch < Math.min(c, maxChannels); ch++)
      tiles.push(tile(v.subarray(ch * h * w, (ch + 1) * h * w), 1, h, w));
    return { nodeId: l.nodeId, shape: [c, h, w], tiles };
  });
}

/** The selector input and the input gradient appended to a forward program for saliency (once per program). */
const SALIENCY = new WeakMap<Program, { select: string; grad: number }>();

function saliencyParts(fwd: ForwardModel): { select: string; grad: number } {
  let parts = SALIENCY.get(fwd.program);
  if (!parts) {
    const p = fwd.program;
    const select = '__saliency_class';
    // score = Σ logits ⊙ onehot(class): the chosen class's logit for each row.
    const onehot = p.input(select, [BATCH, fwd.targets]);
    const score = p.sumAll(p.mul(fwd.logits, onehot));
    const [grad] = gradients(p, score, [fwd.x]);
    parts = { select, grad: grad! };
    SALIENCY.set(p, parts);
  }
  return parts;
}

export interface Saliency {
  /** The class whose score was differentiated (the predicted one), and the model's output. */
  predicted: number;
  output: number[];
  /** |d logit / d pixel|, the largest over the channels: one H × W tile. */
  map: ImageTile;
}

/** The saliency of one sample (x: its input values; `shape` [C, H, W]) for its predicted class. */
export function saliencyMap(src: ViewSource, x: Float32Array, shape: readonly [number, number, number]): Saliency {
  const fwd = src.forward;
  const [c, h, w] = shape;
  if (c * h * w !== fwd.features)
    throw new ViewError(`A ${shape.join('×')} image has ${c * h * w} values; the model takes ${fwd.features}.`);
  const [out] = src.runForward(x, 1, [fwd.pred]);
  const output = Array.from(out!);
  const predicted = classOf(output, 0, fwd.targets, fwd.decision);
  const parts = saliencyParts(fwd);
  const onehot = new Float32Array(fwd.targets);
  onehot[fwd.targets === 1 ? 0 : predicted] = 1;
  const [g] = src.runForward(x, 1, [parts.grad], { [parts.select]: onehot });
  const map = new Float32Array(h * w);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < h * w; i++) map[i] = Math.max(map[i]!, Math.abs(g![ch * h * w + i]!));
  return { predicted, output, map: tile(map, 1, h, w) };
}

export interface Misclassified {
  /** Row in the dataset. */
  row: number;
  image: ImageTile;
  actual: number;
  predicted: number;
}

/** The first `max` rows of an image dataset whose predicted class (from `pred`) is not their own. */
export function misclassified(
  ds: Dataset,
  pred: ArrayLike<number>,
  fwd: ForwardModel,
  max = 24,
): { rows: Misclassified[]; wrong: number } {
  const shape = ds.sampleShape;
  if (!shape) throw new ViewError(`The data '${ds.name}' is not images.`);
  const [c, h, w] = shape;
  const F = c * h * w;
  const rows: Misclassified[] = [];
  let wrong = 0;
  for (let r = 0; r < ds.rows; r++) {
    const predicted = classOf(pred, r, ds.targets, fwd.decision);
    const actual = targetClass(ds.y, r, ds.targets);
    if (predicted === actual) continue;
    wrong++;
    if (rows.length < max)
      rows.push({ row: r, image: tile(ds.x.subarray(r * F, (r + 1) * F), c, h, w), actual, predicted });
  }
  return { rows, wrong };
}

/** The input values of row `r` of a dataset. */
export function rowOf(ds: Dataset, r: number): Float32Array {
  return ds.x.subarray(r * ds.features, (r + 1) * ds.features);
}

/** Copy of a float buffer as plain numbers rounded for JSON (views travel to the page). */
export function plainValues(v: FloatArray, digits = 4): number[] {
  const s = 10 ** digits;
  return Array.from(v, (x) => Math.round(x * s) / s);
}
