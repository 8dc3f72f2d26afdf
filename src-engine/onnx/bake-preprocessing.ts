/**
 * The fitted preprocessing as the first nodes of a deployment model, so that it takes raw values:
 * - input `features` [N, numeric columns]: numeric and boolean (0/1) columns in their original
 *   units, NaN for missing; imputed with the fitted values, then `(x - offset) * scale`;
 * - one string input [N, 1] per categorical column: one-hot over the fitted categories with
 *   ai.onnx.ml OneHotEncoder (unseen values give all zeros; '' means missing and takes the fitted
 *   imputation when there is one, like applyPreprocessing).
 * The pieces are concatenated in the network's feature order.
 */
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphBuilder } from './builder.ts';

/** How callers feed a deployment model: one entry per model input. */
export type ModelInputSpec =
  | { name: string; kind: 'numeric'; columns: string[] }
  | { name: string; kind: 'categorical'; column: string; categories: string[] };

export interface BakedInputs {
  /** The network's input value [N, F]. */
  x: string;
  /** A model input whose first dimension is N. */
  batchRef: string;
  inputs: ModelInputSpec[];
}

/** Declare the model inputs for `pre` and return the network input computed from them. */
export function bakePreprocessing(b: GraphBuilder, pre: Preprocessing): BakedInputs {
  const numeric = pre.inputs.filter((t) => t.kind !== 'categorical');
  const inputs: ModelInputSpec[] = [];
  let scaled: string | null = null;
  if (numeric.length) {
    const w = numeric.length;
    const raw = b.input(
      'features',
      ['N', w],
      b.elem,
      `Raw values of ${numeric.map((t) => t.column).join(', ')} (NaN when missing; booleans as 0/1)`,
    );
    inputs.push({ name: 'features', kind: 'numeric', columns: numeric.map((t) => t.column) });
    const impute = numeric.map((t) => t.impute);
    const offset = numeric.map((t) => (t.kind === 'numeric' ? t.offset : 0));
    const scale = numeric.map((t) => (t.kind === 'numeric' ? t.scale : 1));
    const filled = b.op1('Where', [b.op1('IsNaN', [raw]), b.constant(impute, [1, w]), raw], {}, 'imputed');
    scaled = b.op1(
      'Mul',
      [b.op1('Sub', [filled, b.constant(offset, [1, w])], {}, 'centred'), b.constant(scale, [1, w])],
      {},
      'scaled',
    );
  }
  const pieces: string[] = [];
  let batchRef = '';
  let col = 0;
  let runStart = -1;
  const flushRun = () => {
    if (runStart < 0) return;
    // A run of consecutive numeric columns is one slice of the scaled matrix.
    pieces.push(
      runStart === 0 && col === numeric.length
        ? scaled!
        : b.op1('Slice', [scaled!, b.int64([runStart]), b.int64([col]), b.int64([1])], {}, 'numeric_cols'),
    );
    runStart = -1;
  };
  for (const t of pre.inputs) {
    if (t.kind !== 'categorical') {
      if (runStart < 0) runStart = col;
      col++;
      continue;
    }
    flushRun();
    const name = b.freshInput(
      t.column,
      ['N', 1],
      'string',
      `Raw value of column '${t.column}' (one of ${t.categories.slice(0, 6).join(', ')}${t.categories.length > 6 ? ', …' : ''}; '' when missing)`,
    );
    inputs.push({ name, kind: 'categorical', column: t.column, categories: t.categories });
    batchRef ||= name;
    const C = t.categories.length;
    const flat = b.op1('Reshape', [name, b.int64([-1])], {}, `${name}_flat`);
    const hot = b.mlOp(
      'OneHotEncoder',
      [flat],
      { cats_strings: { strings: [...t.categories, ''] }, zeros: 1 },
      `${name}_onehot`,
    );
    // ONNX has no shape inference for ai.onnx.ml ops: without this, the strict checker cannot type the MatMul below.
    b.declare(hot, ['N', C + 1], 'float32');
    // [C + 1] columns -> [C]: the '' (missing) column folds into the imputed category, or vanishes.
    const fold = new Array<number>((C + 1) * C).fill(0);
    for (let i = 0; i < C; i++) fold[i * C + i] = 1;
    const imputed = t.impute === null ? -1 : t.categories.indexOf(t.impute);
    if (imputed >= 0) fold[C * C + imputed] = 1;
    const hotTyped = b.elem === 'float32' ? hot : b.op1('Cast', [hot], { to: 11 });
    pieces.push(b.op1('MatMul', [hotTyped, b.constant(fold, [C + 1, C])], {}, `${name}_cols`));
  }
  flushRun();
  if (numeric.length) batchRef = 'features';
  const x = pieces.length === 1 ? pieces[0]! : b.op1('Concat', pieces, { axis: 1 }, 'network_input');
  return { x, batchRef, inputs };
}
