/**
 * Calibration of the 'auto' backend (`npm run bench`, or `npx tsx bench/backend-crossover.ts`): for
 * chains of Dense layers from tiny to MNIST-sized, one training step's time on the TypeScript engine
 * and on ONNX Runtime (CPU, K mini-batches per run as the Trainer groups them), beside the estimate of the cost
 * model in src-engine/train/backend-choice.ts, and whether 'auto' picks the faster one. Medians of
 * alternated runs; when a row says auto picked the slower backend, refit STEP_COST from these rows.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Dataset } from '../src-engine/data/dataset.ts';
import { CompiledModel } from '../src-engine/model/compile.ts';
import { createOrtBackend } from '../src-engine/node/ort/index.ts';
import { SeededRng } from '../src-engine/tensor/rng.ts';
import { chooseBackend, stepCost, stepWork } from '../src-engine/train/backend-choice.ts';
import { makeTrainConfig } from '../src-engine/train/config.ts';
import { chainGraph } from '../src-engine/train/templates.ts';
import { TsBackend } from '../src-engine/train/ts-backend.ts';
import { initWeights } from '../src-engine/model/compile.ts';
import { median } from './runners/runner.ts';
import type { BenchRow } from './table.ts';

interface Net {
  sizes: number[];
  batch: number;
}

const NETS: Net[] = [
  { sizes: [2, 8, 8, 1], batch: 10 },
  { sizes: [4, 16, 3], batch: 32 },
  { sizes: [20, 64, 64, 5], batch: 32 },
  { sizes: [64, 128, 10], batch: 64 },
  { sizes: [784, 32, 10], batch: 64 },
  { sizes: [784, 128, 64, 10], batch: 128 },
];

function data(sizes: number[], rows: number): Dataset {
  const rng = new SeededRng(3);
  const f = sizes[0]!;
  const t = sizes.at(-1)!;
  const x = Float32Array.from({ length: rows * f }, () => rng.uniform());
  const y = new Float32Array(rows * t);
  for (let r = 0; r < rows; r++) y[r * t + (t === 1 ? 0 : rng.int(t))] = t === 1 ? rng.int(2) : 1;
  return {
    name: 'random',
    x,
    y,
    rows,
    features: f,
    targets: t,
    task: t === 1 ? 'binary' : 'multiclass',
    featureNames: Array.from({ length: f }, (_, i) => `x${i}`),
    classNames: t === 1 ? ['0', '1'] : Array.from({ length: t }, (_, i) => String(i)),
  };
}

const fmt = (sizes: number[]) => sizes.join('-');

export async function benchCrossover(rounds = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [
    {
      name: `crossover: load before ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
      value: NaN,
      unit: '',
    },
  ];
  for (const net of NETS) {
    const graph = chainGraph(
      net.sizes[0]!,
      net.sizes.slice(1, -1).map((units) => ({ units, activation: 'relu' as const })),
      net.sizes.at(-1) === 1
        ? { units: 1, activation: 'sigmoid', loss: 'bce' }
        : { units: net.sizes.at(-1)!, activation: 'softmax', loss: 'cce' },
    );
    const model = new CompiledModel(graph);
    const config = makeTrainConfig({
      epochs: 1,
      batchSize: net.batch,
      optimizer: { name: 'adam', lr: 0.001 },
      seed: 1,
    });
    const work = stepWork(model.training(config), net.batch);
    const est = stepCost(work);
    const ts = new TsBackend(model, config, initWeights(model.forward.params, new SeededRng(1)), new SeededRng(2));
    const ort = await createOrtBackend({ graph: model, config });
    const K = ort.stepsPerRun ?? 1;
    const train = data(net.sizes, K * net.batch);
    const lr = new Array<number>(K).fill(0.001);
    let t = 1;
    // One measured run: `reps` steps on each backend (ONNX Runtime: reps / K runs of K steps).
    const timeTs = async (reps: number) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) {
        const k = (i % K) * net.batch;
        await ts.step(train.x.subarray(k * train.features), train.y.subarray(k * train.targets), net.batch, 0.001, t++);
      }
      return ((performance.now() - t0) * 1000) / reps;
    };
    const timeOrt = async (reps: number) => {
      const runs = Math.max(1, Math.round(reps / K));
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) await ort.stepMany(train.x, train.y, net.batch, K, lr, (t += K));
      return ((performance.now() - t0) * 1000) / (runs * K);
    };
    // Warm up for 300 ms each (code generation, V8's optimizing compiler, session planning: the first
    // thousand steps of a tiny net run 10-100× slower), then about 30 ms a measured run.
    const warm = async (time: (reps: number) => Promise<number>) => {
      let per = 0;
      for (const t0 = performance.now(); performance.now() - t0 < 300;) per = await time(8 * K);
      return per;
    };
    const reps = Math.max(2 * K, Math.min(5000, Math.round(30_000 / Math.max(1, await warm(timeTs)))));
    await warm(timeOrt);
    const tsRuns: number[] = [];
    const ortRuns: number[] = [];
    for (let r = 0; r < rounds; r++) {
      tsRuns.push(await timeTs(reps));
      ortRuns.push(await timeOrt(reps));
    }
    await ort.dispose();
    const tsMedian = median(tsRuns);
    const o = median(ortRuns);
    // The choice for a long run (setup amortized), to compare with the measured per-step winner.
    const choice = chooseBackend({
      model,
      config: { ...config, epochs: 1000 },
      rows: 100 * net.batch,
      ortAvailable: true,
    }).backend;
    const faster = tsMedian <= o ? 'ts' : 'ort';
    const label = `crossover ${fmt(net.sizes)} batch ${net.batch} (${Math.round(work.macs / 1e3)} k MAC/step)`;
    rows.push({ name: `${label}: TS engine (estimate ${Math.round(est.ts)})`, value: tsMedian, unit: 'µs/step' });
    rows.push({
      name: `${label}: ONNX Runtime (estimate ${Math.round(est.ort)})`,
      value: o,
      unit: 'µs/step',
      ratio: `${(tsMedian / o).toFixed(2)}× TS`,
      target: choice === faster ? `auto: ${choice} ✓` : `auto: ${choice} ✗`,
    });
  }
  rows.push({ name: `crossover: load after ${loadavg()[0]!.toFixed(1)}`, value: NaN, unit: '' });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./table.ts');
  console.log(formatTable(await benchCrossover()));
}
