/** Seeded train/validation/test splits (optionally stratified) and k-fold cross-validation. */
import { type Rng, SeededRng, shuffleInPlace } from '../tensor/rng.ts';

export interface SplitSpec {
  /** Fraction of rows for validation, in [0, 1). */
  validation: number;
  /** Fraction of rows for test, in [0, 1). */
  test: number;
  seed: number;
  /** Keep class proportions equal across the parts (needs labels). */
  stratify: boolean;
}

export interface SplitIndices {
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
}

/** Row indices 0..n-1 grouped by label (one group when there are no labels), each group shuffled. */
function shuffledGroups(n: number, rng: Rng, labels?: ArrayLike<number>): Uint32Array[] {
  if (!labels) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    shuffleInPlace(all, rng);
    return [all];
  }
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    let g = byLabel.get(l);
    if (!g) byLabel.set(l, (g = []));
    g.push(i);
  }
  const keys = [...byLabel.keys()].sort((a, b) => a - b);
  return keys.map((k) => {
    const g = Uint32Array.from(byLabel.get(k)!);
    shuffleInPlace(g, rng);
    return g;
  });
}

/**
 * Splits rows 0..n-1 into train/validation/test. Stratified: each class is split in the same
 * proportions, so rare classes appear in every part they can.
 */
export function splitIndices(n: number, spec: SplitSpec, labels?: ArrayLike<number>): SplitIndices {
  if (!(spec.validation >= 0 && spec.test >= 0 && spec.validation + spec.test < 1)) {
    throw new RangeError(
      `validation (${spec.validation}) and test (${spec.test}) fractions must be >= 0 and sum to less than 1`,
    );
  }
  const rng = new SeededRng(spec.seed);
  const groups = shuffledGroups(n, rng, spec.stratify ? labels : undefined);
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const g of groups) {
    const nTest = Math.round(g.length * spec.test);
    const nVal = Math.round(g.length * spec.validation);
    // Never empty the training part of a class that has rows.
    const t = Math.min(nTest, Math.max(0, g.length - 1));
    const v = Math.min(nVal, Math.max(0, g.length - 1 - t));
    for (let i = 0; i < g.length; i++) (i < t ? test : i < t + v ? validation : train).push(g[i]!);
  }
  // Each part in file order: deterministic, readable, and the trainer shuffles per epoch anyway.
  const sorted = (xs: number[]): Uint32Array => Uint32Array.from(xs).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}

export interface Fold {
  train: Uint32Array;
  validation: Uint32Array;
}

/** k-fold cross-validation index sets over rows 0..n-1 (stratified when labels are given). */
export function kFold(n: number, k: number, seed: number, stratifyLabels?: ArrayLike<number>): Fold[] {
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new RangeError(`k must be an integer from 2 to the row count (${n}), got ${k}`);
  const rng = new SeededRng(seed);
  const fold = new Int32Array(n);
  let deal = 0;
  // Dealing each class round-robin, continuing the count across classes, balances both fold sizes and classes.
  for (const g of shuffledGroups(n, rng, stratifyLabels)) for (let i = 0; i < g.length; i++) fold[g[i]!] = deal++ % k;
  const out: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const tr: number[] = [];
    const va: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? va : tr).push(i);
    out.push({ train: Uint32Array.from(tr), validation: Uint32Array.from(va) });
  }
  return out;
}
