/**
 * The training workloads the bench runs on every engine side by side (Netwright's TypeScript engine
 * and ONNX Runtime backend, PyTorch, TensorFlow.js, a naive loop): one record each, with the network,
 * the training settings and the data, so that every runner trains exactly the same thing. Add a
 * workload here (a LeNet-5 for convolutions, say) and every runner that can train it measures it.
 */
import { getBuiltinDataset } from '../src-engine/data/builtin/index.ts';
import type { Dataset } from '../src-engine/data/dataset.ts';
import type { GraphDoc } from '../src-engine/graph/document.ts';
import { makeTrainConfig, type TrainConfig } from '../src-engine/train/config.ts';
import { SeededRng } from '../src-engine/tensor/rng.ts';
import { chainGraph } from '../src-engine/train/templates.ts';

export interface Workload {
  id: string;
  /** Row label: network, optimizer, batch and data. */
  title: string;
  graph(): GraphDoc;
  /** Training settings of one measured run (its epochs). */
  config: TrainConfig;
  data(): Dataset;
  /** samples/s for big data (one epoch per run), epochs/s for tiny data (many epochs per run). */
  unit: 'samples/s' | 'epochs/s';
  /** Rows a slow runner (TypeScript engine, TensorFlow.js) trains per measured run; the rate is per sample. */
  slowRows?: number;
}

/** Seeded synthetic MNIST-sized data: 784 features in [0, 1), 10 one-hot classes tied to the features. */
export function syntheticDigits(rows: number, seed = 1): Dataset {
  const rng = new SeededRng(seed);
  const x = new Float32Array(rows * 784);
  const y = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) {
    const c = rng.int(10);
    y[r * 10 + c] = 1;
    for (let j = 0; j < 784; j++) x[r * 784 + j] = rng.uniform() * (j % 10 === c ? 1 : 0.5);
  }
  return {
    name: 'synthetic',
    x,
    y,
    rows,
    features: 784,
    targets: 10,
    task: 'multiclass',
    featureNames: Array.from({ length: 784 }, (_, i) => `p${i}`),
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

let digits: Dataset | null = null;
/** The 60,000 synthetic rows, made once (every runner trains on the same array). */
const sixtyThousand = (): Dataset => (digits ??= syntheticDigits(60_000));

/** MLP 784-128-64-10, ReLU, softmax cross-entropy. */
export const mlpGraph = (hidden: [number, number] = [128, 64]): GraphDoc =>
  chainGraph(
    784,
    hidden.map((units) => ({ units, activation: 'relu' as const })),
    { units: 10, activation: 'softmax', loss: 'cce' },
  );

/** 2-8-8-1 tanh, sigmoid output, binary cross-entropy. */
export const tinyGraph = (): GraphDoc =>
  chainGraph(
    2,
    [
      { units: 8, activation: 'tanh' },
      { units: 8, activation: 'tanh' },
    ],
    { units: 1, activation: 'sigmoid', loss: 'bce' },
  );

export const WORKLOADS: Workload[] = [
  {
    id: 'mlp',
    title: 'MLP 784-128-64-10, Adam, batch 128, 60,000 rows',
    graph: () => mlpGraph(),
    config: makeTrainConfig({ epochs: 1, batchSize: 128, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 }),
    data: sixtyThousand,
    unit: 'samples/s',
    slowRows: 12_800,
  },
  {
    id: 'tiny',
    title: '2-8-8-1 tanh, BCE, SGD, batch 10, 500 circle points',
    graph: tinyGraph,
    config: makeTrainConfig({ epochs: 200, batchSize: 10, optimizer: { name: 'sgd', lr: 0.03 }, seed: 1 }),
    data: () => getBuiltinDataset('circle', { n: 500, noise: 0.1 }),
    unit: 'epochs/s',
  },
];

/** Larger workloads for a GPU machine (`npm run bench -- gpu`): too slow to measure on 2 CPU cores. */
export const GPU_WORKLOADS: Workload[] = [
  {
    id: 'mlp-wide',
    title: 'MLP 784-1024-1024-10, Adam, batch 1024, 60,000 rows',
    graph: () => mlpGraph([1024, 1024]),
    config: makeTrainConfig({ epochs: 1, batchSize: 1024, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 }),
    data: sixtyThousand,
    unit: 'samples/s',
    slowRows: 4096,
  },
];

/** The rows a runner trains per measured run. */
export function rowsFor(w: Workload, slow: boolean): Dataset {
  const d = w.data();
  if (!slow || !w.slowRows || w.slowRows >= d.rows) return d;
  const n = w.slowRows;
  return { ...d, rows: n, x: d.x.subarray(0, n * d.features), y: d.y.subarray(0, n * d.targets) };
}
