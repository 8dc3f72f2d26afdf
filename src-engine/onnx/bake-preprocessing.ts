/**
 * The fitted preprocessing as the first nodes of a deployment model, so that it takes raw values:
 * - input `features` [N, numeric columns]: numeric and boolean (0/1) columns in their original
 *   units, NaN for missing; imputed with the fitted values, then `(x - offset) * scale`;
 * - one string input [N, 1] per categorical column: one-hot over the fitted categories with
 *   ai.onnx.ml OneHotEncoder (unseen values give all zeros; '' means missing and takes the fitted
 *   imputation when there is one, like applyPreprocessing).
 * The pieces are concatenated in the network's feature order.
 *
 * Image models take their pixels as one input `image` [N, C, H, W] instead (raw values, the same
 * order as the features), so the graph stays 4-D from its input to its first convolution.
 */
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphBuilder } from './builder.ts';

/** How callers feed a deployment model: one entry per model input. */
export type ModelInputSpec =
  /** `shape`: the per-row shape of an image input ([C, H, W]); absent for a [N, columns] matrix. */
  | { name: string; kind: 'numeric'; columns: string[]; shape?: number[] }
  | { name: string; kind: 'categorical'; column: string; categories: string[] };

export interface BakedInputs {
  /** The network's input value [N, F] (or [N, C, H, W]). */
  x: string;
  /** A model input whose first dimension is N. */
  batchRef: string;
  inputs: ModelInputSpec[];
}

/** The doc string and dims of the numeric input: a matrix of columns, or images. */
function numericInput(
  columns: string[],
  image: readonly number[] | null,
): { name: string; dims: (string | number)[]; doc: string } {
  if (image)
    return {
      name: 'image',
      dims: ['N', ...image],
      doc: `Pixel values of ${image.join(' × ')} images (channels, rows, columns), as in the training files`,
    };
  return {
    name: 'features',
    dims: ['N', columns.length],
    doc: `Raw values of ${columns.join(', ')} (NaN when missing; booleans as 0/1)`,
  };
}

/** The model input of a network without preprocessing: features [N, F], or images [N, C, H, W]. */
export function plainInput(b: GraphBuilder, sample: readonly number[]): BakedInputs {
  const F = sample.reduce((a, c) => a * c, 1);
  const columns = Array.from({ length: F }, (_, i) => `x${i}`);
  const image = sample.length > 1 ? sample : null;
  const inp = numericInput(columns, image);
  const x = b.input(inp.name, inp.dims, b.elem, image ? inp.doc : 'Feature values, in the order of feature_names');
  return {
    x,
    batchRef: x,
    inputs: [{ name: x, kind: 'numeric', columns, ...(image ? { shape: [...image] } : {}) }],
  };
}

/**
 * Declare the model inputs for `pre` and return the network input computed from them; `sample` is
 * the network's per-sample input shape (an image takes one 4-D input).
 */
export function bakePreprocessing(b: GraphBuilder, pre: Preprocessing, sample: readonly number[] = []): BakedInputs {
  const numeric = pre.inputs.filter((t) => t.kind !== 'categorical');
  const image = sample.length > 1 ? sample : null;
  if (image && numeric.length !== pre.inputs.length)
    throw new Error('An image input cannot take categorical columns; prepare the image data without them.');
  const inputs: ModelInputSpec[] = [];
  let scaled: string | null = null;
  if (numeric.length) {
    const w = numeric.length;
    const columns = numeric.map((t) => t.column);
    const inp = numericInput(columns, image);
    const raw = b.input(inp.name, inp.dims, b.elem, inp.doc);
    inputs.push({ name: inp.name, kind: 'numeric', columns, ...(image ? { shape: [...image] } : {}) });
    const impute = numeric.map((t) => t.impute);
    const offset = numeric.map((t) => (t.kind === 'numeric' ? t.offset : 0));
    const scale = numeric.map((t) => (t.kind === 'numeric' ? t.scale : 1));
    const dims = image ? [1, ...image] : [1, w];
    const filled = b.op1('Where', [b.op1('IsNaN', [raw]), b.constant(impute, dims), raw], {}, 'imputed');
    scaled = b.op1(
      'Mul',
      [b.op1('Sub', [filled, b.constant(offset, dims)], {}, 'centred'), b.constant(scale, dims)],
      {},
      'scaled',
    );
    if (image) return { x: scaled, batchRef: raw, inputs };
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
