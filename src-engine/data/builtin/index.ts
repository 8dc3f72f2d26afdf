/**
 * The registry of built-in datasets, kept as data: each entry names its parameters (with defaults and
 * bounds) and generates a `Dataset` from them deterministically.
 */
import type { Dataset, Task } from '../dataset.ts';
import {
  fromScratchXor,
  x1Blobs,
  x2ThreeFeatures,
  x3ThreeGaussians,
  x4LShape,
  x5Parabola,
  x5ParabolaTest,
} from './article.ts';
import { circle, gaussianBlobs, twoSpirals, xorQuadrants } from './classic.ts';
import { arange } from './make.ts';

export type BuiltinSource = 'from-scratch article' | 'visual article' | 'classic';

export interface BuiltinParam {
  name: string;
  /** 'int' values must be integers. */
  type: 'int' | 'number';
  default: number;
  min: number;
  max: number;
  description: string;
  /**
   * The Data panel's slider for it (TensorFlow Playground's points and noise sliders): a range inside
   * min … max that regenerates the data live; typing a value still reaches the whole range.
   */
  slider?: BuiltinSlider;
}

export interface BuiltinSlider {
  min: number;
  max: number;
  step: number;
}

/** The slider of a generated set's number of points. */
const POINTS_SLIDER: BuiltinSlider = { min: 20, max: 2000, step: 10 };

export type BuiltinParams = Record<string, number>;

/**
 * The plotting window of an article's decision-boundary figure: `plot_boundary(..., lims=[x0, x1, y0, y1])`
 * evaluates the model on `np.meshgrid(np.arange(x0, x1, (x1-x0)/steps), np.arange(y0, y1, (y1-y0)/steps))`.
 */
export interface EvaluationGrid {
  lims: [number, number, number, number];
  steps: number;
}

export interface BuiltinDatasetInfo {
  id: string;
  name: string;
  description: string;
  task: Task;
  source: BuiltinSource;
  /** Where in the source the recipe comes from (e.g. "Listing 17"). */
  reference?: string;
  params: BuiltinParam[];
  /** Generate with `params` (missing ones take their defaults; unknown or out-of-range ones throw). */
  generate(params?: Partial<BuiltinParams>): Dataset;
  /** The article's test set, when it defines one (X5_test). */
  generateTest?(params?: Partial<BuiltinParams>): Dataset;
  /** The article's decision-boundary grid, when it plots one. */
  evaluationGrid?: EvaluationGrid;
}

const seedParam = (def: number, what = 'np.random.seed value'): BuiltinParam => ({
  name: 'seed',
  type: 'int',
  default: def,
  min: 0,
  max: 0xffffffff,
  description: `Random seed (${what}).`,
});

const nParam = (def: number, min: number, max: number, description: string, slider?: BuiltinSlider): BuiltinParam => ({
  name: 'n',
  type: 'int',
  default: def,
  min,
  max,
  description,
  ...(slider ? { slider } : {}),
});

/** Gaussian noise on the coordinates, with a slider up to `sliderMax`. */
const noiseParam = (def: number, description: string, sliderMax = 1): BuiltinParam => ({
  name: 'noise',
  type: 'number',
  default: def,
  min: 0,
  max: 5,
  description,
  slider: { min: 0, max: sliderMax, step: 0.01 },
});

interface Entry extends Omit<BuiltinDatasetInfo, 'generate' | 'generateTest'> {
  run(p: BuiltinParams): Dataset;
  runTest?(p: BuiltinParams): Dataset;
}

const entries: Entry[] = [
  {
    id: 'from-scratch-xor',
    name: 'XOR table (from scratch)',
    description:
      'The 4-row table of "Neural network from scratch": inputs x1, x2 and a constant x3 = 1, target x1 XOR x2.',
    task: 'binary',
    source: 'from-scratch article',
    params: [],
    run: () => fromScratchXor(),
  },
  {
    id: 'x1-blobs',
    name: 'X1: two blobs',
    description:
      'Two standardised Gaussian clusters, 30 points, linearly separable (np.random.seed(3); randn; choice((0, 1)); shift class 1 by (-4, +4); StandardScaler).',
    task: 'binary',
    source: 'visual article',
    reference: 'Listing 1',
    params: [seedParam(3), nParam(30, 2, 100000, 'Number of points (n in the listing).')],
    evaluationGrid: { lims: [-2.3, 1.8, -1.9, 2.2], steps: 500 },
    run: (p) => x1Blobs(p.seed, p.n),
  },
  {
    id: 'x2-three-features',
    name: 'X2: two classes, three features',
    description:
      'Two standardised clusters in 3-D, separable by a plane. The article plots X2 without its code; this is an assumed recipe modelled on Listing 1 (randn(n, 3); class 1 shifted by (-4, +4, +4)).',
    task: 'binary',
    source: 'visual article',
    reference: 'Listings 9-11 (recipe assumed)',
    params: [seedParam(3), nParam(30, 2, 100000, 'Number of points.')],
    run: (p) => x2ThreeFeatures(p.seed, p.n),
  },
  {
    id: 'x3-three-gaussians',
    name: 'X3: three Gaussians',
    description:
      'Three standardised Gaussian blobs of 50 points (centres (2,1), (6,4), (2,6); std 0.4, 0.7, 0.5), classes "1", "2", "3".',
    task: 'multiclass',
    source: 'visual article',
    reference: 'Listing 13',
    params: [
      seedParam(0),
      { name: 'perClass', type: 'int', default: 50, min: 1, max: 100000, description: 'Points per class.' },
    ],
    evaluationGrid: { lims: [-2.2, 2.4, -2.5, 2.1], steps: 500 },
    run: (p) => x3ThreeGaussians(p.seed, p.perClass),
  },
  {
    id: 'x4-l-shape',
    name: 'X4: L-shape around a square',
    description:
      'Not linearly separable: class 1 is the L-shaped band x1 >= 3 or x2 >= 3 of [0,4]^2, class 0 the square [0,2.3]^2; two uniform draws of n points each, filtered, standardised.',
    task: 'binary',
    source: 'visual article',
    reference: 'Listing 17',
    params: [seedParam(0), nParam(1550, 10, 1000000, 'Points drawn per class before filtering (n in the listing).')],
    evaluationGrid: { lims: [-2, 2, -2, 2], steps: 500 },
    run: (p) => x4LShape(p.seed, p.n),
  },
  {
    id: 'x5-parabola',
    name: 'X5: parabola (regression)',
    description:
      'y = -(x - 0.5)^2 + 0.25 on 100 evenly spaced x in [0, 1], no noise; test set: the same curve on 1000 points (X5_test).',
    task: 'regression',
    source: 'visual article',
    reference: 'Listings 25, 27, 29',
    params: [
      nParam(100, 2, 1000000, 'Number of points (num_points in the listing).'),
      {
        name: 'testN',
        type: 'int',
        default: 1000,
        min: 2,
        max: 1000000,
        description: 'Points in the test grid (X5_test).',
      },
    ],
    run: (p) => x5Parabola(p.n),
    runTest: (p) => x5ParabolaTest(p.testN),
  },
  {
    id: 'circle',
    name: 'Circle',
    description: 'A disc (radius < 0.5) inside a ring (0.7 to 1.0); Gaussian noise on the coordinates.',
    task: 'binary',
    source: 'classic',
    params: [
      nParam(200, 2, 1000000, 'Number of points.', POINTS_SLIDER),
      noiseParam(0.1, 'Standard deviation of the Gaussian noise added to x1, x2.'),
      seedParam(0, 'NumPy RandomState seed'),
    ],
    run: (p) => circle(p.n, p.noise, p.seed),
  },
  {
    id: 'xor-quadrants',
    name: 'XOR quadrants',
    description:
      'Uniform points in [-1, 1]^2; class 1 where x1 and x2 have opposite signs. Gaussian noise on the coordinates.',
    task: 'binary',
    source: 'classic',
    params: [
      nParam(200, 2, 1000000, 'Number of points.', POINTS_SLIDER),
      noiseParam(0.1, 'Standard deviation of the Gaussian noise added to x1, x2.'),
      seedParam(0, 'NumPy RandomState seed'),
    ],
    run: (p) => xorQuadrants(p.n, p.noise, p.seed),
  },
  {
    id: 'two-spirals',
    name: 'Two spirals',
    description: 'Two interleaved spiral arms of the given radius; Gaussian noise on the coordinates.',
    task: 'binary',
    source: 'classic',
    params: [
      nParam(300, 2, 1000000, 'Number of points.', POINTS_SLIDER),
      noiseParam(0.05, 'Standard deviation of the Gaussian noise added to x1, x2.'),
      { name: 'turns', type: 'number', default: 1.5, min: 0.25, max: 5, description: 'Turns of each arm.' },
      seedParam(0, 'NumPy RandomState seed'),
      {
        name: 'radius',
        type: 'number',
        default: 1,
        min: 0.1,
        max: 100,
        description: "Radius of the arms' ends (TensorFlow Playground's spirals reach about 5).",
      },
    ],
    run: (p) => twoSpirals(p.n, p.noise, p.turns, p.seed, p.radius),
  },
  {
    id: 'gaussian-blobs',
    name: 'Gaussian blobs',
    description: 'k Gaussian clusters with centres evenly spaced on a circle of radius 3.',
    task: 'multiclass',
    source: 'classic',
    params: [
      nParam(300, 2, 1000000, 'Number of points.', POINTS_SLIDER),
      { name: 'k', type: 'int', default: 3, min: 2, max: 10, description: 'Number of classes.' },
      noiseParam(0.75, 'Standard deviation of each cluster (centres are 3 from the origin).', 3),
      seedParam(0, 'NumPy RandomState seed'),
    ],
    run: (p) => gaussianBlobs(p.n, p.k, p.noise, p.seed),
  },
];

/** Check and complete `params` for `info`; throws naming the dataset id and the offending parameter. */
export function resolveBuiltinParams(
  info: Pick<BuiltinDatasetInfo, 'id' | 'params'>,
  params?: Partial<BuiltinParams>,
): BuiltinParams {
  const out: BuiltinParams = {};
  const known = new Set(info.params.map((p) => p.name));
  if (params !== undefined && (params === null || typeof params !== 'object')) {
    throw new TypeError(`Built-in dataset "${info.id}": params must be an object`);
  }
  for (const key of Object.keys(params ?? {})) {
    if (!known.has(key)) {
      const list = info.params.length ? info.params.map((p) => p.name).join(', ') : 'none';
      throw new RangeError(`Built-in dataset "${info.id}" has no parameter "${key}" (parameters: ${list})`);
    }
  }
  for (const spec of info.params) {
    const given = params?.[spec.name];
    if (given === undefined) {
      out[spec.name] = spec.default;
      continue;
    }
    if (typeof given !== 'number' || !Number.isFinite(given)) {
      throw new RangeError(
        `Built-in dataset "${info.id}": parameter "${spec.name}" must be a finite number (got ${String(given)})`,
      );
    }
    if (spec.type === 'int' && !Number.isInteger(given)) {
      throw new RangeError(`Built-in dataset "${info.id}": parameter "${spec.name}" must be an integer (got ${given})`);
    }
    if (given < spec.min || given > spec.max) {
      throw new RangeError(
        `Built-in dataset "${info.id}": parameter "${spec.name}" must be between ${spec.min} and ${spec.max} (got ${given})`,
      );
    }
    out[spec.name] = given;
  }
  return out;
}

export const builtinDatasets: BuiltinDatasetInfo[] = entries.map((e) => {
  const { run, runTest, ...meta } = e;
  const info: BuiltinDatasetInfo = {
    ...meta,
    generate: (params) => run(resolveBuiltinParams(meta, params)),
  };
  if (runTest) info.generateTest = (params) => runTest(resolveBuiltinParams(meta, params));
  return info;
});

/** The registry entry for `id`; throws for an unknown id (listing the known ones). */
export function getBuiltinDatasetInfo(id: string): BuiltinDatasetInfo {
  const info = builtinDatasets.find((d) => d.id === id);
  if (!info) {
    throw new RangeError(`Unknown built-in dataset "${id}" (known: ${builtinDatasets.map((d) => d.id).join(', ')})`);
  }
  return info;
}

/** Generate built-in dataset `id` with `params` (defaults for missing ones). */
export function getBuiltinDataset(id: string, params?: Partial<BuiltinParams>): Dataset {
  return getBuiltinDatasetInfo(id).generate(params);
}

/** The test set of built-in dataset `id`; throws if the source defines none. */
export function getBuiltinTestDataset(id: string, params?: Partial<BuiltinParams>): Dataset {
  const info = getBuiltinDatasetInfo(id);
  if (!info.generateTest) throw new RangeError(`Built-in dataset "${id}" has no test set`);
  return info.generateTest(params);
}

/**
 * The points of an evaluation grid in `np.vstack((gx1.flatten(), gx2.flatten())).T` order (x1 varies
 * fastest), as float32 rows of 2, with the axis lengths.
 */
export function evaluationGridPoints(grid: EvaluationGrid): { x: Float32Array; nx: number; ny: number } {
  const [x0, x1, y0, y1] = grid.lims;
  const ax = arange(x0, x1, (x1 - x0) / grid.steps);
  const ay = arange(y0, y1, (y1 - y0) / grid.steps);
  const x = new Float32Array(ax.length * ay.length * 2);
  let o = 0;
  for (let j = 0; j < ay.length; j++) {
    for (let i = 0; i < ax.length; i++) {
      x[o++] = ax[i]!;
      x[o++] = ay[j]!;
    }
  }
  return { x, nx: ax.length, ny: ay.length };
}

export { NumpyRandomState } from './numpy-random.ts';
export { fitStandardScaler, applyStandardScaler, standardScaleInPlace } from './scaler.ts';
