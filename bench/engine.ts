/** Training throughput of the pure-TypeScript engine (one thread), for `npm run bench`. */
import { getBuiltinDataset } from '../src-engine/data/builtin/index.ts';
import type { Dataset } from '../src-engine/data/dataset.ts';
import { makeTrainConfig } from '../src-engine/train/config.ts';
import { SeededRng } from '../src-engine/tensor/rng.ts';
import { chainGraph } from '../src-engine/train/templates.ts';
import { Trainer } from '../src-engine/train/trainer.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** MLP 784-128-64-10, ReLU, softmax cross-entropy, Adam, batch 128: samples per second over one epoch of `rows`. */
export async function benchMlp(rows = 60_000, runs = 3): Promise<number> {
  const data = syntheticDigits(rows);
  const graph = chainGraph(
    784,
    [
      { units: 128, activation: 'relu' },
      { units: 64, activation: 'relu' },
    ],
    { units: 10, activation: 'softmax', loss: 'cce' },
  );
  const config = makeTrainConfig({ epochs: 1, batchSize: 128, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 });
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const done = await new Trainer({ graph, config, train: data, now: () => performance.now() }).runToEnd();
    rates.push(done.samplesPerSec);
  }
  return median(rates);
}

/** 2-8-8-1 tanh net, sigmoid output, binary cross-entropy, SGD, batch 10, 500 circle points: epochs per second. */
export async function benchTiny(epochs = 2000, runs = 5): Promise<number> {
  const data = getBuiltinDataset('circle', { n: 500, noise: 0.1 });
  const graph = chainGraph(
    2,
    [
      { units: 8, activation: 'tanh' },
      { units: 8, activation: 'tanh' },
    ],
    { units: 1, activation: 'sigmoid', loss: 'bce' },
  );
  const config = makeTrainConfig({ epochs, batchSize: 10, optimizer: { name: 'sgd', lr: 0.03 }, seed: 1 });
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const done = await new Trainer({ graph, config, train: data, now: () => performance.now() }).runToEnd();
    rates.push(done.epochs / (done.elapsedMs / 1000));
  }
  return median(rates);
}

/** Both engine benchmarks as table rows. */
export async function benchEngine(): Promise<BenchRow[]> {
  return [
    {
      name: 'TS engine: MLP 784-128-64-10, Adam, batch 128, 60k samples',
      value: await benchMlp(),
      unit: 'samples/s',
      target: '>= 5,000',
    },
    {
      name: 'TS engine: 2-8-8-1 tanh, BCE, SGD, batch 10, 500 circle points',
      value: await benchTiny(),
      unit: 'epochs/s',
      target: '>= 2,000',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchEngine())
    console.log(`${r.name}: ${Math.round(r.value).toLocaleString('en-US')} ${r.unit} (target ${r.target})`);
}
