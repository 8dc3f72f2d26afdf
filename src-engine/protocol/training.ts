/**
 * The training half of the Api's messages: what the page sends to start a run (data choice,
 * preprocessing) and the plain-JSON shapes the engine streams back (epoch points, views).
 * Typed arrays do not survive JSON, so every view here is made of plain number arrays.
 */

import type { ColumnType } from '../data/columns.ts';
import type { Delimiter } from '../data/csv-sniff.ts';
import type { PixelScaling } from '../data/preprocess.ts';
// How gradients flow (the lab's flow chart) is defined where it is measured.
import type { FlowView } from '../lab/flow.ts';

export type { ColumnType, Delimiter, FlowView, PixelScaling };
/** Column types a user can choose for a column (see data/columns.ts). */
export const COLUMN_TYPES = ['numeric', 'categorical', 'boolean', 'text'] as const satisfies readonly ColumnType[];
/** Field delimiters a CSV can be read with; null: sniffed from the first lines. */
export const DELIMITERS = [',', ';', '\t'] as const satisfies readonly Delimiter[];

/** How the engine reads an uploaded file (besides its format, which it detects). */
export interface OpenOptions {
  /** IDX images: the upload holding their labels file (picked with them). */
  labelsUploadId?: string | null;
  /** CSV: the field delimiter; null or absent: sniffed. */
  delimiter?: Delimiter | null;
  /** CSV: columns read as text although their cells look numeric (a bad cell then stays a category). */
  textColumns?: string[];
}

/** A built-in dataset as the data panel lists it. */
export interface BuiltinDatasetItem {
  id: string;
  name: string;
  description: string;
  task: 'binary' | 'multiclass' | 'regression';
  params: {
    name: string;
    type: string;
    default: number;
    min?: number;
    max?: number;
    description: string;
    /** The Data panel's slider range (regenerates the data live); absent: a typed field only. */
    slider?: { min: number; max: number; step: number };
  }[];
}

/** An execution provider (ONNX Runtime) and whether it can train here. */
export interface ProviderInfo {
  ep: string;
  usable: boolean;
  reason: string;
}

/** How an uploaded table becomes training data. */
export interface PrepareChoice {
  target: string;
  /** Column types chosen by the user over the inferred ones (a numeric code read as categories, say). */
  columnTypes?: Record<string, ColumnType>;
  /** Feature columns; null: every other usable column. */
  features: string[] | null;
  scaling: 'standard' | 'minmax' | 'none';
  /** Images (IDX, image folders): pixels ÷255 ('unit', the default) or standardised per channel, instead of `scaling`. */
  pixels?: PixelScaling;
  missing: 'drop' | 'impute' | 'refuse';
  validation: number;
  test: number;
}

/** The data a run trains on: a built-in dataset, or a file opened with openData. */
export type DataChoice =
  | { kind: 'builtin'; id: string; params: Record<string, number> }
  | ({ kind: 'upload'; dataId: string } & PrepareChoice);

/** Features and targets of prepared data. */
export interface DataShape {
  features: number;
  targets: number;
  task: 'binary' | 'multiclass' | 'regression';
  classNames: string[] | null;
  rows: number;
  summary: string;
  /** [channels, height, width] when every row is an image (what an image Input takes); null otherwise. */
  sampleShape: [number, number, number] | null;
}

/** One finished epoch's metrics (defined with the training session). */
export type { EpochPoint } from '../train/session.ts';

/** A decision grid over two input features, flattened for JSON (row-major, x fastest). */
export interface GridView {
  features: [number, number];
  featureNames: [string, string];
  /** Every input feature's name, for choosing the slice's axes. */
  allFeatures: string[];
  bounds: [number, number, number, number];
  nx: number;
  ny: number;
  task: 'binary' | 'multiclass' | 'regression';
  /** Class names in class order (classifiers), for the legend. */
  classNames?: string[];
  /** Regression: the output's range over the window (intensity 0 and 1). */
  range?: [number, number];
  predicted: number[];
  intensity: number[];
  /** 0.5 contour (binary) or class boundaries (multiclass): polylines x0, y0, x1, y1, … */
  contours: number[][];
  /** Single-layer classifiers: weight vectors normal to the boundaries, from..to in plane coordinates. */
  arrows: { from: [number, number]; to: [number, number]; label: string }[];
  sliced: boolean;
  /** The output is piecewise constant (step activations): the contours' crossings were found on the model, not interpolated. */
  stepwise?: boolean;
}

/** Which part of the data a row number counts in. */
export type SampleSplit = 'train' | 'validation' | 'test';

/** Data points on the plane (training and test marked apart). */
export interface PointsView {
  x: number[];
  y: number[];
  label: number[];
  test: boolean[];
  /** Each point's row in its part of the data (the training rows, or the held-out rows), to trace it. */
  rows?: number[];
  /** Which rows the held-out points (test: true) are: the test rows, else the validation rows. */
  heldOut?: SampleSplit;
}

/** Points in a 3-D space (hidden layer or three input features) with separating planes as quads. */
export interface SpaceView {
  title: string;
  /** The layer shown (null: the input features) and how its units map to three axes. */
  nodeId: string | null;
  method: 'exact' | 'first3' | 'pca';
  /** Layers that can be shown, with their widths. */
  layers: { nodeId: string; units: number }[];
  axisNames: [string, string, string];
  points: number[];
  labels: number[];
  /** Each plane as its corner polygon inside the box (x, y, z triples). */
  planes: number[][];
  box: { min: [number, number, number]; max: [number, number, number] };
}

/** Regression: the data and the prediction curve, and per-unit contributions for one hidden layer. */
export interface CurveView {
  /** The feature on the x axis (its index; the others held at their means) and every feature's name, for choosing it. */
  feature: number;
  features: string[];
  /** The x axis feature's name and the predicted target's name. */
  xName: string;
  yName: string;
  x: number[];
  y: number[];
  curveX: number[];
  curveY: number[];
  units: { activation: number[]; contribution: number[] }[] | null;
  bias: number | null;
  /** The output before its activation: the bias plus every unit's contribution. */
  sum: number[] | null;
}

/** Many inputs: the rows in a layer's activations (or the inputs) on their two leading principal axes, by class. */
export interface ProjectionView {
  /** The layer projected (null: the inputs) and the layers that can be chosen, with their widths. */
  nodeId: string | null;
  layers: { nodeId: string; units: number }[];
  /** Width of what is projected and of the input. */
  units: number;
  inputs: number;
  /** Share of the variance along PC1 and PC2. */
  explained: [number, number];
  x: number[];
  y: number[];
  /** True and predicted class per point, and the class names. */
  label: number[];
  predicted: number[];
  classNames: string[];
  /** Which rows are shown ('training rows'). */
  on: string;
}

/** Per-unit heatmaps over the input plane and the links of the network, styled by weight. */
export interface NetworkView {
  nx: number;
  ny: number;
  units: { nodeId: string; unit: number; values: number[]; min: number; max: number }[];
  links: { from: string; to: string; fromUnit: number; toUnit: number; weight: number; width: number; sign: number }[];
}

/** Evaluation on held-out (or training) rows. */
export interface EvaluationView {
  on: string;
  classes: string[] | null;
  matrix: number[][] | null;
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[] | null;
  accuracy: number | null;
  rows: { inputs: number[]; target: string; predicted: string; correct: boolean | null }[];
  inputNames: string[];
  /** Regression only: errors per part of the data and the predicted-versus-actual scatter. */
  regression?: RegressionView;
}

/** Regression errors (in the target's own units) and predicted against actual values. */
export interface RegressionView {
  /** The target column's name. */
  target: string;
  metrics: {
    on: 'training' | 'validation' | 'test';
    rows: number;
    mse: number;
    rmse: number;
    mae: number;
    r2: number | null;
  }[];
  /** Which part the scatter shows (test rows when there are any). */
  scatterOn: 'training' | 'validation' | 'test';
  actual: number[];
  predicted: number[];
}

/** One small image for the page: c channels of h × w values (row-major, channel after channel) and their range. */
export interface ImageTileView {
  c: number;
  h: number;
  w: number;
  values: number[];
  min: number;
  max: number;
}

/** Views of a model with an image input. */
export interface ImageViews {
  /** Which rows the sample and the mistakes come from ('test rows' or 'training rows'). */
  on: string;
  /** The same as a part of the data, to trace a sample. */
  split?: SampleSplit;
  classes: string[] | null;
  /** Each convolution's filters: `rows` filters of `cols` tiles (one per input channel, or one RGB tile). */
  filters: {
    nodeId: string;
    label: string;
    filters: number;
    channels: number;
    kernel: [number, number];
    rows: number;
    cols: number;
    tiles: ImageTileView[];
  }[];
  /** The chosen sample, the model's answer for it, and its saliency (|d predicted logit / d pixel|). */
  sample: {
    row: number;
    rows: number;
    actual: string;
    predicted: string;
    output: number[];
    image: ImageTileView;
    saliency: ImageTileView;
  };
  /** What each layer with an image output makes of the sample (the input first), up to 16 channels. */
  featureMaps: { nodeId: string; label: string; shape: [number, number, number]; tiles: ImageTileView[] }[];
  /** Misclassified rows (the first 24) and how many of how many are wrong; with the evaluation. */
  misclassified?: {
    wrong: number;
    of: number;
    rows: { row: number; actual: string; predicted: string; image: ImageTileView }[];
  };
}

/** The user's choices for the views (each optional: what is not given stays as it was). */
export interface ViewChoice {
  features?: [number, number];
  space?: { nodeId: string; method: 'exact' | 'first3' | 'pca' };
  sample?: number;
  /** The feature on the regression curve's x axis. */
  curveFeature?: number;
  /** The projection's layer (null: the inputs). */
  projection?: { nodeId: string | null };
}

/** Everything the engine streams for the plots; absent parts do not apply to the model. */
export interface TrainingViews {
  epoch: number;
  grid?: GridView;
  points?: PointsView;
  space?: SpaceView;
  curve?: CurveView;
  network?: NetworkView;
  evaluation?: EvaluationView;
  flow?: FlowView;
  images?: ImageViews;
  projection?: ProjectionView;
}

export type { StepTrace, TracedNode, TracedParam, TracedTensor } from '../lab/step.ts';

export const EXPORT_FORMATS = [
  'onnx',
  'onnx-train',
  'weights-json',
  'pytorch',
  'pytorch-train',
  'metrics-csv',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportResult =
  | { status: 'saved'; fileName: string }
  | { status: 'canceled' }
  /** Browser host: the file's bytes for the page to download. */
  | { status: 'download'; fileName: string; base64: string; mime: string };
export { OPTIMIZERS } from '../train/config.ts';
