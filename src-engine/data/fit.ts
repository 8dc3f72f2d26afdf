/** Fitting preprocessing parameters on the training rows only. */
import { type ColumnType, booleanWord } from './columns.ts';
import { DataError } from './errors.ts';
import {
  type FeatureTransform,
  type MissingPolicy,
  type PixelScaling,
  type Preprocessing,
  type Scaling,
  type TargetEncoding,
  cellKey,
  transformWidth,
} from './preprocess.ts';
import { type RawColumn, type RawTable, findColumn } from './table.ts';

/** Mean, standard deviation (population), min and max of the non-missing numbers of some rows. */
export function numericStats(
  col: RawColumn,
  rows: ArrayLike<number>,
): { count: number; mean: number; std: number; min: number; max: number } {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const read = numberReader(col);
  for (let i = 0; i < rows.length; i++) {
    const v = read(rows[i]!);
    if (v !== v) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = count > 0 ? sum / count : 0;
  let ss = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = read(rows[i]!);
    if (v === v) ss += (v - mean) * (v - mean);
  }
  return { count, mean, std: count > 0 ? Math.sqrt(ss / count) : 0, min, max };
}

/** A column read as numbers (NaN for missing or non-numeric strings). */
function numberReader(col: RawColumn): (r: number) => number {
  if (col.kind === 'numeric') return (r) => col.values[r]!;
  const nums = col.dictionary.map((s) => Number(s));
  return (r) => (col.codes[r]! < 0 ? NaN : nums[col.codes[r]!]!);
}

/** Counts of each value (as a string key) over some rows, missing skipped. */
function valueCounts(col: RawColumn, rows: ArrayLike<number>): Map<string, number> {
  const counts = new Map<string, number>();
  if (col.kind === 'string') {
    const byCode = new Float64Array(col.dictionary.length);
    for (let i = 0; i < rows.length; i++) {
      const c = col.codes[rows[i]!]!;
      if (c >= 0) byCode[c]!++;
    }
    col.dictionary.forEach((s, k) => {
      if (byCode[k]! > 0) counts.set(cellKey(s), (counts.get(cellKey(s)) ?? 0) + byCode[k]!);
    });
    return counts;
  }
  for (let i = 0; i < rows.length; i++) {
    const v = col.values[rows[i]!]!;
    if (v === v) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return counts;
}

/** Fits one transform per feature column on the training rows, plus the target encoding. */
export function fitPreprocessing(
  table: RawTable,
  trainRows: ArrayLike<number>,
  features: string[],
  types: Record<string, ColumnType>,
  scaling: Scaling,
  missing: MissingPolicy,
  target: TargetEncoding,
  pixels?: PixelScaling,
): Preprocessing {
  const inputs: FeatureTransform[] = [];
  const featureNames: string[] = [];
  for (const name of features) {
    const col = findColumn(table, name)!;
    const type = types[name]!;
    let t: FeatureTransform;
    if (type === 'numeric') {
      if (col.kind === 'string' && col.dictionary.some((s) => !Number.isFinite(Number(s)))) {
        const bad = col.dictionary.find((s) => !Number.isFinite(Number(s)))!;
        throw new DataError({
          code: 'non-numeric',
          file: table.name,
          column: name,
          problem: `the value ${JSON.stringify(bad)} is not a number`,
          hint: 'Treat the column as categorical, or fix its values',
        });
      }
      const s = numericStats(col, trainRows);
      let offset = 0;
      let scale = 1;
      if (scaling === 'standard') [offset, scale] = [s.mean, s.std > 1e-12 ? 1 / s.std : 1];
      else if (scaling === 'minmax' && s.count > 0)
        [offset, scale] = [s.min, s.max - s.min > 1e-12 ? 1 / (s.max - s.min) : 1];
      t = { kind: 'numeric', column: name, impute: s.mean, offset, scale };
    } else if (type === 'boolean') {
      const counts = valueCounts(col, trainRows);
      let ones = 0;
      let zeros = 0;
      for (const [k, c] of counts) {
        const b = col.kind === 'numeric' ? (Number(k) !== 0 ? 1 : 0) : booleanWord(k);
        if (b === 1) ones += c;
        else if (b === 0) zeros += c;
        else
          throw new DataError({
            code: 'bad-format',
            file: table.name,
            column: name,
            problem: `the value ${JSON.stringify(k)} is not true/false`,
            hint: 'Treat the column as categorical',
          });
      }
      t = { kind: 'boolean', column: name, impute: ones > zeros ? 1 : 0 };
    } else {
      const counts = valueCounts(col, trainRows);
      const categories = [...counts.keys()];
      if (col.kind === 'numeric') categories.sort((a, b) => Number(a) - Number(b));
      else categories.sort();
      let mode: string | null = null;
      for (const c of categories) if (mode === null || counts.get(c)! > counts.get(mode)!) mode = c;
      t = { kind: 'categorical', column: name, categories, impute: mode };
    }
    inputs.push(t);
    if (t.kind === 'categorical') for (const c of t.categories) featureNames.push(`${name}=${c}`);
    else featureNames.push(name);
  }
  // A regression target is standardised on the training rows too (unless scaling is 'none').
  if (target.task === 'regression' && scaling !== 'none') {
    const s = numericStats(findColumn(table, target.column)!, trainRows);
    target = { ...target, mean: s.mean, std: s.std > 1e-12 ? s.std : 1 };
  }
  const pre: Preprocessing = { version: 1, scaling, missing, inputs, featureNames, target };
  const img = table.image;
  if (img && img.columns.length === features.length && inputs.every((t) => transformWidth(t) === 1)) {
    const [h, w, c] = img.shape;
    const chw = chwColumns(img);
    if (img.columns.every((col, i) => col === features[i])) pre.imageShape = img.shape;
    if (chw.every((col, i) => col === features[i]) && inputs.every((t) => t.kind === 'numeric')) {
      pre.imageShape = img.shape;
      pre.sampleShape = [c, h, w];
      if (pixels) scalePixels(table, trainRows, inputs as NumericTransform[], c, pixels);
      if (pixels) pre.pixels = pixels;
    }
  }
  return pre;
}

type NumericTransform = Extract<FeatureTransform, { kind: 'numeric' }>;

/** An image's pixel columns channel by channel, row by row (CHW), from their stored HWC order. */
export function chwColumns(img: { shape: [number, number, number]; columns: string[] }): string[] {
  const [h, w, c] = img.shape;
  const out: string[] = [];
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) out.push(img.columns[p * c + ch]!);
  return out;
}

/** Offsets and scales of the pixel columns (in CHW order) for a pixel scaling, from the training rows. */
function scalePixels(
  table: RawTable,
  rows: ArrayLike<number>,
  inputs: NumericTransform[],
  channels: number,
  pixels: PixelScaling,
): void {
  const per = inputs.length / channels;
  const stats = inputs.map((t) => numericStats(findColumn(table, t.column)!, rows));
  if (pixels === 'unit') {
    const max = stats.reduce((m, s) => Math.max(m, s.max), -Infinity);
    const scale = max > 1 ? 1 / (max <= 255 ? 255 : max) : 1;
    for (const t of inputs) Object.assign(t, { offset: 0, scale });
    return;
  }
  for (let ch = 0; ch < channels; ch++) {
    // Pooled over the channel's pixels: mean of means, and the variance from each column's moments.
    let count = 0;
    let sum = 0;
    let sq = 0;
    for (let k = ch * per; k < (ch + 1) * per; k++) {
      const s = stats[k]!;
      count += s.count;
      sum += s.mean * s.count;
      sq += (s.std * s.std + s.mean * s.mean) * s.count;
    }
    const mean = count ? sum / count : 0;
    const std = Math.sqrt(Math.max(0, count ? sq / count - mean * mean : 0));
    for (let k = ch * per; k < (ch + 1) * per; k++)
      Object.assign(inputs[k]!, { offset: mean, scale: std > 1e-12 ? 1 / std : 1 });
  }
}
